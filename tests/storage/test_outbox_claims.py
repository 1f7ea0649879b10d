"""Several delivery workers claiming from one outbox (handover/outbox_rows.py): each message is claimed once, only
the first open message of a conversation can be claimed, and a conversation never has two messages in flight.

PostgreSQL (FOR UPDATE SKIP LOCKED): 6 claimers side by side, as several app instances would run. SQLite has one
app process and so one worker: one claimer, which must still keep each conversation's order.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core.clock import FakeClock
from core.db import create_engine, migrate_async
from core.messages import Message
from core.pseudonym import Pseudonymizer
from core.vocabulary import Sender
from handover.outbox_rows import OutboxRows
from handover.store import Store
from tests.databases import database_url

LEASE = timedelta(minutes=2)


async def fill(store: Store, rows: OutboxRows, conversations: int, messages: int) -> dict[str, list[int]]:
    """Telegram conversations, each with `messages` queued messages (none claimed as it is queued: no worker
    here): their ids in order, by conversation."""
    queued: dict[str, list[int]] = {}
    for n in range(conversations):
        state = await store.receive("telegram", f"hash {n}", str(1000 + n), "en", Message("hello"))
        stored = await store.add_messages(state.id, Sender.BOT, [Message(f"reply {k}") for k in range(messages)],
                                          rows.queueing(("telegram",), LEASE, claim_for=()))
        queued[state.id] = [message.id for message in stored]
    return queued


@pytest.mark.parametrize(("kind", "claimers"), [("postgresql", 6), ("sqlite", 1)])
async def test_each_message_is_claimed_once_and_in_order_within_its_conversation(
        tmp_path: Path, kind: str, claimers: int) -> None:
    async with database_url(kind, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
        try:
            rows = OutboxRows(engine)
            queued = await fill(Store(engine), rows, conversations=12, messages=5)
            total = sum(len(ids) for ids in queued.values())
            claims: Counter[int] = Counter()
            in_flight: set[str] = set()
            sent_order: dict[str, list[int]] = defaultdict(list)
            overlaps: list[str] = []
            pace = random.Random(3)

            async def worker() -> None:
                for _ in range(10_000):  # bounded: a claim that never comes fails the test, not the run
                    if sum(claims.values()) >= total:
                        return
                    claimed = await rows.claim(4, ("telegram",), LEASE)
                    for row in claimed:
                        claims[row.message.id] += 1
                        if row.conversation_id in in_flight:
                            overlaps.append(row.conversation_id)
                        in_flight.add(row.conversation_id)
                    await asyncio.sleep(pace.random() / 1000)  # "sending": the other claimers run meanwhile
                    for row in claimed:
                        sent_order[row.conversation_id].append(row.message.id)
                        in_flight.discard(row.conversation_id)
                        await rows.sent(row.id)
                    if not claimed:
                        await asyncio.sleep(0.001)

            await asyncio.gather(*(worker() for _ in range(claimers)))
            assert set(claims.values()) == {1} and len(claims) == total  # every message, each once
            assert overlaps == []  # never two messages of one conversation at once
            assert dict(sent_order) == queued  # each conversation's in the order they were queued
            assert await rows.claim(10, ("telegram",), LEASE) == []
            assert await rows.next_due(("telegram",)) is None
        finally:
            await engine.dispose()


async def test_the_first_message_of_an_idle_conversation_is_claimed_as_it_is_queued(tmp_path: Path) -> None:
    """With a worker sending on the channel, a reply needs no claim of its own: its row comes back claimed, with
    the reply address; the next one, queued behind it, is not."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}"
    await migrate_async(url)
    engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
    try:
        store, rows = Store(engine), OutboxRows(engine)
        state = await store.receive("telegram", "hash", "4242", "en", Message("hello"))
        queueing = rows.queueing(("telegram",), LEASE, claim_for=("telegram",))
        first, second = await store.add_messages(state.id, Sender.BOT, [Message("one"), Message("two")], queueing)
        assert queueing.claimed is not None
        assert (queueing.claimed.message.id, queueing.claimed.address) == (first.id, "4242")
        assert await rows.claim(10, ("telegram",), LEASE) == []  # the first is leased, the second behind it
        await rows.sent(queueing.claimed.id)
        [claimed] = await rows.claim(10, ("telegram",), LEASE)
        assert claimed.message.id == second.id
        again = rows.queueing(("telegram",), LEASE, claim_for=("telegram",))
        await store.add_messages(state.id, Sender.BOT, [Message("three")], again)
        assert again.claimed is None  # "two" is still open: "three" waits its turn
    finally:
        await engine.dispose()


async def test_a_lease_that_ran_out_is_claimed_again_and_a_retry_waits_for_its_time(tmp_path: Path) -> None:
    """What a worker that died had claimed goes again once its lease ends; a retry waits until it is due."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}"
    await migrate_async(url)
    engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
    try:
        clock = FakeClock()
        rows = OutboxRows(engine, clock=clock)
        queued = await fill(Store(engine, clock=clock), rows, conversations=1, messages=2)
        [(conversation_id, (first, second))] = queued.items()
        [claimed] = await rows.claim(10, ("telegram",), LEASE)
        assert claimed.message.id == first and claimed.address == "1000"
        assert await rows.claim(10, ("telegram",), LEASE) == []  # leased; and the second waits behind it
        clock.advance(LEASE + timedelta(seconds=1))
        [again] = await rows.claim(10, ("telegram",), LEASE)  # the worker that claimed it is gone
        assert again.message.id == first
        await rows.retry(again.id, 1, 0, "network", timedelta(seconds=30))
        assert await rows.claim(10, ("telegram",), LEASE) == []  # not due yet; the second still waits
        assert await rows.next_due(("telegram",)) == clock.now() + timedelta(seconds=30)
        clock.advance(timedelta(seconds=30))
        [retried] = await rows.claim(10, ("telegram",), LEASE)
        assert (retried.message.id, retried.attempts) == (first, 1)
        await rows.failed(retried.id, 2, 0, "forbidden")
        [after] = await rows.claim(10, ("telegram",), LEASE)  # a failed one holds nothing back
        assert after.message.id == second and after.conversation_id == conversation_id
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
async def test_messages_queued_at_once_for_one_conversation_take_turns(tmp_path: Path, kind: str) -> None:
    """A notice and a reply queued at the same moment: one is claimed as it is queued, the others wait behind it,
    and neither transaction fails (no deadlock on the conversation's row)."""
    async with database_url(kind, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
        try:
            store, rows = Store(engine), OutboxRows(engine)
            state = await store.receive("telegram", "hash", "4242", "en", Message("hello"))
            queueings = [rows.queueing(("telegram",), LEASE, claim_for=("telegram",)) for _ in range(8)]
            await asyncio.gather(*(store.add_messages(state.id, Sender.SYSTEM, [Message(f"notice {n}")], queueing)
                                   for n, queueing in enumerate(queueings)))
            assert sum(queueing.claimed is not None for queueing in queueings) == 1
        finally:
            await engine.dispose()
