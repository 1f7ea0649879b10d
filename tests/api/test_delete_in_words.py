"""Deleting the chat in words (bot/delete_words.py through bot/gateway.py): a typed "delete", "xoa cuoc tro
chuyen" or "supprimer" gets the question the web chat's Delete and Telegram's /delete give, with Yes and No, in
every state (with the bot, in the screening, in a report, queued, held by a caseworker); Yes erases everything.
Found walking the chat: the NLU heard "xoa cuoc tro chuyen" as "talk to a person", the screening answered
"delete" with "please tap a button", and "supprimer" got silence while a caseworker held the chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from bot import gateway as gateway_module
from bot.app import ENGINE, SETTINGS
from tests.conftest import TEXTS, AppClient, telegram_app
from tests.console_client import conversation_of, login, messages_to_person
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving

GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
HANDOVER = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2", "kind": "help"}}}]
SCREENING_QUESTION = [{"custom": {"text": "question.work", "menu": "screening_work"}}]
ASKED = ["delete_yes", "delete_no"]
CHAT = 731234567  # a Telegram chat id

telegram_client = pytest.fixture(telegram_app, name="telegram_client")  # the app on the fake Bot API


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {"hello": GREETING, "I need a person": HANDOVER, "/need_help": SCREENING_QUESTION}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


async def rows(client: AppClient, query: str) -> list[tuple[Any, ...]]:
    """What the database holds, SQLite or PostgreSQL."""
    async with client.app[ENGINE].connect() as connection:
        return [tuple(row) for row in await connection.execute(text(query))]


def delete_question(language: str) -> str:
    return TEXTS.reply("delete_ask", language).text


def buttons(message: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in message["buttons"]]


async def asked_to_delete(client: AppClient, session: str, text: str, language: str) -> dict[str, Any]:
    """Types `text` and checks that the answer is the question with Yes and No, in `language`."""
    question, *_ = (await client.say(session, text))["messages"]
    assert question["text"] == delete_question(language), text
    assert buttons(question) == ASKED
    return question


@pytest.mark.parametrize(("text", "language"), [
    ("delete", "en"), ("Delete this chat", "en"), ("slet chatten", "da"), ("supprimer", "fr"),
    ("ลบแชท", "th"), ("删除聊天记录", "zh"), ("șterge tot", "ro"), ("Удалить чат", "ru")])
async def test_a_typed_request_gets_the_question_and_never_reaches_rasa(
        client: AppClient, rasa: FakeRasa, text: str, language: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    calls = len(rasa.received)
    await asked_to_delete(client, session, text, language)
    assert len(rasa.received) == calls


async def test_yes_erases_everything_and_ends_the_session(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await asked_to_delete(client, session, "delete my messages", "en")
    answer = await client.say(session, payload="delete_yes")
    assert answer["ended"] is True
    assert answer["messages"][0]["text"].startswith("The conversation is deleted.")  # the web page's words
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]
    assert await rows(client, "SELECT COUNT(*) FROM message") == [(0,)]
    await client.say(session, "hello", expect=401)


async def test_no_keeps_everything(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await asked_to_delete(client, session, "erase everything", "en")
    [kept] = (await client.say(session, payload="delete_no"))["messages"]
    assert kept["text"].startswith("Nothing was deleted.")
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]


async def test_in_the_screening_delete_is_the_question_not_please_tap_a_button(client: AppClient,
                                                                               rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    [question] = (await client.say(session, payload="/need_help"))["messages"]
    assert question["text"] == TEXTS.text("question.work", "en")
    calls = len(rasa.received)
    await asked_to_delete(client, session, "delete", "en")
    assert len(rasa.received) == calls  # the screening never heard it as an answer


async def test_queued_xoa_cuoc_tro_chuyen_is_the_question_not_a_request_for_a_person(
        client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, payload="lang:vi")
    await client.say(session, "I need a person")
    assert await rows(client, "SELECT state FROM conversation") == [("queued",)]
    calls = len(rasa.received)
    await asked_to_delete(client, session, "xoa cuoc tro chuyen", "vi")
    await asked_to_delete(client, session, "toi muon xoa het", "vi")
    assert len(rasa.received) == calls
    assert (await client.say(session, payload="delete_yes"))["ended"] is True
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]


async def test_held_by_a_caseworker_supprimer_is_answered_and_the_caseworker_sees_the_question(
        client: AppClient, rasa: FakeRasa) -> None:
    """The person is never left in silence; the caseworker sees what the person wrote and what the bot asked
    (so that "supprimer" alone makes sense to them), and the erasure still waits for the person's Yes."""
    session = await client.new_session()
    await client.say(session, payload="lang:fr")
    await client.say(session, "I need a person")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    assert (await client.say(session, "bonjour ?"))["messages"] == []  # the caseworker answers, not the bot
    await asked_to_delete(client, session, "supprimer", "fr")
    transcript = (await anna.call("GET", f"/conversations/{conversation_id}"))["messages"]
    assert [message["text"] for message in transcript[-2:]] == ["supprimer", delete_question("fr")]
    assert (await messages_to_person(client, session))[-1]["text"] == delete_question("fr")
    assert (await client.say(session, payload="delete_yes"))["ended"] is True
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]


