"""The real Rasa server and action server, trained and started once for the whole test session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot import services
from core.config import Settings
from tests.conftest import AppClient, make_settings, start_app
from tests.harness import RasaStack, stack_settings


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    services.train(quiet=True)
    folder = tmp_path_factory.mktemp("rasa")
    stack = RasaStack(stack_settings(folder), folder)
    stack.start("actions")
    stack.start("rasa")
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.stop_all()


def app_settings(stack: RasaStack, folder: Path, **overrides: str) -> Settings:
    """The app's own settings (its own database) pointing at the shared Rasa stack."""
    return make_settings(folder, HAVN_RASA_URL=stack.settings.rasa_url,
                         HAVN_ACTION_SERVER_URL=stack.settings.action_server_url,
                         HAVN_ENCRYPTION_KEYS=",".join(stack.settings.encryption_keys), **overrides)


@pytest.fixture
async def rasa_app(rasa_stack: RasaStack, tmp_path: Path) -> AsyncIterator[AppClient]:
    async for client in start_app(app_settings(rasa_stack, tmp_path)):
        yield client
