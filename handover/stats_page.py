"""The supervisors' dashboard (GET /console/stats): the period picker, totals and plots, drawn on the server as
SVG (handover/stats_svg.py) from the same published tables as GET /api/console/stats, so the plots show exactly
the exported figures, small numbers hidden alike (handover/stats_publish.py, shared with the API). A plain form
and a page: no script. The console's login cookie is the session; a caseworker gets 403, nobody logged in 401
(JSON sentences, core/json_api.py); a period it cannot show, the form again with the sentence why (400)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from aiohttp import web
from markupsafe import Markup

from core.errors import Invalid
from core.json_api import read_query
from handover import console
from handover.app_keys import ACCOUNTS, STATISTICS
from handover.console_auth import authenticate
from handover.console_words import WORDS, language_of
from handover.stats_models import StatsQuery
from handover.stats_svg import bars
from handover.stats_tables import ALL, Statistics


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: Markup


def charts(statistics: Statistics, say: Callable[..., str]) -> list[Chart]:
    """The plots, their titles in the supervisor's console language (`say`: ConsoleWords.text for it)."""
    tables = {table.dimension: table for table in statistics.tables}
    periods = statistics.periods

    def over_time(cells: dict[str, int | str]) -> list[tuple[str, int | str]]:
        return [(period, cells[period]) for period in periods]

    def totals(dimension: str) -> list[tuple[str, int | str]]:
        return [(row.value, row.counts[ALL]) for row in tables[dimension].rows]

    title = say("stats.chart.contacts")
    found = [Chart("contacts", title, bars(title, over_time(statistics.contacts)))]
    for row in tables["kind"].rows:
        title = say("stats.chart.kind", kind=row.value)
        found.append(Chart(f"kind-{row.value}", title, bars(title, over_time(row.counts))))
    for dimension in ("language", "tier", "hour"):
        title = say(f"stats.chart.{dimension}")
        found.append(Chart(dimension, title, bars(title, totals(dimension))))
    medians = [(period, reply.median_seconds if reply.median_seconds is not None else reply.replies)
               for period, reply in statistics.first_reply.items() if period != ALL]
    title = say("stats.chart.first_reply")
    found.append(Chart("first-reply", title, bars(title, medians, " s")))
    return found


async def page(request: web.Request) -> web.Response:
    """The dashboard; a period it cannot show (a day not a day, outside the window, too many periods) is the form
    again, as the supervisor filled it in, with the sentence that says what to choose instead (400)."""
    account = await authenticate(request, request.app[ACCOUNTS], "supervisor")
    language = language_of(request, account)
    say = partial(request.app[WORDS].text, language)
    form = {name: request.query.get(name, "") for name in ("from", "to", "group_by")}
    try:
        query = read_query(request, StatsQuery)
        statistics = await request.app[STATISTICS].publish(query.first, query.last, query.group_by)
    except Invalid as error:
        return _render(request, language, say, form, problem=request.app[WORDS].error(language, error.sentence))
    form = {"from": str(query.first or ""), "to": str(query.last or ""), "group_by": query.group_by}
    return _render(request, language, say, form, statistics=statistics)


def _render(request: web.Request, language: str, say: Callable[..., str], form: dict[str, str],
            statistics: Statistics | None = None, problem: str | None = None) -> web.Response:
    html = request.app[console.CONSOLE_TEMPLATES].get_template("stats.html").render(
        statistics=statistics, form=form, problem=problem, language=language, t=say,
        charts=charts(statistics, say) if statistics else [])
    return web.Response(text=html, content_type="text/html", headers=console.SECURITY_HEADERS,
                        status=400 if problem else 200)
