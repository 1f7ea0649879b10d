"""The published statistics of a period, for the API, the statistics page and `havn stats` alike: the period
checked (handover/stats_range.py), the conversations counted (handover/stats_counts.py), and the tables built
(handover/stats_tables.py) without holding up the event loop that serves every person's chat.

Building the tables is pure Python in one piece (the small-number suppression works over every line of every
table): a year by day takes a second, and up to a minute when one of its days was quiet among busy ones
(docs/statistics.md, "Speed"). On the event loop no chat would move and /healthz would not answer for as long,
so it runs in a thread; the event loop gets the interpreter back every few milliseconds (Python's switch interval)
while it does. The counting before it is taken in turns on the event loop (core/loop_turns.py), as its rows come
from the async engine.

One computation at a time per instance: two supervisors asking at once wait in turn, rather than two
computations each taking the chat's share of the processor.
"""

from __future__ import annotations

import asyncio
from datetime import date

from core.clock import SYSTEM_CLOCK, Clock
from handover.stats_counts import StatisticsSource
from handover.stats_range import check_days, check_periods
from handover.stats_tables import GroupBy, Statistics, build, span


class StatisticsPublisher:
    def __init__(self, source: StatisticsSource, clock: Clock = SYSTEM_CLOCK) -> None:
        self._source = source
        self._clock = clock
        self._one_at_a_time = asyncio.Lock()

    async def publish(self, first: date | None, last: date | None, group_by: GroupBy) -> Statistics:
        """The statistics of the days `first` to `last` (UTC, both included; None: open), by `group_by`.
        core.errors.Invalid, with a sentence, for days outside the window or too many periods."""
        check_days(first, last, self._clock.now().date())
        if first is not None and last is not None:  # both given: refused before anything is counted
            check_periods(first, last, group_by)
        async with self._one_at_a_time:
            counts = await self._source.counts(first, last)
            covered = span(counts, first, last)
            if covered is not None and covered != (first, last):  # an open end: the first or last day counted
                check_periods(*covered, group_by)
            return await asyncio.to_thread(build, counts, group_by, first, last)
