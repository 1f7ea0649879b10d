"""The app the console API tests share: each test runs once on SQLite and once on a fresh PostgreSQL database.
A test module that needs other settings defines its own `client` (tests/api/test_reports.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import AppClient, isolated_settings, start_app
from tests.databases import database_url


@pytest.fixture(params=["sqlite", "postgresql"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppClient]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async for app_client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=url)):
            yield app_client
