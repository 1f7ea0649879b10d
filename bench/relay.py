"""Console event latency across app instances: an event published on app A → a console's WebSocket on app B.

Two apps in this process on one fresh PostgreSQL database (tests/databases.py) and a private redis-server; a
supervisor's console connected to B; a waiting conversation. Each round publishes one event on A's hub (as a
person's message would) and times it until B's console receives it: A → Redis → B, B asking the database where
the conversation is (the audience filter), B's WebSocket. The issue's target: p99 ≤ 300 ms.

    .venv/bin/python bench/relay.py [--events 500] [--pause 0.01]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.vocabulary import EventType
from handover.app_keys import HANDOVER
from handover.hub import HubEvent
from tests.conftest import isolated_settings, start_app
from tests.console_client import add_caseworker
from tests.databases import fresh_postgres
from tests.fakes.rasa import serving
from tests.redis_server import RedisServer
from tests.scaled import HANDOVER_REPLY, asks_for_a_person, connect, log_in, relay_up, until


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(folder: Path, events: int, pause: float) -> list[float]:
    redis = RedisServer(folder)
    redis.start()
    try:
        first = isolated_settings(folder / "a")
        async with fresh_postgres() as database, serving(first.rasa_url, {"I need a person": HANDOVER_REPLY}):
            shared = {"HAVN_DATABASE_URL": database, "HAVN_REDIS_URL": redis.url,
                      "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "HAVN_RASA_URL": first.rasa_url}
            async for a in start_app(isolated_settings(folder / "a", **shared)):
                async for b in start_app(isolated_settings(folder / "b", **shared)):
                    for app in (a, b):
                        await until(partial(relay_up, app), "the relay to connect")
                    await add_caseworker(a, "sofie", "supervisor")
                    socket = await connect(await log_in(b, "sofie"))
                    _, conversation_id, _ = await asks_for_a_person(a)
                    while True:  # what the person's request caused, before the clock starts
                        try:
                            await socket.receive(timeout=0.5)
                        except TimeoutError:
                            break
                    hub = a.app[HANDOVER].hub
                    latencies = []
                    for _ in range(events):
                        started = time.perf_counter()
                        await hub.publish(HubEvent(EventType.MESSAGE, conversation_id))
                        await socket.receive(timeout=10)
                        latencies.append((time.perf_counter() - started) * 1000)
                        await asyncio.sleep(pause)
                    await socket.close()
                    return latencies
    finally:
        redis.kill()
    raise RuntimeError("the apps did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--pause", type=float, default=0.01, help="seconds between two events")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="havn-relay-") as folder:
        latencies = asyncio.run(measure(Path(folder), arguments.events, arguments.pause))
    print(f"event app A → console WebSocket on app B, {len(latencies)} events (one PostgreSQL, one Redis):")
    print(f"  p50 {statistics.median(latencies):.1f} ms   p90 {percentile(latencies, 0.90):.1f} ms   "
          f"p99 {percentile(latencies, 0.99):.1f} ms   max {max(latencies):.1f} ms   (target p99 ≤ 300 ms)")


if __name__ == "__main__":
    main()
