"""Web chat sessions' table on SQLite and PostgreSQL: the same refusals on both, and requests at the same moment
(a message and a poll, a message and a Delete) neither fail nor bring an ended session back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.channels.webchat_sessions import WebSessions
from core.clock import FakeClock
from core.db import create_engine, migrate_async
from core.errors import Unauthenticated
from core.pseudonym import Pseudonymizer
from tests.databases import database_url

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[WebSessions]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        keys = Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),))
        engine = create_engine(url, keys)
        try:
            yield WebSessions(engine, keys, timedelta(hours=4), timedelta(hours=24), clock=FakeClock(START))
        finally:
            await engine.dispose()


def clock(sessions: WebSessions) -> FakeClock:
    assert isinstance(sessions._clock, FakeClock)
    return sessions._clock


async def rows(sessions: WebSessions) -> list[tuple[object, ...]]:
    async with sessions._engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text("SELECT ended FROM webchat_session"))]


async def test_idle_old_and_ended_are_refused(sessions: WebSessions) -> None:
    token = sessions.issue()
    session = await sessions.open(token)
    await sessions.used(session, wrote=True)
    clock(sessions).advance(timedelta(hours=3))
    await sessions.used(await sessions.open(token), wrote=False)  # a poll keeps it alive
    clock(sessions).advance(timedelta(hours=3))
    session = await sessions.open(token)
    clock(sessions).advance(timedelta(hours=4, seconds=1))
    with pytest.raises(Unauthenticated):
        await sessions.open(token)  # idle
    erasing = await sessions.open(token, erasing=True)  # may still delete
    await sessions.end(erasing)
    with pytest.raises(Unauthenticated):
        await sessions.open(token, erasing=True)  # ended: refused for everything
    other = sessions.issue()
    for _ in range(12):
        await sessions.used(await sessions.open(other), wrote=True)
        clock(sessions).advance(timedelta(hours=2))
    clock(sessions).advance(timedelta(minutes=1))
    with pytest.raises(Unauthenticated):
        await sessions.open(other)  # 24 hours old


async def test_requests_at_the_same_moment_neither_fail_nor_revive_an_ended_session(sessions: WebSessions) -> None:
    token = sessions.issue()
    session = await sessions.open(token)
    await asyncio.gather(*(sessions.used(session, wrote=True) for _ in range(8)))  # one row, no IntegrityError
    assert await rows(sessions) == [(False,)]
    await asyncio.gather(sessions.end(session), *(sessions.used(session, wrote=True) for _ in range(8)))
    await sessions.used(session, wrote=True)  # a message that was already under way when Delete came
    assert await rows(sessions) == [(True,)]
    with pytest.raises(Unauthenticated):
        await sessions.open(token)
    fresh = await sessions.open(sessions.issue())
    await asyncio.gather(*(sessions.end(fresh) for _ in range(4)))  # Delete pressed twice, never written
    assert sorted(await rows(sessions)) == [(True,), (True,)]
