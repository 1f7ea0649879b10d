"""A caseworker's day in the real browser (Debian's Chromium through Playwright) against the app and a fake Rasa.

They log in, see the P1 on top, claim it, read what the person wrote (markup shown as text, never run),
answer, the person receives the answer in the web chat, they release, and the bot answers the person again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, WebSocketRoute, expect
from sqlalchemy import delete

from bot.app import ENGINE, GATEWAY, SETTINGS
from core.models import ConsoleSession
from handover.accounts import Accounts
from handover.console import HANDOVER
from tests.conftest import AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import FakeRasa, serving

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]


client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked or down


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {
        "hello": GREETING,
        "help me he is coming": [{"custom": {"text": "danger"}}, {"custom": {"handover": {"tier": "P1"}}}],
        "can someone call me later": [{"custom": {"text": "handover_requested"}},
                                      {"custom": {"handover": {"tier": "P3"}}}],
    }
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


def accept_next_dialog(page: Page, accept: bool = True) -> None:
    """Answer the next dialog (a confirmation the console asks for); `watch` still lists its words."""
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept() if accept else dialog.dismiss()))


def watch(page: Page) -> list[str]:
    """What must never happen on the console page: an alert() (something a person wrote ran as code), a script
    error (a module that failed to load or link is one), a console error other than an HTTP error status
    (the 401 before login is expected), a module the server did not give."""
    problems: list[str] = []
    page.on("dialog", lambda dialog: problems.append(dialog.message))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(f"console error: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if "/console/static/" in response.url and not response.ok else None)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}")
            if "/console/static/" in request.url else None)
    return problems


async def console_page(browser: Browser, client: AppClient) -> tuple[Page, list[str]]:
    context = await browser.new_context()
    await context.grant_permissions(["notifications"], origin=client.url("/").rstrip("/"))
    page = await context.new_page()
    dialogs = watch(page)
    await page.goto(client.url("/console"))
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#whoami")).to_contain_text("anna")
    return page, dialogs


async def test_login_claim_reply_release_and_the_bot_answers_again(browser: Browser, client: AppClient,
                                                                   rasa: FakeRasa) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    waiting = await client.new_session()
    await client.say(waiting, "can someone call me later")  # P3, the first to ask
    person = await client.new_session()
    await client.say(person, "help me he is coming")  # P1, later: still on top
    await client.say(person, f"{SCRIPT} {IMAGE}")

    page, dialogs = await console_page(browser, client)
    first = page.locator("#queue li.queue-item").first
    await expect(page.locator("#queue li.queue-item")).to_have_count(2)
    await expect(first).to_have_attribute("data-tier", "P1")
    # The modules loaded and read the vocabulary: P1 is urgent, P3 is not (GET /api/console/vocabulary).
    await expect(first).to_have_attribute("data-urgent", "true")
    await expect(first.locator(".tier")).to_have_text("P1")
    await expect(page.locator("#queue li.queue-item").last).to_have_attribute("data-urgent", "false")
    assert dialogs == []
    await first.click()
    await page.click("#claim")
    conversation = page.locator("#conversation")
    await expect(conversation).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#conv-meta .conv-state")).to_have_text("State: held")
    await expect(page.locator("#transcript li.msg.user .sender").first).to_have_text("Person")

    typed = page.locator("#transcript li.msg.user span.text").last
    await expect(typed).to_have_text(f"{SCRIPT} {IMAGE}")
    assert await page.locator("#transcript img").count() == 0
    assert await page.locator("#transcript script").count() == 0

    await page.fill("#reply-text", "I am Anna from the centre. Are you safe now?")
    await page.click("#reply-send")
    await expect(page.locator("#transcript li.msg.caseworker span.text").last).to_have_text(
        "I am Anna from the centre. Are you safe now?")
    received = [message["text"] for message in (await client.messages(person))["messages"]]
    assert received[-2:] == ["Anna from the centre has joined the chat. You can write now.\n"
                             "In danger now? Call 112. Our hotline: +45 70 20 25 50.",
                             "I am Anna from the centre. Are you safe now?"]

    # What the person writes now reaches the open console at once (WebSocket), not the bot …
    await expect(page.locator("#conv-danger")).to_be_hidden()
    assert (await client.say(person, "yes I can talk now"))["messages"] == []
    await expect(page.locator("#transcript li.msg.user span.text").last).to_have_text("yes I can talk now")
    # … unless it is danger: then the bot gives 112 at once, and the console rings and marks the conversation.
    [danger] = (await client.say(person, "yes I am hiding in the bathroom"))["messages"]
    assert danger["text"].startswith("If you are in danger now, call 112.")
    await expect(page.locator("#conversation")).to_have_attribute("data-danger", "true")
    # The banner's words come from the console's vocabulary (translated), not from the style sheet.
    await expect(page.locator("#conv-danger")).to_be_visible()
    await expect(page.locator("#conv-danger")).to_have_text(
        "Danger words from this person — it is P1 now and the bot sent 112. Check on them first.")
    await expect(page.locator("#transcript li.msg.user span.text").last).to_have_text(
        "yes I am hiding in the bathroom")

    accept_next_dialog(page)
    await page.click("#release")  # answered: back to the bot, after a confirmation
    await expect(page.locator("#held li.queue-item")).to_have_count(0)
    await expect(page.locator("#status")).to_have_text("Given back to the bot; the person has been told.")
    answer = (await client.say(person, "hello"))["messages"]
    assert answer[0]["text"].startswith("Hello.")  # the bot is back
    assert len(dialogs) == 1 and dialogs[0].startswith("Give Visitor ")  # the confirmation, nothing else


async def test_a_new_p1_rings_and_the_keyboard_takes_the_next(browser: Browser, client: AppClient,
                                                              rasa: FakeRasa) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    page, dialogs = await console_page(browser, client)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    await expect(page.locator("#queue li.queue-item")).to_have_count(1)  # pushed live, no reload
    await expect(page.locator("body")).to_have_attribute("data-alerts", "1")
    await page.keyboard.press("n")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#queue li.queue-item")).to_have_count(0)
    await page.reload()  # nothing is lost: the open conversation and the claim come back
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#transcript li.msg.user span.text").first).to_have_text("help me he is coming")
    assert dialogs == []

    # Walk 3: one "r" took a P1 out of the queue. Now it asks first; cancelled, nothing happens …
    accept_next_dialog(page, accept=False)
    await page.keyboard.press("r")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    # … and confirmed, the P1 nobody had answered goes back to the queue at P1, not to the bot.
    accept_next_dialog(page)
    await page.keyboard.press("r")
    await expect(page.locator("#queue li.queue-item")).to_have_count(1)
    await expect(page.locator("#queue li.queue-item").first).to_have_attribute("data-tier", "P1")
    await expect(page.locator("#held li.queue-item")).to_have_count(0)
    await expect(page.locator("#status")).to_contain_text("Back in the queue at its tier")
    assert len(dialogs) == 2 and all(words.startswith("Give Visitor ") for words in dialogs)


async def test_a_report_shows_its_answers_and_what_was_added_later(browser: Browser, client: AppClient,
                                                                   rasa: FakeRasa) -> None:
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    reporter = await client.new_session()
    for payload in ("report", "report_about:other", "report_danger:no"):
        await client.say(reporter, payload=payload)
    await client.say(reporter, f"Workers sleep in a garage {SCRIPT}")
    await client.say(reporter, "Køge")
    for answer in ({"payload": "report_when:repeats"}, {"text": "every night"}, {"payload": "report_place:beauty"},
                   {"payload": "report_relation:neighbour"}, {"payload": "report_skip"},
                   {"text": "they are all about 30"}, {"payload": "report_skip"}, {"payload": "report_asked_help:yes"},
                   {"payload": "report_done"},
                   {"text": "White van AB 12 345"}, {"payload": "report_who:private"},
                   {"payload": "report_police_know:no"}, {"payload": "report_police_share:ask_first"}):
        await client.say(reporter, answer.get("text"), answer.get("payload"))
    received = (await client.say(reporter, payload="report_send"))["messages"][0]["text"]
    code = received.split("Your reference code is ")[1][:9]

    page, dialogs = await console_page(browser, client)
    item = page.locator("#queue li.queue-item").first
    await expect(item).to_contain_text("report")
    await item.click()
    report = page.locator("#report")
    await expect(report).to_be_visible()
    # Each press in the transcript is the button's words as the person saw them, marked (walk: empty lines).
    said = page.locator("#transcript li.msg.user span.text")
    await expect(said.nth(1)).to_have_text("[pressed: About someone else]")
    await expect(said.nth(1).locator(".pressed bdi")).to_have_text("About someone else")
    await expect(said.nth(3)).to_have_text(f"Workers sleep in a garage {SCRIPT}")  # typed: as typed
    await expect(report.locator('[data-step="noticed"] dd')).to_have_text(f"Workers sleep in a garage {SCRIPT}")
    await expect(report.locator('[data-step="danger"] dd')).to_have_text("no")
    await expect(report.locator('[data-step="where"] dd')).to_have_text("Køge")
    # The answers a hotline asks for, in English; a question not asked here (ads) shows a dash.
    await expect(report.locator('[data-step="when"] dd')).to_have_text("again and again")
    await expect(report.locator('[data-step="times"] dd')).to_have_text("every night")
    await expect(report.locator('[data-step="place"] dd')).to_have_text("nail or beauty salon")
    await expect(report.locator('[data-step="relation"] dd')).to_have_text("a neighbour")
    await expect(report.locator('[data-step="asked_help"] dd')).to_have_text("yes")
    # An age typed at the under-18 question: its answer and the words, and no child alarm for "about 30".
    await expect(report.locator('[data-step="minors"] dd .choice')).to_have_text("no")
    await expect(report.locator('[data-step="minors"] dd')).to_contain_text("they are all about 30")
    await expect(report.locator('[data-step="minors"]')).not_to_have_class(re.compile(r"\bflag\b"))
    await expect(report.locator('[data-step="vehicles"] dd')).to_have_text("White van AB 12 345")
    await expect(report.locator('[data-step="ads"] dd')).to_have_text("—")
    await expect(report.locator('[data-step="police_know"] dd')).to_have_text("no")
    await expect(report.locator('[data-step="police_share"] dd')).to_have_text("ask the reporter first")
    await expect(report.locator('[data-step="police_share"]')).to_have_class(re.compile(r"\bflag\b"))
    await expect(report.locator(".report-additions li")).to_have_count(0)

    later = await client.new_session()  # someone with the code adds to it; the open console shows it live
    await client.say(later, payload="report_code")
    await client.say(later, code)
    await client.say(later, f"Two more came today {IMAGE}")
    await expect(report.locator(".report-additions li")).to_have_count(1)
    await expect(report.locator(".report-additions li blockquote")).to_have_text(f"Two more came today {IMAGE}")
    assert await report.locator("img, script").count() == 0
    assert dialogs == []


async def test_the_page_shows_the_login_as_soon_as_its_session_ends(browser: Browser, client: AppClient,
                                                                   rasa: FakeRasa) -> None:
    """The live socket closes with its session (handover/hub.py), and the page shows the login at once, without
    waiting for its next request: after a logout in another tab, and when the session runs out."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    page, dialogs = await console_page(browser, client)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    other_tab = await page.context.new_page()  # the same browser, so the same session cookie
    await other_tab.goto(client.url("/console"))
    await expect(other_tab.locator("#whoami")).to_contain_text("anna")
    asked: list[str] = []  # the page's API requests from now on
    page.on("request", lambda request: asked.append(request.url) if "/api/console/" in request.url else None)
    await other_tab.click("#logout")
    await expect(other_tab.locator("#login")).to_be_visible()
    await expect(page.locator("#login")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("Your session has ended. Please log in again.")
    assert asked == []  # the close code said so: no reconnect, no request that finds the session gone
    await other_tab.close()

    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    client.clock.advance(timedelta(hours=13))  # past the session's twelve hours
    person = await client.new_session()
    await client.say(person, "help me he is coming")  # the event that would have rung closes the socket instead
    await expect(page.locator("#login")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("Your session has ended. Please log in again.")
    assert await page.locator("body").get_attribute("data-alerts") in (None, "0")
    assert dialogs == []


async def test_the_queue_line_of_a_danger_conversation_and_a_report_found_by_its_code(
        browser: Browser, client: AppClient, rasa: FakeRasa) -> None:
    """Issue 16: a P1 reads "danger now" with the person's own words (as text, markup never run) and the
    language's name, not "no indicators" and "ro"; a report read out on the phone is found by its code."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "Vă rog, <b>ajutați-mă acum</b>! El mă bate")  # Romanian, the app's danger net
    reporter = await client.new_session()
    await client.say(reporter, "can someone call me later")  # P3
    reporter_id = (await client.app[HANDOVER].queue.items())[-1].conversation_id
    _, code = await client.app[HANDOVER].reports.create(reporter_id)

    page, problems = await console_page(browser, client)
    first = page.locator("#queue li.queue-item").first
    await expect(first).to_have_attribute("data-tier", "P1")
    await expect(first.locator(".summary")).to_have_text("danger now")
    await expect(first.locator(".summary")).to_have_attribute("data-danger", "true")
    await expect(first.locator(".key-word")).to_have_text(["<b>ajutați-mă acum</b>"])
    assert await first.locator(".key-words b").count() == 0  # their words as text, never as markup
    await expect(first.locator(".language")).to_have_text("Romanian (Română)")
    await expect(first.locator(".language")).to_have_attribute("title", "ro")

    await page.fill("#report-code", "nope")
    await page.click("#find-report-submit")
    await expect(page.locator("#status")).to_contain_text("8 letters and digits")
    await page.fill("#report-code", code.lower().replace("-", " "))  # as read out on the phone
    await page.click("#find-report-submit")
    await expect(page.locator("#status")).to_have_text(re.compile(r"^Report found: Visitor "))
    await expect(page.locator("#conversation")).to_have_attribute("data-id", reporter_id)
    await expect(page.locator("#conv-meta .conv-language")).to_contain_text("English")
    await first.click()
    await expect(page.locator("#conv-meta .conv-language")).to_contain_text("Romanian (Română)")
    assert problems == []


async def test_the_screening_panel_shows_what_the_person_told(browser: Browser, client: AppClient,
                                                               rasa: FakeRasa) -> None:
    """Found walking the console: its facts (assessment, tier, age band, kind of work, danger) were labelled by a
    name that did not exist, so the panel stopped with "step is not defined" in the status line and stayed empty."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    [item] = await client.app[HANDOVER].queue.items()
    await client.app[GATEWAY].store.save_screening(item.conversation_id, {
        "assessment": "indicators_present", "tier": "P1", "age_band": "under_18", "exploitation": "sexual",
        "immediate_danger": True, "self_harm": True, "finished": False})

    page, problems = await console_page(browser, client)
    await page.locator("#queue li.queue-item").first.click()
    panel = page.locator("#screening-body")
    await expect(panel.locator("dt")).to_have_text(["Assessment", "Screening's tier", "Age band", "Kind of work",
                                                    "Immediate danger"])
    await expect(panel.locator(".flag")).to_have_text(["Immediate danger reported", "Self-harm words written",
                                                       "Under 18"])
    await expect(page.locator("#status")).not_to_have_class(re.compile(r"\berror\b"))
    assert problems == []


async def test_the_persons_words_for_a_question_show_under_its_indicator(browser: Browser, client: AppClient,
                                                                       rasa: FakeRasa) -> None:
    """'they watch me all the time' is noted for the question CD-03.watched, its answer for the indicator CD-03: the
    words show under CD-03, not on a row of their own without an answer."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    [item] = await client.app[HANDOVER].queue.items()
    await client.app[GATEWAY].store.save_screening(item.conversation_id, {
        "assessment": "indicators_present", "tier": "P4", "age_band": "adult", "exploitation": "labour",
        "immediate_danger": False, "finished": False, "answers": {"CD-03": "yes"},
        "questions": {"CD-03.watched": "yes"}, "evidence": {"CD-03.watched": "they watch me all the time"},
        "indicators": [{"id": "CD-03", "dimension": "CD", "weight": "S"}]})

    page, problems = await console_page(browser, client)
    await page.locator("#queue li.queue-item").first.click()
    rows = page.locator("#screening-body li.indicator")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-indicator", "CD-03")
    await expect(rows.first).to_contain_text("they watch me all the time")
    assert problems == []


async def test_shortcut_keys_are_never_typed_into_the_reply_box(browser: Browser, client: AppClient,
                                                                 rasa: FakeRasa) -> None:
    """Found walking the console: after `n` the focus is in the reply box, and `/` ("write a reply") went into it:
    the person received "/Hola, soy Sara…". Letters typed there are text (`d` does not resolve); Esc leaves the
    box, and the single keys act again."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    page, dialogs = await console_page(browser, client)
    await expect(page.locator("#queue li.queue-item")).to_have_count(1)
    await page.keyboard.press("n")
    reply = page.locator("#reply-text")
    await expect(reply).to_be_focused()
    await page.keyboard.press("/")
    await expect(reply).to_have_value("")
    await page.keyboard.type("Hola, soy Sara del centro. Estoy aqui.")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("#transcript li.msg.caseworker span.text").last).to_have_text(
        "Hola, soy Sara del centro. Estoy aqui.")
    received = [message["text"] for message in (await client.messages(person))["messages"]]
    assert received[-1] == "Hola, soy Sara del centro. Estoy aqui."

    await page.keyboard.type("d/r")  # text in the box: no resolve, no release
    await expect(reply).to_have_value("d/r")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await page.keyboard.press("Escape")
    await expect(reply).not_to_be_focused()
    await expect(page.locator("#conversation")).to_be_focused()
    await page.keyboard.press("/")
    await expect(reply).to_be_focused()
    await expect(reply).to_have_value("d/r")
    await page.keyboard.press("Escape")
    accept_next_dialog(page)
    await page.keyboard.press("r")  # a single key acts again (after its confirmation): answered, back to the bot
    await expect(page.locator("#held li.queue-item")).to_have_count(0)
    assert len(dialogs) == 1 and dialogs[0].startswith("Give Visitor ")


async def test_the_screening_panel_does_not_deny_the_danger_heard_in_the_chat(browser: Browser, client: AppClient,
                                                                               rasa: FakeRasa) -> None:
    """Found walking the console: the header said P1 "danger now", the screening panel "Tier P4" and "Immediate
    danger: no", for the danger words heard it, not the screening's questions. The panel says it was heard in the
    chat, and its tier row says the conversation is P1 for the danger heard and P4 from the screening's answers."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    [item] = await client.app[HANDOVER].queue.items()
    await client.app[GATEWAY].store.save_screening(item.conversation_id, {
        "assessment": "no_indicators", "tier": "P4", "immediate_danger": False, "finished": True})

    page, problems = await console_page(browser, client)
    await page.locator("#queue li.queue-item").first.click()
    await expect(page.locator("#conv-meta .conv-tier .tier")).to_have_text("P1")
    panel = page.locator("#screening-body")
    await expect(panel.locator(".flag")).to_have_text(["Danger heard in the chat"])
    danger = panel.locator("div", has=page.locator("dt", has_text="Immediate danger")).locator("dd")
    await expect(danger).to_have_text("yes — heard in the chat")
    tier = panel.locator("div", has=page.locator("dt", has_text="Tier")).locator("dd")
    await expect(tier).to_have_text("P1 (danger heard in the chat); from the screening's answers alone: P4")
    assert problems == []


async def test_a_transfer_to_a_colleague_who_is_away_is_refused_and_said(browser: Browser, client: AppClient,
                                                                          rasa: FakeRasa) -> None:
    """Found walking the console: "bo (Bo) — offline" could be chosen, and the P1 left Waiting to sit with someone
    away. The server refuses; the console says why, and the conversation stays with the caseworker."""
    accounts = Accounts(client.app[ENGINE])
    await accounts.add("anna", PASSWORD, "caseworker", alias="Anna")
    await accounts.add("bo", PASSWORD, "caseworker", alias="Bo")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    page, problems = await console_page(browser, client)
    await page.keyboard.press("n")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await page.select_option("#transfer-to", label="bo (Bo) — offline")
    await page.click("#transfer")
    await expect(page.locator("#status")).to_have_text(
        "Bo is not online now: the person would wait with nobody to answer. Please choose someone who is online.")
    await expect(page.locator("#status")).to_have_class(re.compile(r"\berror\b"))
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#conv-meta .conv-holder")).to_contain_text("you")
    await expect(page.locator("#held li.queue-item")).to_have_count(1)
    assert problems == []


async def test_answering_a_conversation_the_person_deleted_says_so_and_closes_it(browser: Browser, client: AppClient,
                                                                                  rasa: FakeRasa) -> None:
    """Walk 3 item 17: a reply to a conversation the person had erased said "Claim the conversation before you
    answer.". The console now says that the person deleted it, closes it and forgets its draft. The console hears of
    an erasure at once (the next test); this is for when it did not (the relay between instances down)."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    page, problems = await console_page(browser, client)
    await page.keyboard.press("n")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await page.route_web_socket(re.compile(r"/api/console/ws$"), without_erasures)
    await page.reload()  # its live socket now loses the "erased" events on the way
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    await client.delete_session(person)  # the web chat's "Delete this conversation"
    await page.fill("#reply-text", "Are you still there?")
    await page.click("#reply-send")
    await expect(page.locator("#status")).to_have_text("The person deleted this conversation. Nothing of it is kept.")
    await expect(page.locator("#status")).to_have_class(re.compile(r"\berror\b"))
    await expect(page.locator("#conversation")).to_have_attribute("data-id", "")
    await expect(page.locator("#held li.queue-item")).to_have_count(0)
    assert await kept_drafts(page) == []  # nothing of it is kept
    assert problems == []


def without_erasures(socket: WebSocketRoute) -> None:
    """The console's live socket with the "erased" events lost on the way; everything else passes."""
    server = socket.connect_to_server()
    server.on_message(lambda message: None if '"erased"' in str(message) else socket.send(message))


async def test_a_conversation_the_person_deletes_says_so_at_once_takes_no_input_and_leaves_the_lists(
        browser: Browser, client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4 item 2: the console learned that the person had erased the open conversation only at its next action.
    It now says so at once, in the conversation and aloud (the status line), the conversation's words and the draft
    leave the page, its boxes take no input, and it leaves the list; the next conversation opens as usual."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    page, problems = await console_page(browser, client)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    await page.keyboard.press("n")
    conversation = page.locator("#conversation")
    await expect(conversation).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#transcript li.msg.user span.text").first).to_have_text("help me he is coming")
    await expect(page.locator("#held li.queue-item")).to_have_count(1)
    await page.fill("#reply-text", "Are you safe now?")
    await page.fill("#note-text", "Said he is coming back.")

    await client.delete_session(person)  # the web chat's "Delete this conversation"
    notice = page.locator("#conv-erased")
    await expect(notice).to_be_visible()
    await expect(notice).to_have_text("The person deleted this conversation. Nothing of it is kept.")
    await expect(notice).to_be_focused()  # the focus was in its reply box, which takes no input now
    await expect(conversation).to_have_attribute("data-state", "erased")
    for box in ("#reply-text", "#note-text"):
        await expect(page.locator(box)).to_be_disabled()
        await expect(page.locator(box)).to_have_value("")
    for button in ("#reply-send", "#note-send"):
        await expect(page.locator(button)).to_be_disabled()
    for action in ("#claim", "#release", "#resolve", "#transfer-group"):
        await expect(page.locator(action)).to_be_hidden()
    await expect(page.locator("#transcript li")).to_have_count(0)
    await expect(page.locator("#held li.queue-item")).to_have_count(0)
    await expect(page.locator("#status")).to_have_text(
        re.compile(r"^Visitor \S+: the person deleted this conversation\. Nothing of it is kept\.$"))
    assert await kept_drafts(page) == []

    other = await client.new_session()
    await client.say(other, "help me he is coming")
    await page.keyboard.press("n")  # the next one opens as usual
    await expect(conversation).to_have_attribute("data-state", "assigned")
    await expect(notice).to_be_hidden()
    for box in ("#reply-text", "#note-text"):
        await expect(page.locator(box)).to_be_enabled()
    assert problems == []


async def test_a_held_conversation_the_person_writes_in_is_marked_unread_until_it_is_opened(
        browser: Browser, client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4 item 1: with one conversation open, a message in another one the caseworker held came with no mark.
    It is now marked in their list, in words ("new message", not by colour alone) and said aloud (the status
    line), until they open it; the open one is never marked."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    first_person, second_person = await client.new_session(), await client.new_session()
    for person in (first_person, second_person):
        await client.say(person, "help me he is coming")
    first, second = await conversation_of(client, first_person), await conversation_of(client, second_person)
    page, problems = await console_page(browser, client)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    conversation = page.locator("#conversation")
    for conversation_id in (first, second):  # "n" takes the one waiting longest: the first, then the second
        await page.keyboard.press("Escape")
        await page.keyboard.press("n")
        await expect(conversation).to_have_attribute("data-id", conversation_id)
        await expect(conversation).to_have_attribute("data-state", "assigned")
    first_item, second_item = (page.locator(f'#held li.queue-item[data-id="{conversation_id}"]')
                               for conversation_id in (first, second))
    await expect(first_item).to_have_attribute("data-unread", "false")  # what came before she took it is no news

    await client.say(first_person, "are you still there?")
    await expect(first_item).to_have_attribute("data-unread", "true")
    await expect(first_item.locator(".unread")).to_have_text("new message")
    await expect(first_item.locator("button")).to_contain_text("new message")  # in the name a screen reader says
    alias = await first_item.locator(".alias").text_content()
    await expect(page.locator("#status")).to_have_text(f"New message: {alias}")
    await client.say(second_person, "I am here")  # in the open one: shown at once, never marked
    await expect(page.locator("#transcript li.msg.user span.text").last).to_have_text("I am here")
    await expect(second_item).to_have_attribute("data-unread", "false")

    await first_item.click()  # she opens it: read
    await expect(conversation).to_have_attribute("data-id", first)
    await expect(page.locator("#transcript li.msg.user span.text").last).to_have_text("are you still there?")
    await expect(first_item).to_have_attribute("data-unread", "false")
    await expect(first_item.locator(".unread")).to_have_count(0)
    await second_item.click()
    await expect(conversation).to_have_attribute("data-id", second)
    await page.reload()  # the server has it read too: a fresh list marks neither
    await expect(conversation).to_have_attribute("data-id", second)
    await expect(page.locator("#held li.queue-item")).to_have_count(2)
    await expect(page.locator('#held li.queue-item[data-unread="true"]')).to_have_count(0)
    assert problems == []


async def kept_drafts(page: Page) -> list[dict[str, str]]:
    """The drafts the tab keeps (handover/static/drafts.js)."""
    return await page.evaluate("Object.values(JSON.parse(sessionStorage.getItem('havn-console-drafts')).items)")


async def test_drafts_outlive_a_session_that_ran_out_and_go_once_sent(browser: Browser, client: AppClient,
                                                                       rasa: FakeRasa) -> None:
    """Found walking the console: a half-written note and reply were gone when the session ran out and the
    caseworker logged in again. They are kept in the tab per conversation, found again at the next login, and go
    once sent (the reply) or saved (the note); a logout drops them."""
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    person = await client.new_session()
    await client.say(person, "help me he is coming")
    page, problems = await console_page(browser, client)
    await expect(page.locator("#live")).to_have_attribute("data-state", "live")
    await page.keyboard.press("n")
    await expect(page.locator("#reply-text")).to_be_focused()
    await page.keyboard.type("I am here. Are you somewhere safe")
    await page.fill("#note-text", "Hiding in the bathroom, Vesterbro")
    async with client.app[ENGINE].begin() as connection:  # the session runs out
        await connection.execute(delete(ConsoleSession))
    await client.say(await client.new_session(), "can someone call me later")  # an event: the socket closes
    await expect(page.locator("#login")).to_be_visible()

    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#conversation")).to_have_attribute("data-state", "assigned")
    await expect(page.locator("#reply-text")).to_have_value("I am here. Are you somewhere safe")
    await expect(page.locator("#note-text")).to_have_value("Hiding in the bathroom, Vesterbro")

    await page.fill("#reply-text", "I am here. Are you somewhere safe now?")
    await page.click("#reply-send")
    await expect(page.locator("#transcript li.msg.caseworker span.text").last).to_have_text(
        "I am here. Are you somewhere safe now?")
    assert await kept_drafts(page) == [{"reply": "", "note": "Hiding in the bathroom, Vesterbro"}]  # sent: gone
    await page.click("#note-send")
    await expect(page.locator("#notes li.note")).to_have_count(1)
    assert await kept_drafts(page) == []  # saved: gone

    await page.fill("#note-text", "not for the next person at this computer")
    await page.click("#logout")
    await expect(page.locator("#login")).to_be_visible()
    assert await page.evaluate("sessionStorage.getItem('havn-console-drafts')") is None
    assert problems == []
