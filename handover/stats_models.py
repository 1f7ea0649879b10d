"""The statistics endpoint's query and answer (GET /api/console/stats): kept apart from handover/api_models.py,
which the rest of the console's bodies share; the same Out and Query bases, so the OpenAPI document is
written from them alike."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from core.json_api import Query
from handover.api_models import Out

Cell = int | str  # a count, "<5" (below 5) or "x" (hidden so that a smaller one cannot be worked out)
CELL = "a count; \"<5\" for a count below 5 (zero included); \"x\" for a larger one hidden to protect a small one"


class StatsQuery(Query):
    INVALID: ClassVar[str | None] = ("Send from and to as days (YYYY-MM-DD, from before to), group_by as day, "
                                     "week, month or year, and format as json or csv.")
    first: date | None = Field(None, alias="from", description="the first day (UTC), included, 2020-01-01 or later; "
                               "none: from the start")
    last: date | None = Field(None, alias="to", description="the last day (UTC), included, at most a year from today; "
                              "none: up to now")
    group_by: Literal["day", "week", "month", "year"] = Field("month", description="the periods of the tables")
    format: Literal["json", "csv"] = Field("json", description="csv: one published cell a line")

    @model_validator(mode="after")
    def _in_order(self) -> StatsQuery:
        if self.first and self.last and self.first > self.last:
            raise ValueError("from is after to")
        return self


class StatsRow(Out):
    value: str
    counts: dict[str, Cell] = Field(description=f"period (and \"all\") → {CELL}")


class StatsTable(Out):
    dimension: str
    label: str
    additive: bool = Field(description="each conversation has one value: a period's values add up to its contacts")
    rows: list[StatsRow] = Field(description="most frequent first (hours and tiers in their order)")


class StatsFirstReply(Out):
    replies: Cell = Field(description="conversations with a first human reply in the period")
    median_seconds: int | None = Field(description="from the request for a person; null when replies are hidden")
    p90_seconds: int | None


class StatsSummaryLine(Out):
    label: str
    value: Cell


class StatsSummary(Out):
    year: str
    label: str
    lines: list[StatsSummaryLine]


class StatsOutreachRow(Out):
    source: str = Field(description="the source an outreach link names (\"all\": every source)")
    channel: str = Field(description="webchat or telegram (\"all\": both, with source \"all\")")
    counts: dict[str, Cell] = Field(description=f"month (and \"all\") → {CELL}")


class StatsOutreach(Out):
    label: str
    months: list[str] = Field(description="whole months, YYYY-MM: outreach is counted by month only")
    rows: list[StatsOutreachRow] = Field(description="most frequent first, the total over the sources last")


class Statistics(Out):
    label: str = Field(description="what the figures are: chat figures, not identifications")
    first_day: date | None
    last_day: date | None
    group_by: str
    periods: list[str]
    contacts: dict[str, Cell] = Field(description="conversations started, per period and \"all\"")
    tables: list[StatsTable]
    measures: dict[str, dict[str, Cell]] = Field(description="reports filed, information added with a code, "
                                                             "erasures on request: events per period")
    first_reply: dict[str, StatsFirstReply]
    summary: list[StatsSummary] = Field(description="with group_by=year: the year in the shape of the centre's "
                                                    "published figures")
    outreach: StatsOutreach = Field(description="new conversations through outreach links (cards), by source and "
                                                "channel, per month")
