"""Load, measured (issue 17): many people in the web chat at once, through its real HTTP API.

Each simulated person opens a session (POST /api/webchat/sessions), writes a line every 5–15 s as people type
(POST /api/webchat/messages, the typed lines of tests/data in 16 languages; every fifth person also asks for a
person), and polls for a caseworker's answer every 3 s as the page does (GET /api/webchat/messages?after=…).
Each person has a client address of their own in X-Forwarded-For (198.18.0.0/15), so the per-source limits of
docs/limits.md count people and not the one loopback address: the app must trust 127.0.0.1 as a proxy
(HAVN_TRUSTED_PROXIES=127.0.0.1; the stack this bench starts does, and so must one it is pointed at, or
its limits refuse nearly everything: 20 sessions and 60 messages a minute per address by default).

Printed: messages sent and accepted; errors (any non-2xx answer or transport error) and, apart, what the app's
limits refused (429 for a session, "limited" for a message); whether every accepted message is stored exactly once
(rows counted per session in the database: the person's messages are sealed); turn latency p50/p95/p99 (target
p95 ≤ 1 s); the app's resident memory at the start, after the warm-up (the first minute, or half a short run) and at
the end (target: growth after the warm-up ≤ 5 %). With --saturate: the message rate ramped in steps (people =
rate × 10 s), each step's figures, and the highest rate held with p95 ≤ 1 s and no errors.

    .venv/bin/python bench/load.py                 # starts its own: fresh PostgreSQL, real Rasa, one `havn app`
    .venv/bin/python bench/load.py --fake-rasa     # the app alone, with the tests' stand-in for Rasa
    .venv/bin/python bench/load.py --url http://127.0.0.1:8080 --database-url postgresql://…/havn \\
        [--hash-key …] [--app-pid 123 --app-pid 456]   # a running stack (`make run`, `make run-scaled`)
    options: --users 200 --minutes 10; --saturate [--rates 2,4,8,…] [--step-seconds 60]

Against a running stack, the database and the hash key default to what this checkout's configuration says
(.env, var/secrets.env, HAVN_*), as `make run` uses them; without them the exactly-once check is skipped, and
said so. The app's pid defaults to the process listening on the URL's port (behind HAProxy name the apps).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import machine, stored  # noqa: E402
from bench.chat_script import ASK_FOR_PERSON, Line, Scripts  # noqa: E402
from bench.stack import bench_settings, fresh_database, person_address, spawn_app, stop_app, wait_serving  # noqa: E402
from bench.turns import percentile  # noqa: E402
from bot.services import MODEL  # noqa: E402
from core.config import read_environment  # noqa: E402

TARGET_P95 = 1.0  # seconds, a turn
TARGET_GROWTH = 0.05  # resident memory, after the warm-up to the end
THINK = (5.0, 15.0)  # seconds between a person's messages
POLL_EVERY = 3.0  # the page's poll (bot/static/webchat.js)
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
RATES = (2, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60)
FAKE_REPLIES = {ASK_FOR_PERSON: [{"custom": {"text": "handover_requested", "handover": {"tier": "P4",
                                                                                       "kind": "help"}}}]}


@dataclass
class Tally:
    """What the people saw, for one run or one step."""

    turns: list[float] = field(default_factory=list)  # seconds, accepted messages only
    polls: list[float] = field(default_factory=list)
    sent_count: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    limited: Counter[str] = field(default_factory=Counter)
    sent: dict[str, stored.Sent] = field(default_factory=dict)  # by session address

    @property
    def accepted(self) -> int:
        return len(self.turns)


@dataclass
class Target:
    """Where the load goes, and what to watch there."""

    url: str
    pids: list[int]
    database_url: str | None
    hash_key: str | None


class Person:
    def __init__(self, http: aiohttp.ClientSession, url: str, number: int, language: str, lines: list[Line],
                 tally: Tally) -> None:
        self._http, self._url, self._tally = http, url, tally
        self._lines = lines
        self._headers = {"X-Forwarded-For": person_address(number), "Accept-Language": language}
        self._chance = random.Random(number)
        self._last_id = 0

    async def live(self, until: float) -> None:
        """Arrive some time within the first think time, then write until `until` (monotonic)."""
        await asyncio.sleep(self._chance.uniform(0, THINK[1]))
        session = await self._session(until)
        if session is None:
            return
        headers = {**self._headers, "X-Havn-Session": session}
        address = session.split(".")[0]  # what the gateway hashes (bot/channels/webchat_tokens.py)
        self._tally.sent[address] = stored.Sent()
        poller = asyncio.create_task(self._poll(headers, until))
        try:
            for line in itertools.cycle(self._lines):
                await self._send(headers, address, line)
                pause = self._chance.uniform(*THINK)
                if time.monotonic() + pause >= until:
                    break
                await asyncio.sleep(pause)
        finally:
            poller.cancel()

    async def _session(self, until: float) -> str | None:
        while time.monotonic() < until:
            try:
                async with self._http.post(f"{self._url}/api/webchat/sessions", headers=self._headers) as response:
                    if response.status == 201:
                        return str((await response.json())["session"])
                    if response.status == 429:
                        self._tally.limited["new session refused (429)"] += 1
                    else:
                        self._tally.errors[f"POST /api/webchat/sessions {response.status}"] += 1
            except (aiohttp.ClientError, TimeoutError) as error:
                self._tally.errors[f"POST /api/webchat/sessions {type(error).__name__}"] += 1
            await asyncio.sleep(self._chance.uniform(*THINK))  # the person tries again a little later
        return None

    async def _send(self, headers: dict[str, str], address: str, line: Line) -> None:
        self._tally.sent_count += 1
        started = time.perf_counter()
        try:
            async with self._http.post(f"{self._url}/api/webchat/messages", json=line.body(),
                                       headers=headers) as response:
                answer = await response.json() if response.status == 200 else None
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            self._tally.errors[f"POST /api/webchat/messages {type(error).__name__}"] += 1
            self._tally.sent[address].unknown += 1
            return
        elapsed = time.perf_counter() - started
        if answer is None:
            bucket = self._tally.limited if status == 429 else self._tally.errors
            bucket[f"POST /api/webchat/messages {status}"] += 1
        elif answer.get("limited"):
            self._tally.limited['message refused ("limited")'] += 1
        else:
            self._tally.turns.append(elapsed)
            self._tally.sent[address].accepted += 1
            self._seen(answer)

    async def _poll(self, headers: dict[str, str], until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(POLL_EVERY)
            started = time.perf_counter()
            try:
                async with self._http.get(f"{self._url}/api/webchat/messages", params={"after": self._last_id},
                                          headers=headers) as response:
                    if response.status != 200:
                        self._tally.errors[f"GET /api/webchat/messages {response.status}"] += 1
                        continue
                    self._seen(await response.json())
            except (aiohttp.ClientError, TimeoutError) as error:
                self._tally.errors[f"GET /api/webchat/messages {type(error).__name__}"] += 1
                continue
            self._tally.polls.append(time.perf_counter() - started)

    def _seen(self, answer: dict[str, object]) -> None:
        ids = [message.get("id", 0) for message in answer.get("messages", [])]  # type: ignore[union-attr]
        self._last_id = max([self._last_id, *ids])


class Memory:
    """Resident memory of the app processes, summed: sampled every few seconds while the load runs."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.samples: list[tuple[float, int]] = []

    def now(self) -> int | None:
        sizes = [machine.rss_kib(pid) for pid in self.pids]
        return sum(size for size in sizes if size is not None) if self.pids and None not in sizes else None

    async def watch(self, every: float = 5.0) -> None:
        began = time.monotonic()
        while True:
            size = self.now()
            if size is not None:
                self.samples.append((time.monotonic() - began, size))
            await asyncio.sleep(every)


