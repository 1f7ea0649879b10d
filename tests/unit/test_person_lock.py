"""One turn at a time per person across instances (bot/person_lock.py), on a private Redis server of the test's
own: two instances are two SharedLocks on two Redis clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.person_lock import PREFIX, LocalLocks, SharedLocks
from tests.conftest import free_port
from tests.redis_server import private_redis


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with private_redis(tmp_path) as url:
        yield url


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[tuple[Redis, Redis]]:
    one, other = Redis.from_url(redis_url), Redis.from_url(redis_url)
    yield one, other
    await one.aclose()
    await other.aclose()


async def turn(locks: SharedLocks | LocalLocks, key: str, name: str, log: list[str]) -> None:
    async with locks.hold(key):
        log.append(f"{name} in")
        await asyncio.sleep(0.05)  # a Rasa turn: the other instance's turn would come in here without the lock
        log.append(f"{name} out")


async def test_two_instances_take_turns_for_one_person(clients: tuple[Redis, Redis]) -> None:
    a, b = (SharedLocks(client) for client in clients)
    log: list[str] = []
    await asyncio.gather(*(turn(a if n % 2 else b, "person-1", str(n), log) for n in range(6)))
    assert all(log[i].endswith(" in") and log[i + 1] == log[i].replace(" in", " out") for i in range(0, 12, 2))


async def test_other_people_are_not_held_up(clients: tuple[Redis, Redis]) -> None:
    a, b = (SharedLocks(client) for client in clients)
    log: list[str] = []
    async with a.hold("person-1"):
        await turn(b, "person-2", "other", log)  # would never end if one person's lock held everyone
    assert log == ["other in", "other out"]


async def test_a_lock_left_by_a_dead_instance_expires(clients: tuple[Redis, Redis]) -> None:
    one, other = clients
    await one.set(PREFIX + "person-1", "a dead instance's token", px=200)
    log: list[str] = []
    await turn(SharedLocks(other), "person-1", "after", log)
    assert log == ["after in", "after out"]
    assert await other.get(PREFIX + "person-1") is None  # released by its holder


async def test_a_long_turn_keeps_its_lock_and_only_its_holder_releases_it(clients: tuple[Redis, Redis]) -> None:
    one, other = clients
    locks = SharedLocks(one, ttl=0.3)
    async with locks.hold("person-1"):
        await asyncio.sleep(0.6)  # twice the ttl: renewed meanwhile
        assert not await other.set(PREFIX + "person-1", "intruder", nx=True, px=1000)
    assert await other.get(PREFIX + "person-1") is None


async def test_without_redis_the_turn_goes_ahead_on_the_instances_own_lock(caplog: pytest.LogCaptureFixture) -> None:
    away = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    locks = SharedLocks(away)
    log: list[str] = []
    await asyncio.gather(turn(locks, "person-1", "1", log), turn(locks, "person-1", "2", log))
    assert log == ["1 in", "1 out", "2 in", "2 out"]  # still one at a time on this instance
    assert "person lock not taken" in caplog.text and "person-1" not in caplog.text
    await away.aclose()


async def test_local_locks_forget_a_person_once_nobody_waits() -> None:
    locks = LocalLocks()
    log: list[str] = []
    await asyncio.gather(*(turn(locks, "person-1", str(n), log) for n in range(3)))
    assert log == ["0 in", "0 out", "1 in", "1 out", "2 in", "2 out"]
    assert len(locks) == 0
