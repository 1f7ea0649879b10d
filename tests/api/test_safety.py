"""Safety on every path, through the web chat API with Rasa down or faked: the danger button, danger words in
every state (with the bot, in a report, waiting, held by a caseworker), honest hours and the on-call webhook,
the questions stopping after a P1, 112 in the first reply of every conversation, self-harm and children.

Each person-facing behaviour is shown in English, Danish, Romanian, Arabic and Thai.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from bot.app import GATEWAY, SETTINGS
from handover.app_keys import ACCOUNTS
from tests.api.test_reports import Reporter, file_report
from tests.api.test_screening_cues import ScreeningTurns
from tests.conftest import TEXTS, AppClient, isolated_settings, own_app, start_app
from tests.console_client import Console, conversation_of, login
from tests.fakes.rasa import serving

LANGUAGES = ("en", "da", "ro", "ar", "th")
# Words of danger as a frightened person types them, one per language (the lexicon's own test set is larger:
# tests/data/danger, bench/danger.py).
DANGER_WORDS = {"en": "help me now he is coming back", "da": "hjaelp mig han slaar mig",
                "ro": "ajutor ma bate", "ar": "ساعدوني سيقتلني", "th": "ช่วยด้วยเขาจะฆ่าฉัน"}
SELF_HARM_WORDS = {"en": "i want to die", "da": "jeg vil ikke leve mere", "ro": "vreau sa mor",
                   "ar": "اريد ان اموت", "th": "อยากตาย"}
CHILD_WORDS = {"en": "im 15", "da": "jeg er 15 aar", "ro": "am 15 ani", "ar": "عمري 15 سنة", "th": "หนูอายุ15"}
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SUPERVISORS = itertools.count()


client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked or down


async def in_language(client: AppClient, language: str) -> str:
    """A new web chat whose person chose `language` from the language list (Rasa is down: no greeting)."""
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    return session


async def details_of(client: AppClient, session: str) -> dict[str, Any]:
    """The conversation as a supervisor's console shows it (a new supervisor each time: accounts are cheap)."""
    supervisor = await login(client, f"sofie{next(SUPERVISORS)}", "supervisor")
    return await supervisor.call("GET", f"/conversations/{await conversation_of(client, session)}")


async def tier_and_state(client: AppClient, session: str) -> tuple[str | None, str]:
    details = await details_of(client, session)
    return details["tier"], details["state"]


def texts_of(answer: dict[str, Any]) -> list[str]:
    return [message["text"] for message in answer["messages"]]


# 1. The danger button -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("menu", ["main", "help", "after_answer", "rights", "screening_offer", "screening_answer",
                                  "screening_confirm", "screening_age", "screening_work"])