async def run_people(target: Target, scripts: Scripts, people: int, seconds: float, first: int) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0)  # each person its own connections, as browsers
    async with aiohttp.ClientSession(connector=connector, timeout=REQUEST_TIMEOUT) as http:
        crowd = [Person(http, target.url, number, *scripts.for_person(number), tally)
                 for number in range(first, first + people)]
        await asyncio.gather(*(person.live(until) for person in crowd))
    return tally


def latency_line(label: str, samples: list[float]) -> str:
    if not samples:
        return f"{label:<22}none"
    p50, p95, p99 = (percentile(samples, p) * 1000 for p in (50, 95, 99))
    return f"{label:<22}p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}  (max {max(samples) * 1000:.0f}, n {len(samples)})"


def counted(counter: Counter[str]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in counter.most_common()) or "none"


async def report_stored(target: Target, sent: dict[str, stored.Sent]) -> None:
    if not target.database_url or not target.hash_key:
        print(f"{'stored exactly once':<22}NOT CHECKED: give --database-url and --hash-key (the app's)")
        return
    result = await stored.check(target.database_url, target.hash_key, sent)
    verdict = "yes" if result.exactly_once else "NO"
    print(f"{'stored exactly once':<22}{verdict}: {result.sessions} sessions, {result.accepted} accepted, "
          f"{result.stored} rows; {result.exact} sessions exact, {result.missing} missing, {result.extra} "
          f"duplicated, {result.uncertain} sessions uncertain (a transport error, rows within what it allows)")


