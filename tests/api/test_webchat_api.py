"""The web chat API and the gateway's own logic, against a fake Rasa (the real one: tests/integration)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot import app as app_module
from bot.app import GATEWAY, HEALTH_CHECK_SECONDS, OUTBOX, RASA
from bot.channels.webchat_page import number_parts
from core.config import CONTENT_DIR, Settings
from core.messages import Message
from core.texts import load_language_texts
from core.vocabulary import Sender
from tests.conftest import TEXTS, AppClient, database_rows, make_settings, privacy_notice, start_app, webchat_session
from tests.fakes.rasa import FakeRasa, serving

GREETING = [{"custom": {"text": "greet", "menu": "main"}}]


@pytest.fixture
async def rasa(settings: Settings) -> AsyncIterator[FakeRasa]:
    async with serving(settings.rasa_url, {"hello": GREETING, "hej": GREETING, "/greet": GREETING}) as fake:
        yield fake


@pytest.fixture
async def client(settings: Settings, rasa: FakeRasa) -> AsyncIterator[AppClient]:
    async for app_client in start_app(settings):
        yield app_client


async def test_greeting_in_english_with_safety_line_and_menu(client: AppClient) -> None:
    session = await client.new_session()
    reply = (await client.say(session, "hello"))["messages"]
    assert len(reply) == 2
    assert reply[1]["text"] == privacy_notice("en") and reply[1]["buttons"] == []
    assert reply[0]["sender"] == "bot"
    assert "112" in reply[0]["text"] and "+45 70 20 25 50" in reply[0]["text"]
    assert "Hello" in reply[0]["text"]
    assert [b["payload"] for b in reply[0]["buttons"]] == ["danger", "/need_help", "report", "/my_rights",
                                                            "/talk_to_person", "report_code", "lang"]
    assert [b["title"] for b in reply[0]["buttons"][:2]] == ["I am in danger now", "I need help"]


async def test_greeting_in_danish(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    reply = (await client.say(session, "hej"))["messages"]
    assert reply[0]["text"].startswith("Hej.")
    assert "112" in reply[0]["text"] and "+45 70 20 25 50" in reply[0]["text"]
    assert [b["title"] for b in reply[0]["buttons"][:2]] == ["Jeg er i fare nu", "Jeg har brug for hjælp"]
    assert rasa.received[-1]["metadata"] == {"language": "da", "staffed": False}  # nobody online


async def test_rasa_sender_is_the_pseudonymous_conversation_id(client: AppClient, rasa: FakeRasa,
                                                               settings: Settings) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    [(conversation_id,)] = database_rows(settings, "SELECT id FROM conversation")
    assert rasa.received[-1]["sender"] == conversation_id
    assert session not in json.dumps(rasa.received)


async def test_language_button_lists_languages_by_their_own_names_and_choice_sticks(client: AppClient) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    menu = (await client.say(session, payload="lang"))["messages"][0]
    assert {"title": "Dansk", "payload": "lang:da"} in menu["buttons"]
    chosen = (await client.say(session, payload="lang:da"))["messages"]
    assert chosen[0]["text"] == "OK. Jeg skriver på dansk.\nEr du i fare nu? Ring 112. Vores hotline: +45 70 20 25 50."
    assert chosen[1]["text"].startswith("Hej.")  # Rasa's greeting, now rendered in Danish
    # An English word after an explicit choice does not switch back.
    assert (await client.say(session, "hello"))["messages"][0]["text"].startswith("Hej.")


async def test_custom_handover_payload_queues_the_conversation(client: AppClient, rasa: FakeRasa,
                                                               settings: Settings) -> None:
    rasa.replies["/talk_to_person"] = [{"custom": {"text": "handover_requested",
                                                   "handover": {"tier": "P4", "kind": "help"}}}]
    rasa.replies["he is coming"] = [{"custom": {"text": "danger", "handover": {"tier": "P1", "kind": "help"}}}]
    session = await client.new_session()
    await client.say(session, "hello")
    reply = (await client.say(session, payload="/talk_to_person"))["messages"]
    assert reply[0]["text"].startswith("Nobody from the centre can answer")  # nobody online: no promise
    assert database_rows(settings, "SELECT state, tier FROM conversation") == [("queued", "P4")]
    await client.say(session, "he is coming")
    assert database_rows(settings, "SELECT state, tier FROM conversation") == [("queued", "P1")]


async def test_a_menu_choice_reaches_rasa_as_metadata_and_the_screening_is_stored_sealed(
        client: AppClient, rasa: FakeRasa, settings: Settings) -> None:
    summary = {"assessment": "indicators_present", "tier": "P2", "evidence": {"CD-01": "boss has my passport"}}
    rasa.replies["/inform_age"] = [{"custom": {"text": "question.work", "menu": "screening_work"}},
                                   {"custom": {"screening": summary}}]
    session = await client.new_session()
    await client.say(session, "hello")
    [reply] = (await client.say(session, payload="/inform_age:under_18"))["messages"]
    assert reply["text"] == "What kind of work or situation is it?"
    assert "/inform_work:sexual" in [button["payload"] for button in reply["buttons"]]
    assert rasa.received[-1]["message"] == "/inform_age"
    assert rasa.received[-1]["metadata"] == {"language": "en", "staffed": False, "choice": "under_18"}
    [(assessment, sealed)] = database_rows(settings, "SELECT assessment, screening FROM conversation")
    assert assessment == "indicators_present" and "passport" not in sealed
    [(conversation_id,)] = database_rows(settings, "SELECT id FROM conversation")
    assert await client.app[GATEWAY].store.screening(conversation_id) == summary


async def test_assigned_conversation_gets_no_bot_reply(client: AppClient, rasa: FakeRasa,
                                                       settings: Settings) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    with sqlite3.connect(settings.var_dir / "havn.db") as db:
        db.execute("UPDATE conversation SET state = 'assigned'")
    calls = len(rasa.received)
    assert (await client.say(session, "are you there?"))["messages"] == []
    assert len(rasa.received) == calls
    assert database_rows(settings, "SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(2,)]


async def test_rasa_down_gives_fallback_with_hotline_and_keeps_the_message(client: AppClient, rasa: FakeRasa,
                                                                           settings: Settings) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    rasa.status = 500
    reply = (await client.say(session, "they took my passport"))["messages"]
    assert "112" in reply[0]["text"] and "+45 70 20 25 50" in reply[0]["text"]
    assert "saved" in reply[0]["text"]
    assert database_rows(settings, "SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(2,)]
    rasa.status = 200
    assert (await client.say(session, "hello"))["messages"][0]["text"].startswith("Hello")


async def test_silence_from_rasa_gives_fallback(client: AppClient, rasa: FakeRasa) -> None:
    rasa.replies["can i get a lawyer"] = []  # what Rasa sends when a custom action failed
    session = await client.new_session()
    reply, notice = (await client.say(session, "can i get a lawyer"))["messages"]
    assert "112" in reply["text"] and "+45 70 20 25 50" in reply["text"]
    assert notice["text"] == privacy_notice("en")


async def test_rasa_timeout_gives_fallback(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    rasa.delay = 6  # the test settings wait 5 s
    reply = (await client.say(session, "hello"))["messages"]
    assert "saved" in reply[0]["text"]


async def test_messages_after_returns_everything_to_the_user(client: AppClient) -> None:
    session = await client.new_session()
    first, notice = (await client.say(session, "hello"))["messages"]
    second = (await client.say(session, "hello"))["messages"][0]
    after_notice = (await client.messages(session, after=notice["id"]))["messages"]
    assert [m["id"] for m in after_notice] == [second["id"]]
    everything = (await client.messages(session))["messages"]
    assert [m["id"] for m in everything] == [first["id"], notice["id"], second["id"]]


async def test_nothing_in_clear_in_the_database(client: AppClient, settings: Settings) -> None:
    session = await client.new_session()
    reply = (await client.say(session, "my boss took my passport"))["messages"][0]["text"]
    # Every row but the canned responses: those are public content, copied from content/canned/ at start.
    dump = "\n".join(line for line in sqlite3.connect(settings.var_dir / "havn.db").iterdump()
                     if not line.startswith('INSERT INTO "canned_response"'))
    assert session not in dump and session.split(".")[0] not in dump
    assert "passport" not in dump
    assert "Hello" not in dump
    assert reply.splitlines()[0] not in dump


async def test_delete_erases_the_conversation_here_and_in_rasa(client: AppClient, rasa: FakeRasa,
                                                               settings: Settings) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await client.delete_session(session)
    assert database_rows(settings, "SELECT COUNT(*) FROM message") == [(0,)]
    assert database_rows(settings, "SELECT COUNT(*) FROM conversation") == [(0,)]
    assert database_rows(settings, "SELECT COUNT(*) FROM contact") == [(0,)]
    assert len(rasa.erased) == 1


@pytest.mark.parametrize(("body", "status", "fragment"), [
    ("not json", 400, "JSON"),
    ([1, 2], 400, "JSON"),
    ({}, 400, "either"),
    ({"text": "hi", "payload": "/greet"}, 400, "either"),
    ({"text": 5}, 400, "string"),
    ({"payload": '/greet{"slot": "x"}'}, 400, "button"),
    ({"payload": "lang:xx"}, 400, "button"),
    ({"payload": "/inform_age:42"}, 400, "button"),  # only the choices our menus offer
    ({"payload": "/greet:adult"}, 400, "button"),
    ({"text": "a" * 4097}, 413, "too long"),
])
async def test_bad_input_gets_a_clear_message(client: AppClient, body: object, status: int, fragment: str) -> None:
    session = await client.new_session()
    data = body if isinstance(body, str) else json.dumps(body)
    async with client.http.post(client.url("/api/webchat/messages"), data=data,
                                headers={"Content-Type": "application/json", **webchat_session(session)}) as response:
        assert response.status == status
        assert fragment in (await response.json())["error"]


async def test_a_language_longer_than_any_code_is_ignored_not_called_a_long_message(client: AppClient) -> None:
    session = await client.new_session()
    body = json.dumps({"text": "hi", "language": "x" * 50})
    async with client.http.post(client.url("/api/webchat/messages"), data=body,
                                headers={"Content-Type": "application/json", **webchat_session(session)}) as response:
        assert response.status == 200  # answered, in the browser's language, as with no language at all


async def test_a_form_that_is_not_text_gets_the_page_again_not_a_500(client: AppClient) -> None:
    async with client.http.post(client.url("/"), data=b"text=\xff\xff\xff\xff\xff",
                                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                         "Accept-Language": "da"}) as response:
        html = await response.text()
    assert response.status == 400
    assert "112" in html and "<form" in html  # the page, with its words in Danish and the safety line


async def test_forged_session_is_refused(client: AppClient) -> None:
    # The old answer was 404; under the header contract a session that is not ours is a 401 that says what to do.
    assert "new chat" in (await client.say("made-up.0.token", "hi", expect=401))["error"]


async def test_empty_text_is_answered_kindly(client: AppClient) -> None:
    session = await client.new_session()
    assert "write" in (await client.say(session, "   "))["messages"][0]["text"]


async def test_one_person_is_answered_one_message_at_a_time(client: AppClient, rasa: FakeRasa) -> None:
    # Rasa must never see two turns of one conversation at once, or replies could cross.
    rasa.delay = 0.05
    session = await client.new_session()
    await asyncio.gather(*(client.say(session, "hello") for _ in range(5)))
    assert len(rasa.received) == 5
    assert rasa.max_in_flight == 1


async def test_healthz_reports_each_part(client: AppClient) -> None:
    async with client.http.get(client.url("/healthz")) as response:
        body = await response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["rasa"] == "ok"
    assert body["checks"]["action_server"].startswith("unreachable")
    assert "redis" not in body["checks"]  # one instance: no Redis to ask about
    # The action server away, people still get answers (the fallback with 112): degraded, and still 200, so
    # that a load balancer keeps sending people here (docs/scale.md).
    assert response.status == 200 and body["status"] == "degraded"


async def test_healthz_answers_in_time_when_a_part_is_slow_and_a_busy_database_is_not_down(
        client: AppClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a heavy load a part may answer late; /healthz must still answer before the load balancer gives up
    on it (bot/haproxy.py), and say which part was slow, still 200: this instance still serves people."""
    async def hangs(*_: object) -> str:
        await asyncio.sleep(60)
        return "ok"

    monkeypatch.setattr(client.app[RASA], "rasa_status", hangs)
    monkeypatch.setattr(app_module, "_database_status", hangs)
    started = time.monotonic()
    async with client.http.get(client.url("/healthz")) as response:
        body = await response.json()
    assert time.monotonic() - started < HEALTH_CHECK_SECONDS + 1  # side by side, each bounded
    assert body["checks"]["rasa"].startswith("slow") and body["checks"]["database"].startswith("busy")
    assert response.status == 200 and body["status"] == "degraded"



