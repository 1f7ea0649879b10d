"""The periods GET /api/console/stats, its CSV and the page /console/stats answer, on SQLite and PostgreSQL
(handover/stats_range.py): what a walk sent (year 1 to 9999: a 500; 1900 to now by day: 163 s with every chat
stalled) is a 400 with a sentence in the console's language; the largest periods allowed answer; and the chat is
answered while a large table is built."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from bot.app import ENGINE
from core.models import ConversationStat
from handover import stats_publish
from handover.stats_models import StatsQuery
from handover.stats_range import EARLIEST, MOST_PERIODS, OUTSIDE, TOO_MANY, latest
from handover.stats_tables import build
from tests.conftest import AppClient
from tests.console_client import Console, login


def window(client: AppClient) -> tuple[date, date]:
    return EARLIEST, latest(client.clock.now().date())


def outside(client: AppClient) -> str:
    first, last = window(client)
    return OUTSIDE.format(earliest=first.isoformat(), latest=last.isoformat())


async def page(client: AppClient, supervisor: Console, query: str) -> tuple[int, str]:
    async with client.http.get(
        client.url(f"/console/stats?{query}"), headers={"Authorization": f"Bearer {supervisor.token}"}
    ) as response:
        assert response.content_type == "text/html"
        return response.status, await response.text()


def problem(html: str) -> str | None:
    found = re.search(r'<p class="problem" role="alert" id="problem">(.*?)</p>', html, re.S)
    return found.group(1) if found else None


async def test_a_mistyped_year_is_a_400_with_a_sentence_not_a_500(client: AppClient) -> None:
    sofia = await login(client, "sofia", "supervisor")
    for query in (
        "from=0001-01-01&to=9999-12-31&group_by=day",
        "from=1990-01-01&group_by=day",
        "from=1900-01-01&group_by=day&format=csv",
        "to=9999-12-31",
        "from=2019-12-31",
    ):
        refused = await sofia.call("GET", f"/stats?{query}", expect=400)
        assert refused["error"] == outside(client), query
    last = window(client)[1]
    await sofia.call("GET", f"/stats?to={last + timedelta(days=1)}", expect=400)
    await sofia.call("POST", "/language", {"language": "da"})
    refused = await sofia.call("GET", "/stats?from=0001-01-01&to=9999-12-31&group_by=day", expect=400)
    assert refused["error"] == (
        f"Vælg venligst dage mellem 2020-01-01 og {last}: der er ingen statistik uden for de dage."
    )


async def test_more_periods_than_a_table_takes_is_a_400_that_says_what_to_choose(client: AppClient) -> None:
    sofia = await login(client, "sofia", "supervisor")
    first, last = window(client)
    refused = await sofia.call("GET", f"/stats?from={first}&to={last}&group_by=day", expect=400)
    assert refused["error"] == TOO_MANY["day"].format(limit=366) and "by week, month or year" in refused["error"]
    refused = await sofia.call("GET", "/stats?from=2020-01-01&to=2023-12-31&group_by=week", expect=400)
    assert refused["error"] == TOO_MANY["week"].format(limit=160)
    await sofia.call("POST", "/language", {"language": "da"})
    refused = await sofia.call("GET", f"/stats?from={first}&to={last}&group_by=day&format=csv", expect=400)
    assert refused["error"].startswith("Pr. dag kan en tabel vise højst 366 dage (et år).")


async def test_a_period_left_open_counts_its_periods_from_the_conversations(client: AppClient) -> None:
    """Without from and to the table runs from the first to the last day with a conversation: two years of them
    by day are too many days, by month they answer."""
    today = client.clock.now().date()
    async with client.app[ENGINE].begin() as connection:
        await connection.execute(
            insert(ConversationStat),
            [
                {"day": day, "language": "en", "channel": "webchat", "kind": "help"}
                for day in (today - timedelta(days=730), today)
            ],
        )
    sofia = await login(client, "sofia", "supervisor")
    refused = await sofia.call("GET", "/stats?group_by=day", expect=400)
    assert refused["error"] == TOO_MANY["day"].format(limit=366)
    by_month = await sofia.call("GET", "/stats")
    assert by_month["periods"][0] == (today - timedelta(days=730)).strftime("%Y-%m")


async def test_the_largest_periods_allowed_answer(client: AppClient) -> None:
    sofia = await login(client, "sofia", "supervisor")
    first, last = window(client)
    for group_by in ("month", "year"):
        answer = await sofia.call("GET", f"/stats?from={first}&to={last}&group_by={group_by}")
        assert answer["periods"][0] in ("2020-01", "2020") and len(answer["periods"]) <= MOST_PERIODS[group_by]
    year = (last - timedelta(days=365), last)
    by_day = await sofia.call("GET", f"/stats?from={year[0]}&to={year[1]}&group_by=day")
    assert len(by_day["periods"]) == MOST_PERIODS["day"] == 366
    monday = last - timedelta(days=last.weekday() + 7 * (MOST_PERIODS["week"] - 1))
    by_week = await sofia.call("GET", f"/stats?from={monday}&to={last}&group_by=week")
    assert len(by_week["periods"]) == MOST_PERIODS["week"]
    async with client.http.get(
        client.url(f"/api/console/stats?from={year[0]}&to={year[1]}&group_by=day&format=csv"),
        headers={"Authorization": f"Bearer {sofia.token}"},
    ) as response:
        assert response.status == 200 and f"contacts,,{year[1]},<5" in await response.text()


async def test_the_chat_is_answered_while_a_large_table_is_built(client: AppClient, monkeypatch: Any) -> None:
    """The table is held in the middle of being built until /healthz has answered: on the event loop (as before)
    nothing else would be answered meanwhile, and the build would give up waiting (after 20 s) before /healthz
    could answer. Shown by order, not by time."""
    building, release = threading.Event(), threading.Event()
    happened: list[str] = []

    def held_build(*args: Any) -> Any:
        building.set()
        happened.append("build went on" if release.wait(timeout=20) else "build gave up waiting")
        return build(*args)

    monkeypatch.setattr(stats_publish, "build", held_build)
    sofia = await login(client, "sofia", "supervisor")
    last = window(client)[1]

    async def statistics() -> None:
        await sofia.call("GET", f"/stats?from={last - timedelta(days=365)}&to={last}&group_by=day")
        happened.append("statistics")

    asking = asyncio.create_task(statistics())
    assert await asyncio.to_thread(building.wait, 20)
    async with client.http.get(client.url("/healthz")) as response:
        await response.read()
    happened.append("healthz")
    release.set()
    await asking
    assert happened == ["healthz", "build went on", "statistics"]


async def test_the_page_shows_why_it_cannot_show_a_period(client: AppClient) -> None:
    sofie = await login(client, "sofie", "supervisor")
    status, html = await page(client, sofie, "from=1900-01-01&group_by=day")
    assert status == 400 and problem(html) == outside(client)
    assert 'name="from" value="1900-01-01"' in html  # the form as it was filled in, to correct it
    assert 'id="total-contacts"' not in html and "format=csv" not in html  # no figures for a period not shown
    status, html = await page(client, sofie, "from=2026-12-31&to=2026-01-01")
    assert status == 400 and problem(html) == StatsQuery.INVALID
    first, last = window(client)
    await sofie.call("POST", "/language", {"language": "da"})
    status, html = await page(client, sofie, f"from={first}&to={last}&group_by=day")
    assert status == 400 and '<html lang="da">' in html
    assert problem(html) == (
        "Pr. dag kan en tabel vise højst 366 dage (et år). Vælg venligst en kortere periode, "
        "eller vis den pr. uge, måned eller år."
    )
    status, html = await page(client, sofie, f"from={last - timedelta(days=365)}&to={last}&group_by=day")
    assert status == 200 and problem(html) is None and 'id="total-contacts"' in html
