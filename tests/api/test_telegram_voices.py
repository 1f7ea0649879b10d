"""Clear voices on Telegram (issue 16, item 5), through the real python-telegram-bot against the fake Bot API:
a caseworker's message starts with who writes; a pressed message loses its keyboard (editMessageReplyMarkup), so
a second tap cannot repeat its reply, and a refused edit changes nothing else; the report's sign list is one
message, edited in place as signs are tapped; the reference code comes once more as a message of its own, in
monospace, for a tap to copy. No Rasa: the report and the outbox need none."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

import pytest

from bot.app import OUTBOX, SETTINGS
from core.messages import Message
from core.vocabulary import Sender
from tests.conftest import TEXTS, AppClient, telegram_app
from tests.console_client import login
from tests.fakes.bot_api import Call, FakeBotApi
from tests.fakes.rasa import serving

client = pytest.fixture(telegram_app, name="client")
CHAT = 515151
CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
# The questions between "what did you notice" and the signs, each skipped (handover/report_flow.py STEPS).
BEFORE_SIGNS = ("where", "when", "place", "relation", "people", "minors", "looks", "asked_help")


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[None]:
    async with serving(client.app[SETTINGS].rasa_url, {}):
        yield


def asked(key: str) -> str:
    return TEXTS.reply(key, "en").text


def titles(call: Call) -> list[str]:
    markup = call.params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [row[0]["text"] for row in markup["inline_keyboard"]]


class Chat:
    """One Telegram chat with the bot: what the person sends, and what came back."""

    def __init__(self, bot_api: FakeBotApi, chat: int = CHAT, language: str = "en") -> None:
        self.bot_api, self.chat, self.language = bot_api, chat, language

    async def write(self, text: str, replies: int) -> list[Call]:
        seen = len(self.bot_api.calls)
        await self.bot_api.push(self.bot_api.user_update(self.chat, text, language_code=self.language))
        return await self.bot_api.wait_for("sendMessage", chat_id=self.chat, since=seen, count=replies)

    async def press(self, payload: str, replies: int = 1, method: str = "sendMessage") -> tuple[int, list[Call]]:
        """Presses a button on a message of the bot's: (that message's id, the first `replies` calls of
        `method` after it)."""
        seen = len(self.bot_api.calls)
        update = self.bot_api.user_update(self.chat, callback_data=payload, language_code=self.language)
        await self.bot_api.push(update)
        message_id = update["callback_query"]["message"]["message_id"]
        return message_id, await self.bot_api.wait_for(method, chat_id=self.chat, since=seen, count=replies)

    def calls(self, method: str, since: int = 0) -> list[Call]:
        return [call for call in self.bot_api.calls[since:] if call.method == method]


async def to_the_signs(chat: Chat) -> None:
    await chat.write("/report", replies=3)  # the intro, "about you or someone else?", the privacy notice
    await chat.press("report_about:other", replies=2)  # the warning, the danger question
    await chat.press("report_skip")
    await chat.write("Workers sleep in the barn", replies=1)
    for _ in BEFORE_SIGNS:
        await chat.press("report_skip")


async def test_a_pressed_message_loses_its_keyboard_and_the_sign_list_is_edited_in_place(
        client: AppClient, rasa: None, bot_api: FakeBotApi) -> None:
    chat = Chat(bot_api)
    await to_the_signs(chat)
    [signs] = chat.calls("sendMessage")[-1:]
    assert signs.params["text"] == asked("report.ask_signs")
    escorted = TEXTS.text("menu.sign_escorted", "en")
    # Every press took the pressed message's keyboard away first (the /report and typed words pressed nothing).
    removed = chat.calls("editMessageReplyMarkup")
    assert len(removed) == 2 + len(BEFORE_SIGNS)
    assert all(not call.params.get("reply_markup") for call in removed)

    seen = len(bot_api.calls)
    list_id, [edited] = await chat.press("report_signs:escorted", method="editMessageText")
    assert int(edited.params["message_id"]) == list_id  # the list that was tapped, not a new message
    assert edited.params["text"] == asked("report.ask_signs")
    assert "✓ " + escorted in titles(edited)
    [removal] = chat.calls("editMessageReplyMarkup", since=seen)
    assert int(removal.params["message_id"]) == list_id
    _, [edited] = await chat.press("report_signs:escorted", method="editMessageText")  # tapped again: taken back
    assert escorted in titles(edited) and "✓ " + escorted not in titles(edited)
    _, [vehicles] = await chat.press("report_done")
    assert vehicles.params["text"] == asked("report.ask_vehicles")
    assert [call.params["text"] for call in chat.calls("sendMessage", since=seen)] == [vehicles.params["text"]]


async def test_the_code_comes_as_a_message_of_its_own_in_monospace(client: AppClient, rasa: None,
                                                                    bot_api: FakeBotApi) -> None:
    chat = Chat(bot_api)
    await chat.write("/report", replies=3)
    await chat.press("report_about:other", replies=2)
    await chat.press("report_skip")
    await chat.write("Workers sleep in the barn", replies=1)
    _, [received, code] = await chat.press("report_send", replies=2)
    [written] = CODE.findall(received.params["text"])  # the text still says it, with what it is for
    assert code.params["text"] == f"<code>{written}</code>"
    assert code.params["parse_mode"] == "HTML" and "reply_markup" not in code.params


async def test_a_refused_edit_is_logged_by_its_type_and_the_list_comes_anew(
        client: AppClient, rasa: None, bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    chat = Chat(bot_api, CHAT + 1)
    await to_the_signs(chat)
    bot_api.refusing = {"editMessageReplyMarkup", "editMessageText"}  # as for a message too old to edit
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram"):
        _, [signs] = await chat.press("report_signs:fearful")
    assert signs.params["text"] == asked("report.ask_signs")
    assert "✓ " + TEXTS.text("menu.sign_fearful", "en") in titles(signs)
    refused = [record.getMessage() for record in caplog.records if record.name == "bot.channels.telegram"]
    assert refused == ["Telegram edit refused: BadRequest"] * 2
    assert not any(str(CHAT + 1) in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("language", ["en", "da"])
async def test_a_caseworkers_message_starts_with_their_alias_from_the_centre(
        client: AppClient, rasa: None, bot_api: FakeBotApi, language: str) -> None:
    chat = Chat(bot_api, CHAT + 2, language)
    await chat.write("/report", replies=3)
    [(conversation_id,)] = client.rows("SELECT id FROM conversation")
    seen = len(bot_api.calls)
    await client.app[OUTBOX].send(conversation_id, Sender.CASEWORKER, [Message("Hello, I can help.", author="Anna")])
    [delivered] = await bot_api.wait_for("sendMessage", chat_id=CHAT + 2, since=seen)
    label = TEXTS.text("from_centre", language, {"alias": "Anna"})
    assert delivered.params["text"] == f"{label}\nHello, I can help."
    assert label == {"en": "Anna · from the centre", "da": "Anna · fra centret"}[language]
    # The bot's own messages have no such line.
    seen = len(bot_api.calls)
    await client.app[OUTBOX].send(conversation_id, Sender.BOT, [Message("From the bot.")])
    [bot] = await bot_api.wait_for("sendMessage", chat_id=CHAT + 2, since=seen)
    assert bot.params["text"] == "From the bot."



async def test_a_press_on_a_message_telegram_no_longer_shows_is_answered_without_an_edit(
        client: AppClient, rasa: None, bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    chat = Chat(bot_api, CHAT + 3)
    await chat.write("/report", replies=3)
    seen = len(bot_api.calls)
    update = bot_api.user_update(chat.chat, callback_data="report_about:other")
    # What Telegram sends for a message too old for the bot to reach: its chat, its id and date 0.
    update["callback_query"]["message"] = {"chat": {"id": chat.chat, "type": "private"}, "message_id": 1, "date": 0}
    with caplog.at_level(logging.WARNING):
        await bot_api.push(update)
        await bot_api.wait_for("sendMessage", chat_id=chat.chat, since=seen, count=2)  # the warning, the question
    assert chat.calls("editMessageReplyMarkup", since=seen) == []
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


async def test_a_caseworker_reads_each_press_as_the_words_the_person_saw(client: AppClient, rasa: None,
                                                                         bot_api: FakeBotApi) -> None:
    """Found walking the console: a person's presses were empty lines in the transcript. On Telegram too, each
    shows the words of the button as the person saw it (a sign tapped again to take it back had its "✓ "), and
    the /report command the main menu's words for it; typed words stay as typed, and no payload is shown."""
    chat = Chat(bot_api, CHAT + 4)
    await to_the_signs(chat)
    await chat.press("report_signs:escorted", method="editMessageText")
    await chat.press("report_signs:escorted", method="editMessageText")  # taken back
    [(conversation_id,)] = client.rows("SELECT id FROM conversation")
    supervisor = await login(client, "berit", "supervisor")
    messages = (await supervisor.call("GET", f"/conversations/{conversation_id}"))["messages"]
    own = [(message["text"], message["pressed"]) for message in messages if message["sender"] == "user"]
    escorted, skip = TEXTS.text("menu.sign_escorted", "en"), TEXTS.text("menu.skip", "en")
    assert own == [("", TEXTS.text("menu.report", "en")), ("", TEXTS.text("menu.about_other", "en")), ("", skip),
                   ("Workers sleep in the barn", None), *[("", skip)] * len(BEFORE_SIGNS), ("", escorted),
                   ("", "✓ " + escorted)]
