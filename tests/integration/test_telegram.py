"""The real python-telegram-bot Application against a fake Bot API on 127.0.0.1, with the real Rasa."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import ENGINE, OUTBOX
from core.config import CONTENT_DIR, load_languages
from core.messages import Message
from core.texts import Texts
from core.vocabulary import Sender
from handover.accounts import Accounts
from tests.conftest import AppClient, privacy_notice, start_app
from tests.fakes.bot_api import FakeBotApi
from tests.harness import RasaStack
from tests.integration.conftest import app_settings

pytestmark = pytest.mark.rasa

TOKEN = "123456:TEST-token"
CHAT = 987654321
PASSWORD = "correct horse battery"
TEXTS = Texts(CONTENT_DIR, *load_languages(CONTENT_DIR))


@pytest.fixture
async def polling_app(rasa_stack: RasaStack, bot_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[AppClient]:
    settings = app_settings(rasa_stack, tmp_path, HAVN_TELEGRAM_TOKEN=TOKEN, HAVN_TELEGRAM_API_URL=bot_api.url)
    async for client in start_app(settings):
        yield client


def keyboard(call) -> list[dict]:  # type: ignore[no-untyped-def]
    markup = call.params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [row[0] for row in markup["inline_keyboard"]]


async def test_start_greets_with_an_inline_keyboard_and_a_button_press_is_answered(
        polling_app: AppClient, bot_api: FakeBotApi) -> None:
    commands = await bot_api.wait_for("setMyCommands", count=3)
    danish = next(c for c in commands if c.params.get("language_code") == "da")
    assert [c["command"] for c in json.loads(json.dumps(danish.params["commands"]))] == [
        "start", "help", "language", "report", "delete"]

    await bot_api.push(bot_api.user_update(CHAT, "/start"))
    greeting, notice = await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
    assert notice.params["text"] == privacy_notice("en", channel="telegram")
    assert "112" in greeting.params["text"] and "+45 70 20 25 50" in greeting.params["text"]
    buttons = keyboard(greeting)
    assert [b["text"] for b in buttons] == ["I am in danger now", "I need help", "I want to report a suspicion",
                                            "My rights", "I want to talk to a person", "I have a reference code",
                                            "Language"]
    assert [b["callback_data"] for b in buttons[:2]] == ["danger", "/need_help"]

    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, callback_data="/need_help"))
    [answered] = await bot_api.wait_for("answerCallbackQuery", since=seen)
    [reply] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
    assert reply.params["text"] == "I am here to help. What do you need?"
    assert answered.at <= reply.at  # the spinner stops before the answer is worked out
    assert "/ask_shelter" in [b["callback_data"] for b in keyboard(reply)]


async def test_telegram_language_code_is_the_prior_and_typed_danish_is_answered_in_danish(
        polling_app: AppClient, bot_api: FakeBotApi) -> None:
    await bot_api.push(bot_api.user_update(CHAT + 1, "/start", language_code="da"))
    greeting, notice = await bot_api.wait_for("sendMessage", chat_id=CHAT + 1, count=2)
    assert greeting.params["text"].startswith("Hej.")
    assert notice.params["text"] == privacy_notice("da", channel="telegram")
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT + 1, "er chatten anonym?", language_code="da"))
    [answer] = await bot_api.wait_for("sendMessage", chat_id=CHAT + 1, since=seen)
    assert answer.params["text"].startswith("Du behøver ikke at sige dit navn")


async def test_a_sticker_gets_a_kind_please_write_with_112(polling_app: AppClient, bot_api: FakeBotApi) -> None:
    """More kinds and languages, with a fake Rasa: tests/api/test_media.py."""
    update = bot_api.media_update(CHAT + 2, {"sticker": {
        "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1, "is_animated": False,
        "is_video": False}})
    await bot_api.push(update)
    [reply] = await bot_api.wait_for("sendMessage", chat_id=CHAT + 2)
    assert reply.params["text"] == TEXTS.text("media_received", "en")
    assert "112" in reply.params["text"]


async def test_webhook_mode_checks_the_secret_header(rasa_stack: RasaStack, bot_api: FakeBotApi,
                                                     tmp_path: Path) -> None:
    settings = app_settings(rasa_stack, tmp_path, HAVN_TELEGRAM_TOKEN=TOKEN, HAVN_TELEGRAM_API_URL=bot_api.url,
                            HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
    async for client in start_app(settings):
        [registered] = await bot_api.wait_for("setWebhook")
        assert registered.params["secret_token"] == settings.telegram_webhook_secret
        update = bot_api.user_update(CHAT + 3, "hello")
        async with client.http.post(client.url("/telegram/webhook"), json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
            assert response.status == 403
        async with client.http.post(client.url("/telegram/webhook"), json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}
                                    ) as response:
            assert response.status == 200
        greeting, notice = await bot_api.wait_for("sendMessage", chat_id=CHAT + 3, count=2)
        assert greeting.params["text"].startswith("Hello.")
        assert notice.params["text"] == privacy_notice("en", channel="telegram")
        # The update with the wrong secret was never processed: one update, one answer (greeting, privacy).
        assert len([c for c in bot_api.calls if c.method == "sendMessage"]) == 2


async def test_a_message_not_prompted_by_the_person_reaches_them_on_telegram(
        polling_app: AppClient, bot_api: FakeBotApi) -> None:
    await bot_api.push(bot_api.user_update(CHAT + 4, "/start"))
    await bot_api.wait_for("sendMessage", chat_id=CHAT + 4, count=2)  # the greeting, the privacy notice
    outbox = polling_app.app[OUTBOX]
    [(conversation_id,)] = polling_app.rows("SELECT id FROM conversation")
    seen = len(bot_api.calls)
    await outbox.send(conversation_id, Sender.CASEWORKER, [Message("Hello, I am Anna from the centre.")])
    [delivered] = await bot_api.wait_for("sendMessage", chat_id=CHAT + 4, since=seen)
    assert delivered.params["text"] == "Hello, I am Anna from the centre."
    assert polling_app.rows("SELECT sender FROM message ORDER BY id")[-1] == ("caseworker",)


async def test_a_caseworker_takes_over_a_telegram_chat_and_gives_it_back_to_the_bot(
        polling_app: AppClient, bot_api: FakeBotApi) -> None:
    """Typed words for "a person" (Romanian, not a training example) → queued by the real Rasa; after the
    claim the person hears the alias and the answer on Telegram and the bot stays silent; after the release the
    bot answers again."""
    await Accounts(polling_app.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    chat = CHAT + 5
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(chat, "buna, as vrea sa vorbesc cu un om adevarat", language_code="ro"))
    nobody, notice = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen, count=2)
    # Nobody online: "nobody can answer now…" with wait / leave a message, alone (no "a person was asked to join",
    # and the screening's offer only after "I will wait": one question at a time), then the privacy notice.
    assert nobody.params["text"].startswith(TEXTS.text("queue.nobody", "ro"))
    assert notice.params["text"] == privacy_notice("ro", channel="telegram")
    [(conversation_id, state)] = polling_app.rows("SELECT id, state FROM conversation")
    assert state == "queued"
    token = await console_login(polling_app, "anna")
    seen = len(bot_api.calls)
    await console(polling_app, token, f"/conversations/{conversation_id}/claim")
    [joined] = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen)
    assert joined.params["text"] == TEXTS.reply("queue.joined", "ro", variables={"alias": "Anna"}).text

    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(chat, "sunt aici", language_code="ro"))
    transcript = await wait_for_transcript(polling_app, token, conversation_id, "sunt aici")
    assert transcript[-1]["sender"] == "user"
    await console(polling_app, token, f"/conversations/{conversation_id}/messages", {"text": "Buna, sunt Anna."},
                  expect=201)
    [answer] = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen)  # the bot said nothing meanwhile
    # Her alias from the centre first, in the conversation's language: the person tells her from the bot.
    assert answer.params["text"] == f"{TEXTS.text('from_centre', 'ro', {'alias': 'Anna'})}\nBuna, sunt Anna."

    seen = len(bot_api.calls)
    await console(polling_app, token, f"/conversations/{conversation_id}/release")
    [released] = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen)
    assert released.params["text"] == TEXTS.reply("queue.released", "ro").text
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(chat, "/start", language_code="ro"))
    [greeting] = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen)
    assert greeting.params["text"] == TEXTS.text("greet", "ro")  # the bot answers again


async def console_login(client: AppClient, name: str) -> str:
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": name, "password": PASSWORD}) as response:
        assert response.status == 200
        return (await response.json())["token"]


async def console(client: AppClient, token: str, path: str, body: dict | None = None, expect: int = 200) -> dict:
    async with client.http.post(client.url(f"/api/console{path}"), json=body,
                                headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == expect, await response.text()
        return await response.json()


async def wait_for_transcript(client: AppClient, token: str, conversation_id: str, last_text: str) -> list[dict]:
    for _ in range(100):
        async with client.http.get(client.url(f"/api/console/conversations/{conversation_id}/messages"),
                                   headers={"Authorization": f"Bearer {token}"}) as response:
            messages = (await response.json())["messages"]
        if messages and messages[-1]["text"] == last_text:
            return messages
        await asyncio.sleep(0.1)
    raise AssertionError(f"{last_text!r} did not reach the console")
