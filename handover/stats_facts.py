"""One conversation's anonymous figures (a `Fact`), worked out in one place for the two places they are read from:
a live conversation (the `conversation` table and its messages and reports) and the row the retention purge
keeps of it (`conversation_stat`). The purge writes exactly the fact the statistics count while the
conversation lived (`stat_row(fact_of(...))`), so a conversation counts the same before and after, once.

A fact holds no text, no alias, no id and no time finer than the hour: the day it started (UTC), the hour of the
day in the centre's time zone, and categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.hours import Hours
from core.loop_turns import in_turns
from core.models import Conversation, MessageRecord, Report, ReportAddition, as_utc
from core.vocabulary import Sender, State
from handover.store import confirmed_indicators


@dataclass(frozen=True)
class Fact:
    day: date  # the day it started, UTC (as conversation_stat.day has always been)
    hour: int | None  # the hour it started, 0-23, in the centre's time zone; None for rows purged before 0011
    staffed: bool | None  # started within the chat's staffed hours (content/hours.yml)
    language: str
    channel: str
    kind: str
    tier: str | None  # None: nobody asked for a person
    assessment: str | None  # the screening's result (not an identification); None: no screening
    exploitation: str | None  # labour | sexual | criminal | unknown, as the person answered; None: not asked
    age_band: str | None
    dimensions: tuple[str, ...]  # indicator dimensions the screening found positive
    indicators: tuple[str, ...]  # indicator ids answered "yes"
    first_reply_seconds: int | None  # from the request for a person to the first caseworker's message
    waiting: bool  # live only: still queued or held, with no caseworker's message yet
    reports: int  # reports of a suspicion filed from it (with answers)
    additions: int  # information added to those reports later, with their reference code


def fact_of(row: Any, first_reply: datetime | None, reports: int, additions: int, hours: Hours) -> Fact:
    """The fact of a live conversation. `row` has the Conversation columns LIVE_COLUMNS selects (screening
    unsealed by its column type)."""
    started = as_utc(row.created_at)
    screening = row.screening or {}
    waited = None
    if first_reply is not None and row.queued_at is not None:
        waited = max(0, int((as_utc(first_reply) - as_utc(row.queued_at)).total_seconds()))
    return Fact(
        day=started.date(), hour=started.astimezone(hours.zone).hour, staffed=hours.chat_staffed_at(started),
        language=row.language, channel=row.channel, kind=row.kind, tier=row.tier, assessment=row.assessment,
        exploitation=screening.get("exploitation") if screening else None,
        age_band=screening.get("age_band") if screening else None,
        dimensions=tuple(sorted(name for name, positive in (screening.get("dimensions") or {}).items() if positive)),
        indicators=tuple(confirmed_indicators(screening)) if screening else (),
        first_reply_seconds=waited,
        waiting=row.state in (State.QUEUED, State.ASSIGNED) and first_reply is None,
        reports=reports, additions=additions)


def stat_row(fact: Fact) -> dict[str, object]:
    """What the purge keeps: the fact, column for column (a purged conversation is never waiting)."""
    return {"day": fact.day, "hour": fact.hour, "staffed": fact.staffed, "language": fact.language,
            "channel": fact.channel, "kind": fact.kind, "tier": fact.tier, "assessment": fact.assessment,
            "exploitation": fact.exploitation, "age_band": fact.age_band,
            "dimensions": ",".join(fact.dimensions) or None, "indicators": ",".join(fact.indicators) or None,
            "first_reply_seconds": fact.first_reply_seconds, "reports": fact.reports, "additions": fact.additions}


LIVE_COLUMNS = (Conversation.id, Conversation.created_at, Conversation.queued_at, Conversation.state,
                Conversation.language, Conversation.channel, Conversation.kind, Conversation.tier,
                Conversation.assessment, Conversation.screening)


def live_query() -> Select[Any]:
    """Every conversation still in the database, with what its fact needs besides its own columns."""
    first_reply = (select(func.min(MessageRecord.created_at))
                   .where(MessageRecord.conversation_id == Conversation.id, MessageRecord.sender == Sender.CASEWORKER)
                   .scalar_subquery())
    reports = (select(func.count(Report.id))
               .where(Report.conversation_id == Conversation.id, Report.empty.is_(False)).scalar_subquery())
    additions = (select(func.count(ReportAddition.id))
                 .join(Report, Report.id == ReportAddition.report_id)
                 .where(Report.conversation_id == Conversation.id).scalar_subquery())
    return select(*LIVE_COLUMNS, first_reply.label("first_reply"), reports.label("reports"),
                  additions.label("additions"))


async def live_facts(connection: AsyncConnection, hours: Hours, ids: list[str] | None = None,
                     first: date | None = None, last: date | None = None) -> list[tuple[str, Fact]]:
    """(id, fact) of the live conversations: these ids, or those started between `first` and `last` (UTC days,
    both included). The id stays with the caller (the purge deletes by it); statistics drop it."""
    query = live_query()
    if ids is not None:
        query = query.where(Conversation.id.in_(ids))
    if first is not None:
        query = query.where(Conversation.created_at >= midnight(first))
    if last is not None:
        query = query.where(Conversation.created_at < midnight(last + timedelta(days=1)))
    rows = await connection.execute(query)  # each row is read (its screening unsealed) as the loop takes it
    return [(row.id, fact_of(row, row.first_reply, row.reports or 0, row.additions or 0, hours))
            async for row in in_turns(rows)]  # a month of live conversations is a second's work: in turns


def midnight(day: date) -> datetime:
    """The start of a UTC day."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def day_between(column: Any, first: date | None, last: date | None) -> Any:
    """A condition on a DATE column: between the two days, both included (either may be open)."""
    conditions = []
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return and_(*conditions) if conditions else None
