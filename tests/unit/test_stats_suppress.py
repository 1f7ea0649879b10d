"""Small numbers hidden (handover/stats_suppress.py, handover/stats_tables.py): every count below 5 is "<5", and
no published line gives a hidden small count back, by subtraction or by a sum of small counts; checked by rule
on random tables and exactly (every table that fits what is published) on small ones."""

from __future__ import annotations

import itertools
import random
from datetime import date

from handover.stats_counts import Counts
from handover.stats_facts import Fact
from handover.stats_suppress import HIDDEN, SMALL, Line, hidden_cells, shown
from handover.stats_tables import ALL, build, percentile, period_of, periods_between


def grid(cells: list[list[int]]) -> tuple[dict[tuple[str, ...], int], list[Line[tuple[str, ...]]]]:
    """A table with row totals, column totals and the grand total, and its lines."""
    values: dict[tuple[str, ...], int] = {}
    rows, columns = len(cells), len(cells[0])
    for i, j in itertools.product(range(rows), range(columns)):
        values["c", str(i), str(j)] = cells[i][j]
    for i in range(rows):
        values["r", str(i)] = sum(cells[i])
    for j in range(columns):
        values["k", str(j)] = sum(cells[i][j] for i in range(rows))
    values["all",] = sum(map(sum, cells))
    lines = [Line(tuple(("c", str(i), str(j)) for j in range(columns)), ("r", str(i))) for i in range(rows)]
    lines += [Line(tuple(("c", str(i), str(j)) for i in range(rows)), ("k", str(j))) for j in range(columns)]
    lines += [Line(tuple(("r", str(i)) for i in range(rows)), ("all",)),
              Line(tuple(("k", str(j)) for j in range(columns)), ("all",))]
    return values, lines


def test_a_lonely_small_cell_takes_the_smallest_other_with_it() -> None:
    values = {"a": 3, "b": 50, "c": 7, "total": 60}
    hidden = hidden_cells(values, [Line(("a", "b", "c"), "total")])
    assert hidden == {"a", "c"}
    assert shown(values, hidden) == {"a": SMALL, "b": 50, "c": HIDDEN, "total": 60}


def test_two_small_cells_are_not_enough_when_their_sum_gives_them_away() -> None:
    values = {"a": 4, "b": 4, "c": 30, "d": 9, "total": 47}  # a + b = 8: both are 4
    assert hidden_cells(values, [Line(("a", "b", "c", "d"), "total")]) == {"a", "b", "d"}


def test_zero_is_below_five_and_large_counts_stay() -> None:
    values = {"a": 0, "b": 12, "c": 20, "total": 32}
    assert shown(values, hidden_cells(values, [Line(("a", "b", "c"), "total")])) == {
        "a": SMALL, "b": HIDDEN, "c": 20, "total": 32}
    assert hidden_cells({"a": 9, "b": 12, "total": 21}, [Line(("a", "b"), "total")]) == set()


def test_every_line_keeps_the_rules_on_random_tables() -> None:
    chance = random.Random(18)
    for _ in range(300):
        cells = [[chance.choice([0, 1, 2, 3, 4, 5, 6, 8, 15, 40]) for _ in range(chance.randint(1, 5))]]
        cells += [[chance.choice([0, 1, 3, 5, 7, 30]) for _ in cells[0]] for _ in range(chance.randint(0, 4))]
        values, lines = grid(cells)
        hidden = hidden_cells(values, lines)
        assert {key for key, value in values.items() if value < 5} <= hidden
        for line in lines:
            members = [*line.cells, line.total]
            hidden_members = [key for key in members if key in hidden]
            assert len(hidden_members) != 1, (cells, line)
            hidden_line = [values[key] for key in line.cells if key in hidden]
            if line.total not in hidden and hidden_line:  # the hidden sum is known: it must pin none of them
                large = [value for value in hidden_line if value >= 5]
                if large:
                    assert sum(hidden_line) - 5 * len(large) >= 5, (cells, line)
                else:
                    assert sum(hidden_line) < 4 * len(hidden_line), (cells, line)


def solutions(published: dict[tuple[str, ...], int | str], shape: tuple[int, int]) -> list[list[list[int]]]:
    """Every table of this shape that fits what is published: a number as it is, "<5" 0-4, "x" 5 or more."""
    rows, columns = shape
    limit = next(v for k, v in published.items() if k == ("all",))
    limit = limit if isinstance(limit, int) else 30

    def fits(key: tuple[str, ...], value: int) -> bool:
        cell = published[key]
        return value == cell if isinstance(cell, int) else (value < 5 if cell == SMALL else 5 <= value)

    def candidates(cell: int | str) -> range:
        return range(cell, cell + 1) if isinstance(cell, int) else (range(5) if cell == SMALL else range(5, limit + 1))

    ranges = [candidates(published["c", str(i), str(j)]) for i in range(rows) for j in range(columns)]
    found = []
    for flat in itertools.product(*ranges):
        table = [list(flat[i * columns:(i + 1) * columns]) for i in range(rows)]
        values, _ = grid(table)
        if all(fits(key, value) for key, value in values.items()):
            found.append(table)
    return found


def test_no_small_count_can_be_worked_out_from_a_small_table() -> None:
    """Exactly: of every table that fits the published cells, the hidden small ones take more than one value
    (unless the count is 0: "nobody" tells about no one)."""
    chance = random.Random(5)
    for _ in range(25):
        cells = [[chance.choice([0, 1, 2, 4, 5, 6, 9]) for _ in range(2)] for _ in range(2)]
        values, lines = grid(cells)
        published = shown(values, hidden_cells(values, lines))
        fitting = solutions(published, (2, 2))
        assert cells in fitting
        for i, j in itertools.product(range(2), range(2)):
            if published["c", str(i), str(j)] == SMALL and cells[i][j] > 0:
                assert len({table[i][j] for table in fitting}) > 1, (cells, published)


def fact(day: date, language: str, tier: str | None = None) -> Fact:
    return Fact(day, 10, True, language, "webchat", "help", tier, None, None, None, (), (), None, False, 0, 0)


def test_tables_hide_small_counts_and_their_totals_add_up() -> None:
    counts = Counts()
    for number in range(40):
        counts.add_fact(fact(date(2026, 1 + number % 3, 5), "en" if number % 10 else "th"))
    statistics = build(counts, "month", date(2026, 1, 1), date(2026, 4, 30))
    assert statistics.periods == ["2026-01", "2026-02", "2026-03", "2026-04"]
    # April's 0 is below 5; alone in its line it would be 40 minus the others: the smallest other goes too.
    assert statistics.contacts == {"2026-01": 14, "2026-02": HIDDEN, "2026-03": 13, "2026-04": SMALL, ALL: 40}
    languages = {row.value: row.counts for row in next(t for t in statistics.tables if t.dimension == "language").rows}
    assert languages["th"] == {"2026-01": SMALL, "2026-02": SMALL, "2026-03": SMALL, "2026-04": SMALL, ALL: SMALL}
    assert languages["en"][ALL] == HIDDEN  # with the Thai total below 5, the English one would give it back
    assert build(counts, "year").summary[0]["lines"][0] == {"label": "Contacts through the chat", "value": 40}


def test_periods_and_percentiles() -> None:
    assert period_of(date(2026, 1, 1), "week") == "2026-W01" and period_of(date(2026, 12, 31), "week") == "2026-W53"
    assert periods_between(date(2025, 12, 30), date(2026, 1, 2), "month") == ["2025-12", "2026-01"]
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile(list(range(1, 11)), 0.9) == 9
