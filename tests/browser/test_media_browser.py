"""A photo a person sent on Telegram, shown in the real browser (Debian's Chromium through Playwright): the caseworker
who holds the chat presses Show and sees the picture, fetched from a fake Bot API on 127.0.0.1; Hide removes it."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from bot.app import ENGINE, SETTINGS
from handover.accounts import Accounts
from tests.browser.test_console_browser import PASSWORD, console_page
from tests.conftest import AppClient, telegram_app
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving

pytestmark = pytest.mark.browser

CHAT = 731234567
PHOTO_ID = "AgACAgQAAxkBAAIPhotoForTheBrowser"
# A 1×1 PNG: small, and a picture the browser really decodes.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
                       "rkJggg==")
PERSON = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2"}}}]


client = pytest.fixture(telegram_app, name="client")  # the app on the fake Bot API


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"I need a person": PERSON}) as fake:
        yield fake


async def test_the_holder_shows_a_photo_the_person_sent(browser: Browser, client: AppClient, rasa: FakeRasa,
                                                       bot_api: FakeBotApi) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    bot_api.files[PHOTO_ID] = ("photos/file_3.png", PNG)
    await bot_api.push(bot_api.user_update(CHAT, "I need a person"))
    await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the queue's notice, the privacy notice

    page, problems = await console_page(browser, client)
    await page.locator("#queue li.queue-item").first.click()
    await page.click("#claim")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await bot_api.push(bot_api.media_update(CHAT, {"photo": [
        {"file_id": PHOTO_ID, "file_unique_id": "p1", "width": 1, "height": 1}]}))
    marker = page.locator("#transcript li.msg.user").last
    await expect(marker.locator("span.text")).to_have_text("[photo]")  # pushed live to the open console

    await marker.get_by_role("button", name="Show the photo").click()
    image = marker.locator("img.media-image")
    await expect(image).to_be_visible()
    assert await image.evaluate("image => image.complete && image.naturalWidth") == 1
    assert (await image.get_attribute("src") or "").startswith("blob:")
    await marker.get_by_role("button", name="Hide the photo").click()
    await expect(image).to_have_count(0)
    assert bot_api.downloads == ["photos/file_3.png"]
    assert problems == []
