"""The supervisors' dashboard in the real browser (Debian's Chromium): a supervisor logs in, opens
/console/stats for a period, and every plotted bar shows the figure the API exports for it (small numbers
hidden alike); the page runs no script and breaks no CSP rule; a caseworker gets 403. A supervisor's console links
to it; a caseworker's does not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Browser, expect

from bot.app import ENGINE
from handover.accounts import Accounts
from tests.conftest import AppClient, own_app
from tests.console_client import PASSWORD, login

pytestmark = pytest.mark.browser
client = pytest.fixture(own_app, name="client")  # SQLite, Rasa down: the fallback answers, conversations count


async def test_the_dashboard_plots_what_the_api_exports(client: AppClient, browser: Browser) -> None:
    for number in range(12):
        await client.say(await client.new_session(), f"hello {number}")
        client.clock.advance(timedelta(hours=1))
    supervisor = await login(client, "sofia", "supervisor")
    await Accounts(client.app[ENGINE]).add("carl", PASSWORD, "caseworker")
    day = client.clock.now().date()
    period = f"from={(day - timedelta(days=40)).isoformat()}&to={day.isoformat()}&group_by=month"
    exported = await supervisor.call("GET", f"/stats?{period}")
    context = await browser.new_context()
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A script error or a CSP refusal; an HTTP error status (the caseworker's 403, a favicon) is not one.
    page.on("console", lambda message: problems.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)
    for name, status in (("carl", 403), ("sofia", 200)):
        answer = await page.request.post(client.url("/api/console/login"),
                                         data={"username": name, "password": PASSWORD})
        assert answer.ok
        response = await page.goto(client.url(f"/console/stats?{period}"))
        assert response is not None and response.status == status
    assert await page.locator("#total-contacts").text_content() == str(exported["contacts"]["all"])
    plotted = await page.locator("#chart-contacts .bar").evaluate_all(
        "bars => bars.map(bar => [bar.dataset.label, bar.dataset.value])")
    assert plotted == [[period_, str(exported["contacts"][period_])] for period_ in exported["periods"]]
    languages = {row["value"]: str(row["counts"]["all"]) for table in exported["tables"]
                 if table["dimension"] == "language" for row in table["rows"]}
    shown = await page.locator("#chart-language .bar").evaluate_all(
        "bars => bars.map(bar => [bar.dataset.label, bar.dataset.value])")
    assert dict(shown) == languages and languages
    hours = await page.locator("#chart-hour .bar").count()
    assert hours == len(next(t for t in exported["tables"] if t["dimension"] == "hour")["rows"])
    assert problems == []
    await context.close()


async def test_a_supervisor_reaches_the_dashboard_from_the_console_and_a_caseworker_sees_no_link(
        client: AppClient, browser: Browser) -> None:
    accounts = Accounts(client.app[ENGINE])
    await accounts.add("sofia", PASSWORD, "supervisor")
    await accounts.add("carl", PASSWORD, "caseworker")
    for name, supervisor in (("carl", False), ("sofia", True)):
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(client.url("/console"))
        await page.fill("#username", name)
        await page.fill("#password", PASSWORD)
        await page.click("#login-submit")
        await expect(page.locator("#whoami")).to_contain_text(name)
        link = page.get_by_role("link", name="Statistics")
        if not supervisor:
            await expect(link).to_be_hidden()
        else:
            await link.click()
            await expect(page).to_have_url(re.compile(r"/console/stats$"))
            await expect(page.locator("#total-contacts")).to_be_visible()
        await context.close()
