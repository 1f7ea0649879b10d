"""The handover queue under load (issue 17): how fast caseworkers claim, and how fast a person's words reach a
console on another app instance.

(Named queue_claims.py, not queue.py: a bench/queue.py would shadow the standard library's `queue` for every
script in bench/, which Python runs with bench/ first on its path.)

Part 1, claims. A fresh PostgreSQL database (or --database-url) holds --conversations queued web chat
conversations, made directly through the store as the gateway makes them (Store.receive, then
request_handover), of mixed tiers. One `havn app` serves it; 20 caseworkers log in through the console API
(real logins). First one of them alone takes the next one 100 times (what a claim costs when nobody waits:
POST /api/console/queue/next is the claim, the audit line, the person told who joined, the consoles told); then
20 at work: each reads 0.2–2 s before pressing "next" again (about 18 claims a second together, far more than a
real shift) until a quarter of the queue is taken; then all 20 at once, each in a loop, take the next one until
the queue is empty (closed loop: each presses again as soon as the last claim came back, so the latency is about
20 ÷ the claims per second, a queue they build themselves). Printed: claim latency p50/p99 of each (target p99
≤ 20 ms with 20 caseworkers) and the claims per second; double claims (target 0),
checked twice: no conversation id came back to two caseworkers, and in the database every conversation is
assigned once, with one assignment row, to the caseworker it was answered to. The same with the claim alone, in process
(handover/queue.py Queue.claim_next, 20 tasks at once on a second batch): what the SQL costs without HTTP and
the rest.

Part 2, live events across instances. Two `havn app` processes, A and B, on the same database, with
HAVN_REDIS_URL set to a private Redis started on a free port. People (web chat sessions on A) are queued and
held by one caseworker, whose console is open on A and on B (a WebSocket each). Each person writes through A
every 1–3 s; the time from sending to the `{"type": "message"}` event is measured on A's socket (the same
instance: the baseline) and on B's (another instance: it arrives only if the instances relay events, through
Redis; target p99 ≤ 300 ms), beside the time the POST took (the turn both share) and B's arrival minus A's (the
relay's own hop). What has not arrived --timeout after sending (or when the POST was answered, if later) is
counted: "not delivered: N of M".

    .venv/bin/python bench/queue_claims.py [--conversations 2000] [--caseworkers 20] [--database-url URL]
        [--people 20] [--messages 200] [--timeout 2]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import busy  # noqa: E402
from bench.stack import (  # noqa: E402
    App,
    bench_settings,
    fresh_database,
    person_address,
    redis_server,
    spawn_app,
    stop_app,
    wait_serving,
)
from bench.stored import async_url  # noqa: E402
from bench.turns import percentile  # noqa: E402
from core.config import Settings  # noqa: E402
from core.db import create_engine, migrate_async  # noqa: E402
from core.messages import Message  # noqa: E402
from core.pseudonym import Pseudonymizer  # noqa: E402
from core.vocabulary import Kind, Tier  # noqa: E402
from handover.accounts import Accounts  # noqa: E402
from handover.queue import Queue  # noqa: E402
from handover.store import Store  # noqa: E402

TARGET_CLAIM_P99 = 0.020
TARGET_EVENT_P99 = 0.300
PASSWORD = "bench horse battery staple"
TIERS = ((Tier.P1, 3), (Tier.P2, 17), (Tier.P3, 50), (Tier.P4, 30))
WRITTEN = ("are you still there?", "ok", "thank you", "I am waiting here", "yes", "no, not yet", "I understand")
FILLING = 10  # conversations made at once
SOLO = 100  # claims by one caseworker alone, before the crowd
# Seconds each of the 20 waits after a claim in the "at work" round: they read what the person wrote before the
# next one. 20 such caseworkers press "next" about 18 times a second together, far more than a real shift, yet
# their latency is what one of them waits for, not a queue they built themselves as in the closed loop.
READING = (0.2, 2.0)
AT_WORK_SHARE = 4  # the "at work" round takes a quarter of the queue; the closed loop takes the rest
# Seconds between one person's messages in part 2: brisk, yet not a flood that would measure the app's backlog
# (bench/load.py finds where that starts) instead of how an event travels.
PAUSE = (1.0, 3.0)


def figures(samples: list[float]) -> str:
    if not samples:
        return "none"
    p50, p99 = percentile(samples, 50) * 1000, percentile(samples, 99) * 1000
    return f"p50 {p50:.1f} ms  p99 {p99:.1f} ms  (max {max(samples) * 1000:.1f}, n {len(samples)})"


def counted(counter: Counter[str]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in counter.most_common()) or "none"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


async def queued(store: Store, hashing: Pseudonymizer, count: int, tag: str) -> None:
    """`count` web chat conversations waiting for a person, as the gateway makes them: the person's message,
    then the request (tiers in the proportions of bench/stats.py, so the order matters)."""
    chance = random.Random(17)
    tiers = chance.choices([tier for tier, _ in TIERS], [weight for _, weight in TIERS], k=count)
    gate = asyncio.Semaphore(FILLING)

    async def one(number: int) -> None:
        async with gate:
            address = f"bench-{tag}-{number}"
            conversation = await store.receive("webchat", hashing.address_hash("webchat", address), address, "en",
                                               Message("I need to talk to someone"))
            await store.request_handover(conversation.id, tiers[number], Kind.HELP)

    await asyncio.gather(*(one(number) for number in range(count)))


async def caseworkers(engine: AsyncEngine, names: list[str]) -> None:
    accounts = Accounts(engine)
    for name in names:
        await accounts.add(name, PASSWORD, "caseworker", alias=name.title())


@dataclass
class Console:
    """One caseworker's session on one app instance."""

    app: App
    token: str
    caseworker_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def log_in(http: aiohttp.ClientSession, app: App, name: str) -> Console:
    async with http.post(f"{app.url}/api/console/login", json={"username": name, "password": PASSWORD}) as response:
        if response.status != 200:
            raise RuntimeError(f"login of {name} on {app.name}: {response.status} {await response.text()}")
        body = await response.json()
    return Console(app, body["token"], body["caseworker"]["id"])


