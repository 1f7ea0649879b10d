"""The per-person lock across instances: a PostgreSQL advisory lock or a lock in Redis (bot/person_lock.py)?

Two measurements, each for both kinds, on this machine's PostgreSQL (a fresh database) and Redis:
  bare   acquire + release only, `--keys` people, `--concurrency` at once: latency p50/p99 and locks per second
  turns  the lock held for a simulated Rasa turn (`--turn` seconds) during which the turn also runs one query
         on the app's engine (as store.receive does), `--concurrency` people writing at once: turns per second,
         lock-wait p50/p99, and turns that failed (no database connection within `--pool-timeout`)
The advisory lock is held on a connection of the app's own engine (SQLAlchemy's default pool: 5 + 10 overflow),
as the gateway would hold it; "pg-own-pool" gives the locks an engine of their own with a connection per person
at once, which shows the price: that many more PostgreSQL connections per instance.

    .venv/bin/python bench/person_lock.py [--keys 200] [--concurrency 50] [--ops 2000] [--turn 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.person_lock import SharedLocks  # noqa: E402
from tests.databases import fresh_postgres  # noqa: E402

Hold = Callable[[str], AbstractAsyncContextManager[None]]


def advisory_key(key: str) -> int:
    """A 64-bit signed key for pg_advisory_lock from the person's address hash."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def advisory(engine: AsyncEngine) -> Hold:
    @asynccontextmanager
    async def hold(key: str) -> AsyncIterator[None]:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": advisory_key(key)})
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(key)})
    return hold


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def bare(hold: Hold, keys: list[str], concurrency: int, ops: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    left = iter(range(ops))

    async def worker() -> None:
        for _ in left:
            key = random.choice(keys)
            started = time.perf_counter()
            async with hold(key):
                pass
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def turns(hold: Hold, app: AsyncEngine, keys: list[str], concurrency: int, count: int,
                turn: float) -> tuple[list[float], float, int, int]:
    waits: list[float] = []
    done = failed = 0
    people = iter(random.sample(keys, len(keys)) * (count // len(keys) + 1))
    left = iter(range(count))

    async def worker() -> None:
        nonlocal done, failed
        for _ in left:
            started = time.perf_counter()
            try:
                async with hold(next(people)):
                    waits.append(time.perf_counter() - started)
                    async with app.connect() as connection:  # the turn's own queries
                        await connection.execute(text("SELECT 1"))
                    await asyncio.sleep(turn)  # Rasa
                done += 1
            except PoolTimeout:  # no connection within pool_timeout
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return waits, time.perf_counter() - started, done, failed


def line(name: str, latencies: list[float], seconds: float, done: int, failed: int = 0) -> str:
    return (f"  {name:<13} p50 {percentile(latencies, 0.5) * 1000:7.2f} ms   "
            f"p99 {percentile(latencies, 0.99) * 1000:8.2f} ms   {done / seconds:8.0f} /s   failed {failed}")


async def main(args: argparse.Namespace) -> None:
    keys = [hashlib.sha256(f"person {n}".encode()).hexdigest() for n in range(args.keys)]
    redis = Redis.from_url(args.redis_url)
    async with fresh_postgres() as url:
        app = create_async_engine(url, pool_pre_ping=True, pool_timeout=args.pool_timeout)
        own = create_async_engine(url, pool_size=args.concurrency, max_overflow=0)
        kinds: dict[str, Hold] = {"redis": SharedLocks(redis).hold, "pg-app-pool": advisory(app),
                                  "pg-own-pool": advisory(own)}
        try:
            print(f"bare: acquire + release, {args.keys} keys, concurrency {args.concurrency}, {args.ops} locks")
            for name, hold in kinds.items():
                await bare(hold, keys, args.concurrency, 100)  # warm the pools
                latencies, seconds = await bare(hold, keys, args.concurrency, args.ops)
                print(line(name, latencies, seconds, len(latencies)))
            count = args.concurrency * 4
            print(f"turns: lock held {args.turn:g} s with one query on the app's engine inside, {args.concurrency} "
                  f"people at once, {count} turns (wait = time to get the lock)")
            for name, hold in kinds.items():
                waits, seconds, done, failed = await turns(hold, app, keys, args.concurrency, count, args.turn)
                print(line(name, waits, seconds, done, failed))
        finally:
            await app.dispose()
            await own.dispose()
            await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--turn", type=float, default=0.1)
    parser.add_argument("--pool-timeout", type=float, default=5.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    asyncio.run(main(parser.parse_args()))
