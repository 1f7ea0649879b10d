"""Statistics counted once, on SQLite and PostgreSQL: a conversation counts the same while it lives and after the
retention purge has kept only its anonymous row, never twice and never lost, in every dimension; erasures on
request are counted as events, not as contacts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from core import loop_turns
from core.clock import FakeClock
from core.config import CONTENT_DIR
from core.db import create_engine, migrate_async
from core.hours import Hours
from core.messages import Message
from core.models import Conversation, ConversationStat
from core.pseudonym import Pseudonymizer
from core.vocabulary import Kind, Sender, State, Tier
from handover import stats_facts
from handover.audit import Audit
from handover.queue import Queue
from handover.reports import Reports
from handover.retention import Retention
from handover.stats_counts import Counts, StatisticsSource
from handover.stats_facts import Fact, fact_of
from handover.stats_tables import build
from handover.store import Store
from tests.databases import database_url

START = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)  # a Tuesday, 10:30 in Copenhagen: staffed
HOURS = Hours.load(CONTENT_DIR / "hours.yml")


class NoRasa:
    async def erase_tracker(self, conversation_id: str) -> None:
        return None


@dataclass
class World:
    store: Store
    queue: Queue
    reports: Reports
    retention: Retention
    source: StatisticsSource
    clock: FakeClock


@pytest.fixture(params=["sqlite", "postgresql"])
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        keys = Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),))
        engine = create_engine(url, keys)
        clock = FakeClock(START, tick=timedelta(seconds=1))
        store = Store(engine, clock=clock)
        try:
            yield World(store, Queue(engine, clock=clock), Reports(engine, keys, 10, clock=clock),
                        Retention(engine, store, NoRasa(), Audit(engine, clock=clock), 30, clock=clock, hours=HOURS),
                        StatisticsSource(engine, HOURS), clock)
        finally:
            await engine.dispose()


SCREENING = {"dimensions": {"DR": False, "CR": True, "AVR": False, "EX": True, "CD": True, "AVD": False},
             "assessment": "trafficking_indicated", "tier": "P2", "indicators": [], "age_band": "adult",
             "exploitation": "labour", "immediate_danger": False, "answers": {"CD-01": "yes", "EX-02": "yes",
                                                                              "CR-01": "no"},
             "evidence": {"CD-01": "they keep my passport"}, "work_words": None, "finished": True}


async def populate(world: World, caseworker_id: int | None) -> list[str]:
    """Ten conversations of many kinds, over two days; returns their ids."""
    ids = []
    for number in range(10):
        language = ("en", "da", "uk", "th", "ar")[number % 5]
        state = await world.store.receive("webchat" if number % 3 else "telegram", f"address-{number}",
                                          f"reply-{number}", language, Message(f"hello number {number}"))
        ids.append(state.id)
        if number % 2 == 0:
            await world.store.save_screening(state.id, SCREENING)  # type: ignore[arg-type]
        if number % 4 == 1:
            report_id, _ = await world.reports.create(state.id)
            await world.reports.save(report_id, {"noticed": {"words": "a van at night"}})
            await world.reports.add(report_id, "more about the van")
            await world.store.request_handover(state.id, Tier.P3, Kind.REPORT)
        elif number % 3 == 0:
            await world.store.request_handover(state.id, Tier.P1 if number == 0 else Tier.P2, Kind.HELP)
        if number in (0, 3) and caseworker_id is not None:
            await world.queue.claim(state.id, caseworker_id)
            await world.store.add_messages(state.id, Sender.CASEWORKER, [Message("Hello, I am here")])
        world.clock.advance(timedelta(hours=5))
    return ids


async def caseworker(world: World) -> int:
    from handover.accounts import Accounts
    account = await Accounts(world.store._engine).add("anna", "correct horse battery", "caseworker")
    return account.id


def comparable(counts: Counts) -> dict[str, object]:
    return {"contacts": dict(counts.contacts), "cells": {name: dict(cells) for name, cells in counts.cells.items()},
            "measures": {name: dict(values) for name, values in counts.measures.items()},
            "first_replies": {day: sorted(values) for day, values in counts.first_replies.items()}}


async def close_all(world: World, ids: list[str]) -> None:
    """Resolved, as caseworkers close them: queued ones ended by the queue itself."""
    async with world.store._engine.begin() as connection:
        await connection.execute(Conversation.__table__.update().where(Conversation.id.in_(ids)).values(
            state=State.RESOLVED, resolved_at=world.clock.now()))


async def test_a_conversation_counts_once_live_and_after_the_purge(world: World) -> None:
    ids = await populate(world, await caseworker(world))
    live = await world.source.counts()
    assert sum(live.contacts.values()) == 10
    cells = live.cells
    assert sum(cells["kind"].values()) == 10 and sum(cells["language"].values()) == 10
    assert sum(n for (_, value), n in cells["kind"].items() if value == "report") == 3
    assert sum(n for (_, value), n in cells["screening_result"].items() if value == "trafficking_indicated") == 5
    assert sum(n for (_, value), n in cells["exploitation"].items() if value == "labour") == 5
    assert sum(n for (_, value), n in cells["indicator"].items() if value == "CD-01") == 5
    assert sum(n for (_, value), n in cells["indicator_dimension"].items() if value == "CD") == 5
    assert sum(n for (_, value), n in cells["wait"].items() if value == "human_replied") == 2
    assert sum(live.measures["reports"].values()) == 3 and sum(live.measures["additions"].values()) == 3
    replies = [seconds for values in live.first_replies.values() for seconds in values]
    assert len(replies) == 2 and all(0 <= seconds < 60 for seconds in replies)
    assert {value for (_, value) in cells["staffed"]} == {"staffed", "off_hours"}

    purged = 0
    # The bot's quiet ones and these four are purged while the waiting ones live; then all of them.
    for closing, purged_by_then in ((ids[:4], 7), (ids[4:], 10)):
        await close_all(world, closing)
        before = await world.source.counts()  # closing ends a wait: counted as it ended, not as a purge's doing
        world.clock.advance(timedelta(days=31))
        purged += (await world.retention.purge()).conversations
        assert purged == purged_by_then  # 4 closed and 3 quiet; then the 3 that waited until closed
        after = await world.source.counts()
        assert comparable(after) == comparable(before)  # nothing twice, nothing lost
        assert build(after, "month") == build(before, "month")
    assert after.contacts == live.contacts and after.cells["language"] == live.cells["language"]
    async with world.store._engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(Conversation)) == 0
        assert await connection.scalar(select(func.count()).select_from(ConversationStat)) == 10

async def test_a_period_counts_only_its_days_and_erasures_are_events(world: World) -> None:
    ids = await populate(world, None)
    first_day = START.date()
    only_first = await world.source.counts(first_day, first_day)
    assert set(only_first.contacts) == {first_day} and sum(only_first.contacts.values()) == 3  # 09:30, 14:30, 19:30
    assert await world.retention.erase_person("address-1") == 1
    counts = await world.source.counts()
    assert sum(counts.contacts.values()) == 9  # an erased conversation is not a contact any more
    assert sum(counts.measures["erasures"].values()) == 1
    assert len(ids) == 10
    assert await world.source.counts(date(2025, 1, 1), date(2025, 12, 31)) == Counts()


async def test_counting_lets_other_tasks_run_between_conversations(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A month of live conversations is a second of Python: counted in turns (core/loop_turns.py), not in one
    piece that holds up every chat. Shown by order: another task runs between two conversations' facts."""
    await populate(world, None)
    monkeypatch.setattr(loop_turns, "TURN_SECONDS", 0)  # a turn after every row, so that the order shows it
    happened: list[str] = []

    def noted_fact(*args: Any) -> Fact:
        happened.append("fact")
        return fact_of(*args)

    monkeypatch.setattr(stats_facts, "fact_of", noted_fact)
    counting = asyncio.create_task(world.source.counts())
    while not counting.done():
        happened.append("other task")
        await asyncio.sleep(0)
    assert (await counting).contacts.total() == 10
    facts = [index for index, what in enumerate(happened) if what == "fact"]
    assert len(facts) == 10 and "other task" in happened[facts[0]:facts[-1]]
