"""The published statistics of a period, for the API, the statistics page and `havn stats` alike: the period
checked (handover/stats_range.py), the conversations counted (handover/stats_counts.py), and the tables built
(handover/stats_tables.py)."""

from __future__ import annotations

from datetime import date

from core.clock import SYSTEM_CLOCK, Clock
from handover.stats_counts import StatisticsSource
from handover.stats_range import check_days, check_periods
from handover.stats_tables import GroupBy, Statistics, build, span


class StatisticsPublisher:
    def __init__(self, source: StatisticsSource, clock: Clock = SYSTEM_CLOCK) -> None:
        self._source = source
        self._clock = clock

    async def publish(self, first: date | None, last: date | None, group_by: GroupBy) -> Statistics:
        """The statistics of the days `first` to `last` (UTC, both included; None: open), by `group_by`.
        core.errors.Invalid, with a sentence, for days outside the window or too many periods."""
        check_days(first, last, self._clock.now().date())
        if first is not None and last is not None:  # both given: refused before anything is counted
            check_periods(first, last, group_by)
        counts = await self._source.counts(first, last)
        covered = span(counts, first, last)
        if covered is not None and covered != (first, last):  # an open end: the first or last day counted
            check_periods(*covered, group_by)
        return build(counts, group_by, first, last)