def test_i_am_in_danger_now_is_the_first_button_of_every_menu(menu: str) -> None:
    for language in LANGUAGES:
        first = TEXTS.menu(menu, language)[0]
        assert (first.title, first.payload) == (TEXTS.text("menu.danger", language), "danger")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_danger_button_gives_112_a_p1_and_stops_the_questions_without_rasa(
        client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    replies = (await client.say(session, payload="danger"))["messages"]
    assert replies[0]["text"] == TEXTS.text("danger", language)  # 112 first
    assert replies[-1]["text"] == TEXTS.text("safety.check", language)
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["safe_yes", "safe_no"]
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_every_report_question_offers_someone_is_in_danger_now_first(client: AppClient) -> None:
    session = await in_language(client, "da")
    asked = (await client.say(session, payload="report"))["messages"][-1]
    first = {TEXTS.text("report.ask_about", "da"): "report_about:other",
             TEXTS.text("report.ask_danger", "da"): "report_danger:no"}
    for _ in range(20):  # about, (danger), noticed, where, when, place, …, contact
        if asked["text"] != TEXTS.text("report.ask_danger", "da"):
            assert (asked["buttons"][0]["title"], asked["buttons"][0]["payload"]) == (
                TEXTS.text("menu.danger_now", "da"), "report_danger:yes"), asked["text"]
        asked = (await client.say(session, payload=first.get(asked["text"], "report_skip")))["messages"][-1]
        if asked["text"].startswith(TEXTS.text("report.received", "da")[:20]):
            break
    else:
        raise AssertionError("the report did not end")


# 2. Danger words in every state -------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
async def test_danger_words_with_the_bot_and_rasa_down_get_112_and_a_p1(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    replies = texts_of(await client.say(session, DANGER_WORDS[language]))
    assert replies[0] == TEXTS.text("danger", language)
    assert replies[-1] == TEXTS.text("safety.check", language)
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_danger_words_go_before_rasa_which_is_not_asked(client: AppClient) -> None:
    async with serving(client.app[SETTINGS].rasa_url, {}) as rasa:
        session = await client.new_session()
        replies = texts_of(await client.say(session, DANGER_WORDS["en"]))
    assert replies[0] == TEXTS.text("danger", "en")
    assert rasa.received == []


async def test_danger_in_words_the_lexicon_does_not_list_is_heard_by_the_danger_net(client: AppClient) -> None:
    words = "he took my shoes so i cant run and now he is drinking again"  # tests/unit/test_danger_net.py
    session = await client.new_session()
    replies = texts_of(await client.say(session, words))
    assert replies[0] == TEXTS.text("danger", "en")
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_an_ordinary_question_is_not_danger_to_the_net(client: AppClient) -> None:
    async with serving(client.app[SETTINGS].rasa_url, {"how many hours can i work in a week": [
            {"text": "An answer about working hours."}]}) as rasa:
        session = await client.new_session()
        replies = texts_of(await client.say(session, "how many hours can i work in a week"))
    assert TEXTS.text("danger", "en") not in replies
    assert len(rasa.received) == 1  # the question went to Rasa, as every ordinary message does


async def test_a_reports_description_is_heard_by_the_lexicon_but_not_judged_by_the_net(client: AppClient) -> None:
    """The report asks about danger itself; what a bystander saw is the wording the net learnt as danger."""
    seen = "they come every night and the women scream"  # the net as trained in round 6: p 0.94
    net, lexicon = client.app[GATEWAY].safety.net, client.app[GATEWAY].safety.lexicon
    assert net.hears_beside(lexicon.listen(seen), seen)  # out of a report it would be a P1
    session = await in_language(client, "en")
    for payload in ("report", "report_about:other", "report_skip"):  # someone else; danger skipped
        await client.say(session, payload=payload)
    replies = texts_of(await client.say(session, seen))  # typed as "what did you notice?"
    assert TEXTS.text("danger", "en") not in replies and TEXTS.reply("report.danger", "en").text not in replies
    assert replies[-1] == TEXTS.text("report.ask_where", "en")
    assert (await details_of(client, session))["tier"] != "P1"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_danger_words_while_writing_a_report_keep_the_words_and_make_it_p1(
        client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    for payload in ("report", "report_about:other", "report_skip"):  # someone else; danger skipped
        await client.say(session, payload=payload)
    replies = texts_of(await client.say(session, DANGER_WORDS[language]))  # typed as "what did you notice?"
    assert replies == [TEXTS.reply("report.danger", language).text, TEXTS.text("safety.check", language)]
    details = await details_of(client, session)
    assert details["tier"] == "P1"
    report = details["reports"][0]["details"]
    assert report["noticed"] == {"words": DANGER_WORDS[language]} and report["danger"] == {"choice": "yes"}
    # "Yes, go on": the next question, not the one answered
    going_on = (await client.say(session, payload="safe_yes"))["messages"]
    assert going_on[-1]["text"] == TEXTS.text("report.ask_where", language)


async def test_danger_words_at_the_danger_question_and_after_are_all_kept_and_filed_under_no_unseen_question(
        client: AppClient) -> None:
    """Found walking the chat as a bystander: the danger words typed at "Is anyone in danger right now?" were
    replaced by a bare "yes" when more danger words followed, and the words typed after "Is it safe for you to
    write now?" were filed as answers to questions never shown ("When did you notice it?", "Where was it?")."""
    session = await in_language(client, "en")
    for payload in ("report", "report_about:other"):
        await client.say(session, payload=payload)
    first = "a girl is locked in the back room of the car wash right now, she screamed"
    assert texts_of(await client.say(session, first)) == [TEXTS.reply("report.danger", "en").text,
                                                           TEXTS.text("safety.check", "en")]
    assert texts_of(await client.say(session, "they beat her"))[-1] == TEXTS.text("safety.check", "en")
    [noticed] = texts_of(await client.say(session, "Aarhus"))  # typed instead of "Yes, go on"
    assert noticed == TEXTS.text("report.ask_noticed", "en")  # the question that waited, asked now
    report = (await details_of(client, session))["reports"][0]["details"]
    assert report == {"danger": {"choice": "yes", "words": f"{first}\nthey beat her\nAarhus"}}
    await client.say(session, "last night")  # the answer to the question shown
    assert (await details_of(client, session))["reports"][0]["details"]["noticed"] == {"words": "last night"}


async def test_danger_words_while_adding_to_a_sent_report_keep_them_and_ask_for_a_person_once(
        client: AppClient) -> None:
    reporter = Reporter(client, "en")
    code = await file_report(reporter, "Workers sleep in the barn")
    report_conversation = await conversation_of(client, reporter.session)
    supervisor = await login(client, "sofie", "supervisor")
    socket = await go_online(client, supervisor)
    later = await in_language(client, "en")
    await client.say(later, payload="report_code")
    await client.say(later, code)
    await received_events(socket)  # what came before the danger words
    replies = texts_of(await client.say(later, DANGER_WORDS["en"]))
    assert replies == [TEXTS.reply("report.danger", "en").text, TEXTS.text("safety.check", "en")]
    events = await received_events(socket)
    assert [e["type"] for e in events if e.get("conversation_id") == report_conversation].count("queue") == 1
    details = await supervisor.call("GET", f"/conversations/{report_conversation}")
    assert details["tier"] == "P1"
    additions = [a["text"] for a in details["reports"][0]["additions"]]
    assert additions[0] == DANGER_WORDS["en"] and len(additions) == 2  # the words, then the mark
    await socket.close()


async def test_self_harm_words_in_a_report_give_112_once_and_the_suicide_prevention_line(
        client: AppClient) -> None:
    session = await in_language(client, "en")
    for payload in ("report", "report_about:other", "report_skip"):  # someone else; danger skipped
        await client.say(session, payload=payload)
    replies = texts_of(await client.say(session, SELF_HARM_WORDS["en"]))
    assert replies == [TEXTS.text("danger.self_harm", "en"), TEXTS.reply("report.danger", "en").text,
                       TEXTS.text("safety.check", "en")]
    assert sum("112" in reply for reply in replies) == 1


@pytest.mark.parametrize("language", LANGUAGES)
async def test_danger_words_while_waiting_raise_the_request_to_p1(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    async with serving(client.app[SETTINGS].rasa_url, {"/talk_to_person": [
            {"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P3", "kind": "help"}}}]}):
        await client.say(session, payload="/talk_to_person")
    assert await tier_and_state(client, session) == ("P3", "queued")
    replies = texts_of(await client.say(session, DANGER_WORDS[language]))
    assert replies[0] == TEXTS.text("danger", language)
    assert await tier_and_state(client, session) == ("P1", "queued")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_danger_words_in_a_held_chat_give_112_at_once_and_ring_the_consoles(
        client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    async with serving(client.app[SETTINGS].rasa_url, {"/talk_to_person": [
            {"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P3", "kind": "help"}}}]}):
        await client.say(session, payload="/talk_to_person")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    socket = await client.http.ws_connect(client.url("/api/console/ws"),
                                          headers={"Authorization": f"Bearer {anna.token}"})
    replies = texts_of(await client.say(session, DANGER_WORDS[language]))
    assert replies == [TEXTS.text("danger", language)]  # from the bot, although anna holds the chat
    events = await received_events(socket)
    assert {"type": "danger", "conversation_id": conversation_id, "tier": "P1", "urgent": True} in events
    details = await anna.call("GET", f"/conversations/{conversation_id}")
    assert (details["tier"], details["state"], details["assignee"]) == ("P1", "assigned", "Anna")
    await socket.close()


async def received_events(socket: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    events = []
    while True:
        try:
            message = await socket.receive(timeout=0.5)
        except TimeoutError:
            return events
        if message.type == aiohttp.WSMsgType.TEXT:
            events.append(json.loads(message.data))


# 3. Honest hours and the on-call webhook ----------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
async def test_with_nobody_online_the_danger_reply_says_so_instead_of_promising_a_person(
        client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    replies = texts_of(await client.say(session, payload="danger"))
    nobody = next(reply for reply in replies if reply.startswith(TEXTS.reply("danger.nobody", language).text))
    assert TEXTS.text("danger.person_coming", language) not in replies
    # Found walking the chat: "nobody can write to you" and nothing more; the person did not know whether writing
    # on was any use. What they write is kept and read (the "leave a message" answer).
    assert TEXTS.text("queue.leave_message", language) in nobody


async def test_with_someone_online_in_staffed_hours_a_person_is_asked_to_join(client: AppClient) -> None:
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    session = await in_language(client, "ro")
    replies = texts_of(await client.say(session, payload="danger"))
    assert TEXTS.reply("danger.person_coming", "ro").text in replies
    await socket.close()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_outside_staffed_hours_nobody_is_promised_even_with_someone_online(
        client: AppClient, language: str) -> None:
    client.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=COPENHAGEN))  # a Sunday, 3 am
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    session = await in_language(client, language)
    replies = texts_of(await client.say(session, payload="danger"))
    nobody = next(reply for reply in replies if reply.startswith(TEXTS.reply("danger.nobody", language).text))
    assert TEXTS.hours.hotline.describe(language) in nobody
    await socket.close()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_talk_to_a_person_outside_hours_says_when_people_are_back_and_offers_a_message(
        client: AppClient, language: str) -> None:
    client.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=COPENHAGEN))
    session = await in_language(client, language)
    async with serving(client.app[SETTINGS].rasa_url, {"/talk_to_person": [
            {"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P3", "kind": "help"}}}]}):
        replies = (await client.say(session, payload="/talk_to_person"))["messages"]
    nobody = replies[-1]
    assert TEXTS.text("queue.hours", language) in nobody["text"] and "112" in nobody["text"]
    assert [b["payload"] for b in nobody["buttons"]] == ["queue_wait", "queue_message"]
    # Found walking the chat: "I have asked a person to join this chat" came first, then "nobody can answer".
    assert TEXTS.text("handover_requested", language) not in [reply["text"] for reply in replies]


