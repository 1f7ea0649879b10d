"""The web chat page in Debian's Chromium: the quick exit leaves at once and leaves nothing behind; the danger
button stands out and answers with 112 at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from bot.app import SETTINGS
from tests.conftest import AppClient, isolated_settings, start_app
from tests.fakes.rasa import serving

pytestmark = pytest.mark.browser


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_QUICK_EXIT_URL="about:blank#neutral")):
        async with serving(app_client.app[SETTINGS].rasa_url, {"hello": [{"custom": {"text": "greet"}}],
                                                               "hej": [{"custom": {"text": "greet", "menu": "main"}}]}):
            yield app_client


async def test_quick_exit_leaves_at_once_and_back_does_not_return(browser: Browser, client: AppClient) -> None:
    page = await (await browser.new_context()).new_page()
    await page.goto("about:blank")
    await page.goto(client.url("/"))
    await page.fill("#text", "hello")
    await page.keyboard.press("Enter")
    await expect(page.locator("#log li").nth(1)).to_be_visible()
    assert await page.evaluate("sessionStorage.getItem('havn-session')")
    await page.click("#quick-exit")
    await page.wait_for_url("about:blank#neutral")
    await page.go_back()
    assert page.url == "about:blank"  # the chat's history entry was replaced, not kept
    await page.goto(client.url("/"))
    assert await page.evaluate("sessionStorage.getItem('havn-session')") is None  # nothing of the chat is left
    assert await page.locator("#log li.msg.user").count() == 0


async def test_the_danger_button_comes_first_stands_out_and_answers_with_112(browser: Browser,
                                                                            client: AppClient) -> None:
    page = await (await browser.new_context()).new_page()
    await page.goto(client.url("/"))
    await page.fill("#text", "hej")
    await page.keyboard.press("Enter")
    first = page.locator("#log li.msg.bot .buttons button").first
    await expect(first).to_have_text("Jeg er i fare nu")
    await expect(first).to_have_class("danger")
    await first.click()
    await expect(page.locator("#log li.msg.bot", has_text="Er du i fare nu, så ring 112.")).to_be_visible()
    await expect(page.locator("#log li.msg.bot").last).to_contain_text("Er det sikkert for dig at skrive nu?")