async def test_another_language_is_files_and_one_line_of_config(tmp_path: Path, rasa: FakeRasa) -> None:
    """The recipe of docs/languages.md: a texts file, a canned responses file and one line in
    content/languages.yml (NLU files are Rasa's part, measured by `make nlu-report`)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    english = load_language_texts(content, "en")  # the main file and the topic files (texts/<topic>/en.yml)

    def translated(value: str | dict[str, str]) -> str | dict[str, str]:  # plural texts: Hungarian's CLDR forms
        if isinstance(value, dict):
            return {"_count": value["_count"],
                    **{form: f"[hu] {value.get(form, value['other'])}" for form in ("one", "other")}}
        return f"[hu] {value}"

    hungarian = {key: translated(value) for key, value in english.items() if key != "_meta"}
    hungarian["_meta"] = {"name": "Magyar", "status": "machine-drafted"}
    hungarian["language_set"] = "OK. Magyarul írok."
    (content / "texts" / "hu.yml").write_text(yaml.safe_dump(hungarian, allow_unicode=True), encoding="utf-8")
    canned = yaml.safe_load((content / "canned" / "en.yml").read_text(encoding="utf-8"))
    canned = {key: f"[hu] {value}" for key, value in canned.items() if key != "_meta"}
    canned["_meta"] = {"status": "machine-drafted"}
    (content / "canned" / "hu.yml").write_text(yaml.safe_dump(canned, allow_unicode=True), encoding="utf-8")
    languages = yaml.safe_load((content / "languages.yml").read_text(encoding="utf-8"))
    languages["languages"].append("hu")
    (content / "languages.yml").write_text(yaml.safe_dump(languages), encoding="utf-8")

    settings = make_settings(tmp_path, HAVN_CONTENT_DIR=str(content),
                             HAVN_RASA_URL=f"http://127.0.0.1:{rasa.port}")
    assert "hu" in settings.languages
    async for client in start_app(settings):
        session = await client.new_session()
        menu = (await client.say(session, payload="lang"))["messages"][0]
        assert {"title": "Magyar", "payload": "lang:hu"} in menu["buttons"]
        chosen = (await client.say(session, payload="lang:hu"))["messages"]
        assert chosen[0]["text"].startswith("OK. Magyarul írok.\n[hu] In danger now? Call 112.")
        assert chosen[1]["text"].startswith("[hu] Hello.")
        # Typed Hungarian is detected among the others once the line is added.
        other = await client.new_session()
        await client.say(other, "Jó napot, elvették az útlevelemet és nem mehetek ki a házból")
        assert rasa.received[-1]["metadata"] == {"language": "hu", "staffed": False}


# The page's own words follow the conversation's language (issue 16) ----------------------------------------------

async def say_from(client: AppClient, session: str, text: str, page_language: str) -> dict:
    """A message as the page sends it: from an English browser, telling the language the page shows now."""
    async with client.http.post(client.url("/api/webchat/messages"), json={"text": text},
                                headers={**webchat_session(session), "Accept-Language": "en-GB,en;q=0.9",
                                         "X-Havn-Language": page_language}) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_a_reply_carries_the_page_words_once_the_conversation_is_in_another_language(
        client: AppClient) -> None:
    session = await client.new_session()
    answer = await say_from(client, session, "mi-e frica de politie", "en")
    texts = client.app[GATEWAY].texts
    page = answer["page"]
    assert page["language"] == "ro" and page["direction"] == "ltr"
    assert page["quick_exit"] == texts.text("web.quick_exit", "ro")
    assert page["safety_line"] == texts.text("safety_line", "ro")
    assert page["numbers"]["+45 70 20 25 50"] == "tel:+4570202550" and page["numbers"]["112"] == "tel:112"
    # The page speaks Romanian now: the next replies do not repeat its words, polls neither.
    assert "page" not in await say_from(client, session, "mi-e frica de politie", "ro")
    async with client.http.get(client.url("/api/webchat/messages"),
                               headers={**webchat_session(session), "X-Havn-Language": "ro"}) as response:
        assert "page" not in await response.json()


async def test_arabic_turns_the_page_right_to_left(client: AppClient) -> None:
    page = (await say_from(client, await client.new_session(), "انا خايف من الشرطة", "en"))["page"]
    assert page["language"] == "ar" and page["direction"] == "rtl"
    assert page["title"] == client.app[GATEWAY].texts.text("web.page_title", "ar")


async def test_the_page_shows_phone_numbers_as_links_in_order(client: AppClient) -> None:
    async with client.http.get(client.url("/"), headers={"Accept-Language": "ar"}) as response:
        html = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert '<html lang="ar" dir="rtl">' in html
    assert '<a href="tel:+4570202550"><bdi dir="ltr">+45 70 20 25 50</bdi></a>' in html
    assert '<a href="tel:112"><bdi dir="ltr">112</bdi></a>' in html
    assert '<form id="composer" class="composer" method="post" action="/"' in html
    assert "form-action 'self'" in policy and "script-src" not in policy  # no inline script is allowed


def test_phone_numbers_are_found_whole_only() -> None:
    numbers = {"112": "tel:112", "+45 70 20 25 50": "tel:+4570202550", "114": "tel:114"}
    assert number_parts("Call 112. Hotline: +45 70 20 25 50.", numbers) == [
        ("Call ", None), ("112", "tel:112"), (". Hotline: ", None), ("+45 70 20 25 50", "tel:+4570202550"),
        (".", None)]
    assert number_parts("11200 and 1140", numbers) == [("11200 and 1140", None)]
    assert number_parts("112", {}) == [("112", None)]


def hidden_session(html: str) -> str:
    found = re.search(r'<input type="hidden" name="session" value="([^"]+)">', html)
    assert found is not None
    return found.group(1)


async def test_without_javascript_the_form_holds_a_whole_conversation(client: AppClient, rasa: FakeRasa) -> None:
    async with client.http.post(client.url("/"), data={"text": "hello"}) as response:
        assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
        html = await response.text()
    assert '<li class="msg user" dir="auto">hello</li>' in html
    assert "Hello" in html and 'tel:112' in html  # the bot's answer, its numbers as links
    assert 'name="payload" value="danger" class="danger">I am in danger now</button>' in html
    session = hidden_session(html)
    assert rasa.received[-1]["message"] == "hello"

    # A button of the reply: the payload goes through the same gateway, in the same session.
    async with client.http.post(client.url("/"), data={"session": session, "payload": "lang"}) as response:
        html = await response.text()
    assert hidden_session(html) == session
    assert 'value="lang:ro">Română</button>' in html
    assert client.rows("SELECT COUNT(*) FROM contact") == [(1,)]

    # What a caseworker writes later shows on "Show new messages" (no text, no payload).
    async with client.http.post(client.url("/"), data={"session": session}) as response:
        assert hidden_session(await response.text()) == session
    assert client.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(2,)]


async def test_without_javascript_a_refused_session_goes_on_in_a_new_chat(client: AppClient) -> None:
    async with client.http.post(client.url("/"), data={"session": "forged.1.x", "text": "hello"}) as response:
        html = await response.text()
    assert client.app[GATEWAY].texts.text("web.session_ended", "en")[:40] in html
    assert hidden_session(html) != "forged.1.x"
    assert client.rows("SELECT COUNT(*) FROM contact") == [(1,)]


async def test_a_form_from_another_site_is_not_read(client: AppClient) -> None:
    async with client.http.post(client.url("/"), data={"text": "hello"},
                                headers={"Sec-Fetch-Site": "cross-site"}) as response:
        assert response.status == 200
        assert 'name="session"' not in await response.text()
    assert client.rows("SELECT COUNT(*) FROM message") == [(0,)]


@pytest.mark.parametrize("body", [b"text=%00%ff%fe%ed%a0%80", b"payload=no-such-button", b"text=" + b"x" * 5000,
                                  b"session=%ff&text=hi", b"text=&payload="])
async def test_a_hostile_form_gets_the_page_not_a_500(client: AppClient, body: bytes) -> None:
    async with client.http.post(client.url("/"), data=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}) as response:
        assert response.status == 200, await response.text()
        assert "tel:112" in await response.text()


async def test_a_file_where_the_text_should_be_counts_as_nothing(client: AppClient) -> None:
    form = aiohttp.FormData()
    form.add_field("text", b"hello", filename="a.txt", content_type="text/plain")
    async with client.http.post(client.url("/"), data=form) as response:
        assert response.status == 200
    assert client.rows("SELECT COUNT(*) FROM message") == [(0,)]


async def test_choosing_a_language_changes_the_page_too(client: AppClient) -> None:
    session = await client.new_session()
    assert "page" not in await say_from(client, session, "hello", "en")
    async with client.http.post(client.url("/api/webchat/messages"), json={"payload": "lang:ar"},
                                headers={**webchat_session(session), "X-Havn-Language": "en"}) as response:
        page = (await response.json())["page"]
    assert page["language"] == "ar" and page["direction"] == "rtl"


async def test_without_javascript_the_start_menu_the_sign_list_in_place_the_code_box_and_who_writes(
        client: AppClient) -> None:
    """The page's first words come with the main menu (danger first, "I have a reference code" there) and start
    nothing; a report's sign list shows once, its marks toggled; the code has a box of its own; a caseworker's
    message says who writes (issue 16, item 5)."""
    texts = client.app[GATEWAY].texts
    async with client.http.get(client.url("/")) as response:
        html = await response.text()
    start = re.search(r'<li class="msg bot" id="start".*?</li>', html, re.S)
    assert start is not None
    payloads = re.findall(r'name="payload" value="([^"]+)"', start.group(0))
    assert payloads == [item["payload"] for item in texts.menus["main"]] and payloads[0] == "danger"
    assert 'value="danger" class="danger">' in start.group(0)
    assert client.rows("SELECT COUNT(*) FROM contact") == [(0,)]  # showing the menu starts no chat

    async def form(**fields: str) -> str:
        async with client.http.post(client.url("/"), data=fields) as response:
            assert response.status == 200
            return await response.text()

    html = await form(payload="report")
    assert re.search(r'<li class="msg bot" id="start" dir="auto">[^<]*</li>', html)  # under way: no start menu
    session = hidden_session(html)
    for fields in ({"payload": "report_about:other"}, {"payload": "report_skip"},
                   {"text": "Workers sleep in the barn"}, *[{"payload": "report_skip"}] * 8):
        html = await form(session=session, **fields)
    signs = texts.reply("report.ask_signs", "en").text
    assert html.count(signs) == 1
    html = await form(session=session, payload="report_signs:escorted")
    html = await form(session=session, payload="report_signs:fearful")
    assert html.count(signs) == 1  # one list, edited in place, not one per tap
    assert "✓ " + texts.text("menu.sign_fearful", "en") in html
    html = await form(session=session, payload="report_send")
    [code] = set(re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b", html))
    assert f'<bdi class="code" dir="ltr">{code}</bdi>' in html
    assert texts.text("web.code_label", "en") in html

    [(conversation_id,)] = client.rows("SELECT id FROM conversation")
    await client.app[OUTBOX].send(conversation_id, Sender.CASEWORKER, [Message("I read your report.", author="Anna")])
    html = await form(session=session)  # "Show new messages"
    label = '<span class="author">Anna · from the centre</span>'
    assert f'<li class="msg caseworker" dir="auto">{label}I read your report.' in html


async def test_a_button_the_chat_no_longer_has_is_explained_in_the_person_s_language(client: AppClient) -> None:
    """A button of a page loaded before the menus changed (or made up): the refusal the page shows is the person's
    own language with 112, not an English sentence (found walking the chat)."""
    texts = TEXTS
    session = await client.new_session()
    await client.say(session, payload="lang:ro")
    refused = await client.say(session, payload="/inform_age:42", expect=400)
    assert refused["error"] == texts.reply("not_understood", "ro").text
    fresh = await client.new_session()  # nothing said yet: the language the page shows
    async with client.http.post(client.url("/api/webchat/messages"), json={"payload": "/greet:adult"},
                                headers={**webchat_session(fresh), "X-Havn-Language": "th"}) as response:
        assert response.status == 400
        assert (await response.json())["error"] == texts.reply("not_understood", "th").text


async def test_a_message_too_long_without_javascript_is_explained_in_the_page_s_language(client: AppClient) -> None:
    texts = TEXTS
    async with client.http.post(client.url("/"), data={"text": "x" * 5000},
                                headers={"Accept-Language": "da"}) as response:
        html = await response.text()
    assert response.status == 200
    notice = html.split('id="status"', 1)[1].split("</p>", 1)[0]  # the numbers in it are links (tel:)
    assert texts.text("too_long", "da") in notice and "tel:112" in notice
