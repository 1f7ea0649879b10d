"""The privacy notice as a person gets it (issue 14, item 10): at the end of a conversation's first reply, who
is responsible for the data (HAVN_CONTROLLER_NAME), where to complain (the centre, Datatilsynet), and on
Telegram only that Telegram itself sees the chat; 112 is still there. SQLite, a fake Rasa, a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import SETTINGS
from bot.channels.telegram import CHANNEL as TELEGRAM_CHANNEL
from bot.gateway import TELEGRAM
from tests.conftest import TEXTS, AppClient, isolated_settings, privacy_notice, start_app
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import serving

# Not the default: proves the name comes from the configuration, not from a text file.
CONTROLLER = "Testcentret for Beskyttelse ApS"
CHAT = 5550123


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_CONTROLLER_NAME=CONTROLLER)):
        yield app_client


@pytest.fixture
async def telegram(tmp_path: Path, bot_api: FakeBotApi) -> AsyncIterator[AppClient]:
    settings = isolated_settings(tmp_path, HAVN_CONTROLLER_NAME=CONTROLLER, HAVN_TELEGRAM_TOKEN="123456:TEST-token",
                                 HAVN_TELEGRAM_API_URL=bot_api.url)
    async for app_client in start_app(settings):
        yield app_client


def _rasa_url(client: AppClient) -> str:
    """The fake Rasa answers every message with `not_understood` (which names 112)."""
    return client.app[SETTINGS].rasa_url


def telegram_sentence(language: str) -> str:
    return TEXTS.text("privacy_notice.telegram", language)


async def test_the_web_chat_notice_names_the_configured_controller_and_where_to_complain(client: AppClient) -> None:
    async with serving(_rasa_url(client), {}):
        session = await client.new_session()
        *replies, notice = (await client.say(session, "hello, I need help"))["messages"]
    assert notice["text"] == privacy_notice("en", controller=CONTROLLER)
    assert f"{CONTROLLER} is responsible for your data." in notice["text"]
    assert "Datatilsynet" in notice["text"] and "datatilsynet.dk" in notice["text"]
    assert TEXTS.values["email"] in notice["text"]  # complaints to the centre
    assert "Telegram" not in notice["text"]  # the web chat is not Telegram: no sentence about it
    assert any("112" in reply["text"] for reply in [*replies, notice])


async def test_the_web_chat_notice_is_in_the_chosen_language(client: AppClient) -> None:
    async with serving(_rasa_url(client), {}):
        session = await client.new_session()
        messages = (await client.say(session, payload="lang:da"))["messages"]
    notice = messages[-1]["text"]
    assert notice.startswith(privacy_notice("da", controller=CONTROLLER))
    assert f"{CONTROLLER} har ansvaret for dine data." in notice and telegram_sentence("da") not in notice


async def test_the_notice_comes_once_not_with_every_reply(client: AppClient) -> None:
    async with serving(_rasa_url(client), {}):
        session = await client.new_session()
        await client.say(session, "hello")
        later = (await client.say(session, "are you there"))["messages"]
    assert all(CONTROLLER not in message["text"] for message in later)


async def test_on_telegram_the_notice_also_says_that_telegram_sees_the_chat(
        telegram: AppClient, bot_api: FakeBotApi) -> None:
    async with serving(_rasa_url(telegram), {}):
        await bot_api.push(bot_api.user_update(CHAT, "/start", language_code="en"))
        *replies, notice = await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
    text = notice.params["text"]
    assert text == privacy_notice("en", channel="telegram", controller=CONTROLLER)
    assert text.endswith("Telegram itself can see that you write to this chat.")
    assert f"{CONTROLLER} is responsible for your data." in text and "Datatilsynet" in text
    assert any("112" in call.params["text"] for call in [*replies, notice])


async def test_on_telegram_the_notice_is_in_the_persons_language(telegram: AppClient, bot_api: FakeBotApi) -> None:
    async with serving(_rasa_url(telegram), {}):
        await bot_api.push(bot_api.user_update(CHAT, "/start", language_code="ro"))
        *_, notice = await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
    assert notice.params["text"] == privacy_notice("ro", channel="telegram", controller=CONTROLLER)
    assert telegram_sentence("ro") in notice.params["text"] and CONTROLLER in notice.params["text"]


def test_the_gateway_knows_the_telegram_channel_by_the_name_the_channel_gives_itself() -> None:
    assert TELEGRAM == TELEGRAM_CHANNEL