async def test_talk_to_a_person_with_someone_online_in_staffed_hours_says_a_person_was_asked(
        client: AppClient) -> None:
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    session = await in_language(client, "ar")
    async with serving(client.app[SETTINGS].rasa_url, {"/talk_to_person": [
            {"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P3", "kind": "help"}}}]}):
        replies = texts_of(await client.say(session, payload="/talk_to_person"))
    assert replies[0] == TEXTS.text("handover_requested", "ar")
    assert TEXTS.text("queue.hours", "ar") not in "".join(replies)
    await socket.close()


async def go_online(client: AppClient, console: Console) -> aiohttp.ClientWebSocketResponse:
    return await client.http.ws_connect(client.url("/api/console/ws"),
                                        headers={"Authorization": f"Bearer {console.token}"})


@pytest.fixture
async def on_call(tmp_path: Path) -> AsyncIterator[tuple[AppClient, list[dict[str, Any]]]]:
    """The app with an on-call webhook pointing at a receiver on 127.0.0.1; yields (client, bodies received)."""
    received: list[dict[str, Any]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"ok": True})

    receiver = web.Application()
    receiver.router.add_post("/page", receive)
    runner = web.AppRunner(receiver, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)  # port 0: bound at once, no race for a port looked up before
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    settings = isolated_settings(tmp_path, HAVN_ONCALL_WEBHOOK_URL=f"http://127.0.0.1:{port}/page",
                                 HAVN_CONSOLE_URL="https://console.example/console")
    async for app_client in start_app(settings):
        yield app_client, received
    await runner.cleanup()


