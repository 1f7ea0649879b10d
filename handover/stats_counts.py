"""Counting: every conversation once, live or purged, by day and by each dimension the statistics publish.

A dimension is read two ways that must agree: from a live conversation's `Fact` (handover/stats_facts.py) and,
for the rows the purge kept, by SQL (`GROUP BY day, <column>`), so that a year of purged rows is counted by the
database and not fetched row by row. Both go through the same `label`, and the purge writes the fact column
for column, so a conversation counts the same before and after its purge (tests/storage/test_statistics.py).

Erasures on request delete a conversation without a statistics row (the person asked for everything to go):
they are counted as events, from the audit log, never as contacts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.hours import Hours
from core.loop_turns import in_turns
from core.models import AuditEvent, ConversationStat, as_utc
from handover.outreach_counts import OutreachCounter
from handover.stats_facts import Fact, day_between, live_facts, midnight

NONE = "none"


def _plain(value: object) -> str:
    return NONE if value is None or value == "" else str(value)


def _hour(value: object) -> str:
    return "unknown" if value is None else f"{int(value):02d}"  # type: ignore[call-overload]


def _staffed(value: object) -> str:
    return "unknown" if value is None else ("staffed" if value else "off_hours")


def _asked(value: object) -> str:
    return "no" if value is None else "yes"


def _wait(value: object) -> str:
    return str(value)


@dataclass(frozen=True)
class Dimension:
    """One way of splitting the conversations. `additive`: every conversation has exactly one value, so the
    values of a period add up to its contacts (indicators do not: one conversation may have several)."""

    name: str
    label: str
    of_fact: Callable[[Fact], Any]
    column: Callable[[], ColumnElement[Any]]  # the same value, from conversation_stat
    to_label: Callable[[object], str] = _plain
    additive: bool = True
    in_order: bool = False  # rows in the values' own order (hours, tiers), not most frequent first


def _wait_column() -> ColumnElement[Any]:
    return case((ConversationStat.tier.is_(None), "not_asked"),
                (ConversationStat.first_reply_seconds.is_not(None), "human_replied"),
                else_="ended_without_human")


def _wait_of(fact: Fact) -> str:
    if fact.tier is None:
        return "not_asked"
    if fact.first_reply_seconds is not None:
        return "human_replied"
    return "still_waiting" if fact.waiting else "ended_without_human"


DIMENSIONS = (
    Dimension("kind", "Kind (help, report, partner)", lambda f: f.kind, lambda: ConversationStat.kind),
    Dimension("language", "Language of the conversation (not nationality)", lambda f: f.language,
              lambda: ConversationStat.language),
    Dimension("channel", "Channel", lambda f: f.channel, lambda: ConversationStat.channel),
    Dimension("asked_for_person", "A person was asked for", lambda f: f.tier, lambda: ConversationStat.tier,
              _asked),
    Dimension("tier", "Urgency when a person was asked for (P1 most urgent)", lambda f: f.tier,
              lambda: ConversationStat.tier, in_order=True),
    Dimension("wait", "How a wait for a person ended", _wait_of, _wait_column, _wait),
    Dimension("screening_result", "Screening result, not an identification", lambda f: f.assessment,
              lambda: ConversationStat.assessment),
    Dimension("exploitation", "Form of exploitation the person named in the screening", lambda f: f.exploitation,
              lambda: ConversationStat.exploitation),
    Dimension("age_band", "Age band the person gave in the screening", lambda f: f.age_band,
              lambda: ConversationStat.age_band),
    Dimension("hour", "Hour of the day it started (centre's time)", lambda f: f.hour, lambda: ConversationStat.hour,
              _hour, in_order=True),
    Dimension("staffed", "Started within the chat's staffed hours", lambda f: f.staffed,
              lambda: ConversationStat.staffed, _staffed),
    Dimension("indicator_dimension", "Screening: indicator dimensions with a positive result (several per "
              "conversation)", lambda f: ",".join(f.dimensions), lambda: ConversationStat.dimensions, additive=False),
    Dimension("indicator", "Screening: indicators answered yes (several per conversation)",
              lambda f: ",".join(f.indicators), lambda: ConversationStat.indicators, additive=False),
)
BY_NAME = {dimension.name: dimension for dimension in DIMENSIONS}
MEASURES = ("reports", "additions", "erasures")  # events, not conversations


def labels(dimension: Dimension, raw: object) -> list[str]:
    """The value(s) a conversation counts under: one, or for a non-additive dimension each listed one."""
    if dimension.additive:
        return [dimension.to_label(raw)]
    return [part for part in str(raw or "").split(",") if part]


@dataclass
class Counts:
    """Per UTC day: contacts, per dimension and value, the events, and the times to a first human reply."""

    contacts: Counter[date] = field(default_factory=Counter)
    cells: dict[str, Counter[tuple[date, str]]] = field(default_factory=lambda: defaultdict(Counter))
    measures: dict[str, Counter[date]] = field(default_factory=lambda: defaultdict(Counter))
    first_replies: dict[date, list[int]] = field(default_factory=lambda: defaultdict(list))
    # New conversations through an outreach link, by (month's first day, source, channel): counted apart from
    # the conversations themselves (handover/outreach_counts.py), so only by month.
    outreach: Counter[tuple[date, str, str]] = field(default_factory=Counter)

    def add_fact(self, fact: Fact) -> None:
        self.contacts[fact.day] += 1
        for dimension in DIMENSIONS:
            for value in labels(dimension, dimension.of_fact(fact)):
                self.cells[dimension.name][fact.day, value] += 1
        self.measures["reports"][fact.day] += fact.reports
        self.measures["additions"][fact.day] += fact.additions
        if fact.first_reply_seconds is not None:
            self.first_replies[fact.day].append(fact.first_reply_seconds)


class StatisticsSource:
    """Reads the counts for a period from the live conversations, the purged rows and the audit log."""

    def __init__(self, engine: AsyncEngine, hours: Hours) -> None:
        """`engine` must carry the sealer: a live conversation's screening is sealed."""
        self._engine = engine
        self._hours = hours

    async def counts(self, first: date | None = None, last: date | None = None) -> Counts:
        """Days `first` to `last` (UTC, both included); None: open-ended. The rows are taken in turns
        (core/loop_turns.py): a month of live conversations is a second of Python, which must not hold up the
        chat."""
        counts = Counts()
        async with self._engine.connect() as connection:
            async for _, fact in in_turns(await live_facts(connection, self._hours, first=first, last=last)):
                counts.add_fact(fact)
            in_period = day_between(ConversationStat.day, first, last)

            def where(query: Any) -> Any:
                return query if in_period is None else query.where(in_period)

            async for day, total, reports, additions in in_turns(await connection.execute(where(
                    select(ConversationStat.day, func.count(), func.sum(ConversationStat.reports),
                           func.sum(ConversationStat.additions)).group_by(ConversationStat.day)))):
                counts.contacts[day] += total
                counts.measures["reports"][day] += reports or 0
                counts.measures["additions"][day] += additions or 0
            for dimension in DIMENSIONS:
                value = dimension.column().label("value")
                rows = await connection.execute(where(
                    select(ConversationStat.day, value, func.count()).group_by(ConversationStat.day, value)))
                async for day, raw, number in in_turns(rows):
                    for label in labels(dimension, raw):
                        counts.cells[dimension.name][day, label] += number
            replies = await connection.execute(where(
                select(ConversationStat.day, ConversationStat.first_reply_seconds)
                .where(ConversationStat.first_reply_seconds.is_not(None))))
            async for day, seconds in in_turns(replies):
                counts.first_replies[day].append(seconds)
            erasures = select(AuditEvent.at).where(AuditEvent.action == "erasure")  # few: counted here
            if first is not None:
                erasures = erasures.where(AuditEvent.at >= midnight(first))
            if last is not None:
                erasures = erasures.where(AuditEvent.at < midnight(last + timedelta(days=1)))
            async for at in in_turns(await connection.scalars(erasures)):
                counts.measures["erasures"][as_utc(at).date()] += 1
        counts.outreach = await OutreachCounter(self._engine).counts(first, last)
        return counts

