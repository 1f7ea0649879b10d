"""The delivery worker's statements on the outbox table (core/models.py OutboxRecord): claim what is due, record
how an attempt went. handover/delivery.py decides what to do; this only reads and writes.

A row is claimed with a lease (`claimed_until`) before it is sent: another worker skips it while the lease runs,
and takes it over if the one that claimed it died. Only the first open row of a conversation can be claimed, so
a message waiting for a retry holds back the later ones of its conversation. On PostgreSQL the claim locks the
rows it picks with FOR UPDATE SKIP LOCKED: several app instances' workers claim different rows at the same
moment. SQLite has one app process, whose worker is the only one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import aliased

from core.clock import SYSTEM_CLOCK, Clock
from core.messages import Message
from core.models import Contact, Conversation, MessageRecord, OutboxRecord, as_utc
from core.vocabulary import Delivery
from handover.store import stored_message

OPEN = tuple(state for state in Delivery if state.open)


@dataclass(frozen=True)
class Claimed:
    """One message to send now, with the reply address (in clear, in memory only)."""

    id: int
    conversation_id: str
    channel: str
    address: str
    message: Message
    state: Delivery
    attempts: int
    parts_sent: int


class Queueing:
    """Puts stored messages in the outbox (a handover/store.py `Queue`), in the transaction that stores them.

    When nothing of the conversation is still open, the first message is queued already claimed by this app
    instance (`claimed`), with its reply address: the worker sends it at once without a claim of its own, so
    that a reply costs one row more in its transaction and nothing else before it is sent. The later ones wait
    behind it and are claimed as usual."""

    def __init__(self, push: Collection[str], lease: timedelta, clock: Clock, claim_for: Collection[str]) -> None:
        """`claim_for`: the channels this instance's worker sends on now (none while it is stopped)."""
        self._push = push
        self._lease = lease
        self._claim_for = claim_for
        self._clock = clock
        self.claimed: Claimed | None = None

    async def __call__(self, connection: AsyncConnection, conversation_id: str, stored: list[Message]) -> bool:
        if connection.dialect.name == "postgresql":
            # Two messages queued at once for one conversation (a notice, a reply) take turns here, so that only
            # one of them can find nothing open and be claimed first; the look below is a statement of its own,
            # so that it sees what the other committed while this one waited. FOR NO KEY UPDATE: the key share
            # lock the message's insert already holds does not conflict with it, so the two wait for each other
            # instead of deadlocking. (SQLite writes one transaction at a time anyway.)
            await connection.execute(select(Conversation.id).where(Conversation.id == conversation_id)
                                     .with_for_update(key_share=True))
        earlier = select(OutboxRecord.id).where(OutboxRecord.conversation_id == conversation_id,
                                                OutboxRecord.state.in_(OPEN))
        target = (await connection.execute(
            select(Conversation.channel, Contact.reply_address, earlier.exists().label("blocked"))
            .join(Contact, Contact.id == Conversation.contact_id)
            .where(Conversation.id == conversation_id))).first()
        if target is None or target.channel not in self._push:
            return False
        now = self._clock.now()
        rows = [{"message_id": message.id, "conversation_id": conversation_id, "channel": target.channel,
                 "state": Delivery.PENDING, "attempts": 0, "parts_sent": 0, "created_at": now} for message in stored]
        if not target.blocked and target.channel in self._claim_for:
            first, *stored = stored
            row_id = await connection.scalar(insert(OutboxRecord).values(
                **rows.pop(0), claimed_until=now + self._lease).returning(OutboxRecord.id))
            self.claimed = Claimed(row_id, conversation_id, target.channel, target.reply_address, first,
                                   Delivery.PENDING, 0, 0)
        if rows:
            await connection.execute(insert(OutboxRecord), rows)
        return True


class OutboxRows:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._clock = clock

    def queueing(self, push: Collection[str], lease: timedelta, claim_for: Collection[str]) -> Queueing:
        return Queueing(push, lease, self._clock, claim_for)

    async def claim(self, limit: int, channels: Collection[str], lease: timedelta) -> list[Claimed]:
        """Up to `limit` rows due now, each the first open one of its conversation, oldest first."""
        now = self._clock.now()
        earlier = aliased(OutboxRecord)
        first_open = ~exists().where(earlier.conversation_id == OutboxRecord.conversation_id,
                                     earlier.id < OutboxRecord.id, earlier.state.in_(OPEN))
        due = (select(OutboxRecord.id.label("outbox_id"), OutboxRecord.conversation_id, OutboxRecord.channel,
                      OutboxRecord.state, OutboxRecord.attempts, OutboxRecord.parts_sent, Contact.reply_address,
                      MessageRecord.id, MessageRecord.sender, MessageRecord.body, MessageRecord.created_at,
                      MessageRecord.media_kind)
               .join(MessageRecord, MessageRecord.id == OutboxRecord.message_id)
               .join(Conversation, Conversation.id == OutboxRecord.conversation_id)
               .join(Contact, Contact.id == Conversation.contact_id)
               .where(OutboxRecord.state.in_(OPEN), OutboxRecord.channel.in_(list(channels)),
                      OutboxRecord.next_attempt_at.is_(None) | (OutboxRecord.next_attempt_at <= now),
                      OutboxRecord.claimed_until.is_(None) | (OutboxRecord.claimed_until < now), first_open)
               .order_by(OutboxRecord.id).limit(limit)
               .with_for_update(skip_locked=True, of=OutboxRecord))  # not rendered on SQLite
        async with self._engine.begin() as connection:
            rows = (await connection.execute(due)).all()
            if rows:  # one statement more only when there is something to send
                await connection.execute(update(OutboxRecord).where(OutboxRecord.id.in_([r.outbox_id for r in rows]))
                                         .values(claimed_until=now + lease))
        return [Claimed(row.outbox_id, row.conversation_id, row.channel, row.reply_address, stored_message(row),
                        Delivery(row.state), row.attempts, row.parts_sent) for row in rows]

    async def sent(self, row_id: int) -> None:
        await self._finish(row_id, state=Delivery.SENT, sent_at=self._clock.now())

    async def retry(self, row_id: int, attempts: int, parts_sent: int, error: str, after: timedelta) -> None:
        await self._finish(row_id, state=Delivery.RETRYING, attempts=attempts, parts_sent=parts_sent,
                           last_error=error, next_attempt_at=self._clock.now() + after)

    async def failed(self, row_id: int, attempts: int, parts_sent: int, error: str) -> None:
        await self._finish(row_id, state=Delivery.FAILED, attempts=attempts, parts_sent=parts_sent, last_error=error)

    async def _finish(self, row_id: int, **values: object) -> None:
        """The attempt's outcome; the lease ends with it."""
        async with self._engine.begin() as connection:
            await connection.execute(update(OutboxRecord).where(OutboxRecord.id == row_id)
                                     .values(claimed_until=None, **values))

    async def next_due(self, channels: Collection[str]) -> datetime | None:
        """When something may next become claimable without this worker being woken: the earliest retry, or
        the end of a lease (a worker that died). A pending row behind them needs no time of its own."""
        waiting = func.coalesce(OutboxRecord.claimed_until, OutboxRecord.next_attempt_at)
        async with self._engine.connect() as connection:
            moment = await connection.scalar(
                select(func.min(waiting)).where(OutboxRecord.state.in_(OPEN),
                                                OutboxRecord.channel.in_(list(channels)), waiting.is_not(None)))
        return None if moment is None else as_utc(moment)