async def test_in_a_report_delete_is_the_question_and_no_goes_back_to_it(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, payload="lang:en")
    *_, about = (await client.say(session, payload="report"))["messages"]
    calls = len(rasa.received)
    await asked_to_delete(client, session, "delete everything", "en")
    await client.say(session, payload="delete_no")
    other = next(button["payload"] for button in about["buttons"] if button["payload"].endswith(":other"))
    *_, danger = (await client.say(session, payload=other))["messages"]  # the report goes on where it was
    assert danger["text"] == TEXTS.text("report.ask_danger", "en")
    assert len(rasa.received) == calls


@pytest.mark.parametrize("text", ["how do I delete my facebook", "they deleted my photos"])
async def test_a_sentence_about_deleting_goes_to_rasa(client: AppClient, rasa: FakeRasa, text: str) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    reply, *_ = (await client.say(session, text))["messages"]
    assert rasa.received[-1]["message"] == text
    assert "delete_yes" not in buttons(reply)


async def test_danger_words_win_over_a_request_to_delete(client: AppClient, rasa: FakeRasa,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Danger is heard first: even a message that were also a request to delete is answered as danger (112, P1)."""
    monkeypatch.setattr(gateway_module, "asks_to_delete", lambda text: True)
    session = await client.new_session()
    await asked_to_delete(client, session, "hello", "en")  # every message is a request now
    reply, *_ = (await client.say(session, "he is going to kill me"))["messages"]
    assert "112" in reply["text"] and "delete_yes" not in buttons(reply)
    assert await rows(client, "SELECT tier FROM conversation") == [("P1",)]


async def test_telegram_slet_asks_then_yes_erases(telegram_client: AppClient, bot_api: FakeBotApi) -> None:
    async with serving(telegram_client.app[SETTINGS].rasa_url, {}) as fake:
        await bot_api.push(bot_api.user_update(CHAT, "hej"))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, "slet chatten"))
        [question] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        assert question.params["text"] == delete_question("da")
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, callback_data="delete_yes"))
        [done] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        assert done.params["text"] == TEXTS.reply("delete_done", "da").text
        assert len(fake.erased) == 1
        assert await rows(telegram_client, "SELECT COUNT(*) FROM conversation") == [(0,)]


# A typed yes or no to the question -------------------------------------------------------------------------------
# Found walking the chat: "yes", "ja" or "نعم" typed instead of pressing Yes went to Rasa, and nothing was erased.

@pytest.mark.parametrize(("yes", "language"), [
    ("yes", "en"), ("Yes please", "en"), ("ja", "da"), ("Ja tak", "da"), ("da", "ro"), ("نعم", "ar"),
    ("ใช่ค่ะ", "th"), ("是", "zh"), ("oui", "fr")])
async def test_a_typed_yes_right_after_the_question_erases_everything_and_ends_the_session(
        client: AppClient, rasa: FakeRasa, yes: str, language: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, "hello")
    await client.say(session, payload="delete")
    calls = len(rasa.received)
    answer = await client.say(session, yes)
    assert answer["ended"] is True
    assert [message["text"] for message in answer["messages"]] == [TEXTS.reply("web.deleted", language).text]
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]
    assert await rows(client, "SELECT COUNT(*) FROM message") == [(0,)]
    assert len(rasa.received) == calls and len(rasa.erased) == 1  # the NLU never heard it; its tracker is gone
    await client.say(session, "hello", expect=401)


async def test_a_typed_yes_to_the_question_of_a_first_message_erases_too(client: AppClient, rasa: FakeRasa) -> None:
    """The first reply ends with the privacy notice, after the question: the question is still the last asked."""
    session = await client.new_session()
    await asked_to_delete(client, session, "delete this chat", "en")
    assert (await client.say(session, "yes"))["ended"] is True
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]


@pytest.mark.parametrize(("no", "language"), [("no", "en"), ("nej", "da"), ("nu", "ro"), ("ไม่", "th")])
async def test_a_typed_no_right_after_the_question_keeps_everything(client: AppClient, rasa: FakeRasa, no: str,
                                                                    language: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, "hello")
    await asked_to_delete(client, session, "delete", language)
    calls = len(rasa.received)
    [kept] = (await client.say(session, no))["messages"]
    assert kept["text"] == TEXTS.reply("delete_kept", language).text
    assert len(rasa.received) == calls
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]
    # The question is answered: a "yes" now is no erasure.
    await client.say(session, "yes")
    assert rasa.received[-1]["message"] == "yes"
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]


async def test_a_typed_yes_not_right_after_the_question_erases_nothing(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await client.say(session, "yes")  # no question asked: the NLU reads it
    assert rasa.received[-1]["message"] == "yes"
    await asked_to_delete(client, session, "delete", "en")
    await client.say(session, "hello")  # something else: the question is dropped
    assert rasa.received[-1]["message"] == "hello"
    answer = await client.say(session, "yes")
    assert "ended" not in answer and rasa.received[-1]["message"] == "yes"
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]


@pytest.mark.parametrize(("said", "language"), [("yes he took my passport", "en"), ("ja men hvad med min løn", "da")])
async def test_a_yes_with_more_words_after_it_erases_nothing(client: AppClient, rasa: FakeRasa, said: str,
                                                            language: str) -> None:
    """Erasure cannot be undone: only a whole "yes" is a yes to it; a yes that goes on is the person's message."""
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, "hello")
    await asked_to_delete(client, session, "delete", language)
    answer = await client.say(session, said)
    assert "ended" not in answer and rasa.received[-1]["message"] == said
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]