async def claim_over_http(http: aiohttp.ClientSession, console: Console, latencies: list[float],
                          claims: list[tuple[int, str]], errors: Counter[str], most: int | None = None,
                          reading: tuple[float, float] | None = None) -> None:
    """Take the next one until nobody waits (or `most` were taken in `latencies`), each after a pause drawn from
    `reading` when given (at once otherwise: a closed loop)."""
    while most is None or len(latencies) < most:
        if reading is not None:
            await asyncio.sleep(random.uniform(*reading))
            if most is not None and len(latencies) >= most:
                return
        started = time.perf_counter()
        async with http.post(f"{console.app.url}/api/console/queue/next", headers=console.headers) as response:
            body = await response.json() if response.status == 200 else None
            elapsed = time.perf_counter() - started
        if body is None:
            errors[f"POST /api/console/queue/next {response.status}"] += 1
            continue
        if body["conversation_id"] is None:
            return
        latencies.append(elapsed)
        claims.append((console.caseworker_id, body["conversation_id"]))


async def claim_in_process(queue: Queue, caseworker_id: int, latencies: list[float],
                           claims: list[tuple[int, str]]) -> None:
    while True:
        started = time.perf_counter()
        conversation_id = await queue.claim_next(caseworker_id)
        if conversation_id is None:
            return
        latencies.append(time.perf_counter() - started)
        claims.append((caseworker_id, conversation_id))


async def double_claims(engine: AsyncEngine, claims: list[tuple[int, str]]) -> tuple[int, list[str]]:
    """How many claims got a conversation another claim got too, and what the database finds wrong (none: every
    claimed conversation assigned, with one assignment row, to the caseworker it was answered to; none queued)."""
    answered = Counter(conversation_id for _, conversation_id in claims)
    doubles = sum(count - 1 for count in answered.values() if count > 1)
    claimed_by = {conversation_id: caseworker_id for caseworker_id, conversation_id in claims}
    problems: Counter[str] = Counter()
    async with engine.connect() as connection:
        rows = await connection.execute(text(
            "SELECT conversation.id, conversation.state, conversation.assignee_id, COUNT(assignment.id) "
            "FROM conversation LEFT JOIN assignment ON assignment.conversation_id = conversation.id "
            "WHERE conversation.id IN :ids GROUP BY conversation.id, conversation.state, conversation.assignee_id"
        ).bindparams(bindparam("ids", expanding=True)), {"ids": list(answered)})
        for conversation_id, state, assignee, assignments in rows:
            if state != "assigned" or assignments != 1 or assignee != claimed_by[conversation_id]:
                problems[f"{state}, {assignments} assignment rows, holder as answered: "
                         f"{assignee == claimed_by[conversation_id]}"] += 1
        waiting = await connection.scalar(text("SELECT COUNT(*) FROM conversation WHERE state = 'queued'"))
    if waiting:
        problems["still queued"] += waiting
    return doubles, [f"{name}: {count}" for name, count in problems.items()]


