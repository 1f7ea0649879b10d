"""How many new conversations each outreach link brought, per month and channel (core/outreach.py).

One row per (month, source, channel) with a count, raised by one when a person first writes through a card's
link (the web chat's new session, Telegram's `/start pl_farm-lolland` for a chat without a conversation). The
row holds no time finer than the month and nothing about the person: the source goes no further than here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import OutreachCount
from core.outreach import check_source


def month_of(day: date) -> date:
    return day.replace(day=1)


class OutreachCounter:
    def __init__(self, engine: AsyncEngine, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._clock = clock

    async def count(self, source: str, channel: str) -> None:
        """One more for this source this month; INSERT … ON CONFLICT DO UPDATE, atomic on SQLite and PostgreSQL."""
        month = month_of(self._clock.now().date())
        async with self._engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(OutreachCount).values(month=month, source=check_source(source),
                                                             channel=channel, count=1)
            await connection.execute(statement.on_conflict_do_update(
                index_elements=[OutreachCount.month, OutreachCount.source, OutreachCount.channel],
                set_={"count": OutreachCount.count + 1}))

    async def counts(self, first: date | None = None, last: date | None = None) -> Counter[tuple[date, str, str]]:
        """(month, source, channel) → count, for every month that overlaps the days `first` to `last`."""
        query = select(OutreachCount.month, OutreachCount.source, OutreachCount.channel, OutreachCount.count)
        if first is not None:
            query = query.where(OutreachCount.month >= month_of(first))
        if last is not None:
            query = query.where(OutreachCount.month <= month_of(last))
        async with self._engine.connect() as connection:
            return Counter({(month, source, channel): number
                            for month, source, channel, number in await connection.execute(query)})