async def test_a_p1_while_nobody_is_online_wakes_the_on_call_worker_once_without_words(
        on_call: tuple[AppClient, list[dict[str, Any]]]) -> None:
    client, received = on_call
    session = await in_language(client, "ar")
    await client.say(session, DANGER_WORDS["ar"])
    await client.say(session, payload="danger")  # twice: one call
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    conversation_id = await conversation_of(client, session)
    alias = (await details_of(client, session))["alias"]
    assert received == [{"tier": "P1", "alias": alias,
                         "console_link": f"https://console.example/console#c={conversation_id}"}]
    assert DANGER_WORDS["ar"] not in json.dumps(received, ensure_ascii=False)


async def test_no_on_call_call_while_someone_can_answer(on_call: tuple[AppClient, list[dict[str, Any]]]) -> None:
    client, received = on_call
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    session = await in_language(client, "en")
    await client.say(session, payload="danger")
    await asyncio.sleep(0.3)
    assert received == []
    await socket.close()


# 4. A P1 stops the questions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_i_must_stop_gets_a_short_goodbye_and_the_request_stays(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    await client.say(session, payload="danger")
    replies = (await client.say(session, payload="safe_no"))["messages"]
    assert [m["text"] for m in replies] == [TEXTS.reply("safety.stop", language).text]
    assert await tier_and_state(client, session) == ("P1", "queued")


# A "no" typed instead of tapped, as a person on a phone answers (the walk-through found "I did not understand").
TYPED_NO = {"en": "no", "da": "nej", "ro": "nu", "ar": "لا", "th": "ไม่"}


