"""Clear voices in the web chat (issue 16, item 5), in Debian's Chromium on a 390×844 touch phone and a desktop:
the start screen offers the main menu at once and starts nothing until a tap; once the person answers, earlier
buttons are disabled and a tap on them sends nothing; the report's sign list stays one message, its marks
toggled; the reference code has a box of its own with Copy; a caseworker's message says who writes, also after
a reload.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from bot.app import OUTBOX, SETTINGS
from core.messages import Message
from core.vocabulary import Sender
from tests.browser.accessibility import violations
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app
from tests.fakes.rasa import serving

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 3, "locale": "en-GB"}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB"}
SCREENS = pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
# The questions between "what did you notice" and the signs, each skipped (handover/report_flow.py STEPS).
BEFORE_SIGNS = 8


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_QUICK_EXIT_URL="about:blank#neutral")):
        async with serving(app_client.app[SETTINGS].rasa_url,
                           {"hello": [{"custom": {"text": "greet", "menu": "main"}}]}):
            yield app_client


async def open_chat(browser: Browser, client: AppClient, screen: dict[str, Any]) -> Page:
    page = await (await browser.new_context(**screen)).new_page()
    await page.goto(client.url("/"))
    return page


def button(page: Page, payload: str) -> Any:
    """The button that answers now (the latest one with that payload, enabled)."""
    return page.locator(f"#log .buttons button[value='{payload}']:enabled").last


async def press(page: Page, target: Any) -> None:
    """A finger on the phone, the mouse on the desktop."""
    viewport = page.viewport_size
    await (target.tap() if viewport and viewport["width"] == PHONE["viewport"]["width"] else target.click())


async def tap(page: Page, payload: str) -> None:
    await press(page, button(page, payload))


async def settled(page: Page) -> None:
    await expect(page.locator("#log li.msg.user.pending")).to_have_count(0, timeout=20_000)


async def said_hello(browser: Browser, client: AppClient, screen: dict[str, Any]) -> Page:
    """A chat that has begun: "hello" typed and the greeting back, so that the conversation exists on the server
    and a reload shows it again."""
    page = await open_chat(browser, client, screen)
    await page.fill("#text", "hello")
    await page.keyboard.press("Enter")
    await settled(page)
    return page


async def to_the_signs(page: Page) -> None:
    await tap(page, "report")
    await tap(page, "report_about:other")
    await tap(page, "report_skip")
    await page.fill("#text", "Workers sleep in the barn")
    await page.keyboard.press("Enter")
    for _ in range(BEFORE_SIGNS):
        await settled(page)
        await tap(page, "report_skip")
    await expect(page.locator("#log li.msg.bot", has_text=TEXTS.text("report.ask_signs", "en"))).to_have_count(1)


@SCREENS
async def test_the_start_screen_offers_the_main_menu_at_once_and_starts_nothing(
        browser: Browser, client: AppClient, screen: dict[str, Any]) -> None:
    page = await open_chat(browser, client, screen)
    start = page.locator("#start .buttons button")
    await expect(start).to_have_text([TEXTS.text(item["title"], "en") for item in TEXTS.menus["main"]])
    await expect(start.first).to_have_class("danger")
    assert await page.evaluate("sessionStorage.getItem('havn-session')") is None
    assert client.rows("SELECT COUNT(*) FROM contact") == [(0,)]
    await tap(page, "report_code")  # "I have a reference code": there before anything is typed
    await expect(page.locator("#log li.msg.bot", has_text=TEXTS.text("report.ask_code", "en"))).to_have_count(1)
    assert await page.evaluate("sessionStorage.getItem('havn-session')")
    await expect(page.locator("#log li.msg.user")).to_have_text([TEXTS.text("menu.have_code", "en")])
    await expect(start).to_have_count(7)
    for index in range(7):
        await expect(start.nth(index)).to_be_disabled()


@SCREENS
async def test_once_answered_earlier_buttons_are_disabled_and_a_tap_on_them_sends_nothing(
        browser: Browser, client: AppClient, screen: dict[str, Any]) -> None:
    page = await open_chat(browser, client, screen)
    await page.fill("#text", "hello")
    await page.keyboard.press("Enter")
    greeting = page.locator("#log li.msg.bot", has_text="Hello. This is an anonymous chat").last
    await expect(greeting.locator(".buttons button").first).to_be_enabled()
    await tap(page, "report")
    await settled(page)
    await expect(greeting.locator(".buttons button")).to_have_count(7)  # still there, still readable
    for index in range(7):
        await expect(greeting.locator(".buttons button").nth(index)).to_be_disabled()
    await expect(greeting.locator("button.chosen")).to_have_text(TEXTS.text("menu.report", "en"))
    # A tap on the old "Report a suspicion" reaches no handler: no bubble, no second reply.
    await greeting.locator("button[value='report']").click(force=True)
    await expect(page.locator("#log li.msg.user")).to_have_text(["hello", TEXTS.text("menu.report", "en")])
    await expect(page.locator("#log li.msg.bot", has_text=TEXTS.text("report.intro", "en")[:30])).to_have_count(1)
    await expect(button(page, "report_about:other")).to_be_enabled()  # the question now open still answers
    assert await violations(page) == []


@SCREENS
async def test_the_sign_list_is_one_message_its_marks_toggled(browser: Browser, client: AppClient,
                                                              screen: dict[str, Any]) -> None:
    page = await open_chat(browser, client, screen)
    await to_the_signs(page)
    lists = page.locator("#log li.msg.bot", has_text=TEXTS.text("report.ask_signs", "en"))
    users = await page.locator("#log li.msg.user").count()
    escorted, fearful = (TEXTS.text(f"menu.sign_{sign}", "en") for sign in ("escorted", "fearful"))
    await tap(page, "report_signs:escorted")
    await expect(button(page, "report_signs:escorted")).to_have_text("✓ " + escorted)
    await expect(button(page, "report_signs:escorted")).to_be_focused()  # the keyboard goes on where it was
    await tap(page, "report_signs:fearful")
    await expect(button(page, "report_signs:fearful")).to_have_text("✓ " + fearful)
    await tap(page, "report_signs:escorted")  # tapped again: taken back
    await expect(button(page, "report_signs:escorted")).to_have_text(escorted)
    await settled(page)
    await expect(lists).to_have_count(1)  # one list, edited in place
    assert await page.locator("#log li.msg.user").count() == users  # the marks show the taps: no bubble each
    await page.reload()  # the conversation again from the server: still one list, with its marks
    await expect(page.locator("#log li.msg.bot", has_text=TEXTS.text("report.ask_signs", "en"))).to_have_count(1)
    await expect(button(page, "report_signs:fearful")).to_have_text("✓ " + fearful)


@SCREENS
async def test_the_reference_code_has_a_large_box_of_its_own_with_copy(browser: Browser, client: AppClient,
                                                                        screen: dict[str, Any]) -> None:
    page = await open_chat(browser, client, screen)
    clipboard = screen is DESKTOP
    if clipboard:  # the desktop copies with the clipboard; the phone (no clipboard API here) selects the code
        await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    else:
        await page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
        await page.reload()
    await tap(page, "report")
    await tap(page, "report_about:other")
    await tap(page, "report_skip")
    await page.fill("#text", "Workers sleep in the barn")
    await page.keyboard.press("Enter")
    await settled(page)
    await tap(page, "report_send")
    box = page.locator("#log li.msg.bot .code-box")
    await expect(box).to_be_visible()
    received = await page.locator("#log li.msg.bot").last.text_content()
    [code] = set(CODE.findall(received or ""))
    await expect(box.locator(".code")).to_have_text(code)
    await expect(box.locator(".code-label")).to_have_text(TEXTS.text("web.code_label", "en"))
    assert float(await box.locator(".code").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    frame = await box.bounding_box()
    assert frame is not None and frame["x"] >= 0 and frame["x"] + frame["width"] <= screen["viewport"]["width"]
    copy = box.locator("button.copy")
    await expect(copy).to_have_text(TEXTS.text("web.copy", "en"))
    await press(page, copy)
    if clipboard:
        await expect(copy).to_have_text(TEXTS.text("web.copied", "en"))
        assert await page.evaluate("navigator.clipboard.readText()") == code
    else:
        assert await page.evaluate("window.getSelection().toString()") == code
    assert await violations(page) == []


@SCREENS
async def test_a_caseworkers_message_says_who_writes_also_after_a_reload(browser: Browser, client: AppClient,
                                                                         screen: dict[str, Any]) -> None:
    page = await said_hello(browser, client, screen)
    [(conversation_id,)] = client.rows("SELECT id FROM conversation")
    await client.app[OUTBOX].send(conversation_id, Sender.CASEWORKER, [Message("I am here.", author="Anna")])
    caseworker = page.locator("#log li.msg.caseworker")
    await expect(caseworker.locator(".author")).to_have_text("Anna · from the centre")  # polled within seconds
    await expect(caseworker).to_contain_text("I am here.")
    await expect(page.locator("#log li.msg.bot .author")).to_have_count(0)  # the bot's messages: no such label
    await page.reload()
    await expect(page.locator("#log li.msg.caseworker .author")).to_have_text("Anna · from the centre")
    assert await violations(page) == []


@SCREENS
async def test_after_a_reload_only_the_latest_messages_own_buttons_answer_and_none_when_it_has_none(
        browser: Browser, client: AppClient, screen: dict[str, Any]) -> None:
    # Walk 3: after "I will wait" ("Thank you. You stay in the queue", no buttons) and a reload, the "I will wait /
    # I will leave a message" row above it answered again: the last row with buttons stayed active, not the last
    # message's. The same with "Delete this conversation?" answered "No": its "Yes, delete" came back to life.
    page = await said_hello(browser, client, screen)
    session = await page.evaluate("sessionStorage.getItem('havn-session')")
    await client.say(session, payload="delete")  # "Delete this conversation?" Yes / No
    await client.say(session, payload="delete_no")  # kept: a message without buttons
    await page.reload()
    latest = page.locator("#log li.msg").last
    await expect(latest).to_contain_text(TEXTS.text("delete_kept", "en"))
    await expect(page.locator("#log .buttons button[value='delete_yes']")).to_have_count(1)
    await expect(page.locator("#log .buttons button:enabled")).to_have_count(0)
    await client.say(session, "hello")  # the greeting with the main menu: its own buttons answer, only they
    await page.reload()
    await expect(page.locator("#log li.msg").last.locator(".buttons button:enabled")).not_to_have_count(0)
    enabled = await page.locator("#log .buttons button:enabled").count()
    assert enabled == await page.locator("#log li.msg").last.locator(".buttons button").count()
