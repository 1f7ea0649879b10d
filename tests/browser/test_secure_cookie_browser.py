"""The console's Secure cookie in the real browser on plain http://127.0.0.1 (issue "Hold under attack", item 8):
with the production settings (HAVN_DEVELOPMENT unset) Chromium keeps the Secure cookie and sends it back,
because it counts 127.0.0.1 as a secure context; checked here rather than assumed."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from bot.app import ENGINE, SETTINGS
from handover.accounts import Accounts
from tests.conftest import AppClient, own_app

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa down, production headers


async def test_chromium_logs_in_with_the_secure_cookie_over_plain_http(browser: Browser, client: AppClient) -> None:
    assert not client.app[SETTINGS].development
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    context = await browser.new_context()
    page = await context.new_page()
    response = await page.goto(client.url("/console"))
    assert response is not None and response.headers["x-content-type-options"] == "nosniff"
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#whoami")).to_contain_text("anna")
    [cookie] = [c for c in await context.cookies() if c["name"] == "havn_console"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # The page's later calls carry it: a reload stays logged in (the session is read from the cookie).
    await page.reload()
    await expect(page.locator("#whoami")).to_contain_text("anna")
    await context.close()
