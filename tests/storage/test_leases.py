"""Periodic jobs on one instance at a time (core/leases.py), and Telegram update ids noted once
(bot/channels/telegram_updates.py), on SQLite and PostgreSQL: several instances share one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.telegram_updates import SeenUpdates
from core.clock import FakeClock
from core.db import create_engine, migrate_async
from core.leases import Leases
from tests.databases import database_url

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TTL = 0.3  # seconds: the tests' instances try or renew every 0.1 s


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        engine = create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


async def test_one_holder_until_it_gives_back_or_its_lease_expires(engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    first, second = (Leases(engine, ttl=60, clock=clock) for _ in range(2))
    assert first.holder != second.holder
    assert await first.take("sweep")
    assert not await second.take("sweep")
    assert await first.take("sweep")  # renewed
    assert await second.take("retention")  # another job, another lease
    clock.advance(timedelta(seconds=59))
    assert not await second.take("sweep")  # renewed a minute ago: still the first's
    clock.advance(timedelta(seconds=2))
    assert await second.take("sweep")  # the first died: its lease expired
    assert not await first.take("sweep")
    await second.give_back("sweep")
    assert await first.take("sweep")  # given back: taken at once


async def test_many_instances_at_the_same_moment_one_takes_the_lease(engine: AsyncEngine) -> None:
    instances = [Leases(engine, ttl=60, clock=FakeClock(START)) for _ in range(12)]
    taken = await asyncio.gather(*(leases.take("sweep") for leases in instances))
    assert taken.count(True) == 1


async def test_a_job_runs_on_one_instance_and_another_takes_over_when_it_stops(engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    runs: list[str] = []
    ran = asyncio.Condition()

    def job(leases: Leases):  # type: ignore[no-untyped-def]
        async def work() -> None:
            async with ran:
                runs.append(leases.holder)
                ran.notify_all()
        return work

    first, second = Leases(engine, ttl=TTL, clock=clock), Leases(engine, ttl=TTL, clock=clock)
    assert await first.take("sweep")  # the first instance came up first
    tasks = {leases.holder: asyncio.create_task(leases.run("sweep", 0.01, job(leases), at_start=True))
             for leases in (first, second)}
    async with ran:
        await asyncio.wait_for(ran.wait_for(lambda: len(runs) >= 10), 30)
    assert set(runs) == {first.holder}  # never both, never the second while the first runs
    tasks[first.holder].cancel()  # the first stops (it gives the lease back)
    await asyncio.gather(tasks[first.holder], return_exceptions=True)
    seen = len(runs)
    async with ran:
        await asyncio.wait_for(ran.wait_for(lambda: len(runs) >= seen + 3), 30)
    assert set(runs[seen:]) == {second.holder}
    tasks[second.holder].cancel()
    await asyncio.gather(tasks[second.holder], return_exceptions=True)


async def test_a_dead_holders_job_passes_to_another_once_its_lease_expires(engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    dead, alive = Leases(engine, ttl=TTL, clock=clock), Leases(engine, ttl=TTL, clock=clock)
    assert await dead.take("retention")  # and then the process was killed: nothing gives the lease back
    runs = asyncio.Event()
    tries: list[bool] = []
    tried = asyncio.Condition()

    async def work() -> None:
        runs.set()

    original = alive.take

    async def counted(name: str) -> bool:
        held = await original(name)
        async with tried:
            tries.append(held)
            tried.notify_all()
        return held

    alive.take = counted  # type: ignore[method-assign]
    task = asyncio.create_task(alive.run("retention", 3600, work, at_start=True))
    async with tried:  # it tried a few times while the dead one's lease still ran
        await asyncio.wait_for(tried.wait_for(lambda: len(tries) >= 3), 30)
    assert not any(tries) and not runs.is_set()
    clock.advance(timedelta(seconds=TTL * 2))  # the dead one's lease expires
    await asyncio.wait_for(runs.wait(), 30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_round_is_logged_and_the_next_one_runs(engine: AsyncEngine,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    rounds = 0
    again = asyncio.Event()

    async def work() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise RuntimeError("boom")
        again.set()

    task = asyncio.create_task(Leases(engine, ttl=TTL).run("cleanup", 0.01, work, at_start=True))
    await asyncio.wait_for(again.wait(), 30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert "periodic job cleanup failed" in caplog.text


async def test_a_telegram_update_is_noted_once_and_forgotten_after_a_day(engine: AsyncEngine) -> None:
    clock = FakeClock(START)
    one, other = SeenUpdates(engine, clock=clock), SeenUpdates(engine, clock=clock)  # two instances
    assert await one.first_time(1001)
    assert not await other.first_time(1001)
    assert [await u.first_time(1002) for u in (other, one, one)] == [True, False, False]
    clock.advance(timedelta(hours=23))
    assert await one.first_time(1003)
    clock.advance(timedelta(hours=2))
    await other.forget_old()
    async with engine.connect() as connection:
        kept = list(await connection.scalars(text("SELECT update_id FROM telegram_update")))
    assert kept == [1003]


async def test_the_leader_starts_once_its_start_works_and_stops_when_it_ends(engine: AsyncEngine,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    events: list[str] = []
    changed = asyncio.Condition()

    async def note(event: str) -> None:
        async with changed:
            events.append(event)
            changed.notify_all()

    async def start() -> None:
        if "refused" not in events:
            await note("refused")  # Telegram did not answer the first time
            raise OSError("unreachable")
        await note("started")

    async def stop() -> None:
        await note("stopped")

    leases = Leases(engine, ttl=TTL)
    task = asyncio.create_task(leases.lead("telegram_polling", start, stop))
    async with changed:
        await asyncio.wait_for(changed.wait_for(lambda: "started" in events), 30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert events == ["refused", "started", "stopped"]
    assert "lease telegram_polling: could not start" in caplog.text
    assert await Leases(engine, ttl=TTL).take("telegram_polling")  # given back as it ended
