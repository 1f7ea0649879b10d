"""The published statistics of a period: counts (handover/stats_counts.py) grouped by day, week, month or year,
laid out as tables (periods × values, with totals), small numbers hidden (handover/stats_suppress.py), and the
yearly summary in the shape of the centre's published figures. Pure: no database here.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from handover.stats_counts import DIMENSIONS, MEASURES, Counts
from handover.stats_suppress import Line, hidden_cells, shown

GroupBy = Literal["day", "week", "month", "year"]
ALL = "all"
Cell = int | str  # a number, "<5" or "x"
LABEL = ("Chat figures from havn, the centre's help chat: contacts through the chat, not the centre's cases; "
         "screening results are not identifications. Counts below 5 are shown as <5, and x hides a larger count "
         "that would let a hidden one be worked out.")

OUTREACH_LABEL = ("New conversations that came through an outreach link or card, by source and channel, per whole "
                  "month (counted when a person first writes; never linked to the person). Counts below 5 are <5.")


def period_of(day: date, group_by: GroupBy) -> str:
    if group_by == "day":
        return day.isoformat()
    if group_by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if group_by == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


def periods_between(first: date, last: date, group_by: GroupBy) -> list[str]:
    """Every period from `first` to `last`, in order, also the empty ones (a plot's axis has no gaps)."""
    periods: list[str] = []
    day = first
    while day <= last:
        period = period_of(day, group_by)
        if not periods or periods[-1] != period:
            periods.append(period)
        day += timedelta(days=1)
    return periods


@dataclass(frozen=True)
class Row:
    value: str
    counts: dict[str, Cell]  # period (and "all") → cell


@dataclass(frozen=True)
class Table:
    dimension: str
    label: str
    additive: bool  # the values of a period add up to its contacts
    rows: list[Row]


@dataclass(frozen=True)
class FirstReply:
    replies: Cell  # conversations with a human reply in the period
    median_seconds: int | None  # None when the replies are hidden (fewer than 5) or none
    p90_seconds: int | None


@dataclass(frozen=True)
class OutreachRow:
    source: str
    channel: str
    counts: dict[str, Cell]  # month (and "all") → cell


@dataclass(frozen=True)
class Outreach:
    """New conversations through outreach links (cards, posters), by source and channel, always by month: the
    counts are kept by month only. A month is shown whole when the period starts or ends within it."""

    months: list[str]
    rows: list[OutreachRow]
    label: str = OUTREACH_LABEL


@dataclass(frozen=True)
class Statistics:
    first: date | None
    last: date | None
    group_by: GroupBy
    periods: list[str]
    contacts: dict[str, Cell]
    tables: list[Table]
    measures: dict[str, dict[str, Cell]]
    first_reply: dict[str, FirstReply]
    summary: list[dict[str, object]] = field(default_factory=list)
    label: str = LABEL
    outreach: Outreach = field(default_factory=lambda: Outreach([], []))


def percentile(values: list[int], share: float) -> int:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def span(counts: Counts, first: date | None, last: date | None) -> tuple[date, date] | None:
    """The days the tables cover: `first` to `last`, an open end at the first or last day with a contact or an
    event; None when an end is open and nothing was counted."""
    days = [*counts.contacts, *(day for measure in counts.measures.values() for day in measure)]
    if not days and (first is None or last is None):
        return None
    return first or min(days), last or max(days)


def build(counts: Counts, group_by: GroupBy, first: date | None = None, last: date | None = None) -> Statistics:
    covered = span(counts, first, last)
    periods = [] if covered is None else periods_between(*covered, group_by)
    values: dict[tuple[str, ...], int] = Counter()
    lines: list[Line[tuple[str, ...]]] = []

    def line(cells: list[tuple[str, ...]], total: tuple[str, ...] | None) -> None:
        for key in [*cells, *([total] if total else [])]:
            values.setdefault(key, 0)
        lines.append(Line(tuple(cells), total))

    for day, number in counts.contacts.items():
        values["contacts", period_of(day, group_by)] += number
        values["contacts", ALL] += number
    line([("contacts", period) for period in periods], ("contacts", ALL))
    table_values: dict[str, list[str]] = {}
    for dimension in DIMENSIONS:
        cells = counts.cells.get(dimension.name, Counter())
        for (day, value), number in cells.items():
            values[dimension.name, value, period_of(day, group_by)] += number
            values[dimension.name, value, ALL] += number
        found = sorted({value for _, value in cells}, key=lambda value: (
            0 if dimension.in_order else -values[dimension.name, value, ALL], value))
        table_values[dimension.name] = found
        for value in found:  # over the periods, with the value's total
            line([(dimension.name, value, period) for period in periods], (dimension.name, value, ALL))
        if dimension.additive:  # the values of a period, with the period's contacts
            for period in [*periods, ALL]:
                line([(dimension.name, value, period) for value in found], ("contacts", period))
    for measure in MEASURES:
        for day, number in counts.measures.get(measure, Counter()).items():
            values[measure, period_of(day, group_by)] += number
            values[measure, ALL] += number
        line([(measure, period) for period in periods], (measure, ALL))
    replies: dict[str, list[int]] = {period: [] for period in [*periods, ALL]}
    for day, seconds in counts.first_replies.items():
        replies.setdefault(period_of(day, group_by), []).extend(seconds)
        replies[ALL].extend(seconds)
    for period, seconds in replies.items():
        values["replies", period] = len(seconds)
    line([("replies", period) for period in periods], ("replies", ALL))

    published = shown(values, hidden_cells(values, lines))
    columns = [*periods, ALL]
    tables = [Table(dimension.name, dimension.label, dimension.additive,
                    [Row(value, {period: published[dimension.name, value, period] for period in columns})
                     for value in table_values[dimension.name]])
              for dimension in DIMENSIONS]
    first_reply = {}
    for period in columns:
        count = published["replies", period]
        seconds = replies.get(period, [])
        visible = isinstance(count, int) and count > 0
        first_reply[period] = FirstReply(count, percentile(seconds, 0.5) if visible else None,
                                         percentile(seconds, 0.9) if visible else None)
    statistics = Statistics(
        first, last, group_by, periods, {period: published["contacts", period] for period in columns}, tables,
        {measure: {period: published[measure, period] for period in columns} for measure in MEASURES}, first_reply,
        outreach=build_outreach(counts.outreach, first, last))
    if group_by == "year":
        statistics.summary.extend(yearly_summary(statistics))
    return statistics


def build_outreach(counts: Counter[tuple[date, str, str]], first: date | None, last: date | None) -> Outreach:
    """Sources × months with each source's total and each month's total over the sources (the "all" row), small
    numbers hidden like the other tables (handover/stats_suppress.py)."""
    months_seen = [month for month, _, _ in counts]
    if not months_seen and (first is None or last is None):
        return Outreach([], [])
    # From the first month's first day: a period from 15 December still shows December, counted by month.
    months = periods_between(first.replace(day=1) if first else min(months_seen), last or max(months_seen), "month")
    values: dict[tuple[str, ...], int] = Counter()
    for (month, source, channel), number in counts.items():
        for column in (period_of(month, "month"), ALL):
            values[source, channel, column] += number
            values[ALL, ALL, column] += number
    keys = sorted({(source, channel) for _, source, channel in counts},
                  key=lambda key: (-values[key[0], key[1], ALL], key))
    for key in [*keys, (ALL, ALL)]:
        for column in [*months, ALL]:
            values.setdefault((*key, column), 0)
    lines = [Line(tuple((*key, month) for month in months), (*key, ALL)) for key in [*keys, (ALL, ALL)]]
    lines += [Line(tuple((*key, column) for key in keys), (ALL, ALL, column)) for column in [*months, ALL]]
    published = shown(values, hidden_cells(values, lines))
    rows = [OutreachRow(source, channel, {column: published[source, channel, column] for column in [*months, ALL]})
            for source, channel in [*keys, (ALL, ALL)]]
    return Outreach(months, rows)


# The centre's yearly figures (contacts, form of exploitation, age) restated from the year's cells, already
# suppressed: the summary publishes nothing the tables do not. Gender and nationality are not held (docs).
SUMMARY_LINES = (
    ("Contacts through the chat", None, None),
    ("Asking for help", "kind", "help"),
    ("Reporting a suspicion (citizens)", "kind", "report"),
    ("Referrals from partners", "kind", "partner"),
    ("Asked to talk to a person", "asked_for_person", "yes"),
    ("Screening suggested trafficking (a screening result, not an identification)", "screening_result",
     "trafficking_indicated"),
    ("Screening suggested exploitation (not an identification)", "screening_result", "exploitation_indicated"),
    ("Form named: labour", "exploitation", "labour"),
    ("Form named: sexual", "exploitation", "sexual"),
    ("Form named: forced crime", "exploitation", "criminal"),
    ("Form not named", "exploitation", "unknown"),
    ("Under 18 (as the person said)", "age_band", "under_18"),
    ("Adults (as the person said)", "age_band", "adult"),
)


def yearly_summary(statistics: Statistics) -> list[dict[str, object]]:
    tables = {table.dimension: {row.value: row.counts for row in table.rows} for table in statistics.tables}
    years = []
    for year in statistics.periods:
        lines: list[dict[str, object]] = []
        for label, dimension, value in SUMMARY_LINES:
            if dimension is None:
                cell: Cell = statistics.contacts[year]
            else:
                row = tables[dimension].get(value or "")
                cell = row[year] if row else "<5"  # a value never seen is a 0, and 0 is below 5
            lines.append({"label": label, "value": cell})
        for measure, label in (("reports", "Reports filed with a reference code"),
                               ("additions", "Information added later with a code"),
                               ("erasures", "Conversations deleted at the person's request")):
            lines.append({"label": label, "value": statistics.measures[measure][year]})
        years.append({"year": year, "label": LABEL, "lines": lines})
    return years
