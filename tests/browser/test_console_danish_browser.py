"""The console in Danish (issue 19): a caseworker switches to Danish, reloads, and the console is still Danish:
its header and buttons, the queue's line and waiting times in Danish plural forms ("1 minut", "2 minutter"), and
an error sentence from the console API. The choice is kept with the account, not in the browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, expect

from bot.app import ENGINE, SETTINGS
from handover.accounts import Accounts
from tests.browser.accessibility import violations
from tests.browser.test_console_browser import PASSWORD, console_page
from tests.conftest import TEXTS, AppClient, own_app
from tests.fakes.rasa import FakeRasa, serving

pytestmark = pytest.mark.browser

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {"can someone call me later": [{"custom": {"text": "handover_requested"}},
                                             {"custom": {"handover": {"tier": "P3"}}}]}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


async def test_a_caseworker_switches_to_danish_and_the_console_stays_danish(browser: Browser, client: AppClient,
                                                                           rasa: FakeRasa) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    first = await client.new_session()
    await client.say(first, "Vă rog, ajutați-mă acum! El mă bate")  # P1, the danger net heard it
    await client.say(first, payload="safe_no")  # at "Is it safe for you to write now?", in Romanian
    client.clock.advance(timedelta(minutes=1))
    second = await client.new_session()
    await client.say(second, "can someone call me later")  # P3, a minute later
    client.clock.advance(timedelta(minutes=1))

    page, problems = await console_page(browser, client)  # Chromium asks for English: the page is English
    await expect(page.locator("h1")).to_have_text("havn console")
    await page.select_option("#language", "da")
    await expect(page.locator("html")).to_have_attribute("lang", "da")
    await page.reload()  # the choice is the account's: a reload, a new page, still Danish

    await expect(page.locator("html")).to_have_attribute("lang", "da")
    await expect(page.locator("h1")).to_have_text("havn-konsol")
    await expect(page.locator("#logout")).to_have_text("Log ud")
    await expect(page.locator("#claim-next")).to_contain_text("Tag den næste")
    await expect(page.locator("#language")).to_have_value("da")
    items = page.locator("#queue li.queue-item")
    await expect(items).to_have_count(2)
    await expect(items.first.locator(".summary")).to_have_text("i fare nu")
    await expect(items.first.locator(".language")).to_have_text("Rumænsk (Română)")
    await expect(items.first.locator(".waiting")).to_have_text("2 minutter")
    await expect(items.last.locator(".waiting")).to_have_text("1 minut")
    await expect(items.last.locator(".kind")).to_have_text("hjælp")
    await expect(page.locator("#online")).to_have_text("1 sagsbehandler online")

    await page.fill("#report-code", "nope")
    await page.click("#find-report-submit")
    await expect(page.locator("#status")).to_have_text(
        "En referencekode har 8 bogstaver og cifre, fx K7M2-9XQP. Tjek den.")

    await items.first.click()
    await expect(page.locator("#conv-meta .conv-state")).to_have_text("Status: venter på et menneske")
    await expect(page.locator("#claim")).to_contain_text("Overtag")
    # The person's press: the Romanian words they saw, marked in Danish.
    await expect(page.locator("#transcript li.msg.user span.text").last).to_have_text(
        f"[trykkede på: {TEXTS.text('menu.safe_no', 'ro')}]")
    assert await violations(page) == []
    assert problems == []


async def test_the_choice_is_kept_with_the_account_and_english_stays_for_others(browser: Browser,
                                                                               client: AppClient) -> None:
    accounts = Accounts(client.app[ENGINE])
    anna = await accounts.add("anna", PASSWORD, "caseworker", alias="Anna")
    await accounts.choose_language(anna.id, "da")
    page, problems = await console_page(browser, client)  # logged in from an English browser: Danish after login
    await expect(page.locator("html")).to_have_attribute("lang", "da")
    await expect(page.locator("#whoami")).to_have_text("anna (sagsbehandler)")
    await page.select_option("#language", "en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#whoami")).to_have_text("anna (caseworker)")
    await expect(page.locator("#claim-next")).to_contain_text("Take next")
    assert problems == []
