"""Which periods the statistics answer: days within a window, and at most so many periods per table.

A walk found that a mistyped year was enough to hurt everyone: `from=0001-01-01&to=9999-12-31` ran past the
last date Python knows (a 500), and `from=1900-01-01&group_by=day` built 46,000 daily columns for 163 seconds.
The tables' cost grows with their periods, not with the conversations in them (every empty day is a column of
every table, and its small-number suppression works on each), so both limits are on days and periods. A
period outside them gets a 400 with a sentence that says what to choose instead (its Danish in
content/console/da.yml).

The sentences are the same for the API, the statistics page and `havn stats`.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.errors import Invalid
from handover.stats_tables import GroupBy

# No conversation is older than the service (its first was in November 2026); 2020 keeps room for any real period
# (a report that compares from the start of a decade) while a year like 0001 or 1900 is plainly a typing mistake.
EARLIEST = date(2020, 1, 1)
# A year ahead: a supervisor may ask for the current year to its end, or a reporting year planned ahead; a later day
# has nothing to count. 366 days, so that the window never shrinks in a leap year.
AHEAD = timedelta(days=366)
# The most periods one table may have, for each grouping. The tables' cost grows faster than their periods (the
# small-number suppression works over every line of every table), so the limits are the longest real use, no more.
# By day: a whole year (a leap year's 366 days), the longest daily export a report uses. By week: three years
# (about 157 ISO weeks, with room at the ends), to compare a week with the same weeks of the years before. By month
# and by year: the whole window (about eight years from 2020), with room; these two bind only for a period left
# open whose conversations lie outside the window (as a wrong server clock would leave them). Measured on a year
# of 100,000 conversations (docs/statistics.md, "Speed"): a year by day builds in under a second, or in about a
# minute when one of its days had no conversation among busy ones; off the event loop either way.
MOST_PERIODS: dict[GroupBy, int] = {"day": 366, "week": 160, "month": 120, "year": 10}

OUTSIDE = "Please choose days between {earliest} and {latest}: there are no statistics outside these days."
TOO_MANY: dict[GroupBy, str] = {
    "day": (
        "By day, a table can show at most {limit} days (a year). Please choose a shorter period, or show it "
        "by week, month or year."
    ),
    "week": (
        "By week, a table can show at most {limit} weeks (about three years). Please choose a shorter "
        "period, or show it by month or year."
    ),
    "month": "By month, a table can show at most {limit} months. Please choose a shorter period, or show it by year.",
    "year": "By year, a table can show at most {limit} years. Please choose a shorter period.",
}


def latest(today: date) -> date:
    return today + AHEAD


def check_days(first: date | None, last: date | None, today: date) -> None:
    """Invalid unless the days given (either may be left open) lie between EARLIEST and a year from `today`."""
    end = latest(today)
    if any(day is not None and not EARLIEST <= day <= end for day in (first, last)):
        raise Invalid(OUTSIDE.format(earliest=EARLIEST.isoformat(), latest=end.isoformat()))


def period_count(first: date, last: date, group_by: GroupBy) -> int:
    """How many periods (days, ISO weeks, months, years) the days `first` to `last` touch, without walking them."""
    if group_by == "day":
        return (last - first).days + 1
    if group_by == "week":
        return (last - first + timedelta(days=first.weekday())).days // 7 + 1
    if group_by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def check_periods(first: date, last: date, group_by: GroupBy) -> None:
    """Invalid when a table of the days `first` to `last` (the period as counted, its open ends filled with the
    first and last day that has a conversation) would have more periods than MOST_PERIODS allows."""
    limit = MOST_PERIODS[group_by]
    if period_count(first, last, group_by) > limit:
        raise Invalid(TOO_MANY[group_by].format(limit=limit))
