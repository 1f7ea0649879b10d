"""Turn throughput and latency: (a) straight to Rasa, (b) through the web chat API, (c) through Telegram.

The same scripted conversations run three ways against one real Rasa + action server, in one run:
  a  POST Rasa's REST webhook directly (the baseline: what Rasa alone costs)
  b  POST /api/webchat/messages (X-Havn-Session) on the app (gateway, database, language, rendering)
  c  POST a Telegram update to the app's webhook; the turn ends when the fake Bot API gets sendMessage
The app runs as its own process (`havn app`), as in production. Each path runs at concurrency 1 and 20,
in rounds that alternate the paths so that drift on the machine hits all three alike.

    .venv/bin/python bench/turns.py [--conversations 40] [--rounds 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import person_address, spawn_app, stop_app  # noqa: E402
from bot import services  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.bot_api import FakeBotApi  # noqa: E402
from tests.harness import RasaStack, stack_settings  # noqa: E402

SCRIPT = ["hello", "/need_help", "/ask_shelter", "is this chat anonymous?", "/my_rights", "thanks, bye"]
TOKEN = "123456:BENCH-token"
Turn = Callable[[int, str], Awaitable[None]]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run_load(turn: Turn, conversations: int, concurrency: int, first_id: int) -> tuple[list[float], float]:
    """`conversations` scripted conversations, `concurrency` at a time; returns turn latencies and wall time."""
    latencies: list[float] = []
    ids = iter(range(first_id, first_id + conversations))

    async def worker() -> None:
        for conversation in ids:
            for message in SCRIPT:
                started = time.perf_counter()
                await turn(conversation, message)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


@dataclass
class Paths:
    """The three ways one scripted turn can travel; `run_tag` keeps each round's conversations apart."""

    http: aiohttp.ClientSession
    rasa_url: str
    app_url: str
    bot_api: FakeBotApi
    webhook_secret: str
    rasa_token: str
    sessions: dict[int, str] = field(default_factory=dict)
    run_tag: int = 0

    async def rasa(self, conversation: int, message: str) -> None:
        body = {"sender": f"bench-{self.run_tag}-{conversation}", "message": message, "metadata": {"language": "en"}}
        async with self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body,
                                  headers={"Authorization": f"Bearer {self.rasa_token}"}) as response:
            assert response.status == 200 and await response.json()

    async def webchat(self, conversation: int, message: str) -> None:
        key = self.run_tag * 1_000_000 + conversation
        if key not in self.sessions:
            async with self.http.post(f"{self.app_url}/api/webchat/sessions",
                                      headers={"X-Forwarded-For": person_address(key)}) as response:
                self.sessions[key] = (await response.json())["session"]
        body = {"payload": message} if message.startswith("/") else {"text": message}
        headers = {"X-Havn-Session": self.sessions[key], "X-Forwarded-For": person_address(key)}
        async with self.http.post(f"{self.app_url}/api/webchat/messages", json=body, headers=headers) as response:
            assert response.status == 200 and (await response.json())["messages"]

    async def telegram(self, conversation: int, message: str) -> None:
        chat_id = self.run_tag * 1_000_000 + conversation
        if message.startswith("/") and message != "/start":
            update = self.bot_api.user_update(chat_id, callback_data=message)
        else:
            update = self.bot_api.user_update(chat_id, message)
        seen = len(self.bot_api.calls)
        async with self.http.post(f"{self.app_url}/telegram/webhook", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}) as response:
            assert response.status == 200
        await self.bot_api.wait_for("sendMessage", chat_id=chat_id, since=seen, timeout=60)


async def wait_healthy(url: str, folder: Path) -> None:
    # Wait without blocking the loop: the app calls the fake Bot API, which runs in this loop, as it starts.
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"{url}/healthz") as response:  # 200 alone may be "degraded" (Rasa not up)
                    if response.status == 200 and (await response.json())["status"] == "ok":
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError(f"the app did not become healthy; see {folder / 'app.log'}")


def summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {"turns_per_s": len(latencies) / wall, "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "turns": len(latencies)}


async def bench(conversations: int, rounds: int) -> dict[str, dict[str, dict[str, float]]]:
    services.train(quiet=True)
    folder = Path(tempfile.mkdtemp(prefix="havn-bench-"))
    stack = RasaStack(stack_settings(folder), folder)
    bot_api = FakeBotApi()
    await bot_api.start()
    stack.start("actions")
    stack.start("rasa")
    app = None
    try:
        stack.wait_ready()
        settings = make_settings(folder, HAVN_RASA_URL=stack.settings.rasa_url,
                                 HAVN_ACTION_SERVER_URL=stack.settings.action_server_url)
        app = spawn_app(settings, folder, "app", HAVN_TELEGRAM_TOKEN=TOKEN, HAVN_TELEGRAM_API_URL=bot_api.url,
                        HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
        app_url = app.url
        await wait_healthy(app_url, folder)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
            paths = Paths(http, stack.settings.rasa_url, app_url, bot_api, settings.telegram_webhook_secret,
                          stack.settings.rasa_token)
            named: dict[str, Turn] = {"a": paths.rasa, "b": paths.webchat, "c": paths.telegram}
            await run_load(paths.webchat, 2, 2, 0)  # warm-up: model, caches, connections
            results: dict[str, dict[str, dict[str, float]]] = {}
            tags = itertools.count(1)
            for concurrency in (1, 20):
                count = conversations if concurrency > 1 else max(5, conversations // 4)
                samples: dict[str, list[float]] = {name: [] for name in named}
                walls: dict[str, float] = dict.fromkeys(named, 0.0)
                for _ in range(rounds):
                    for name, turn in named.items():
                        paths.run_tag = next(tags)
                        latencies, wall = await run_load(turn, count, concurrency, 0)
                        samples[name] += latencies
                        walls[name] += wall
                results[f"c{concurrency}"] = {name: summary(samples[name], walls[name]) for name in named}
            return results
    finally:
        if app:
            stop_app(app)
        stack.stop_all()
        await bot_api.stop()


def report(results: dict[str, dict[str, dict[str, float]]]) -> None:
    names = {"a": "a Rasa REST", "b": "b web chat API", "c": "c Telegram webhook"}
    for level, by_path in results.items():
        print(f"\nconcurrency {level[1:]}")
        print(f"{'path':<22}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'turns':>7}")
        for name, figures in by_path.items():
            print(f"{names[name]:<22}{figures['turns_per_s']:>9.1f}{figures['p50_ms']:>9.1f}"
                  f"{figures['p95_ms']:>9.1f}{figures['p99_ms']:>9.1f}{figures['turns']:>7.0f}")
        a = by_path["a"]
        for name in ("b", "c"):
            ratio = by_path[name]["turns_per_s"] / a["turns_per_s"]
            added = by_path[name]["p95_ms"] - a["p95_ms"]
            print(f"{name}/a turns/s ratio {ratio:.2f}   added p95 {added:+.1f} ms")
    c20, c1 = results["c20"], results["c1"]
    ratios = [c20[n]["turns_per_s"] / c20["a"]["turns_per_s"] for n in ("b", "c")]
    added = [c1[n]["p95_ms"] - c1["a"]["p95_ms"] for n in ("b", "c")]
    print(f"\ntarget b/a and c/a >= 0.9 at concurrency 20: {'met' if min(ratios) >= 0.9 else 'MISSED'}"
          f" ({ratios[0]:.2f}, {ratios[1]:.2f})")
    print(f"target added p95 <= 15 ms at concurrency 1: {'met' if max(added) <= 15 else 'MISSED'}"
          f" ({added[0]:+.1f}, {added[1]:+.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=40, help="conversations per run at concurrency 20")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = asyncio.run(bench(args.conversations, args.rounds))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
