"""The web chat page in Debian's Chromium: the quick exit leaves at once and leaves nothing behind; the danger
button stands out and answers with 112 at once; the session goes in a header, and an ended one starts a new chat
kindly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Request, expect

from bot.app import SETTINGS
from tests.conftest import TEXTS, AppClient, isolated_settings, privacy_notice, start_app
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
    # The reply, not only the person's own bubble (shown at once, before the session exists).
    await expect(page.locator("#log li.msg.bot").nth(1)).to_be_visible()
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
    first = page.locator("#log li.msg.bot .buttons button:enabled").first  # the reply's (the start menu is done)
    await expect(first).to_have_text("Jeg er i fare nu")
    await expect(first).to_have_class("danger")
    await first.click()
    await expect(page.locator("#log li.msg.bot", has_text="Er du i fare nu, så ring 112.")).to_be_visible()
    await expect(page.locator("#log li.msg.bot").last).to_contain_text("Er det sikkert for dig at skrive nu?")


async def test_the_session_travels_in_a_header_and_an_ended_one_starts_a_new_chat_kindly(
        browser: Browser, client: AppClient) -> None:
    page = await (await browser.new_context()).new_page()
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    await page.goto(client.url("/"))
    await page.fill("#text", "hello")
    await page.keyboard.press("Enter")
    await expect(page.locator("#log li.msg.bot").nth(1)).to_be_visible()  # the greeting and the privacy notice
    first = await page.evaluate("sessionStorage.getItem('havn-session')")
    await page.wait_for_timeout(3500)  # one poll at least
    api_calls = [request for request in requests if "/api/webchat/" in request.url]
    assert {urlsplit(request.url).path for request in api_calls} == {
        "/api/webchat/sessions", "/api/webchat/messages"}
    assert all(first not in request.url and first.split(".")[0] not in request.url for request in requests)
    assert all(request.headers.get("x-havn-session") == first for request in api_calls
               if urlsplit(request.url).path == "/api/webchat/messages")

    client.clock.advance(timedelta(hours=5))  # the tab was left alone: the server ends the session
    notice = TEXTS.text("web.session_ended", "en")
    await expect(page.locator("#log li.msg.system", has_text=notice[:30])).to_be_visible(timeout=10_000)
    assert "112" in notice
    assert await page.evaluate("sessionStorage.getItem('havn-session')") is None
    await page.fill("#text", "hello")
    await page.keyboard.press("Enter")  # starts a new chat; the message is answered there
    # The new chat's first reply ends with the privacy notice and 112, as every new conversation's does.
    notices = page.locator("#log li.msg.bot", has_text=privacy_notice("en").splitlines()[0])
    await expect(notices).to_have_count(2)
    second = await page.evaluate("sessionStorage.getItem('havn-session')")
    assert second and second != first
    assert client.rows("SELECT COUNT(*) FROM contact") == [(2,)]

    page.on("dialog", lambda dialog: dialog.accept())
    await page.click("#delete")  # erases the new chat and the one that ended for the pause
    await expect(page.locator("#log li.msg.system")).to_have_text(TEXTS.text("web.deleted", "en"))
    assert client.rows("SELECT COUNT(*) FROM contact") == [(0,)]