async def test_danger_words_with_a_typed_yes_are_heard_first_and_erase_nothing(client: AppClient,
                                                                                rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await asked_to_delete(client, session, "delete", "en")
    answer = await client.say(session, "yes he will kill me")
    assert "ended" not in answer and "112" in answer["messages"][0]["text"]
    assert await rows(client, "SELECT tier FROM conversation") == [("P1",)]


async def test_held_by_a_caseworker_a_typed_yes_or_no_answers_the_question(client: AppClient,
                                                                            rasa: FakeRasa) -> None:
    """As the buttons do while a caseworker holds the chat; but a "yes" to the caseworker's own question after
    the bot's is the caseworker's to read, never an erasure."""
    session = await client.new_session()
    await client.say(session, payload="lang:da")
    await client.say(session, "I need a person")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await asked_to_delete(client, session, "slet chatten", "da")
    [kept] = (await client.say(session, "nej"))["messages"]
    assert kept["text"] == TEXTS.reply("delete_kept", "da").text
    await asked_to_delete(client, session, "slet chatten", "da")
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Er du i sikkerhed?"},
                    expect=201)
    assert (await client.say(session, "ja"))["messages"] == []  # the caseworker answers, not the bot
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(1,)]
    await asked_to_delete(client, session, "slet chatten", "da")
    assert (await client.say(session, "ja"))["ended"] is True
    assert await rows(client, "SELECT COUNT(*) FROM conversation") == [(0,)]


async def test_telegram_a_typed_ja_after_the_question_erases(telegram_client: AppClient,
                                                              bot_api: FakeBotApi) -> None:
    async with serving(telegram_client.app[SETTINGS].rasa_url, {}) as fake:
        await bot_api.push(bot_api.user_update(CHAT, "hej"))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, "slet chatten"))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, "ja"))
        [done] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        assert done.params["text"] == TEXTS.reply("delete_done", "da").text
        assert len(fake.erased) == 1
        assert await rows(telegram_client, "SELECT COUNT(*) FROM conversation") == [(0,)]


# The confirmation fits the channel ---------------------------------------------------------------------------------
# Found walking the web chat: a typed "yes" (or the Yes button) there answered with Telegram's words, "open the
# chat's menu (the name at the top) and choose "Delete chat"", a menu the web page has not. The page's own "Delete
# this conversation" says to close the tab and clear the browser history; every erasure on the web says that now.

# language → (words of the web's confirmation, words of Telegram's), from content/texts/<language>.yml
HOW_TO_REMOVE = {
    "en": ("close this tab and clear your browser history", '"Delete chat"'),
    "da": ("Luk fanen og ryd din browserhistorik", '"Slet chat"'),
    "ar": ("إغلاق علامة التبويب هذه ومسح سجل المتصفح", "«حذف المحادثة»"),
}


@pytest.mark.parametrize("typed", [True, False], ids=["typed yes", "Yes button"])
@pytest.mark.parametrize("language", sorted(HOW_TO_REMOVE))
async def test_web_the_confirmation_says_how_to_remove_the_chat_from_the_browser_not_the_telegram_menu(
        client: AppClient, rasa: FakeRasa, language: str, typed: bool) -> None:
    web, telegram = HOW_TO_REMOVE[language]
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, "hello")
    await client.say(session, payload="delete")
    yes = {"en": "yes", "da": "ja", "ar": "نعم"}[language]
    answer = await (client.say(session, yes) if typed else client.say(session, payload="delete_yes"))
    assert answer["ended"] is True
    [done] = answer["messages"]
    assert web in done["text"] and telegram not in done["text"]
    # The same words as the page's own Delete link shows (bot/channels/webchat_page.py "deleted"), and 112.
    assert done["text"].startswith(TEXTS.text("web.deleted", language))
    assert "112" in done["text"]


@pytest.mark.parametrize("language", sorted(HOW_TO_REMOVE))
async def test_telegram_delete_the_confirmation_says_how_to_delete_the_chat_in_telegram(
        telegram_client: AppClient, bot_api: FakeBotApi, language: str) -> None:
    web, telegram = HOW_TO_REMOVE[language]
    async with serving(telegram_client.app[SETTINGS].rasa_url, {}):
        await bot_api.push(bot_api.user_update(CHAT, "/start", language_code=language))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the greeting, the privacy notice
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, "/delete", language_code=language))
        [question] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        assert question.params["text"] == delete_question(language)
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(CHAT, callback_data="delete_yes", language_code=language))
        [done] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
        assert telegram in done.params["text"] and web not in done.params["text"]
        assert "112" in done.params["text"]
