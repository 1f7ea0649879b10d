"""The queue's one line about a conversation: its screening, its report, or both. Never the person's words."""

from __future__ import annotations

from typing import Any

from handover.queue import QueueItem
from handover.report_flow import is_urgent
from handover.service import Handover
from handover.store import confirmed_indicators
from screening.types import ScreeningSummary


def summary_line(screening: ScreeningSummary | None) -> str:
    """Assessment, indicators, age band."""
    if not screening:
        return "no screening yet"
    parts = [str(screening.get("assessment", "")).replace("_", " ")]
    indicators = confirmed_indicators(screening)
    if indicators:
        parts.append(", ".join(indicators))
    if screening.get("age_band") == "under_18":
        parts.append("under 18")
    return " · ".join(part for part in parts if part)


async def summary_of(handover: Handover, item: QueueItem) -> str:
    """The screening, the report, or both (a person screened who also reported)."""
    screening = await handover.store.screening(item.conversation_id)
    if item.kind == "help":
        return summary_line(screening)
    report = report_line(await handover.reports.of_conversation(item.conversation_id))
    return f"{report} · {summary_line(screening)}" if screening else report


def report_line(reports: list[dict[str, Any]]) -> str:
    """About a report: the buttons chosen, never the reporter's words."""
    if not reports:
        return "report being written"
    details, parts = reports[-1]["details"], ["report" if reports[-1]["sent"] else "report being written"]
    if is_urgent(details, "danger"):
        parts.append("danger now")
    if is_urgent(details, "minors"):
        parts.append("under 18")
    if place := details.get("place", {}).get("choice"):
        parts.append(place.replace("_", " "))
    if signs := details.get("signs", {}).get("choices"):
        parts.append(f"{len(signs)} signs")
    if added := sum(len(report["additions"]) for report in reports):
        parts.append(f"{added} added later")
    return " · ".join(parts)
