"""Small things a tester found walking the console (Debian's Chromium): Arabic words quoted the wrong way round
in a queue card, the canned responses' list running out of the reply column at 1280 px, a 404 on every load,
and a P1 for danger heard in the chat beside the screening's "P4" with nothing saying why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from bot.app import ENGINE, GATEWAY, SETTINGS
from handover.accounts import Accounts
from handover.console import HANDOVER
from tests.browser.test_console_browser import PASSWORD, console_page
from tests.conftest import AppClient, own_app
from tests.fakes.rasa import FakeRasa, serving

pytestmark = pytest.mark.browser

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked
ARABIC = "انا خايفة"  # "I am afraid"


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {"help me he is coming": [{"custom": {"text": "danger"}}, {"custom": {"handover": {"tier": "P1"}}}]}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


async def test_arabic_words_are_isolated_between_quote_marks_that_stay_the_right_way_round(
        browser: Browser, client: AppClient, rasa: FakeRasa) -> None:
    """The <q> took the words' direction (dir=auto), so its own quote marks turned round with them. The quote marks
    are the page's now, the words inside a <bdi>; the transcript and the panel's evidence keep dir=auto."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, ARABIC)  # the danger net hears it: P1 with the person's words
    [item] = await client.app[HANDOVER].queue.items()
    await client.app[GATEWAY].store.save_screening(item.conversation_id, {
        "assessment": "indicators_present", "tier": "P2", "answers": {"CD-01": "yes"}, "evidence": {"CD-01": ARABIC}})

    page, problems = await console_page(browser, client)
    quote = page.locator("#queue li.queue-item .key-word").first
    await expect(quote).to_have_text(ARABIC)
    # Waited for, not read once: the live queue may draw the card again in between, and a card no longer on the
    # page has no computed style (CI once read "" for the direction).
    await expect(quote).to_have_css("direction", "ltr")
    assert await quote.evaluate("q => [q.tagName, q.getAttribute('dir')]") == ["Q", None]
    words = quote.locator("bdi")
    await expect(words).to_have_text(ARABIC)
    await expect(words).to_have_css("unicode-bidi", "isolate")
    await expect(page.locator("#queue li.queue-item .key-word bdi:dir(rtl)").first).to_have_text(ARABIC)

    await page.locator("#queue li.queue-item").first.click()
    said = page.locator("#transcript li.msg.user span.text").first
    await expect(said).to_have_text(ARABIC)
    await expect(said).to_have_attribute("dir", "auto")
    evidence = page.locator('#screening-body [data-indicator="CD-01"] .own-words')
    await expect(evidence).to_have_text(ARABIC)
    await expect(evidence).to_have_attribute("dir", "auto")
    assert problems == []


async def test_the_canned_responses_fit_the_reply_column_at_1280_px(browser: Browser, client: AppClient,
                                                                    rasa: FakeRasa) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    await client.say(await client.new_session(), "help me he is coming")
    page, problems = await console_page(browser, client)
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.keyboard.press("n")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#canned option").nth(1)).to_be_attached()
    column = await page.locator("#reply-form").bounding_box()
    canned = await page.locator("#canned").bounding_box()
    assert column is not None and canned is not None
    assert canned["x"] + canned["width"] <= column["x"] + column["width"] + 0.5
    assert problems == []


async def test_a_console_load_asks_for_nothing_that_is_not_there(browser: Browser, client: AppClient,
                                                                  rasa: FakeRasa) -> None:
    """The browser asked for /favicon.ico and said a 404 in its console on every load (Playwright sees that request
    only there); the page names its icon now. The 401 of GET /api/console/me before login is the API's way to say
    "not logged in" and stays."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    context = await browser.new_context()
    page = await context.new_page()
    missing: list[str] = []
    page.on("console", lambda message: missing.append(message.location.get("url", ""))
            if "status of 404" in message.text else None)
    page.on("response", lambda answer: missing.append(answer.url) if answer.status == 404 else None)
    await page.goto(client.url("/console"))
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    await page.reload()
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    await page.wait_for_load_state("networkidle")
    await page.wait_for_timeout(500)  # the icon is asked for after the load
    assert missing == []
    icon = await page.locator('link[rel="icon"]').get_attribute("href")
    assert icon is not None
    answer = await page.request.get(client.url(icon))
    assert answer.ok and answer.headers["content-type"] == "image/svg+xml"
    await context.close()


@pytest.mark.parametrize(("language", "row"), [
    ("en", ["Tier", "P1 (danger heard in the chat); from the screening's answers alone: P4"]),
    ("da", ["Prioritet", "P1 (fare hørt i chatten); ud fra screeningens svar alene: P4"])])
async def test_the_panel_says_the_tier_is_p1_for_the_danger_heard_and_p4_from_the_answers_alone(
        browser: Browser, client: AppClient, rasa: FakeRasa, language: str, row: list[str]) -> None:
    """Found walking the console: "Screening's tier P4" beside the conversation's P1 "Danger heard in the chat"
    read as a contradiction. The row says which tier is which, and why."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    await client.say(await client.new_session(), "help me he is coming")
    [item] = await client.app[HANDOVER].queue.items()
    await client.app[GATEWAY].store.save_screening(item.conversation_id, {
        "assessment": "no_indicators", "tier": "P4", "immediate_danger": False, "finished": True})
    page, problems = await console_page(browser, client)
    if language == "da":
        await page.select_option("#language", "da")
        await expect(page.locator("html")).to_have_attribute("lang", "da")
    await page.locator("#queue li.queue-item").first.click()
    tier = page.locator("#screening-body .tier-heard").locator("xpath=..")
    await expect(tier.locator("dt")).to_have_text(row[0])
    await expect(tier.locator("dd")).to_have_text(row[1])
    assert problems == []
