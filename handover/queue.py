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

from core.models import Assignment, Caseworker, Conversation, as_utc, utcnow

conversation_table = Conversation.__table__
assignment_table = Assignment.__table__
caseworker_table = Caseworker.__table__
URGENT_TIERS = ("P1", "P2")  # the consoles ring for these
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
    state: str
    tier: str
    kind: str
    language: str
    channel: str
    queued_at: datetime
    assessment: str | None
    assignee_id: int | None
    assignee: str | None

    def waiting_seconds(self, now: datetime) -> int:
        return max(0, int((now - as_utc(self.queued_at)).total_seconds()))


@dataclass(frozen=True)
class Held:
    """A conversation held by a caseworker."""

    conversation_id: str
    caseworker_id: int


class Queue:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._skip_locked = engine.dialect.name == "postgresql"

    async def items(self, states: tuple[str, ...] = ("queued",)) -> list[QueueItem]:
        """Conversations in these states, most urgent first, then longest waiting."""
        table = conversation_table
        query = (select(table.c.id, table.c.alias, table.c.state, table.c.tier, table.c.kind, table.c.language,
                        table.c.channel, table.c.queued_at, table.c.assessment, table.c.assignee_id,
                        caseworker_table.c.alias.label("assignee"))
                 .outerjoin(caseworker_table, caseworker_table.c.id == table.c.assignee_id)
                 .where(table.c.state.in_(states))
                 .order_by(table.c.tier, table.c.queued_at))
        async with self._engine.connect() as connection:
            return [QueueItem(row.id, row.alias, row.state, row.tier or "P4", row.kind, row.language, row.channel,
                              row.queued_at or utcnow(), row.assessment, row.assignee_id, row.assignee)
                    for row in await connection.execute(query)]

    async def position(self, conversation_id: str) -> int | None:
        """1 for the first in line; None when the conversation is not waiting."""
        table = conversation_table
        async with self._engine.connect() as connection:
            mine = (await connection.execute(select(table.c.tier, table.c.queued_at).where(
                table.c.id == conversation_id, table.c.state == "queued"))).first()
            if mine is None:
                return None
            ahead = await connection.scalar(select(func.count()).select_from(table).where(
                table.c.state == "queued",
                or_(table.c.tier < mine.tier, and_(table.c.tier == mine.tier, table.c.queued_at < mine.queued_at))))
        return ahead + 1

    async def typical_wait(self) -> float | None:
        """Seconds from request to claim, the median of recent claims; None when there were none lately."""
        table = assignment_table
        first_claims = (select(func.min(table.c.started_at).label("claimed_at"), table.c.conversation_id)
                        .group_by(table.c.conversation_id).subquery())
        query = (select(first_claims.c.claimed_at, conversation_table.c.queued_at)
                 .join(conversation_table, conversation_table.c.id == first_claims.c.conversation_id)
                 .where(first_claims.c.claimed_at >= utcnow() - RECENT_WINDOW,
                        conversation_table.c.queued_at.is_not(None))
                 .order_by(first_claims.c.claimed_at.desc()).limit(RECENT_CLAIMS))
        async with self._engine.connect() as connection:
            waits = [(as_utc(row.claimed_at) - as_utc(row.queued_at)).total_seconds()
                     for row in await connection.execute(query)]
        return statistics.median(waits) if waits else None

    async def claim(self, conversation_id: str, caseworker_id: int) -> ClaimResult:
        async with self._engine.begin() as connection:
            if await self._take(connection, conversation_id, caseworker_id):
                return ClaimResult.CLAIMED
            holder = (await connection.execute(select(conversation_table.c.state, conversation_table.c.assignee_id)
                                               .where(conversation_table.c.id == conversation_id))).first()
        if holder is None or holder.state != "assigned":
            return ClaimResult.NOT_QUEUED
        return ClaimResult.ALREADY_YOURS if holder.assignee_id == caseworker_id else ClaimResult.TAKEN

    async def claim_next(self, caseworker_id: int) -> str | None:
        """Claim the most urgent waiting conversation; None when nobody waits."""
        table = conversation_table
        while True:
            async with self._engine.begin() as connection:
                query = (select(table.c.id).where(table.c.state == "queued")
                         .order_by(table.c.tier, table.c.queued_at).limit(1))
                if self._skip_locked:
                    query = query.with_for_update(skip_locked=True)
                conversation_id = await connection.scalar(query)
                if conversation_id is None:
                    return None
                if await self._take(connection, conversation_id, caseworker_id):
                    return conversation_id
            # Another claimer was faster (SQLite only: PostgreSQL skipped the row they had locked); try the next.

    async def end(self, conversation_id: str, caseworker_id: int | None, state: str, reason: str) -> bool:
        """The holder (any holder when `caseworker_id` is None) gives it up: back to the bot or the queue, or
        resolved. False when it was not held (by them)."""
        table = conversation_table
        now = utcnow()
        held = [table.c.id == conversation_id, table.c.state == "assigned"]
        if caseworker_id is not None:
            held.append(table.c.assignee_id == caseworker_id)
        values: dict[str, object] = {"state": state, "assignee_id": None, "claimed_at": None, "updated_at": now}
        if state == "queued":
            values.update(queued_at=now, unanswered_notice_at=None)
        if state == "resolved":
            values["resolved_at"] = now
        async with self._engine.begin() as connection:
            if (await connection.execute(update(table).where(*held).values(**values))).rowcount != 1:
                return False
            await self._close_assignment(connection, conversation_id, reason, now)
        return True

    async def transfer(self, conversation_id: str, from_id: int | None, to_id: int) -> bool:
        """Hand a held conversation to another caseworker; `from_id` None lets a supervisor move any."""
        table = conversation_table
        now = utcnow()
        held = [table.c.id == conversation_id, table.c.state == "assigned"]
        if from_id is not None:
            held.append(table.c.assignee_id == from_id)
        async with self._engine.begin() as connection:
            result = await connection.execute(update(table).where(*held).values(
                assignee_id=to_id, claimed_at=now, updated_at=now))
            if result.rowcount != 1:
                return False
            await self._close_assignment(connection, conversation_id, "transferred", now)
            await connection.execute(insert(assignment_table).values(
                conversation_id=conversation_id, caseworker_id=to_id, started_at=now))
        return True

    async def holder(self, conversation_id: str) -> int | None:
        async with self._engine.connect() as connection:
            return await connection.scalar(select(conversation_table.c.assignee_id).where(
                conversation_table.c.id == conversation_id, conversation_table.c.state == "assigned"))

    async def abandoned(self, grace: timedelta) -> list[Held]:
        """Claims whose holder's console has been gone for longer than `grace` (and held at least that long)."""
        cutoff = utcnow() - grace
        table = conversation_table
        query = (select(table.c.id, table.c.assignee_id)
                 .join(caseworker_table, caseworker_table.c.id == table.c.assignee_id)
                 .where(table.c.state == "assigned", table.c.claimed_at < cutoff,
                        or_(caseworker_table.c.last_seen_at.is_(None), caseworker_table.c.last_seen_at < cutoff)))
        async with self._engine.connect() as connection:
            return [Held(row.id, row.assignee_id) for row in await connection.execute(query)]

    async def overdue(self, limit: timedelta) -> list[str]:
        """Queued conversations waiting longer than `limit` whose person was not yet told so."""
        table = conversation_table
        query = select(table.c.id).where(table.c.state == "queued", table.c.queued_at < utcnow() - limit,
                                         table.c.unanswered_notice_at.is_(None))
        async with self._engine.connect() as connection:
            return list(await connection.scalars(query))

    async def mark_told_unanswered(self, conversation_id: str) -> bool:
        """Once per wait; False when another instance (or an earlier call) did it already."""
        table = conversation_table
        async with self._engine.begin() as connection:
            result = await connection.execute(update(table).where(
                table.c.id == conversation_id, table.c.unanswered_notice_at.is_(None)).values(
                unanswered_notice_at=utcnow()))
        return result.rowcount == 1

    async def _take(self, connection: AsyncConnection, conversation_id: str, caseworker_id: int) -> bool:
        """The guarded update: it changes the row only while it is still queued."""
        now = utcnow()
        result = await connection.execute(
            update(conversation_table)
            .where(conversation_table.c.id == conversation_id, conversation_table.c.state == "queued")
            .values(state="assigned", assignee_id=caseworker_id, claimed_at=now, updated_at=now))
        if result.rowcount != 1:
            return False
        await connection.execute(insert(assignment_table).values(
            conversation_id=conversation_id, caseworker_id=caseworker_id, started_at=now))
        return True

    @staticmethod
    async def _close_assignment(connection: AsyncConnection, conversation_id: str, reason: str,
                                now: datetime) -> None:
        await connection.execute(update(assignment_table).where(
            assignment_table.c.conversation_id == conversation_id, assignment_table.c.ended_at.is_(None),
        ).values(ended_at=now, end_reason=reason))

