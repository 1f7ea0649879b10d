"""The dashboard's plots as SVG drawn on the server: no script, no style attribute (the console's CSP allows
neither inline), no library from elsewhere; colours come from handover/static/stats.css by class. Each bar
carries its published cell (`data-value`: a number, "<5" or "x"), which the browser test compares with the API;
a hidden cell is drawn as a short hatched stub, never as its true size."""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from handover.stats_tables import Cell

WIDTH, HEIGHT, PAD, LABELS = 640, 220, 28, 40
MAX_LABELS = 8  # dates fit 8 to a chart's width
MAX_VALUES = 24  # numbers over the bars up to this many bars


def bars(title: str, items: list[tuple[str, Cell]], unit: str = "") -> Markup:
    """A vertical bar chart of (label, cell) with its title; the bars' heights follow the shown numbers."""
    numbers = [cell for _, cell in items if isinstance(cell, int)]
    top = max(numbers, default=1) or 1
    slot = (WIDTH - 2 * PAD) / max(1, len(items))
    width = max(2.0, slot * 0.7)
    step = max(1, math.ceil(len(items) / MAX_LABELS))
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + LABELS}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line class="axis" x1="{PAD}" y1="{HEIGHT}" x2="{WIDTH - PAD}" y2="{HEIGHT}"/>']
    for index, (label, cell) in enumerate(items):
        x = PAD + index * slot + (slot - width) / 2
        hidden = not isinstance(cell, int)
        height = 4.0 if hidden else (HEIGHT - PAD) * cell / top
        shown = f"{cell}{unit}" if not hidden else str(cell)
        parts.append(f'<g class="bar{" hidden" if hidden else ""}" data-label="{escape(label)}" '
                     f'data-value="{escape(str(cell))}"><title>{escape(label)}: {escape(shown)}</title>'
                     f'<rect x="{x:.1f}" y="{HEIGHT - height:.1f}" width="{width:.1f}" height="{height:.1f}"/>')
        if len(items) <= MAX_VALUES:
            parts.append(f'<text class="value" x="{x + width / 2:.1f}" y="{HEIGHT - height - 4:.1f}">'
                         f'{escape(str(cell))}</text>')
        if index % step == 0:  # labels that fit: every step-th one on a long axis (each bar has its title)
            parts.append(f'<text class="label" x="{x + width / 2:.1f}" y="{HEIGHT + 16}">{escape(label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
