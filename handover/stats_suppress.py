"""Small numbers hidden, so that no published figure makes a person findable (docs/statistics.md, "Suppression").

Pure: counts keyed by anything, and the lines they are published in (a line is some cells and the total they
add up to, the total shown with them). The rule:

1. Primary: every count below 5, zero included, is hidden and shown as "<5".
2. Secondary, until nothing changes, for every line:
   - a line may not have exactly one hidden entry (cells and total together): the others would give it back
     by subtraction; and
   - when the line's total is shown and cells of it are hidden, the hidden cells' sum (total minus the shown
     cells, which anyone can work out) must not pin them: hidden "<5" cells alone must add up to less than 4
     each (two that add up to 8 are both 4), and with hidden "x" cells the sum must exceed 5 for each "x" by
     at least 5 (two "x" that add up to 10 are both 5).
   Where a line breaks a rule, its smallest shown cell is hidden too (or its total, when no cell is left);
   such a secondary cell is shown as "x" (5 or more, hidden to protect a small one).
3. Audit, until nothing changes: bounds are carried from line to line as a reader would (each "<5" is 0 to 4,
   each "x" 5 or more, each line adds up); a small count (above 0) whose bounds close on one value gets one
   more cell of its lines hidden, and the rules run again. Chains of lines are caught this way, not every
   combination a linear program could find (docs/statistics.md).

A total is itself a cell of the line above it (a period's contacts are cells of the line of all periods), so
totals are protected like any cell. The rule is the usual small-cell rule of statistical offices, applied to
each published line; it does not protect against differencing two exports of overlapping periods (see
docs/statistics.md: publish whole periods).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "x"
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Line(Generic[K]):
    cells: tuple[K, ...]
    total: K | None = None  # None: the cells are published without a total (their sum is not shown)


def hidden_cells(values: Mapping[K, int], lines: Iterable[Line[K]]) -> set[K]:
    """The keys to hide: the primary ones (below 5) and the secondary ones that protect them."""
    lines = [line for line in lines if line.cells]
    hidden = {key for key, value in values.items() if value < THRESHOLD}
    lines_of: dict[K, list[Line[K]]] = {}
    for line in lines:
        for key in (*line.cells, *([line.total] if line.total is not None else [])):
            lines_of.setdefault(key, []).append(line)
    while True:
        _line_rules(values, lines, hidden)
        extras = set()
        for pinned in _pinned(values, lines, hidden):  # all at once: one round per wave, not per cell
            extra = _protector(values, lines_of.get(pinned, []), hidden | extras, pinned)
            if extra is not None:
                extras.add(extra)
        if not extras:  # none pinned (or nothing left to hide around one: cannot happen below a total)
            return hidden
        hidden |= extras


def _line_rules(values: Mapping[K, int], lines: list[Line[K]], hidden: set[K]) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            pick = _secondary(values, line, hidden)
            if pick is not None:
                hidden.add(pick)
                changed = True


def _pinned(values: Mapping[K, int], lines: list[Line[K]], hidden: set[K]) -> list[K]:
    """The small counts (above 0) a reader can still work out, by carrying bounds from line to line (each "<5"
    is 0 to 4, each "x" 5 or more, each line adds up): those whose bounds close on one value."""
    ceiling = max(values.values(), default=0)
    low = {key: 0 if values[key] < THRESHOLD else THRESHOLD for key in hidden}
    high = {key: THRESHOLD - 1 if values[key] < THRESHOLD else ceiling for key in hidden}
    for key, value in values.items():
        if key not in hidden:
            low[key] = high[key] = value
    relevant = [line for line in lines if line.total is not None and any(
        key in hidden for key in (*line.cells, line.total))]
    for _ in range(100):  # bounds only narrow; a few rounds settle them
        narrowed = False
        for line in relevant:
            total = line.total
            assert total is not None
            cells_low = sum(low[key] for key in line.cells)
            cells_high = sum(high[key] for key in line.cells)
            bounds = {total: (max(low[total], cells_low), min(high[total], cells_high))}
            for key in line.cells:
                if key in hidden:
                    bounds[key] = (max(low[key], low[total] - (cells_high - high[key])),
                                   min(high[key], high[total] - (cells_low - low[key])))
            for key, (new_low, new_high) in bounds.items():
                if key in hidden and (new_low, new_high) != (low[key], high[key]):
                    low[key], high[key] = new_low, new_high
                    narrowed = True
        if not narrowed:
            break
    return [key for key in hidden if 0 < values[key] < THRESHOLD and low[key] >= high[key]]


def _protector(values: Mapping[K, int], around: list[Line[K]], hidden: set[K], pinned: K) -> K | None:
    """What to hide besides, so that `pinned` is no longer worked out: the smallest shown cell of one of its
    lines (`around`), or else a shown total of one."""
    cells = [key for line in around for key in line.cells if key not in hidden]
    if cells:
        return min(cells, key=lambda key: values[key])
    totals = [line.total for line in around if line.total is not None and line.total not in hidden]
    return totals[0] if totals else None


def _secondary(values: Mapping[K, int], line: Line[K], hidden: set[K]) -> K | None:
    members = [*line.cells, *([line.total] if line.total is not None else [])]
    hidden_members = [key for key in members if key in hidden]
    if not hidden_members:
        return None
    total_shown = line.total is not None and line.total not in hidden
    lonely = len(hidden_members) == 1 and line.total is not None  # without a total, nothing to subtract from
    tight = False
    if total_shown:
        hidden_line = [key for key in line.cells if key in hidden]
        large = [key for key in hidden_line if values[key] >= THRESHOLD]
        # What the reader can work out: the hidden cells' sum, each "x" at least 5. Unless that sum leaves the
        # x cells THRESHOLD to spare, some hidden count is pinned (two x cells that add up to 10 are both 5).
        hidden_sum = sum(values[key] for key in hidden_line)
        if large:
            tight = hidden_sum - THRESHOLD * len(large) < THRESHOLD
        else:  # only "<5" cells: their sum pins them all when each must be 4 (a sum of 0 tells only zeros)
            tight = bool(hidden_line) and hidden_sum >= (THRESHOLD - 1) * len(hidden_line)
    if not (lonely or tight):
        return None
    shown = sorted((key for key in line.cells if key not in hidden), key=lambda key: values[key])
    if shown:
        return shown[0]
    return line.total if total_shown else None


def shown(values: Mapping[K, int], hidden: set[K]) -> dict[K, int | str]:
    """Each count as published: the number, "<5", or "x"."""
    return {key: (SMALL if value < THRESHOLD else HIDDEN) if key in hidden else value
            for key, value in values.items()}
