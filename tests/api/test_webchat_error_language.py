"""The web chat API's sentences a person may see are in the chat's language, with 112: a message too long (413),
a refused session (401), too many new chats (429) and too many erasures (429). Found walking the chat: a
Lithuanian or Vietnamese chat got them in English, even with `X-Havn-Language: lt` sent.

Where a conversation tells the language, it is that; where none does (a new or refused session), the page's
X-Havn-Language, else the browser's Accept-Language, else English."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import SETTINGS
from core.messages import MAX_TEXT
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app, webchat_session
from tests.fakes.rasa import serving

LANGUAGES = ["en", "da", "ro", "ar", "th", "lt", "vi"]
TOO_LONG = "a" * (MAX_TEXT + 1)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AppClient]:
    """One new chat and one erasure allowed per source: the next are over the limit."""
    settings = isolated_settings(tmp_path, HAVN_LIMIT_SESSIONS="1/600", HAVN_LIMIT_ERASURES="1/3600")
    async for app_client in start_app(settings):
        async with serving(app_client.app[SETTINGS].rasa_url, {}):
            yield app_client


def said(key: str, language: str) -> dict[str, str]:
    """The error body with the text in `language`, ending with the safety line (112)."""
    sentence = TEXTS.reply(key, language).text
    assert TEXTS.text("safety_line", language) in sentence
    return {"error": sentence}


async def post(client: AppClient, path: str, body: object, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    async with client.http.post(client.url(path), data=json.dumps(body),
                                headers={"Content-Type": "application/json", **headers}) as response:
        return response.status, await response.json()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_too_long_is_said_in_the_chat_s_language(client: AppClient, language: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    # The browser and the page's header say English: the chat's language wins.
    headers = {**webchat_session(session), "X-Havn-Language": "en", "Accept-Language": "en-US"}
    assert await post(client, "/api/webchat/messages", {"text": TOO_LONG}, headers) == (413,
                                                                                          said("too_long", language))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_too_long_as_a_first_message_is_said_in_the_page_s_language(client: AppClient, language: str) -> None:
    session = await client.new_session()
    headers = {**webchat_session(session), "X-Havn-Language": language, "Accept-Language": "en-US,en;q=0.9"}
    assert await post(client, "/api/webchat/messages", {"text": TOO_LONG}, headers) == (413,
                                                                                          said("too_long", language))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_refused_session_is_said_in_the_page_s_language(client: AppClient, language: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.delete_session(session)
    headers = {**webchat_session(session), "X-Havn-Language": language, "Accept-Language": "en"}
    assert await post(client, "/api/webchat/messages", {"text": "hello"}, headers) == (
        401, said("web.session_refused", language))
    async with client.http.get(client.url("/api/webchat/messages"), headers=headers) as response:
        assert (response.status, await response.json()) == (401, said("web.session_refused", language))


@pytest.mark.parametrize(("headers", "language"), [
    ({"Accept-Language": "th-TH,th;q=0.9"}, "th"),  # no page header: the browser's
    ({"X-Havn-Language": "vi-VN"}, "vi"),
    ({"X-Havn-Language": "xx", "Accept-Language": "ro"}, "ro"),  # not ours: the browser's
    ({}, "en"),
])
async def test_a_refused_session_without_the_page_s_language(client: AppClient, headers: dict[str, str],
                                                             language: str) -> None:
    status, body = await post(client, "/api/webchat/messages", {"text": "hi"},
                              {**webchat_session("made-up"), **headers})
    assert (status, body) == (401, said("web.session_refused", language))


@pytest.mark.parametrize(("headers", "language"), [
    *(({"X-Havn-Language": language, "Accept-Language": "en"}, language) for language in LANGUAGES),
    ({"Accept-Language": "da-DK,da;q=0.9,en;q=0.8"}, "da"),  # no page header: the browser's
    ({"Accept-Language": "ar"}, "ar"),
    ({}, "en"),
])
async def test_a_missing_session_is_said_in_the_page_s_language(client: AppClient, headers: dict[str, str],
                                                                language: str) -> None:
    """A request that names no session at all; the English sentence alone before."""
    assert await post(client, "/api/webchat/messages", {"text": "hi"}, headers) == (
        401, said("web.session_missing", language))
    async with client.http.get(client.url("/api/webchat/messages"), headers=headers) as response:
        assert (response.status, await response.json()) == (401, said("web.session_missing", language))
    async with client.http.delete(client.url("/api/webchat/session"), headers=headers) as response:
        assert (response.status, await response.json()) == (401, said("web.session_missing", language))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_too_many_new_chats_is_said_in_the_page_s_language(client: AppClient, language: str) -> None:
    await client.new_session()
    # An outreach link's Lithuanian page on an English phone: the page's language, not the browser's.
    headers = {"X-Havn-Language": language, "Accept-Language": "en-GB,en;q=0.8"}
    assert await post(client, "/api/webchat/sessions", {}, headers) == (429, said("limited.session", language))


@pytest.fixture
async def erasing(tmp_path: Path) -> AsyncIterator[AppClient]:
    """One erasure allowed per source: the next is over the limit."""
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_LIMIT_ERASURES="1/3600")):
        async with serving(app_client.app[SETTINGS].rasa_url, {}):
            yield app_client


@pytest.mark.parametrize("language", LANGUAGES)
async def test_too_many_erasures_is_said_in_the_chat_s_language(erasing: AppClient, language: str) -> None:
    first, second = await erasing.new_session(), await erasing.new_session()
    await erasing.say(first, payload="lang:en")
    await erasing.say(second, payload=f"lang:{language}")
    await erasing.delete_session(first)
    headers = {**webchat_session(second), "X-Havn-Language": "en", "Accept-Language": "en"}
    async with erasing.http.delete(erasing.url("/api/webchat/session"), headers=headers) as response:
        assert (response.status, await response.json()) == (429, said("limited.delete", language))
