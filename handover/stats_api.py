"""GET /api/console/stats: the published statistics of a period, as JSON or CSV (supervisors and admins).

Registered in the console's route table like the other endpoints (imported by handover/console.py), so that it
is in the OpenAPI document and its role is checked by the table's wrapper: a caseworker gets 403.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from handover.accounts import Account
from handover.app_keys import STATISTICS
from handover.console_api import api
from handover.stats_export import as_csv, as_json
from handover.stats_models import Statistics, StatsQuery
from handover.stats_tables import Statistics as PublishedStatistics

CSV = "text/csv"


@api.get("/stats", "Anonymous statistics of a period, small numbers hidden (supervisors and admins)",
         role="supervisor", query=StatsQuery, response=Statistics, media_types=(CSV,))
async def statistics(request: web.Request, account: Account, query: StatsQuery) -> Statistics | web.Response:
    """Conversations counted once each, live or purged, by kind, language, channel, tier, screening result (not
    an identification), form of exploitation, age band, hour and staffed hours, the wait's outcome and the
    indicators; reports, additions and erasures; time to the first human reply. Every count below 5 is "<5";
    "x" hides a larger one that would give a small one away (docs/statistics.md). Without from and to:
    everything. 400 with a sentence for a day before 2020-01-01 or more than a year ahead, and for more periods
    than a table takes (by day a year, by week about three years: handover/stats_range.py)."""
    published = await request.app[STATISTICS].publish(query.first, query.last, query.group_by)
    # Written in a thread too: a year by day is 60,000 cells, a sixth of a second to copy into JSON.
    if query.format == "csv":
        name = f"havn-stats-{query.first or 'start'}-{query.last or 'now'}-{query.group_by}.csv"
        return web.Response(text=await asyncio.to_thread(as_csv, published), content_type=CSV, charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"',
                                     "Cache-Control": "no-store"})
    return await asyncio.to_thread(_answer, published)


def _answer(published: PublishedStatistics) -> Statistics:
    return Statistics.model_validate(as_json(published))