def report_memory(watched: Memory, start: int | None, warm_at: float) -> None:
    end = watched.now()
    if start is None or end is None or not watched.samples:
        print(f"{'app RSS':<22}not measured (no app process found: give --app-pid)")
        return
    warm = next((size for at, size in watched.samples if at >= warm_at), watched.samples[-1][1])
    peak = max(size for _, size in watched.samples)
    growth = (end - warm) / warm
    verdict = "met" if growth <= TARGET_GROWTH else "MISSED"
    print(f"{'app RSS MiB':<22}start {start / 1024:.1f}  after warm-up {warm / 1024:.1f}  end {end / 1024:.1f}  "
          f"peak {peak / 1024:.1f}  ({len(watched.pids)} process{'es' if len(watched.pids) > 1 else ''})")
    overall = (end - start) / start
    print(f"{'RSS growth':<22}{growth * 100:+.1f} % after the warm-up (start to end {overall * 100:+.1f} %)"
          f"   target <= {TARGET_GROWTH * 100:.0f} %: {verdict}")


def describe_target(target: Target) -> str:
    processes = ", ".join(f"{pid} ({machine.describe(pid)})" for pid in target.pids) or "none found"
    return f"{target.url}; app process: {processes}"


async def steady(target: Target, people: int, minutes: float) -> None:
    print(f"load: {people} people for {minutes:g} min against {describe_target(target)}", flush=True)
    print(f"load: before, {machine.busy()}", flush=True)
    watched = Memory(target.pids)
    start = watched.now()
    watching = asyncio.create_task(watched.watch())
    began = time.monotonic()
    tally = await run_people(target, Scripts(), people, minutes * 60, 0)
    wall = time.monotonic() - began
    watching.cancel()
    print(f"{'messages':<22}{tally.sent_count} sent, {tally.accepted} accepted ({tally.accepted / wall:.1f} per s)"
          f", {len(tally.sent)} sessions")
    print(f"{'errors':<22}{sum(tally.errors.values())}  ({counted(tally.errors)})")
    print(f"{'refused by limits':<22}{sum(tally.limited.values())}  ({counted(tally.limited)})")
    if tally.limited:
        print(f"{'':<22}(if the app counts everyone as one address, start it with HAVN_TRUSTED_PROXIES=127.0.0.1: "
              f"this bench gives each person an X-Forwarded-For address of their own)")
    await report_stored(target, tally.sent)
    print(latency_line("turn latency ms", tally.turns))
    print(latency_line("poll latency ms", tally.polls))
    if tally.turns:
        p95 = percentile(tally.turns, 95)
        print(f"{'target p95 <= 1 s':<22}{'met' if p95 <= TARGET_P95 else 'MISSED'} ({p95 * 1000:.0f} ms)")
    report_memory(watched, start, min(60.0, minutes * 30))
    print(f"load: after, {machine.busy()}")


