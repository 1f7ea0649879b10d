"""The gateway's own cost: what the app adds to a turn when Rasa costs nothing.

A fake Rasa on 127.0.0.1 answers at once (tests/fakes/rasa.py), so what is left of a web chat turn is the app:
the HTTP hop, the session, the rate limit, storing the message and the replies, the language, the danger check.
The same scripted six-turn conversations as bench/turns.py (a new web chat session each, created outside the
timing), at concurrency 1 by default, against (a) the fake Rasa alone, the baseline, and (b) `havn app` as its
own process (SQLite, as `make run`; or HAVN_DATABASE_URL). Printed: latency p50/p95/p99, the added p50 and p95
(b − a), the app's CPU time per turn (its process's user + system time over the run, session creation
included) and turns/s.

`--against DIR` runs a second app from another checkout of the project (e.g. a git worktree of an older commit)
beside this one, on the same fake Rasa, the rounds alternating which goes first: an A/B in one run, so that the
machine's drift hits both alike.

    .venv/bin/python bench/gateway.py [--conversations 30] [--rounds 4] [--concurrency 1] [--against DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench.stack as stack  # noqa: E402
from bench.turns import SCRIPT, percentile  # noqa: E402
from tests.conftest import free_port, make_settings  # noqa: E402
from tests.fakes.rasa import TOKEN, serving  # noqa: E402


async def start_apps(checkouts: dict[str, Path], folder: Path, rasa_url: str) -> dict[str, stack.App]:
    apps = {}
    for name, checkout in checkouts.items():
        settings = make_settings(folder, HAVN_RASA_URL=rasa_url,
                                 HAVN_ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
                                 HAVN_DATABASE_URL=f"sqlite+aiosqlite:///{folder / name / 'havn.db'}")
        stack.ROOT = checkout  # spawn_app runs `python -m bot.cli app` from this folder
        apps[name] = stack.spawn_app(settings, folder, name)
    stack.ROOT = ROOT
    for app in apps.values():
        await stack.wait_serving(app)
    return apps


class Runs:
    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, conversations: int, concurrency: int) -> None:
        self.http = http
        self.rasa_url = rasa_url
        self.conversations = conversations
        self.concurrency = concurrency

    async def rasa(self, first: int) -> list[float]:
        async def conversation(number: int, latencies: list[float]) -> None:
            for message in SCRIPT:
                body = {"sender": f"bench-{number}", "message": message, "metadata": {"language": "en"}}
                started = time.perf_counter()
                async with self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body,
                                          headers={"Authorization": f"Bearer {TOKEN}"}) as response:
                    assert response.status == 200 and await response.json()
                latencies.append(time.perf_counter() - started)

        return await self._spread(conversation, first)

    async def webchat(self, url: str, first: int) -> list[float]:
        async def conversation(number: int, latencies: list[float]) -> None:
            person = {"X-Forwarded-For": stack.person_address(number)}
            async with self.http.post(f"{url}/api/webchat/sessions", headers=person) as response:
                session = (await response.json())["session"]
            for message in SCRIPT:
                body = {"payload": message} if message.startswith("/") else {"text": message}
                started = time.perf_counter()
                async with self.http.post(f"{url}/api/webchat/messages", json=body,
                                          headers={"X-Havn-Session": session, **person}) as response:
                    assert response.status == 200 and (await response.json())["messages"], await response.text()
                latencies.append(time.perf_counter() - started)

        return await self._spread(conversation, first)

    async def _spread(self, conversation, first: int) -> list[float]:  # type: ignore[no-untyped-def]
        latencies: list[float] = []
        numbers = iter(range(first, first + self.conversations))

        async def worker() -> None:
            for number in numbers:
                await conversation(number, latencies)

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        return latencies


async def bench(checkouts: dict[str, Path], conversations: int, rounds: int, concurrency: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="havn-gateway-"))
    rasa_url = f"http://127.0.0.1:{free_port()}"
    async with serving(rasa_url, {}):
        apps = await start_apps(checkouts, folder, rasa_url)
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as http:
                runs = Runs(http, rasa_url, conversations, concurrency)
                for app in apps.values():  # warm-up: connections, caches, the detector's first languages
                    await runs.webchat(app.url, 0)
                baseline: list[float] = []
                samples: dict[str, list[float]] = {name: [] for name in apps}
                cpu = dict.fromkeys(apps, 0.0)
                wall = dict.fromkeys(apps, 0.0)
                for round_number in range(rounds):
                    first = 1_000_000 * (round_number + 1)
                    baseline += await runs.rasa(first)
                    order = list(apps.items())
                    for name, app in order if round_number % 2 == 0 else reversed(order):
                        process = psutil.Process(app.pid)
                        cpu_before, started = sum(process.cpu_times()[:2]), time.perf_counter()
                        samples[name] += await runs.webchat(app.url, first)
                        cpu[name] += sum(process.cpu_times()[:2]) - cpu_before
                        wall[name] += time.perf_counter() - started
        finally:
            for app in apps.values():
                stack.stop_app(app)
    report(baseline, samples, cpu, wall, concurrency)


def report(baseline: list[float], samples: dict[str, list[float]], cpu: dict[str, float], wall: dict[str, float],
           concurrency: int) -> None:
    def ms(values: list[float], p: float) -> float:
        return percentile(values, p) * 1000

    print(f"concurrency {concurrency}, {len(baseline)} turns each")
    print(f"{'path':<28}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'added p50':>11}{'added p95':>11}"
          f"{'CPU ms/turn':>13}{'turns/s':>9}")
    print(f"{'a fake Rasa alone':<28}{ms(baseline, 50):>9.2f}{ms(baseline, 95):>9.2f}{ms(baseline, 99):>9.2f}")
    for name, values in samples.items():
        print(f"{'b web chat, ' + name:<28}{ms(values, 50):>9.2f}{ms(values, 95):>9.2f}{ms(values, 99):>9.2f}"
              f"{ms(values, 50) - ms(baseline, 50):>+11.2f}{ms(values, 95) - ms(baseline, 95):>+11.2f}"
              f"{cpu[name] / len(values) * 1000:>13.2f}{len(values) / wall[name]:>9.1f}")
    if len(samples) == 2:
        (name_a, a), (name_b, b) = samples.items()
        print(f"{name_b} against {name_a}: p50 ×{percentile(b, 50) / percentile(a, 50):.2f}, "
              f"CPU per turn ×{(cpu[name_b] / len(b)) / (cpu[name_a] / len(a)):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=30, help="conversations per path and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--against", type=Path, help="another checkout of the project, run beside this one")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT}
    if args.against:
        checkouts = {f"against ({args.against.name})": args.against.resolve(), **checkouts}
    asyncio.run(bench(checkouts, args.conversations, args.rounds, args.concurrency))


if __name__ == "__main__":
    main()
