"""The console for a caseworker's long shift (issue 16, item 8), in Debian's Chromium: axe-core finds nothing
serious or critical on the login, the queue and an open conversation, and the keyboard alone logs in, takes
the most urgent conversation, answers it and reaches every control on the way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from bot.app import ENGINE, SETTINGS
from handover.accounts import Accounts
from tests.browser.accessibility import violations
from tests.conftest import AppClient, own_app
from tests.fakes.rasa import FakeRasa, serving

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
DANGER = "help me he is coming"

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {DANGER: [{"custom": {"text": "danger"}}, {"custom": {"handover": {"tier": "P1"}}}],
               "can someone call me later": [{"custom": {"text": "handover_requested"}},
                                             {"custom": {"handover": {"tier": "P3"}}}]}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


@pytest.fixture
async def waiting(client: AppClient, rasa: FakeRasa) -> str:
    """A P1 conversation waiting, and a P3 one; returns the P1's web chat session."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    await client.say(await client.new_session(), "can someone call me later")
    person = await client.new_session()
    await client.say(person, DANGER)
    return person


async def console(browser: Browser, client: AppClient) -> Page:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
    await page.goto(client.url("/console"))
    await expect(page.locator("#username")).to_be_visible()
    return page


async def focused(page: Page) -> str:
    return await page.evaluate("document.activeElement.id || document.activeElement.className")


async def test_axe_finds_nothing_serious_on_the_login_the_queue_and_a_conversation(
        browser: Browser, client: AppClient, waiting: str) -> None:
    page = await console(browser, client)
    assert await violations(page) == []
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#queue li.queue-item")).to_have_count(2)
    assert await violations(page) == []
    await page.locator("#queue li.queue-item").first.click()
    await page.click("#claim")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#transcript li.msg.user").first).to_be_visible()
    assert await violations(page) == []


async def test_the_keyboard_alone_logs_in_takes_the_most_urgent_and_answers(
        browser: Browser, client: AppClient, waiting: str) -> None:
    page = await console(browser, client)
    assert await focused(page) == "username"  # the login form takes the focus: no Tab needed to start typing
    await page.keyboard.type("anna")
    await page.keyboard.press("Tab")
    assert await focused(page) == "password"
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.locator("#queue li.queue-item")).to_have_count(2)

    await page.keyboard.press("j")  # down the queue to the P1 on top, and open it
    await page.keyboard.press("Enter")
    await expect(page.locator("#conv-body")).to_be_visible()
    await expect(page.locator("#transcript li.msg.user").first).to_contain_text(DANGER)
    await page.keyboard.press("c")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#reply-text")).to_be_focused()  # claimed: the reply box is ready to type in
    await page.locator("#transcript").focus()  # reading the transcript, "/" goes back to the reply box
    await page.keyboard.press("/")
    assert await focused(page) == "reply-text"
    await expect(page.locator("#reply-text")).to_have_value("")
    await page.keyboard.type("I am Anna from the centre. Are you safe now?")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("#transcript li.msg.caseworker").last).to_contain_text("Are you safe now?")
    received = [message["text"] for message in (await client.messages(waiting))["messages"]]
    assert received[-1] == "I am Anna from the centre. Are you safe now?"

    # Every control of the open conversation is a Tab stop, in the order it is shown, and shows its focus.
    stops: list[str] = []
    await page.locator(".skip-link").focus()
    await page.keyboard.press("Enter")  # the skip link lands in the open conversation, and leaves it open
    await expect(page.locator("#conversation")).to_be_focused()
    await expect(page.locator("#conv-body")).to_be_visible()
    for _ in range(30):
        await page.keyboard.press("Tab")
        stops.append(await focused(page))
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", stops
        if stops[-1] == "note-send":
            break
    for control in ("release", "resolve", "transfer-to", "transfer", "canned", "reply-text", "reply-send",
                    "note-text", "note-send"):
        assert control in stops, (control, stops)