@pytest.mark.parametrize("language", TYPED_NO)
async def test_a_typed_no_to_is_it_safe_is_the_same_goodbye(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    await client.say(session, DANGER_WORDS[language])
    replies = (await client.say(session, TYPED_NO[language]))["messages"]
    assert [m["text"] for m in replies] == [TEXTS.reply("safety.stop", language).text]
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_a_typed_no_to_another_question_is_not_taken_for_must_stop(client: AppClient) -> None:
    session = await in_language(client, "en")
    await client.say(session, payload="danger")
    await client.say(session, payload="safe_yes")  # answered: the safety question is behind
    replies = texts_of(await client.say(session, "no"))
    assert TEXTS.reply("safety.stop", "en").text not in replies


async def test_a_typed_no_in_a_report_is_the_goodbye_too(client: AppClient) -> None:
    session = await in_language(client, "da")
    for payload in ("report", "report_about:other"):
        await client.say(session, payload=payload)
    assert texts_of(await client.say(session, payload="report_danger:yes"))[-1] == TEXTS.text("safety.check", "da")
    replies = (await client.say(session, "nej"))["messages"]
    assert [m["text"] for m in replies] == [TEXTS.reply("safety.stop", "da").text]


async def test_yes_go_on_asks_rasa_for_the_question_that_waits(client: AppClient) -> None:
    question = [{"custom": {"text": "question.CD-03", "menu": "screening_answer"}}]
    async with serving(client.app[SETTINGS].rasa_url, {"/safe_to_write": question}) as rasa:
        session = await in_language(client, "en")
        await client.say(session, payload="danger")
        replies = (await client.say(session, payload="safe_yes"))["messages"]
    assert replies[-1]["text"] == TEXTS.text("question.CD-03", "en")
    assert rasa.received[-1]["message"] == "/safe_to_write"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_yes_to_is_anyone_in_danger_in_a_report_stops_the_questions(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    await client.say(session, payload="report")
    await client.say(session, payload="report_about:other")  # then danger, first
    replies = texts_of(await client.say(session, payload="report_danger:yes"))
    assert replies == [TEXTS.reply("report.danger", language).text, TEXTS.text("safety.check", language)]
    going_on = texts_of(await client.say(session, payload="safe_yes"))
    assert going_on[-1] == TEXTS.text("report.ask_noticed", language)


# 5. 112 in the first reply of every conversation --------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_conversation_started_by_a_button_shows_112_first_thing(client: AppClient, language: str) -> None:
    session = await client.new_session()
    replies = texts_of(await client.say(session, payload=f"lang:{language}"))
    assert any("112" in text for text in replies)


async def test_a_new_conversation_after_delete_shows_112_again(client: AppClient) -> None:
    session = await in_language(client, "da")
    assert (await client.say(session, payload="delete_yes"))["ended"] is True
    # The deleted session is refused from then on (issue 14): the page starts the new conversation in a new one.
    await client.say(session, payload="lang", expect=401)
    replies = texts_of(await client.say(await client.new_session(), payload="lang"))
    assert any("112" in text for text in replies)


# 6. Self-harm and children ------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
async def test_self_harm_words_get_112_and_the_suicide_prevention_line_and_a_p1(
        client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    replies = texts_of(await client.say(session, SELF_HARM_WORDS[language]))
    assert replies[:2] == [TEXTS.text("danger", language), TEXTS.text("danger.self_harm", language)]
    assert "70 201 201" in replies[1]
    assert await tier_and_state(client, session) == ("P1", "queued")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_child_gets_the_childrens_helpline_112_and_a_p1(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    replies = texts_of(await client.say(session, CHILD_WORDS[language]))
    assert "116 111" in replies[0] and "112" in replies[0]
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_i_am_16_after_hello_gets_the_english_childrens_helpline(client: AppClient) -> None:
    # Found walking the chat: "hello", then "I am 16" (three letters: Lithuanian 0.19, English 0.16) was answered
    # in Lithuanian, the child line, the request for a person and "Is it safe …?", with a row of languages.
    session = await client.new_session()
    await client.say(session, "hello")
    replies = texts_of(await client.say(session, "I am 16"))
    chosen = await in_language(client, "en")
    assert replies == texts_of(await client.say(chosen, "I am 16"))
    assert replies[0] == TEXTS.reply("danger.child", "en").text
    assert TEXTS.text("language_guess", "en") not in replies
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_a_child_told_in_the_screening_gets_the_childrens_helpline_with_the_p1(client: AppClient) -> None:
    summary = {"assessment": "trafficking_indicated", "tier": "P1", "dimensions": {}, "indicators": [],
               "age_band": "under_18", "exploitation": "labour", "immediate_danger": False, "answers": {},
               "evidence": {}, "work_words": None, "finished": False}
    rasa_turn = [{"custom": {"text": "danger", "handover": {"tier": "P1", "kind": "help"}}},
                 {"custom": {"screening": summary}}]
    async with serving(client.app[SETTINGS].rasa_url, {"/affirm": rasa_turn}):
        session = await in_language(client, "en")
        replies = texts_of(await client.say(session, payload="/affirm"))
    assert TEXTS.reply("danger.child", "en").text in replies
    assert replies[-1] == TEXTS.text("safety.check", "en")


SCARED = {"en": "i am scared", "ar": "انا خايفة", "ru": "мне страшно", "ro": "mi-e frica"}
PASSPORT = {"en": "they took my passport", "ar": "اخذو جواز سفري", "ru": "у меня забрали паспорт",
            "ro": "mi-au luat pasaportul"}
SIXTEEN = {"en": "im 16", "ar": "عمري 16", "ru": "мне 16 лет", "ro": "am 16 ani"}


@pytest.mark.parametrize("language", SCARED)
async def test_danger_while_is_it_safe_waits_gets_112_but_not_the_question_and_the_notice_again(
        client: AppClient, language: str) -> None:
    # Found walking the chat: "I am scared", then "I am 16" got "Is it safe for you to write now?" and "nobody can
    # answer now …" a second time; each danger message gets 112 at once, the question and the notice once.
    session = await in_language(client, language)
    first = texts_of(await client.say(session, SCARED[language]))
    assert first[0] == TEXTS.text("danger", language) and first[-1] == TEXTS.text("safety.check", language)
    assert await client.say(session, PASSPORT[language])  # not an answer to the question: it still waits
    again = texts_of(await client.say(session, SIXTEEN[language]))
    assert "112" in again[0] and "116 111" in again[0]
    assert TEXTS.text("safety.check", language) not in again
    assert not any(reply.startswith(TEXTS.reply("danger.nobody", language).text) for reply in again)
    assert await tier_and_state(client, session) == ("P1", "queued")


@pytest.mark.parametrize("language", ("en", "ar"))
async def test_danger_after_is_it_safe_was_answered_asks_it_again(client: AppClient, language: str) -> None:
    session = await in_language(client, language)
    await client.say(session, SCARED[language])
    await client.say(session, payload="safe_yes")
    await client.say(session, PASSPORT[language])
    assert texts_of(await client.say(session, SIXTEEN[language]))[-1] == TEXTS.text("safety.check", language)
    typed = await in_language(client, language)
    await client.say(typed, SCARED[language])
    await client.say(typed, TYPED_YES[language])  # a typed yes answers it too
    assert texts_of(await client.say(typed, SIXTEEN[language]))[-1] == TEXTS.text("safety.check", language)


TYPED_YES = {"en": "yes", "ar": "نعم"}


async def test_a_p1_from_rasa_while_is_it_safe_waits_does_not_ask_it_again(client: AppClient) -> None:
    # The same through Rasa's P1 (a cue that makes it P1, the NLU's danger intent): the request, not the question.
    rasa_turn = [{"custom": {"text": "danger", "handover": {"tier": "P1", "kind": "help"}}}]
    async with serving(client.app[SETTINGS].rasa_url, {"/affirm": rasa_turn}):
        for language in ("en", "ar"):
            session = await in_language(client, language)
            await client.say(session, SCARED[language])
            replies = texts_of(await client.say(session, payload="/affirm"))
            assert replies == [TEXTS.text("danger", language)]
            await client.say(session, payload="safe_yes")  # answered: a later P1 asks it again
            assert texts_of(await client.say(session, payload="/affirm"))[-1] == TEXTS.text("safety.check", language)


async def test_a_rasa_turn_looks_up_once_whether_someone_can_answer(
        on_call: tuple[AppClient, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch) -> None:
    # Looked up before the turn, for Rasa's metadata (bot/assistant.py), and that answer used all through it: a P1
    # from Rasa while "Is it safe for you to write now?" waits, which may wake the on-call worker, looked it up again.
    client, _ = on_call
    accounts = client.app[ACCOUNTS]
    real_online_count, looked_up = accounts.online_count, []

    async def online_count() -> int:
        looked_up.append(True)
        return await real_online_count()

    monkeypatch.setattr(accounts, "online_count", online_count)
    rasa_turn = [{"custom": {"text": "danger", "handover": {"tier": "P1", "kind": "help"}}}]
    async with serving(client.app[SETTINGS].rasa_url, {"/affirm": rasa_turn}):
        session = await in_language(client, "en")
        await client.say(session, SCARED["en"])
        looked_up.clear()
        assert texts_of(await client.say(session, payload="/affirm")) == [TEXTS.text("danger", "en")]
    assert len(looked_up) == 1
    assert await tier_and_state(client, session) == ("P1", "queued")


# 6. A child who asks for a person -----------------------------------------------------------------------------

class ChildTurns(ScreeningTurns):
    """The stand-in for Rasa running the real questionnaire (tests/api/test_screening_cues.py), with what Rasa does
    besides: "I want to talk to a person" (typed, or its button) runs action_request_handover; the app's own word of
    a child's age (bot/assistant.py `heard`: "/inform_age", the choice "under_18" as metadata) and "Yes, go on"
    ("/safe_to_write") reach the questionnaire as those intents."""

    def get(self, message: str, default: Any = None) -> list[dict[str, Any]]:
        if message == "/talk_to_person" or self.intents.get(message) == "talk_to_person":
            self.state, replies = self.questionnaire.request_person(self.state)
        elif message == "/inform_age":
            self.state, replies = self.questionnaire.handle(self.state, "inform_age", "", "under_18",
                                                            language=self.language)
        elif message == "/safe_to_write":
            self.state, replies = self.questionnaire.handle(self.state, "safe_to_write", "", language=self.language)
        else:
            return super().get(message, default)
        return [{"custom": reply} for reply in replies]

    def turn(self, body: dict[str, Any], default: Any) -> list[dict[str, Any]]:
        """As the actions read the app's metadata (actions/handover_actions.py): whether someone can answer now,
        and "I will wait" ({"queue": "wait"}), which makes the offer kept back."""
        message, metadata = body["message"], body.get("metadata") or {}
        if message == "/talk_to_person" or self.intents.get(message) == "talk_to_person":
            if metadata.get("queue") == "wait":
                self.state, replies = self.questionnaire.offer_while_waiting(self.state)
            else:
                self.state, replies = self.questionnaire.request_person(
                    self.state, staffed=metadata.get("staffed") is not False)
            return [{"custom": reply} for reply in replies]
        return self.get(message, default)


CHILD_ASKS = {  # found walking the chat: the age, then "I want to talk to a person"
    "es": (("no me pagan nada", "ask_pay"), ("si", "affirm"), ("tengo 16 años", None),
           ("quiero hablar con una persona", "talk_to_person")),
    "fr": (("mon patron a pris mon passeport", "ask_passport"), ("oui", "affirm"), ("jai 16 ans", None),
           ("je veux parler a quelqun", "talk_to_person")),
    "en": (("they dont pay me", "ask_pay"), ("yes", "affirm"), ("im 16", None),
           ("i want to talk to a person", "talk_to_person")),
}


async def child_asks_for_a_person(client: AppClient, language: str, safe: dict[str, str] | None = None,
                                  ) -> tuple[str, list[list[dict[str, Any]]]]:
    """A new web chat in `language` through the sequence of CHILD_ASKS, then the "talk to a person" button; returns
    the session and what the bot answered to the age, the typed request and the button. `safe`: how "Is it safe for
    you to write now?" (asked with the children's line) is answered right after the age, as `client.say`'s keywords
    (the "Yes, go on" button, or a typed yes); by default it is left unanswered."""
    said = CHILD_ASKS[language]
    turns = ChildTurns({words: intent for words, intent in said if intent}, language)
    answers = []
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await in_language(client, language)
        for words, _ in said:
            answers.append((await client.say(session, words))["messages"])
            await client.app[GATEWAY].assistant.settled()  # the screening heard the age (bot/assistant.py `heard`)
            if safe is not None and words == said[2][0]:  # the age
                await client.say(session, **safe)
        answers.append((await client.say(session, payload="/talk_to_person"))["messages"])
    assert turns.state is not None and turns.state["requested_tier"] == "P1"  # a child with a "yes": P1
    return session, answers[2:]


@pytest.mark.parametrize(("language", "outside_hours"), [("es", False), ("fr", True)])
async def test_a_child_who_asks_for_a_person_with_nobody_to_answer_gets_the_queues_answer_and_its_buttons(
        client: AppClient, language: str, outside_hours: bool) -> None:
    # Found walking the chat: "tengo 16 años", then "quiero hablar con una persona" and the button each got the
    # children's line alone, without buttons: no word of the queue, no choice to wait or leave a message.
    if outside_hours:
        client.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=COPENHAGEN))  # a Sunday, 3 am
    child_line = TEXTS.text("danger.child", language)
    session, (age, typed, button) = await child_asks_for_a_person(client, language)
    assert child_line in age[0]["text"]
    for asked in (typed, button):
        nobody = asked[-1]
        assert TEXTS.text("queue.hours", language) in nobody["text"] and "112" in nobody["text"]
        assert [b["payload"] for b in nobody["buttons"]] == ["queue_wait", "queue_message"]
        assert not any(child_line in reply["text"] for reply in asked)  # said once, with the age
    assert await tier_and_state(client, session) == ("P1", "queued")


@pytest.mark.parametrize(("language", "safe", "outside_hours"),
                         [("en", {"payload": "safe_yes"}, False), ("fr", {"text": "oui"}, True)])
async def test_a_child_who_said_it_is_safe_and_asks_for_a_person_gets_the_queues_answer_and_no_question_again(
        client: AppClient, language: str, safe: dict[str, str], outside_hours: bool) -> None:
    # "Is it safe for you to write now?" answered "Yes, go on" (or a typed yes), then "I want to talk to a person"
    # with nobody to answer: the child got the danger notice (no buttons) and the question again, not the queue's
    # answer with the choice to keep waiting or leave a message, which an adult asking gets.
    if outside_hours:
        client.clock.set(datetime(2026, 12, 6, 3, 0, tzinfo=COPENHAGEN))  # a Sunday, 3 am
    child_line = TEXTS.text("danger.child", language)
    danger_nobody = TEXTS.reply("danger.nobody", language).text
    session, (age, typed, button) = await child_asks_for_a_person(client, language, safe)
    assert child_line in age[0]["text"]
    for asked in (typed, button):
        nobody = asked[-1]
        assert TEXTS.text("queue.hours", language) in nobody["text"] and "112" in nobody["text"]
        assert [b["payload"] for b in nobody["buttons"]] == ["queue_wait", "queue_message"]
        texts = [reply["text"] for reply in asked]
        assert TEXTS.text("safety.check", language) not in texts
        assert not any(danger_nobody in text for text in texts)
        assert not any(child_line in text for text in texts)  # said once, with the age
    assert await tier_and_state(client, session) == ("P1", "queued")


async def test_a_child_who_asks_for_a_person_with_someone_online_is_told_a_person_was_asked_once(
        client: AppClient) -> None:
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    child_line = TEXTS.text("danger.child", "en")
    session, (age, typed, button) = await child_asks_for_a_person(client, "en")
    assert child_line in age[0]["text"]
    for asked in (typed, button):
        assert TEXTS.text("handover_requested", "en") in [reply["text"] for reply in asked]
        assert not any(child_line in reply["text"] for reply in asked)  # said once, with the age
    assert await tier_and_state(client, session) == ("P1", "queued")
    await socket.close()


# 7. Asking for a person: one question at a time ---------------------------------------------------------------

async def test_with_nobody_to_answer_the_queues_question_comes_alone_and_the_offer_after_i_will_wait(
        client: AppClient) -> None:
    # Walk 3: "I want to talk to a person" with nobody online asked "May I ask you up to 34 questions?" and "keep
    # waiting, or leave a message?" at once, both rows of buttons active; "I will wait", then a typed "ok thanks"
    # started "Question 1 of 34".
    offer_words = TEXTS.text("screening.offer", "en", {"total": "2"}).split("2")[0]  # "May I ask you up to "
    turns = ChildTurns({"ok thanks": "affirm", "i want to talk to a person": "talk_to_person"}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        for asking in ({"payload": "/talk_to_person"}, {"text": "i want to talk to a person"}):
            turns.state = None
            session = await in_language(client, "en")
            [nobody] = (await client.say(session, **asking))["messages"]  # the queue's question alone
            assert [b["payload"] for b in nobody["buttons"]] == ["queue_wait", "queue_message"]
            assert offer_words not in nobody["text"]
            typed = texts_of(await client.say(session, "ok thanks"))  # answers no question nobody saw
            assert not any(text.startswith("Question 1") or offer_words in text for text in typed)
            waiting, offer = (await client.say(session, payload="queue_wait"))["messages"]
            assert waiting["text"].startswith(TEXTS.text("queue.keep_waiting", "en")) and not waiting["buttons"]
            assert offer["text"].startswith(offer_words)
            assert [b["payload"] for b in offer["buttons"]][1:3] == ["/start_screening", "/stop_questions"]
        turns.state = None
        session = await in_language(client, "en")
        await client.say(session, payload="/talk_to_person")
        [left] = texts_of(await client.say(session, payload="queue_message"))  # a message: no offer at all
        assert left.startswith(TEXTS.text("queue.leave_message", "en"))


async def test_with_someone_online_the_place_in_the_queue_comes_then_the_offer_last(client: AppClient) -> None:
    anna = await login(client, "anna")
    socket = await go_online(client, anna)
    turns = ChildTurns({}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await in_language(client, "en")
        person, place, offer = (await client.say(session, payload="/talk_to_person"))["messages"]
        assert person["text"] == TEXTS.text("handover_requested", "en")
        assert place["text"].startswith("You are number 1 in the queue") and not place["buttons"]
        assert offer["text"].startswith("May I ask you up to ")
        assert [b["payload"] for b in offer["buttons"]][1:3] == ["/start_screening", "/stop_questions"]
        assert (await client.say(session, payload="queue_wait"))["messages"][1:] == []  # offered once
    await socket.close()
