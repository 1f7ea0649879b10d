"""Statistics for a year of 100,000 conversations on PostgreSQL or SQLite: how long the dashboard's and the
exports' counting and tables take (issue 18: under a second), and the longest the event loop was held up meanwhile
(every person's chat waits that long): the periods the API takes at its limits included (handover/stats_range.py).

PostgreSQL: a database of its own is made on the server (HAVN_TEST_POSTGRES_URL, default 127.0.0.1:5432/test,
trust) and dropped at the end. SQLite: a file in a temporary folder. The year is what a running service has: the
conversations older than the retention period as the purge's anonymous rows, the last 30 days as live
conversations (with sealed screenings, reports and caseworker replies), both in the proportions of tests' guesses
(most help, P3/P4, a few languages dominate).

    .venv/bin/python bench/stats.py [--database postgresql|sqlite] [--conversations 100000] [--live-days 30]
        [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import asyncpg
from cryptography.fernet import Fernet
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import CONTENT_DIR
from core.db import create_engine, migrate_async
from core.hours import Hours
from core.models import Contact, Conversation, ConversationStat, MessageRecord
from core.pseudonym import Pseudonymizer
from handover.stats_counts import StatisticsSource
from handover.stats_export import as_csv, as_json
from handover.stats_facts import (
    Fact,
    stat_row,
)
from handover.stats_models import Statistics
from handover.stats_publish import StatisticsPublisher
from handover.stats_range import EARLIEST, MOST_PERIODS, latest
from handover.stats_tables import GroupBy

SERVER = os.environ.get("HAVN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
LANGUAGES = (("en", 30), ("da", 15), ("ro", 12), ("uk", 10), ("ru", 6), ("bg", 6), ("ar", 5), ("th", 5),
             ("vi", 4), ("zh", 3), ("fr", 2), ("es", 2))
ASSESSMENTS = ("trafficking_indicated", "exploitation_indicated", "indicators_present", "no_indicators")
INDICATORS = ("CD-01", "CD-02", "CD-03", "EX-01", "EX-02", "DR-01", "CR-01", "AVR-01", "AVD-01")
END = date(2026, 12, 31)
HOURS = Hours.load(CONTENT_DIR / "hours.yml")
T = TypeVar("T")


def a_fact(chance: random.Random, started: datetime) -> Fact:
    language = chance.choices([code for code, _ in LANGUAGES], [weight for _, weight in LANGUAGES])[0]
    asked = chance.random() < 0.35
    screened = chance.random() < 0.25
    indicators = tuple(sorted(chance.sample(INDICATORS, chance.randint(1, 4)))) if screened else ()
    return Fact(
        day=started.date(), hour=started.astimezone(HOURS.zone).hour, staffed=HOURS.chat_staffed_at(started),
        language=language, channel=chance.choice(("webchat", "webchat", "telegram")),
        kind=chance.choices(("help", "report", "partner"), (80, 15, 5))[0],
        tier=chance.choices(("P1", "P2", "P3", "P4"), (3, 17, 50, 30))[0] if asked else None,
        assessment=chance.choice(ASSESSMENTS) if screened else None,
        exploitation=chance.choice(("labour", "sexual", "criminal", "unknown")) if screened else None,
        age_band=chance.choices(("adult", "under_18", "unknown"), (85, 5, 10))[0] if screened else None,
        dimensions=tuple(sorted({ident.split("-")[0] for ident in indicators})), indicators=indicators,
        first_reply_seconds=chance.randint(20, 3600) if asked and chance.random() < 0.8 else None,
        waiting=False, reports=1 if chance.random() < 0.15 else 0, additions=1 if chance.random() < 0.03 else 0)


async def fill(url: str, conversations: int, live_days: int, keys: Pseudonymizer) -> None:
    chance = random.Random(18)
    engine = create_engine(url, keys)
    first_live = END - timedelta(days=live_days - 1)
    start = datetime(END.year, 1, 1, tzinfo=UTC)
    moments = sorted(start + timedelta(seconds=chance.randrange(365 * 86400)) for _ in range(conversations))
    purged = [stat_row(a_fact(chance, moment)) for moment in moments if moment.date() < first_live]
    live = [moment for moment in moments if moment.date() >= first_live]
    async with engine.begin() as connection:
        for batch in range(0, len(purged), 5000):
            await connection.execute(insert(ConversationStat), purged[batch:batch + 5000])
        contacts, rows, messages = [], [], []
        for number, moment in enumerate(live):
            fact = a_fact(chance, moment)
            contacts.append({"id": number + 1, "channel": fact.channel, "address_hash": secrets.token_hex(32),
                             "reply_address": secrets.token_hex(8), "created_at": moment})
            screening = None if fact.assessment is None else {
                "assessment": fact.assessment, "exploitation": fact.exploitation, "age_band": fact.age_band,
                "dimensions": dict.fromkeys(fact.dimensions, True), "answers": dict.fromkeys(fact.indicators, "yes")}
            conversation_id = secrets.token_hex(16)
            rows.append({"id": conversation_id, "contact_id": number + 1, "channel": fact.channel, "state": "resolved",
                         "tier": fact.tier, "kind": fact.kind, "language": fact.language, "language_chosen": False,
                         "alias": "Visitor 0000", "created_at": moment, "updated_at": moment,
                         "queued_at": moment if fact.tier else None, "resolved_at": moment + timedelta(hours=1),
                         "screening": screening, "assessment": fact.assessment})
            if fact.first_reply_seconds is not None:
                messages.append({"conversation_id": conversation_id, "sender": "caseworker",
                                 "body": {"text": "hello", "payload": None, "buttons": []},
                                 "created_at": moment + timedelta(seconds=fact.first_reply_seconds)})
        for table, values in ((Contact, contacts), (Conversation, rows), (MessageRecord, messages)):
            for batch in range(0, len(values), 2000):
                await connection.execute(insert(table), values[batch:batch + 2000])
    await engine.dispose()
    print(f"filled: {len(purged)} purged rows, {len(live)} live conversations ({live_days} days), "
          f"{len(messages)} caseworker replies", flush=True)


def requests_measured(today: date) -> list[tuple[str, tuple[date | None, date | None], GroupBy]]:
    """The everyday periods, and the largest the API takes (handover/stats_range.py): the most days, one of them
    before the year's conversations (a day with none among busy ones makes the suppression work hardest), the
    most weeks, and the whole window."""
    year = (date(END.year, 1, 1), END)
    window = (EARLIEST, latest(today))
    days, weeks = MOST_PERIODS["day"], MOST_PERIODS["week"]
    from_monday = END - timedelta(days=END.weekday() + 7 * (weeks - 1))
    return [("dashboard, a year by month", year, "month"),
            ("export, a year by week", year, "week"),
            ("export, a year by day", year, "day"),
            (f"export, {days} days by day, one empty", (END - timedelta(days=days - 1), END), "day"),
            (f"export, {weeks} weeks by week", (from_monday, END), "week"),
            ("yearly summary", year, "year"),
            ("the whole window by month", window, "month"),
            ("the whole window by year", window, "year"),
            ("everything, by month", (None, None), "month")]


@dataclass
class Held:
    """How long a request took, and how long the event loop was held up meanwhile: `step`, the longest one step of
    it (a callback, a task's turn) took in the loop thread's own processor time, which is what the code holds it
    for; `late`, the most a task that asks for a turn every millisecond came late, which also counts the machine's
    other load and the threads' turns at the interpreter lock."""

    took: float = 0.0
    step: float = 0.0
    late: float = 0.0


async def held_up(work: Callable[[], Awaitable[T]]) -> tuple[T, Held]:
    held = Held()
    running = True
    run_step = asyncio.events.Handle._run

    def timed_step(handle: asyncio.events.Handle) -> None:
        began = time.thread_time()
        run_step(handle)
        held.step = max(held.step, time.thread_time() - began)

    async def ticker() -> None:
        while running:
            asked = time.perf_counter()
            await asyncio.sleep(0.001)
            held.late = max(held.late, time.perf_counter() - asked - 0.001)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    asyncio.events.Handle._run = timed_step  # type: ignore[method-assign]
    try:
        began = time.perf_counter()
        result = await work()
        held.took = time.perf_counter() - began
    finally:
        asyncio.events.Handle._run = run_step  # type: ignore[method-assign]
        running = False
        await ticking
    return result, held


async def measure(url: str, keys: Pseudonymizer, repeat: int) -> None:
    engine = create_engine(url, keys)
    publisher = StatisticsPublisher(StatisticsSource(engine, HOURS))
    for label, period, group_by in requests_measured(date.today()):
        runs = []
        for _ in range(repeat):
            published, held = await held_up(partial(publisher.publish, *period, group_by))
            began = time.perf_counter()
            Statistics.model_validate(as_json(published)).model_dump_json()  # what the API writes (in a thread)
            json_written = time.perf_counter()
            as_csv(published)
            runs.append((held.took, held, json_written - began, time.perf_counter() - json_written))
        took, held, json_time, csv_time = min(runs, key=lambda run: run[0])
        print(f"{label:32} {took * 1000:7.0f} ms; event loop: longest step {held.step * 1000:3.0f} ms, a task late "
              f"{held.late * 1000:4.0f} ms at most; JSON {json_time * 1000:.0f} ms, CSV {csv_time * 1000:.0f} ms; "
              f"{len(published.periods)} periods, best of {repeat}", flush=True)
    await engine.dispose()


async def on_postgresql(args: argparse.Namespace, keys: Pseudonymizer) -> None:
    admin = await asyncpg.connect(SERVER, timeout=5)
    name = f"havn_bench_stats_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{SERVER.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
        await migrate_async(url)
        began = time.perf_counter()
        await fill(url, args.conversations, args.live_days, keys)
        print(f"fill took {time.perf_counter() - began:.0f} s", flush=True)
        analyze = await asyncpg.connect(SERVER.rsplit("/", 1)[0] + f"/{name}")
        await analyze.execute("ANALYZE")
        await analyze.close()
        await measure(url, keys, args.repeat)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def on_sqlite(args: argparse.Namespace, keys: Pseudonymizer) -> None:
    with tempfile.TemporaryDirectory(prefix="havn-bench-stats-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'havn.db'}"
        await migrate_async(url)
        began = time.perf_counter()
        await fill(url, args.conversations, args.live_days, keys)
        print(f"fill took {time.perf_counter() - began:.0f} s", flush=True)
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
        await engine.dispose()
        await measure(url, keys, args.repeat)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--live-days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    keys = Pseudonymizer("bench-hash-key", (Fernet.generate_key().decode(),))
    await (on_sqlite if args.database == "sqlite" else on_postgresql)(args, keys)


if __name__ == "__main__":
    asyncio.run(main())
