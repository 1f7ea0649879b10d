"""The statistics as files: JSON (the API's and `havn stats --format json`) and CSV, one cell a line, with the
label that says what the figures are. Both are written from handover/stats_tables.Statistics, already
suppressed: nothing here counts or hides anything."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

from handover.stats_tables import ALL, Statistics

CSV_COLUMNS = ("table", "value", "period", "count")


def as_json(statistics: Statistics) -> dict[str, Any]:
    """The same fields as the API's answer (handover/stats_models.Statistics)."""
    data = asdict(statistics)
    data["first_day"] = statistics.first.isoformat() if statistics.first else None
    data["last_day"] = statistics.last.isoformat() if statistics.last else None
    del data["first"], data["last"]
    return data


def as_csv(statistics: Statistics) -> str:
    """table,value,period,count: every published cell (period "all": the whole range); the first line after
    the header is the label, as a comment row, so a copy of the file says what it is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["label", statistics.label, "", ""])
    columns = [*statistics.periods, ALL]
    for period in columns:
        writer.writerow(["contacts", "", period, statistics.contacts[period]])
    for table in statistics.tables:
        for row in table.rows:
            for period in columns:
                writer.writerow([table.dimension, row.value, period, row.counts[period]])
    for measure, cells in statistics.measures.items():
        for period in columns:
            writer.writerow([measure, "", period, cells[period]])
    for period in columns:
        reply = statistics.first_reply[period]
        writer.writerow(["first_reply", "replies", period, reply.replies])
        writer.writerow(["first_reply", "median_seconds", period, "" if reply.median_seconds is None
                         else reply.median_seconds])
        writer.writerow(["first_reply", "p90_seconds", period, "" if reply.p90_seconds is None else reply.p90_seconds])
    for row in statistics.outreach.rows:
        for month in [*statistics.outreach.months, ALL]:
            writer.writerow(["outreach", f"{row.source} ({row.channel})", month, row.counts[month]])
    for year in statistics.summary:
        for line in year["lines"]:  # type: ignore[attr-defined]
            writer.writerow(["summary", line["label"], year["year"], line["value"]])
    return out.getvalue()