async def saturate(target: Target, rates: list[float], step_seconds: float) -> None:
    print(f"saturate: message rate in steps of {step_seconds:g} s (people = rate x 10 s) against "
          f"{describe_target(target)}; {machine.busy()}", flush=True)
    print(f"{'rate/s':>7}{'people':>8}{'held/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}"
          f"{'limited':>8}")
    scripts, sent, first, held = Scripts(), {}, 0, None
    for rate in rates:
        people = max(1, round(rate * sum(THINK) / 2))
        tally = await run_people(target, scripts, people, step_seconds, first)
        first += people
        sent.update(tally.sent)
        # The rate actually carried in the step's steady part: people arrive over the first think time.
        achieved = tally.accepted / step_seconds
        p50, p95, p99 = ((percentile(tally.turns, p) if tally.turns else float("inf")) for p in (50, 95, 99))
        errors = sum(tally.errors.values())
        print(f"{rate:>7g}{people:>8}{achieved:>8.1f}{p50 * 1000:>8.0f}{p95 * 1000:>8.0f}{p99 * 1000:>8.0f}"
              f"{errors:>8}{sum(tally.limited.values()):>8}", flush=True)
        if p95 > TARGET_P95 or errors:
            break
        held = (rate, achieved)
    if held is None:
        print("highest rate held with p95 <= 1 s: none (the first step already missed)")
    else:
        print(f"highest rate held with p95 <= 1 s and no errors: {held[0]:g} messages/s offered "
              f"({held[1]:.1f}/s carried over each whole step, arrivals included)")
    await report_stored(target, sent)
    print(f"saturate: after, {machine.busy()}")


@asynccontextmanager
async def own_stack(fake_rasa: bool) -> AsyncIterator[Target]:
    """A fresh PostgreSQL database, Rasa (real, or the tests' stand-in), one `havn app` trusting 127.0.0.1."""
    from tests.fakes.rasa import serving
    from tests.harness import RasaStack, stack_settings

    folder = Path(tempfile.mkdtemp(prefix="havn-load-"))
    async with AsyncExitStack() as stack:
        database_url = await stack.enter_async_context(fresh_database())
        rasa_settings = stack_settings(folder / "rasa")
        settings = bench_settings(folder, database_url, HAVN_RASA_URL=rasa_settings.rasa_url,
                                  HAVN_ACTION_SERVER_URL=rasa_settings.action_server_url)
        if fake_rasa:
            await stack.enter_async_context(serving(settings.rasa_url, FAKE_REPLIES))
        else:
            if not MODEL.exists():
                sys.exit(f"{MODEL} is missing: run `make train` first (or use --fake-rasa)")
            rasa = RasaStack(rasa_settings, folder)  # its logs beside the app's
            stack.callback(rasa.stop_all)
            rasa.start("actions")
            rasa.start("rasa")
            print("load: waiting for Rasa and the action server…", flush=True)
            await asyncio.to_thread(rasa.wait_ready)
        app = spawn_app(settings, folder, "app")
        stack.callback(stop_app, app)
        await wait_serving(app)
        print(f"load: own stack in {folder} (logs there), Rasa {'stand-in' if fake_rasa else 'real'}, "
              f"PostgreSQL, HAVN_TRUSTED_PROXIES=127.0.0.1, default limits", flush=True)
        yield Target(app.url, [app.pid], database_url, settings.hash_key)


@asynccontextmanager
async def running_stack(args: argparse.Namespace) -> AsyncIterator[Target]:
    """A stack someone else runs at --url; what to check there from the options or this checkout's settings."""
    var_dir, variables = read_environment(ROOT)
    database_url = args.database_url or variables.get("HAVN_DATABASE_URL")
    if database_url is None and (var_dir / "havn.db").exists():
        database_url = f"sqlite:///{var_dir / 'havn.db'}"
    pids = args.app_pid or machine.listening_pids(urlsplit(args.url).port or 80)
    yield Target(args.url.rstrip("/"), pids, database_url, args.hash_key or variables.get("HAVN_HASH_KEY"))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--url", help="a running stack; without it the bench starts its own")
    parser.add_argument("--database-url", help="the running stack's database, to count stored messages")
    parser.add_argument("--hash-key", help="the running stack's HAVN_HASH_KEY, to find each session's rows")
    parser.add_argument("--app-pid", type=int, action="append", help="an app process to watch (repeatable)")
    parser.add_argument("--fake-rasa", action="store_true", help="own stack: the tests' stand-in for Rasa")
    parser.add_argument("--saturate", action="store_true", help="ramp the rate and find the highest held")
    parser.add_argument("--rates", default=",".join(map(str, RATES)), help="messages per second, in steps")
    parser.add_argument("--step-seconds", type=float, default=60.0)
    args = parser.parse_args()
    stack = running_stack(args) if args.url else own_stack(args.fake_rasa)
    async with stack as target:
        if args.saturate:
            await saturate(target, [float(rate) for rate in args.rates.split(",")], args.step_seconds)
        else:
            await steady(target, args.users, args.minutes)


if __name__ == "__main__":
    asyncio.run(main())
