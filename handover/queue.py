"""The handover queue: who waits for a person, in which order, and atomic claims.

Order: tier (P1 first), then waiting time. A claim is one guarded UPDATE (`… WHERE state = 'queued'`), so two
caseworkers can never both win it, on SQLite or PostgreSQL. "Take the next one" picks its row with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so that twenty caseworkers pressing it at once each get a
different conversation instead of queueing behind one row lock; SQLite has one writer at a time and
retries the guarded update when another claimer was faster.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.selectable import ScalarSelect

from core.clock import SYSTEM_CLOCK, Clock
from core.models import Assignment, Caseworker, Conversation, MessageRecord, as_utc
from core.vocabulary import Kind, Sender, State, Tier

RECENT_CLAIMS = 20  # the rough wait is the median of the last claims' waits…
RECENT_WINDOW = timedelta(hours=24)  # …within the last day


class ClaimResult(Enum):
    CLAIMED = "claimed"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"  # someone else holds it
    NOT_QUEUED = "not_queued"  # the bot has it, it is resolved, or it does not exist


@dataclass(frozen=True)
class QueueItem:
    conversation_id: str
    alias: str
    state: State
    tier: Tier
    kind: Kind
    language: str
    channel: str
    queued_at: datetime
    assessment: str | None
    assignee_id: int | None
    assignee: str | None

    def waiting_seconds(self, now: datetime) -> int:
        return max(0, int((now - as_utc(self.queued_at)).total_seconds()))


@dataclass(frozen=True)
class Waiting:
    """One tier of the queue, in figures."""

    count: int
    longest_seconds: float


@dataclass(frozen=True)
class Held:
    """A conversation held by a caseworker."""

    conversation_id: str
    caseworker_id: int


class Queue:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self.clock = clock  # the console reads waiting times on the same clock
        self._skip_locked = engine.dialect.name == "postgresql"

    async def items(self, states: tuple[str, ...] = (State.QUEUED,)) -> list[QueueItem]:
        """Conversations in these states, most urgent first, then longest waiting."""
        query = (select(Conversation.id, Conversation.alias, Conversation.state, Conversation.tier,
                        Conversation.kind, Conversation.language, Conversation.channel, Conversation.queued_at,
                        Conversation.assessment, Conversation.assignee_id, Caseworker.alias.label("assignee"))
                 .outerjoin(Caseworker, Caseworker.id == Conversation.assignee_id)
                 .where(Conversation.state.in_([State(state) for state in states]))
                 .order_by(Conversation.tier, Conversation.queued_at))
        async with self._engine.connect() as connection:
            rows = list(await connection.execute(query))
        return [QueueItem(row.id, row.alias, State(row.state), Tier(row.tier or Tier.P4), Kind(row.kind),
                          row.language, row.channel, row.queued_at or self.clock.now(), row.assessment,
                          row.assignee_id, row.assignee)
                for row in rows]

    async def waiting_by_tier(self) -> dict[Tier, Waiting]:
        """How many wait in each tier and since when the longest has waited (for /metrics: no ids, only counts).
        Tiers nobody waits in are left out."""
        tier = func.coalesce(Conversation.tier, Tier.P4.value)  # as `items` reads a missing tier
        query = (select(tier, func.count(), func.min(Conversation.queued_at))
                 .where(Conversation.state == State.QUEUED).group_by(tier))
        async with self._engine.connect() as connection:
            rows = list(await connection.execute(query))
        now = self.clock.now()
        return {Tier(name): Waiting(count, max(0.0, (now - as_utc(oldest or now)).total_seconds()))
                for name, count, oldest in rows}

    async def position(self, conversation_id: str) -> int | None:
        """1 for the first in line; None when the conversation is not waiting."""
        async with self._engine.connect() as connection:
            mine = (await connection.execute(select(Conversation.tier, Conversation.queued_at).where(
                Conversation.id == conversation_id, Conversation.state == State.QUEUED))).first()
            if mine is None:
                return None
            ahead = await connection.scalar(select(func.count()).select_from(Conversation).where(
                Conversation.state == State.QUEUED,
                or_(Conversation.tier < mine.tier,
                    and_(Conversation.tier == mine.tier, Conversation.queued_at < mine.queued_at))))
        return ahead + 1

    async def typical_wait(self) -> float | None:
        """Seconds from request to claim, the median of recent claims; None when there were none lately."""
        first_claims = (select(func.min(Assignment.started_at).label("claimed_at"), Assignment.conversation_id)
                        .group_by(Assignment.conversation_id).subquery())
        query = (select(first_claims.c.claimed_at, Conversation.queued_at)
                 .join(Conversation, Conversation.id == first_claims.c.conversation_id)
                 .where(first_claims.c.claimed_at >= self.clock.now() - RECENT_WINDOW,
                        Conversation.queued_at.is_not(None))
                 .order_by(first_claims.c.claimed_at.desc()).limit(RECENT_CLAIMS))
        async with self._engine.connect() as connection:
            waits = [(as_utc(row.claimed_at) - as_utc(row.queued_at)).total_seconds()
                     for row in await connection.execute(query)]
        return statistics.median(waits) if waits else None

    async def claim(self, conversation_id: str, caseworker_id: int) -> ClaimResult:
        async with self._engine.begin() as connection:
            if await self._take(connection, conversation_id, caseworker_id):
                return ClaimResult.CLAIMED
            holder = (await connection.execute(select(Conversation.state, Conversation.assignee_id)
                                               .where(Conversation.id == conversation_id))).first()
        if holder is None or holder.state != State.ASSIGNED:
            return ClaimResult.NOT_QUEUED
        return ClaimResult.ALREADY_YOURS if holder.assignee_id == caseworker_id else ClaimResult.TAKEN

    async def claim_next(self, caseworker_id: int) -> str | None:
        """Claim the most urgent waiting conversation; None when nobody waits."""
        while True:
            async with self._engine.begin() as connection:
                query = (select(Conversation.id).where(Conversation.state == State.QUEUED)
                         .order_by(Conversation.tier, Conversation.queued_at).limit(1))
                if self._skip_locked:
                    query = query.with_for_update(skip_locked=True)
                conversation_id = await connection.scalar(query)
                if conversation_id is None:
                    return None
                if await self._take(connection, conversation_id, caseworker_id):
                    return conversation_id
            # Another claimer was faster (SQLite only: PostgreSQL skipped the row they had locked); try the next.

    async def end(self, conversation_id: str, caseworker_id: int | None, state: str, reason: str) -> bool:
        """The holder (any holder when `caseworker_id` is None) gives it up: back to the bot (State.BOT) or the
        queue (State.QUEUED), or State.RESOLVED. False when it was not held (by them)."""
        state = State(state)
        now = self.clock.now()
        held = [Conversation.id == conversation_id, Conversation.state == State.ASSIGNED]
        if caseworker_id is not None:
            held.append(Conversation.assignee_id == caseworker_id)
        values: dict[str, object] = {"state": state, "assignee_id": None, "claimed_at": None, "updated_at": now}
        if state == State.QUEUED:
            values.update(queued_at=now, unanswered_notice_at=None)
        if state == State.RESOLVED:
            values["resolved_at"] = now
        async with self._engine.begin() as connection:
            if (await connection.execute(update(Conversation).where(*held).values(**values))).rowcount != 1:
                return False
            await self._close_assignment(connection, conversation_id, reason, now)
        return True

    async def release(self, conversation_id: str, caseworker_id: int | None) -> State | None:
        """The holder (any holder when `caseworker_id` is None) lets it go: back to the queue while the person's
        request for a person is still open, else back to the bot. None when it was not held (by them).

        Open: nobody from the centre has written to them since they asked, and they asked for help for themselves
        (a help conversation) or it is a P1. A walker saw one key press take a P1 that had waited an hour out of
        the queue and out of every list. Back in the queue it keeps its tier and its place (`queued_at`); the
        claim was no answer. A report queued for a caseworker to read, and a request a caseworker has answered,
        go back to the bot as before."""
        now = self.clock.now()
        held = [Conversation.id == conversation_id, Conversation.state == State.ASSIGNED]
        if caseworker_id is not None:
            held.append(Conversation.assignee_id == caseworker_id)
        answered = (select(MessageRecord.id).where(
            MessageRecord.conversation_id == Conversation.id, MessageRecord.sender == Sender.CASEWORKER,
            or_(Conversation.queued_at.is_(None), MessageRecord.created_at >= Conversation.queued_at)).exists())
        still_open = and_(or_(Conversation.kind == Kind.HELP, Conversation.tier == Tier.P1), ~answered)
        async with self._engine.begin() as connection:
            waits = await connection.scalar(select(still_open).where(*held))
            if waits is None:
                return None
            state = State.QUEUED if waits else State.BOT
            result = await connection.execute(update(Conversation).where(*held).values(
                state=state, assignee_id=None, claimed_at=None, updated_at=now))
            if result.rowcount != 1:
                return None
            await self._close_assignment(connection, conversation_id, "released", now)
        return state

    async def transfer(self, conversation_id: str, from_id: int | None, to_id: int) -> bool:
        """Hand a held conversation to another caseworker; `from_id` None lets a supervisor move any."""
        now = self.clock.now()
        held = [Conversation.id == conversation_id, Conversation.state == State.ASSIGNED]
        if from_id is not None:
            held.append(Conversation.assignee_id == from_id)
        async with self._engine.begin() as connection:
            result = await connection.execute(update(Conversation).where(*held).values(
                assignee_id=to_id, claimed_at=now, updated_at=now, read_up_to=_newest_message(conversation_id)))
            if result.rowcount != 1:
                return False
            await self._close_assignment(connection, conversation_id, "transferred", now)
            await connection.execute(insert(Assignment).values(
                conversation_id=conversation_id, caseworker_id=to_id, started_at=now))
        return True

    async def holder(self, conversation_id: str) -> int | None:
        async with self._engine.connect() as connection:
            return await connection.scalar(select(Conversation.assignee_id).where(
                Conversation.id == conversation_id, Conversation.state == State.ASSIGNED))

    async def abandoned(self, grace: timedelta) -> list[Held]:
        """Claims whose holder's console has been gone for longer than `grace` (and held at least that long)."""
        cutoff = self.clock.now() - grace
        query = (select(Conversation.id, Conversation.assignee_id)
                 .join(Caseworker, Caseworker.id == Conversation.assignee_id)
                 .where(Conversation.state == State.ASSIGNED, Conversation.claimed_at < cutoff,
                        or_(Caseworker.last_seen_at.is_(None), Caseworker.last_seen_at < cutoff)))
        async with self._engine.connect() as connection:
            return [Held(row.id, row.assignee_id) for row in await connection.execute(query)]

    async def overdue(self, limit: timedelta) -> list[str]:
        """Queued conversations waiting longer than `limit` whose person was not yet told so."""
        query = select(Conversation.id).where(Conversation.state == State.QUEUED,
                                              Conversation.queued_at < self.clock.now() - limit,
                                              Conversation.unanswered_notice_at.is_(None))
        async with self._engine.connect() as connection:
            return list(await connection.scalars(query))

    async def mark_told_unanswered(self, conversation_id: str) -> bool:
        """Once per wait; False when another instance (or an earlier call) did it already."""
        now = self.clock.now()
        async with self._engine.begin() as connection:
            result = await connection.execute(update(Conversation).where(
                Conversation.id == conversation_id, Conversation.unanswered_notice_at.is_(None)).values(
                unanswered_notice_at=now, updated_at=now))
        return result.rowcount == 1

    async def _take(self, connection: AsyncConnection, conversation_id: str, caseworker_id: int) -> bool:
        """The guarded update: it changes the row only while it is still queued."""
        now = self.clock.now()
        result = await connection.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id, Conversation.state == State.QUEUED)
            .values(state=State.ASSIGNED, assignee_id=caseworker_id, claimed_at=now, updated_at=now,
                    read_up_to=_newest_message(conversation_id)))
        if result.rowcount != 1:
            return False
        await connection.execute(insert(Assignment).values(
            conversation_id=conversation_id, caseworker_id=caseworker_id, started_at=now))
        return True

    @staticmethod
    async def _close_assignment(connection: AsyncConnection, conversation_id: str, reason: str,
                                now: datetime) -> None:
        await connection.execute(update(Assignment).where(
            Assignment.conversation_id == conversation_id, Assignment.ended_at.is_(None),
        ).values(ended_at=now, end_reason=reason))


def _newest_message(conversation_id: str) -> ScalarSelect[int | None]:
    """Where a caseworker who takes the conversation now starts reading: what came before is no news to them (it
    was in the queue's line and is the transcript they open), what the person writes after is unread until they
    look (handover/read_marks.py)."""
    return (select(func.max(MessageRecord.id)).where(MessageRecord.conversation_id == conversation_id)
            .scalar_subquery())
