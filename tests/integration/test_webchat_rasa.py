"""Whole conversations through the web chat API with the real Rasa server and action server."""

from __future__ import annotations

import sqlite3

import pytest
from cryptography.fernet import Fernet

from bot.rasa_tracker import sqlite_file
from tests.conftest import TEXTS, AppClient, privacy_notice
from tests.harness import RasaStack

pytestmark = pytest.mark.rasa

HOTLINE = "+45 70 20 25 50"


MAIN_MENU = ["danger", "/need_help", "report", "/my_rights", "/talk_to_person", "report_code", "lang"]


@pytest.mark.parametrize(("word", "language", "opening", "titles"), [
    ("hej", "da", "Hej. Dette er en anonym chat",
     ["Jeg er i fare nu", "Jeg har brug for hjælp", "Jeg vil melde en mistanke", "Mine rettigheder",
      "Jeg vil tale med et menneske",
      "Jeg har en referencekode", "Sprog"]),
    ("hello", "en", "Hello. This is an anonymous chat",
     ["I am in danger now", "I need help", "I want to report a suspicion", "My rights",
      "I want to talk to a person",
      "I have a reference code", "Language"]),
])
async def test_a_greeting_answers_in_the_persons_language_with_the_main_menu(
        rasa_app: AppClient, word: str, language: str, opening: str, titles: list[str]) -> None:
    session = await rasa_app.new_session()
    greeting, notice = (await rasa_app.say(session, word))["messages"]
    assert notice["text"] == privacy_notice(language)
    assert greeting["text"].startswith(opening)
    assert "112" in greeting["text"] and HOTLINE in greeting["text"]
    assert [b["title"] for b in greeting["buttons"]] == titles
    assert [b["payload"] for b in greeting["buttons"]] == MAIN_MENU


async def test_buttons_and_typed_questions_get_answers(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    await rasa_app.say(session, "hello")
    [help_menu] = (await rasa_app.say(session, payload="/need_help"))["messages"]
    assert help_menu["text"] == "I am here to help. What do you need?"
    assert "/ask_shelter" in [b["payload"] for b in help_menu["buttons"]]
    [shelter] = (await rasa_app.say(session, payload="/ask_shelter"))["messages"]
    assert "safe place to stay" in shelter["text"]
    [anonymous] = (await rasa_app.say(session, "is this chat anonymous?"))["messages"]
    assert "You do not have to give your name" in anonymous["text"]
    [police] = (await rasa_app.say(session, "skal jeg gå til politiet"))["messages"]
    assert "uden først at gå til politiet" in police["text"]


@pytest.mark.parametrize(("words", "answer", "language"), [
    ("i want to report something", "they took her passport", "en"),
    ("vreau sa raportez ceva", "i-au luat pasaportul ei", "ro")])
async def test_report_typed_in_words_starts_the_reports_questions(rasa_app: AppClient, words: str, answer: str,
                                                                  language: str) -> None:
    session = await rasa_app.new_session()
    intro, question, notice = (await rasa_app.say(session, words))["messages"]
    assert intro["text"] == TEXTS.text("report.intro", language)
    assert question["text"] == TEXTS.text("report.ask_about", language)
    assert notice["text"] == privacy_notice(language)
    await rasa_app.say(session, payload="report_about:other")
    [noticed] = (await rasa_app.say(session, payload="report_skip"))["messages"]  # danger skipped
    assert noticed["text"] == TEXTS.text("report.ask_noticed", language)
    # The answer is kept as typed, not sent to Rasa: "they took her passport" does not start the screening.
    [where] = (await rasa_app.say(session, answer))["messages"]
    assert where["text"] == TEXTS.text("report.ask_where", language)


async def test_danger_gets_112_first_and_a_p1_handover_through_the_action_server(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    first = (await rasa_app.say(session, "he is coming, help me now"))["messages"][0]
    assert "call 112" in first["text"]
    assert rasa_app.rows("SELECT state, tier FROM conversation") == [("queued", "P1")]


async def test_talk_to_a_person_queues_the_conversation(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    await rasa_app.say(session, "hej")
    [notice] = (await rasa_app.say(session, payload="/talk_to_person"))["messages"]
    # No console is open in this test: the person is told so, with 112 and the hotline, in Danish, and is not
    # told first that a person was asked to join ("Jeg har bedt en person fra centret …"). The queue's question
    # comes alone; the screening's offer after "I will wait" (walk 3: both at once).
    assert notice["text"].startswith("Lige nu kan ingen fra centret svare") and "112" in notice["text"]
    assert [button["payload"] for button in notice["buttons"]] == ["queue_wait", "queue_message"]
    assert rasa_app.rows("SELECT state, tier FROM conversation") == [("queued", "P4")]
    _waiting, offer = (await rasa_app.say(session, payload="queue_wait"))["messages"]
    assert [button["payload"] for button in offer["buttons"]][:3] == ["danger", "/start_screening", "/stop_questions"]


async def test_rasa_killed_mid_conversation_then_back(rasa_app: AppClient, rasa_stack: RasaStack) -> None:
    session = await rasa_app.new_session()
    assert (await rasa_app.say(session, "hello"))["messages"][0]["text"].startswith("Hello")
    rasa_stack.kill("rasa")
    try:
        [fallback] = (await rasa_app.say(session, "they took my passport"))["messages"]
        assert "saved" in fallback["text"] and HOTLINE in fallback["text"] and "112" in fallback["text"]
        assert rasa_app.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(2,)]
        async with rasa_app.http.get(rasa_app.url("/healthz")) as response:  # degraded, yet serving: still 200
            assert response.status == 200
            body = await response.json()
            assert body["status"] == "degraded" and body["checks"]["rasa"].startswith("unreachable")
    finally:
        rasa_stack.start("rasa")
        rasa_stack.wait_ready()
    [answer] = (await rasa_app.say(session, "is this chat anonymous?"))["messages"]
    assert "You do not have to give your name" in answer["text"]
    async with rasa_app.http.get(rasa_app.url("/healthz")) as response:
        assert response.status == 200
        assert (await response.json())["checks"] == {"database": "ok", "rasa": "ok", "action_server": "ok"}


async def test_delete_erases_the_words_from_rasas_tracker_store_too(rasa_app: AppClient, rasa_stack: RasaStack) -> None:
    session = await rasa_app.new_session()
    await rasa_app.say(session, "my boss keeps my passport in his car")
    [(conversation_id,)] = rasa_app.rows("SELECT id FROM conversation")
    tracker_db = sqlite_file(rasa_stack.environment["HAVN_RASA_TRACKER_URL"])

    def stored_events() -> list[str]:
        with sqlite3.connect(tracker_db) as db:
            return [row[0] for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (conversation_id,))]

    # Rasa keeps the conversation's events, sealed with the app's key (rasa_plugins/tracker_store.py)…
    key = Fernet(rasa_stack.settings.encryption_keys[0])
    assert stored_events() and not any("passport" in data for data in stored_events())
    assert any("passport in his car" in key.decrypt(data.encode()).decode() for data in stored_events())
    await rasa_app.delete_session(session)
    assert stored_events() == []  # …until the person erases the conversation
