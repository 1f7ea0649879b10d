"""The periods the statistics answer (handover/stats_range.py): days from 2020-01-01 to a year ahead, and at most
so many periods a table; what the walk sent (year 1 to 9999, 1900 to now by day) refused with a sentence."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from core.errors import Invalid
from handover.stats_range import (
    EARLIEST,
    MOST_PERIODS,
    OUTSIDE,
    TOO_MANY,
    check_days,
    check_periods,
    latest,
    period_count,
)
from handover.stats_tables import GroupBy, periods_between

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(1, 1, 1), date(9999, 12, 31)),
        (date(1900, 1, 1), None),
        (None, date(9999, 12, 31)),
        (date(2019, 12, 31), TODAY),
        (TODAY, TODAY + timedelta(days=367)),
    ],
)
def test_a_day_outside_the_window_is_refused_with_the_window_in_the_sentence(
    first: date | None, last: date | None
) -> None:
    with pytest.raises(Invalid) as refused:
        check_days(first, last, TODAY)
    assert refused.value.sentence == OUTSIDE.format(earliest="2020-01-01", latest="2027-12-08")


@pytest.mark.parametrize(("first", "last"), [(EARLIEST, latest(TODAY)), (None, None), (None, TODAY), (TODAY, None)])
def test_the_window_itself_and_open_ends_are_taken(first: date | None, last: date | None) -> None:
    check_days(first, last, TODAY)


def test_the_period_count_is_the_number_of_columns_a_table_gets() -> None:
    chance = random.Random(7)
    for _ in range(400):
        first = EARLIEST + timedelta(days=chance.randrange(3000))
        last = first + timedelta(days=chance.choice((0, 1, 6, 7, 13, 30, 364, 365, 366, chance.randrange(3000))))
        for group_by in MOST_PERIODS:
            assert period_count(first, last, group_by) == len(periods_between(first, last, group_by)), (
                first,
                last,
                group_by,
            )


@pytest.mark.parametrize("group_by", list(MOST_PERIODS))
def test_one_period_more_than_the_most_is_refused_and_the_most_is_taken(group_by: GroupBy) -> None:
    first = date(2021, 1, 4)  # a Monday, the first day of a week
    last = first
    while period_count(first, last + timedelta(days=1), group_by) <= MOST_PERIODS[group_by]:
        last += timedelta(days=1)
    check_periods(first, last, group_by)
    with pytest.raises(Invalid) as refused:
        check_periods(first, last + timedelta(days=1), group_by)
    assert refused.value.sentence == TOO_MANY[group_by].format(limit=MOST_PERIODS[group_by])


def test_a_whole_leap_year_by_day_and_the_whole_window_by_month_fit() -> None:
    check_periods(date(2028, 1, 1), date(2028, 12, 31), "day")
    check_periods(EARLIEST, latest(TODAY), "month")
    check_periods(EARLIEST, latest(TODAY), "year")