async def claims_part(settings: Settings, folder: Path, engine: AsyncEngine, count: int, workers: int) -> None:
    store, hashing = Store(engine), Pseudonymizer(settings.hash_key, settings.encryption_keys)
    names = [f"bench-claimer-{number:02d}" for number in range(workers)]
    await caseworkers(engine, names)
    app = spawn_app(settings, folder, "claims")
    try:
        await wait_serving(app)
        began = time.perf_counter()
        await queued(store, hashing, count, "http")
        print(f"queue: {count} queued conversations made through the store in {time.perf_counter() - began:.1f} s",
              flush=True)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            consoles = [await log_in(http, app, name) for name in names]
            ids = [console.caseworker_id for console in consoles]
            claims: list[tuple[int, str]] = []
            errors: Counter[str] = Counter()
            alone: list[float] = []  # first one caseworker by themselves: what a claim costs without waiting
            await claim_over_http(http, consoles[0], alone, claims, errors, most=min(SOLO, count // 10))
            at_work: list[float] = []
            began = time.perf_counter()
            await asyncio.gather(*(claim_over_http(http, console, at_work, claims, errors, most=count // AT_WORK_SHARE,
                                                   reading=READING) for console in consoles))
            at_work_rate = len(at_work) / (time.perf_counter() - began)
            latencies: list[float] = []
            began = time.perf_counter()
            await asyncio.gather(*(claim_over_http(http, console, latencies, claims, errors) for console in consoles))
            wall = time.perf_counter() - began
    finally:
        stop_app(app)
    doubles, problems = await double_claims(engine, claims)
    p99 = percentile(latencies, 99) if latencies else float("inf")
    p99_at_work = percentile(at_work, 99) if at_work else float("inf")
    print("\nclaims over HTTP (POST /api/console/queue/next), one app instance")
    print(f"  {'one caseworker':<19}{figures(alone)}")
    print(f"  {f'{workers} at work':<19}{figures(at_work)}   target p99 <= 20 ms: "
          f"{verdict(p99_at_work <= TARGET_CLAIM_P99)}")
    print(f"  {'':<19}(each reads {READING[0]:g}-{READING[1]:g} s before the next: {at_work_rate:.0f} claims/s "
          "together)")
    print(f"  {f'{workers} at once':<19}{figures(latencies)}   target p99 <= 20 ms: {verdict(p99 <= TARGET_CLAIM_P99)}")
    print(f"  {'':<19}(closed loop: each presses again at once; the p99 is about {workers} / throughput)")
    print(f"  throughput         {len(latencies) / wall:.0f} claims/s with {workers} at once "
          f"({len(claims)} of {count} claimed in all)")
    print(f"  errors             {sum(errors.values())} ({counted(errors)})")
    print(f"  double claims      {doubles}; database: {'; '.join(problems) or 'each claimed once, by its holder'}"
          f"   target 0: {verdict(doubles == 0 and not problems and len(claims) == count)}")

    await queued(store, hashing, count, "sql")
    queue = Queue(engine)
    latencies, claims = [], []
    began = time.perf_counter()
    await asyncio.gather(*(claim_in_process(queue, caseworker_id, latencies, claims) for caseworker_id in ids))
    wall = time.perf_counter() - began
    doubles, problems = await double_claims(engine, claims)
    print(f"\nthe claim alone, in process (handover/queue.py Queue.claim_next), {workers} at once")
    print(f"  latency            {figures(latencies)}")
    print(f"  throughput         {len(claims) / wall:.0f} claims/s ({len(claims)} of {count})")
    print(f"  double claims      {doubles}; database: {'; '.join(problems) or 'each claimed once, by its holder'}",
          flush=True)


class Socket:
    """A console's WebSocket: when each conversation's `message` events arrived."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.waiting: dict[str, asyncio.Future[float]] = {}

    def expect(self, conversation_id: str) -> asyncio.Future[float]:
        self.waiting[conversation_id] = asyncio.get_running_loop().create_future()
        return self.waiting[conversation_id]

    async def listen(self, http: aiohttp.ClientSession, console: Console, ready: asyncio.Event) -> None:
        async with http.ws_connect(f"{console.app.url}/api/console/ws", headers=console.headers,
                                   heartbeat=20) as socket:
            ready.set()
            pinging = asyncio.create_task(self._ping(socket))
            try:
                async for frame in socket:
                    if frame.type != aiohttp.WSMsgType.TEXT:
                        continue
                    arrived = time.perf_counter()
                    event = frame.json()
                    waiter = self.waiting.get(event.get("conversation_id", ""))
                    if event.get("type") == "message" and waiter is not None and not waiter.done():
                        waiter.set_result(arrived)
            finally:
                pinging.cancel()

    @staticmethod
    async def _ping(socket: aiohttp.ClientWebSocketResponse) -> None:
        while True:  # stay present (handover/console_live.py)
            await asyncio.sleep(15)
            await socket.send_json({"type": "ping"})


@dataclass
class Person:
    session: str
    conversation_id: str
    number: int


async def person_on(http: aiohttp.ClientSession, app: App, store: Store, hashing: Pseudonymizer,
                    number: int) -> Person:
    """A web chat session opened on `app`; its conversation made through the store and queued."""
    headers = {"X-Forwarded-For": person_address(number)}
    async with http.post(f"{app.url}/api/webchat/sessions", headers=headers) as response:
        session = (await response.json())["session"]
    address = session.split(".")[0]  # what the gateway hashes (bot/channels/webchat_tokens.py)
    conversation = await store.receive("webchat", hashing.address_hash("webchat", address), address, "en",
                                       Message("I need to talk to someone"))
    await store.request_handover(conversation.id, Tier.P3, Kind.HELP)
    return Person(session, conversation.id, number)


async def write(http: aiohttp.ClientSession, app: App, person: Person, count: int, sockets: list[Socket],
                timeout: float, arrivals: list[list[float | None]], answered: list[float],
                errors: Counter[str]) -> None:
    """The person writes `count` times through `app`; for each, when (if) each socket heard of it."""
    chance = random.Random(person.number)
    headers = {"X-Havn-Session": person.session, "X-Forwarded-For": person_address(person.number)}
    for _ in range(count):
        waiters = [socket.expect(person.conversation_id) for socket in sockets]
        sent = time.perf_counter()
        async with http.post(f"{app.url}/api/webchat/messages", json={"text": chance.choice(WRITTEN)},
                             headers=headers) as response:
            answer = await response.json() if response.status == 200 else {}
        answered.append(time.perf_counter() - sent)
        if response.status != 200 or answer.get("limited"):
            errors[f"POST /api/webchat/messages {response.status}{' (limited)' if answer.get('limited') else ''}"] += 1
            continue
        heard: list[float | None] = []
        for waiter in waiters:
            try:
                arrived = await asyncio.wait_for(asyncio.shield(waiter), max(0.0, sent + timeout - time.perf_counter()))
                heard.append(arrived - sent)
            except TimeoutError:
                heard.append(None)
        arrivals.append(heard)
        await asyncio.sleep(chance.uniform(*PAUSE))


async def events_part(settings: Settings, folder: Path, engine: AsyncEngine, people: int, messages: int,
                      timeout: float) -> None:
    store, hashing = Store(engine), Pseudonymizer(settings.hash_key, settings.encryption_keys)
    await caseworkers(engine, ["bench-holder"])
    with redis_server(folder) as redis_url:
        apps = [spawn_app(settings, folder, name, HAVN_REDIS_URL=redis_url) for name in ("a", "b")]
        try:
            await asyncio.gather(*(wait_serving(app) for app in apps))
            await exchange(apps, store, hashing, people, messages, timeout, redis_url)
        finally:
            for app in apps:
                stop_app(app)


async def exchange(apps: list[App], store: Store, hashing: Pseudonymizer, people: int, messages: int,
                   timeout: float, redis_url: str) -> None:
    a, b = apps
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        crowd = [await person_on(http, a, store, hashing, number) for number in range(people)]
        on_a, on_b = await log_in(http, a, "bench-holder"), await log_in(http, b, "bench-holder")
        for _ in crowd:  # the one caseworker holds them all
            async with http.post(f"{a.url}/api/console/queue/next", headers=on_a.headers) as response:
                assert response.status == 200 and (await response.json())["conversation_id"]
        sockets = [Socket("same instance (A → A)"), Socket("other instance (A → B)")]
        ready = [asyncio.Event(), asyncio.Event()]
        listening = [asyncio.create_task(socket.listen(http, console, event))
                     for socket, console, event in zip(sockets, (on_a, on_b), ready, strict=True)]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), 30)
        arrivals: list[list[float | None]] = []  # per message, per socket
        errors: Counter[str] = Counter()
        answered: list[float] = []
        each = [messages // people + (1 if number < messages % people else 0) for number in range(people)]
        began = time.perf_counter()
        await asyncio.gather(*(write(http, a, person, count, sockets, timeout, arrivals, answered, errors)
                               for person, count in zip(crowd, each, strict=True)))
        wall = time.perf_counter() - began
        for task in listening:
            task.cancel()
    print(f"\na person's message → the holder's console (WebSocket event), two app instances on one database, "
          f"HAVN_REDIS_URL={redis_url}; {people} people writing through A every {PAUSE[0]:g}–{PAUSE[1]:g} s "
          f"({len(answered) / wall:.1f} messages/s), each event waited for up to {timeout:g} s")
    if errors:
        print(f"  errors             {counted(errors)}")
    print(f"  {'the POST answered':<24}{figures(answered)}  (the event is sent before the answer)")
    for number, socket in enumerate(sockets):
        seen = [heard[number] for heard in arrivals]
        delivered = [latency for latency in seen if latency is not None]
        missing = len(seen) - len(delivered)
        target = ""
        if number == 1:
            p99 = percentile(delivered, 99) if delivered else float("inf")
            target = f"   target p99 <= 300 ms: {verdict(not missing and p99 <= TARGET_EVENT_P99)}"
        print(f"  {socket.name:<24}{figures(delivered)}{target}")
        if missing:
            print(f"  {'':<24}not delivered: {missing} of {len(seen)}")
    # The relay's own hop, without the turn both share: B's arrival minus A's, for each message both heard.
    hop = [heard[1] - heard[0] for heard in arrivals if heard[0] is not None and heard[1] is not None]
    if hop:
        print(f"  {'B later than A by':<24}{figures(hop)}  (negative: B heard it first)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=2000, help="queued conversations to claim")
    parser.add_argument("--caseworkers", type=int, default=20, help="claiming at once")
    parser.add_argument("--database-url", help="a PostgreSQL database to use (default: a fresh one, dropped after)")
    parser.add_argument("--people", type=int, default=20, help="part 2: people writing at once")
    parser.add_argument("--messages", type=int, default=200, help="part 2: messages in all")
    parser.add_argument("--timeout", type=float, default=2.0, help="part 2: seconds an event may take")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="havn-queue-"))
    async with AsyncExitStack() as stack:
        database_url = async_url(args.database_url) if args.database_url else \
            await stack.enter_async_context(fresh_database())
        # Nothing here asks Rasa: the conversations are queued through the store and then held by a caseworker.
        settings = bench_settings(folder, database_url, HAVN_RASA_URL="http://127.0.0.1:9",
                                  HAVN_ACTION_SERVER_URL="http://127.0.0.1:9")
        print(f"queue: PostgreSQL {database_url.rsplit('/', 1)[-1]}, logs in {folder}; {busy()}", flush=True)
        await migrate_async(database_url)  # before the accounts and conversations made here; the apps find it done
        engine = create_engine(database_url, Pseudonymizer(settings.hash_key, settings.encryption_keys))
        stack.push_async_callback(engine.dispose)
        await claims_part(settings, folder, engine, args.conversations, args.caseworkers)
        await events_part(settings, folder, engine, args.people, args.messages, args.timeout)
        print(f"\nqueue: after, {busy()}")


if __name__ == "__main__":
    asyncio.run(main())
