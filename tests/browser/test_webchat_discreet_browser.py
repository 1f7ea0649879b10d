"""A discreet web chat in Debian's Chromium (issue 19): opened after another page, its tab title stays neutral
as the page turns to the language the person writes; Quick exit (the button, or Esc twice) replaces its history
entry, so Back goes to the page before and Forward to the neutral page, never to the chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Page, expect

from bot.app import SETTINGS
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app
from tests.fakes.rasa import serving

pytestmark = pytest.mark.browser

EXIT_URL = "about:blank#neutral"
BEFORE = "data:text/html," + quote("<title>Weather</title><p>Sunny")  # the page the person was on before
ROMANIAN = "mi-e frica de politie"  # answered in Romanian from an English browser (tests/api/test_webchat_language.py)
CONFIGURED = "Notes"


async def chat_app(tmp_path: Path, **settings: str) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_QUICK_EXIT_URL=EXIT_URL, **settings)):
        async with serving(app_client.app[SETTINGS].rasa_url, {"hello": [{"custom": {"text": "greet"}}]}):
            yield app_client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in chat_app(tmp_path):
        yield app_client


@pytest.fixture
async def configured(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in chat_app(tmp_path, HAVN_PAGE_TITLE=CONFIGURED):
        yield app_client


async def chat_after_another_page(browser: Browser, client: AppClient) -> tuple[Page, int]:
    """The chat opened after another page, and how long the tab's history was on that page."""
    page = await (await browser.new_context(locale="en-GB")).new_page()
    await page.goto(BEFORE)
    before = await page.evaluate("history.length")
    await page.goto(client.url("/"))
    return page, before


async def write(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.keyboard.press("Enter")
    await expect(page.locator("#log li.msg.bot").nth(1)).to_be_visible()  # the reply (the first is the start)


async def assert_back_does_not_return(page: Page, before: int) -> None:
    await page.wait_for_url(EXIT_URL)
    assert await page.evaluate("history.length") == before + 1  # the neutral page where the chat was: no chat left
    await page.go_back()
    assert page.url == BEFORE and await page.title() == "Weather"
    await page.go_forward()
    assert page.url == EXIT_URL
    assert await page.locator("#log").count() == 0


async def test_the_title_stays_neutral_and_quick_exit_leaves_no_way_back(browser: Browser,
                                                                          client: AppClient) -> None:
    page, before = await chat_after_another_page(browser, client)
    assert await page.title() == TEXTS.text("web.page_title", "en")
    await expect(page.locator("h1")).to_have_text(TEXTS.text("web.page_title", "en"))
    # The tab icon is ours, and a picture.
    icon = await page.evaluate("fetch(document.querySelector('link[rel=icon]').href)"
                               ".then((r) => [r.status, r.headers.get('Content-Type')])")
    assert icon == [200, "image/svg+xml"]
    await write(page, ROMANIAN)
    await expect(page.locator("html")).to_have_attribute("lang", "ro")
    assert await page.title() == TEXTS.text("web.page_title", "ro")
    await expect(page.locator("h1")).to_have_text(TEXTS.text("web.page_title", "ro"))
    await page.click("#quick-exit")
    await assert_back_does_not_return(page, before)


async def test_escape_twice_leaves_the_same_way_and_a_configured_title_holds_in_every_language(
        browser: Browser, configured: AppClient) -> None:
    page, before = await chat_after_another_page(browser, configured)
    assert await page.title() == CONFIGURED
    await write(page, ROMANIAN)
    await expect(page.locator("html")).to_have_attribute("lang", "ro")
    assert await page.title() == CONFIGURED
    await expect(page.locator("h1")).to_have_text(CONFIGURED)
    await page.keyboard.press("Escape")
    await page.keyboard.press("Escape")
    await assert_back_does_not_return(page, before)
