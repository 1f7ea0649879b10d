"""The outreach table of the statistics (handover/stats_tables.build_outreach): sources × whole months, totals,
small counts hidden like every other table. Pure: no database."""

from __future__ import annotations

from collections import Counter
from datetime import date

from handover.stats_tables import build_outreach

NOVEMBER, DECEMBER = date(2026, 11, 1), date(2026, 12, 1)


def table(counts: dict[tuple[date, str, str], int], first: date | None = None, last: date | None = None) -> dict:
    built = build_outreach(Counter(counts), first, last)
    return {"months": built.months, **{(row.source, row.channel): row.counts for row in built.rows}}


def test_sources_by_month_with_their_totals() -> None:
    assert table({(NOVEMBER, "farm-lolland", "webchat"): 7, (DECEMBER, "farm-lolland", "webchat"): 9,
                  (NOVEMBER, "clinic-2", "telegram"): 6, (DECEMBER, "clinic-2", "telegram"): 8}) == {
        "months": ["2026-11", "2026-12"],
        ("farm-lolland", "webchat"): {"2026-11": 7, "2026-12": 9, "all": 16},
        ("clinic-2", "telegram"): {"2026-11": 6, "2026-12": 8, "all": 14},
        ("all", "all"): {"2026-11": 13, "2026-12": 17, "all": 30},
    }


def test_a_month_without_a_source_is_a_small_count_too() -> None:
    built = table({(NOVEMBER, "farm-lolland", "webchat"): 7, (DECEMBER, "farm-lolland", "webchat"): 9,
                   (DECEMBER, "clinic-2", "telegram"): 6})
    assert built[("clinic-2", "telegram")]["2026-11"] == "<5"  # zero, like every count below 5
    assert built[("clinic-2", "telegram")]["all"] != 6  # which "all" less December would give away


def test_a_small_count_is_hidden_and_cannot_be_worked_out() -> None:
    built = table({(DECEMBER, "farm-lolland", "webchat"): 6, (DECEMBER, "clinic-2", "webchat"): 5,
                   (DECEMBER, "clinic-2", "telegram"): 1})
    assert built[("clinic-2", "telegram")] == {"2026-12": "<5", "all": "<5"}
    shown = [cells["2026-12"] for key, cells in built.items() if key != "months"]
    assert 12 not in shown and 1 not in shown  # neither the 1 nor the total that would give it away


def test_a_period_that_starts_within_a_month_shows_the_month_whole() -> None:
    built = table({(DECEMBER, "farm-lolland", "webchat"): 8}, first=date(2026, 12, 15), last=date(2026, 12, 31))
    assert built["months"] == ["2026-12"] and built[("farm-lolland", "webchat")] == {"2026-12": 8, "all": 8}


def test_an_empty_period_has_its_months_and_nothing_else() -> None:
    assert table({}, first=date(2026, 1, 10), last=date(2026, 2, 3)) == {
        "months": ["2026-01", "2026-02"], ("all", "all"): {"2026-01": "<5", "2026-02": "<5", "all": "<5"}}
    assert table({}) == {"months": []}
