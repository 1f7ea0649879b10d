"""An outreach card's link in Debian's Chromium: `/?lang=uk&src=farm-lolland` on a Danish browser opens the chat
in Ukrainian, the page's script starts the conversation in Ukrainian and counts the source once, and a reload
and more messages count nothing more (docs/outreach.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select, text

from bot.app import ENGINE, SETTINGS
from core.models import OutreachCount
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app
from tests.fakes.rasa import serving

pytestmark = pytest.mark.browser


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path)):
        async with serving(app_client.app[SETTINGS].rasa_url, {}):
            yield app_client


async def stored(client: AppClient) -> tuple[list[tuple], list[tuple]]:
    async with client.app[ENGINE].connect() as connection:
        counts = list(await connection.execute(select(OutreachCount.source, OutreachCount.channel,
                                                      OutreachCount.count)))
        languages = list(await connection.execute(text("SELECT language FROM conversation")))
    return counts, languages


async def test_the_card_link_opens_the_chat_in_its_language_and_counts_once(browser: Browser,
                                                                           client: AppClient) -> None:
    page = await (await browser.new_context(locale="da-DK")).new_page()
    await page.goto(client.url("/?lang=uk&src=farm-lolland"))
    assert await page.get_attribute("html", "lang") == "uk"
    await expect(page.locator("h1")).to_have_text(TEXTS.text("web.page_title", "uk"))
    assert await stored(client) == ([], [])  # a look at the page counts nothing
    await page.locator("#start .buttons button").last.click()  # a button: no words to tell the language by
    await expect(page.locator("#log li.msg.bot").nth(1)).to_be_visible()
    assert await stored(client) == ([("farm-lolland", "webchat", 1)], [("uk",)])
    await page.reload()
    await page.fill("#text", "ok")
    await page.keyboard.press("Enter")
    await expect(page.locator("#log li.msg.user").last).to_have_text("ok")
    await page.wait_for_timeout(1000)
    assert await stored(client) == ([("farm-lolland", "webchat", 1)], [("uk",)])
    assert await page.get_attribute("html", "lang") == "uk"
