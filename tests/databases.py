"""The databases the handover tests run on: SQLite (the embedded default) and this machine's PostgreSQL.

`make test` uses PostgreSQL at HAVN_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database `test`, trust auth);
each test gets a fresh database of its own, dropped afterwards. When the server is unreachable the tests
fail and say so; set HAVN_TEST_POSTGRES_URL to an empty value to skip them on purpose.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

POSTGRES_URL = os.environ.get("HAVN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def throwaway_database(admin: asyncpg.Connection, prefix: str) -> AsyncIterator[str]:
    """A new, empty database on `admin`'s server, dropped afterwards; yields its SQLAlchemy URL (asyncpg driver)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test; yields its SQLAlchemy URL (asyncpg driver)."""
    if not POSTGRES_URL:
        pytest.skip("HAVN_TEST_POSTGRES_URL is empty: PostgreSQL tests skipped on purpose")
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable ({error}). Start it, point "
                    f"HAVN_TEST_POSTGRES_URL at one, or set HAVN_TEST_POSTGRES_URL= to skip these tests.")
    try:
        async with throwaway_database(admin, "havn_test") as url:
            yield url
    finally:
        await admin.close()


@asynccontextmanager
async def database_url(kind: str, sqlite_url: str) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield sqlite_url
    else:
        async with fresh_postgres() as url:
            yield url
