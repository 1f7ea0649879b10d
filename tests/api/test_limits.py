"""Rate limits that never leave a person without 112 (issue 14, item 2; docs/limits.md).

Per source (the client's address; through a trusted proxy, the address it forwards): new web chat sessions,
messages, requests for a person and erasures are limited; P1s from one source are capped (queued at P3, no ring);
a spike of P1s from everyone together raises one alert instead of ringing for each, and they stay P1. A person
over a limit gets the safety line with 112 and the hotline, in their language, in the reply shape the page shows
(or a 429 with that sentence where the page shows the error); what they wrote is not kept, and they are told so.

The limits are small here (set per test) so that a test stays short; the defaults are in core/config.py. The
counters live in the database: the tests marked `both` run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import ENGINE
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app, webchat_session
from tests.console_client import login
from tests.databases import database_url
from tests.fakes.bot_api import FakeBotApi

HOTLINE = TEXTS.values["hotline"]
ADDRESSES = (f"198.51.100.{n}" for n in itertools.count(1))  # documentation addresses (RFC 5737)

AppFactory = Callable[..., Awaitable[AppClient]]


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[AppFactory]:
    """Start the app (SQLite) with these settings; the loopback peer is a trusted proxy, so that a test can come
    from several addresses with X-Forwarded-For."""
    started: list[AsyncIterator[AppClient]] = []

    async def make(**overrides: str) -> AppClient:
        runner = start_app(isolated_settings(tmp_path, **{"HAVN_TRUSTED_PROXIES": "127.0.0.1", **overrides}))
        started.append(runner)
        return await anext(runner)

    yield make
    for runner in started:
        await anext(runner, None)


@pytest.fixture(params=["sqlite", "postgresql"])
async def both(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppFactory]:
    """Like `app`, once on SQLite and once on a fresh PostgreSQL database."""
    started: list[AsyncIterator[AppClient]] = []
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async def make(**overrides: str) -> AppClient:
            runner = start_app(isolated_settings(tmp_path, **{"HAVN_TRUSTED_PROXIES": "127.0.0.1",
                                                              "HAVN_DATABASE_URL": url, **overrides}))
            started.append(runner)
            return await anext(runner)

        yield make
        for runner in started:
            await anext(runner, None)


def source(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def new_session(client: AppClient, address: str, expect: int = 201,
                      language: str = "en") -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
    async with client.http.post(client.url("/api/webchat/sessions"),
                                headers={**source(address), "Accept-Language": language}) as response:
        assert response.status == expect, await response.text()
        return response.status, await response.json(), response.headers


async def say(client: AppClient, session: str, address: str, text: str | None = None,
              payload: str | None = None) -> tuple[dict[str, Any], aiohttp.typedefs.LooseHeaders]:
    body = {"text": text} if payload is None else {"payload": payload}
    async with client.http.post(client.url("/api/webchat/messages"), json=body,
                                headers={**source(address), **webchat_session(session)}) as response:
        assert response.status == 200, await response.text()
        return await response.json(), response.headers


def with_safety_line(key: str, language: str) -> str:
    return f"{TEXTS.text(key, language)}\n{TEXTS.text('safety_line', language)}"


async def queue_tiers(client: AppClient) -> list[str]:
    supervisor = await login(client, f"sofie{next(SUPERVISORS)}", "supervisor")
    return [item["tier"] for item in (await supervisor.call("GET", "/queue"))["items"]]


SUPERVISORS = itertools.count()


async def events_until_quiet(socket: aiohttp.ClientWebSocketResponse, quiet: float = 0.5) -> list[dict[str, Any]]:
    events = []
    while True:
        try:
            events.append(await socket.receive_json(timeout=quiet))
        except TimeoutError:
            return events


# Web chat sessions ------------------------------------------------------------------------------------------

async def test_new_sessions_over_the_limit_get_429_with_112_in_the_browsers_language(both: AppFactory) -> None:
    client = await both(HAVN_LIMIT_SESSIONS="3/600")
    flood, other = next(ADDRESSES), next(ADDRESSES)
    for _ in range(3):
        await new_session(client, flood)
    _, body, headers = await new_session(client, flood, expect=429, language="da")
    assert body == {"error": with_safety_line("limited.session", "da")}  # not "your last message"
    assert "112" in body["error"] and HOTLINE in body["error"]
    assert 300 <= int(headers["Retry-After"]) <= 1200  # this window, and half the next (4 counted, 3 allowed)
    await new_session(client, other)  # another address is not held back
    client.clock.advance(timedelta(minutes=21))  # the window has slid past the burst
    await new_session(client, flood)


async def test_a_forged_forwarded_for_does_not_escape_the_limit_without_a_trusted_proxy(tmp_path: Path) -> None:
    """Without HAVN_TRUSTED_PROXIES the header is the client's own word: the peer's address counts."""
    runner = start_app(isolated_settings(tmp_path, HAVN_LIMIT_SESSIONS="2/600"))
    client = await anext(runner)
    try:
        await new_session(client, next(ADDRESSES))
        await new_session(client, next(ADDRESSES))
        await new_session(client, next(ADDRESSES), expect=429)
    finally:
        await anext(runner, None)


async def test_the_client_is_the_nearest_address_a_trusted_proxy_forwards(app: AppFactory) -> None:
    """"client, proxy": the left one could be anything the client sent when a proxy appends; the nearest address
    that is not a trusted proxy is the one that counts."""
    client = await app(HAVN_LIMIT_SESSIONS="2/600", HAVN_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    for forged in ("203.0.113.1", "203.0.113.2"):
        await new_session(client, f"{forged}, 198.51.100.7, 10.1.2.3")
    await new_session(client, "203.0.113.3, 198.51.100.7, 10.1.2.3", expect=429)
    await new_session(client, "198.51.100.8")


# Messages -----------------------------------------------------------------------------------------------------

async def test_messages_over_the_limit_get_the_safety_line_in_the_reply_shape_and_are_not_kept(
        app: AppFactory) -> None:
    client = await app(HAVN_LIMIT_MESSAGES="3/60")
    person, neighbour = next(ADDRESSES), next(ADDRESSES)
    _, body, _ = await new_session(client, person)
    session = body["session"]
    await say(client, session, person, payload="lang:ro")
    await say(client, session, person, payload="help")
    await say(client, session, person, payload="lang")
    stored = client.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'")
    limited, headers = await say(client, session, person, text="a fourth message")
    assert limited["limited"] is True
    assert [(m["sender"], m["text"], m["id"]) for m in limited["messages"]] == [
        ("system", with_safety_line("limited", "ro"), 0)]  # in the person's language, with 112 and the hotline
    assert "112" in limited["messages"][0]["text"] and HOTLINE in limited["messages"][0]["text"]
    assert int(headers["Retry-After"]) >= 1
    assert client.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'") == stored  # not kept, as it says
    # Someone else writing from another address is not held back; the person again after a minute.
    _, other, _ = await new_session(client, neighbour)
    assert "limited" not in (await say(client, other["session"], neighbour, payload="lang:en"))[0]
    client.clock.advance(timedelta(minutes=2))
    assert "limited" not in (await say(client, session, person, payload="help"))[0]


async def test_danger_over_the_message_limit_still_gets_112_and_the_hotline(app: AppFactory) -> None:
    client = await app(HAVN_LIMIT_MESSAGES="1/60")
    person = next(ADDRESSES)
    _, body, _ = await new_session(client, person)
    await say(client, body["session"], person, payload="lang:ar")
    limited, _ = await say(client, body["session"], person, payload="danger")
    [reply] = limited["messages"]
    assert "112" in reply["text"] and HOTLINE in reply["text"] and reply["text"].startswith(TEXTS.text("limited", "ar"))


# Requests for a person, P1s -----------------------------------------------------------------------------------

async def test_p1s_from_one_source_are_capped_the_person_still_gets_112_first(both: AppFactory) -> None:
    client = await both(HAVN_LIMIT_P1_PER_SOURCE="2/3600", HAVN_P1_SPIKE="100/600")
    anna = await login(client, "anna")
    flood = next(ADDRESSES)
    async with client.http.ws_connect(client.url("/api/console/ws"),
                                      headers={"Authorization": f"Bearer {anna.token}"}) as socket:
        for _ in range(3):
            _, body, _ = await new_session(client, flood)
            replies, _ = await say(client, body["session"], flood, payload="danger")
            assert replies["messages"][0]["text"] == TEXTS.text("danger", "en")  # 112 first, every time
        events = await events_until_quiet(socket)
    assert sorted(await queue_tiers(client)) == ["P1", "P1", "P3"]  # the third from that source waits at P3
    rings = [event for event in events if event["type"] == "queue" and event.get("urgent")]
    assert len(rings) == 2
    # Its line says why a "danger now" waits at P3 (found walking the console: it looked like a slip).
    lines = {item["tier"]: item["summary"] for item in (await anna.call("GET", "/queue"))["items"]}
    assert lines["P3"] == "danger now · queued lower (too many urgent requests from one source)"
    assert "queued lower" not in lines["P1"]


async def test_a_spike_of_p1s_rings_once_as_one_alert_and_they_stay_p1(both: AppFactory) -> None:
    client = await both(HAVN_P1_SPIKE="3/600")
    anna = await login(client, "anna")
    async with client.http.ws_connect(client.url("/api/console/ws"),
                                      headers={"Authorization": f"Bearer {anna.token}"}) as socket:
        for _ in range(6):  # six people from six addresses: no per-source cap applies
            address = next(ADDRESSES)
            _, body, _ = await new_session(client, address)
            replies, _ = await say(client, body["session"], address, payload="danger")
            assert "112" in replies["messages"][0]["text"]
        events = await events_until_quiet(socket)
    assert await queue_tiers(client) == ["P1"] * 6
    queued = [event for event in events if event["type"] == "queue"]
    assert [event.get("urgent", False) for event in queued] == [True, True, True, False, False, False]
    assert [event for event in events if event["type"] == "alert"] == [{"type": "alert", "reason": "p1_spike"}]
    supervisor = await login(client, "sofie", "supervisor")
    audit = [event["action"] for event in (await supervisor.call("GET", "/audit"))["items"]]
    assert audit.count("p1_spike") == 1


async def test_requests_for_a_person_over_the_limit_are_not_queued_and_the_person_is_told_with_112(
        app: AppFactory) -> None:
    client = await app(HAVN_LIMIT_HANDOVER_REQUESTS="1/3600")
    flood = next(ADDRESSES)
    for expected_queue in (["P1"], ["P1"]):
        _, body, _ = await new_session(client, flood)
        await say(client, body["session"], flood, payload="lang:th")
        replies, _ = await say(client, body["session"], flood, payload="danger")
        texts = [message["text"] for message in replies["messages"]]
        assert texts[0] == TEXTS.text("danger", "th")  # 112 first, whatever the limits say
        assert await queue_tiers(client) == expected_queue
    assert with_safety_line("limited.person", "th") in texts  # the second was told it was not queued


# Erasures -----------------------------------------------------------------------------------------------------

async def test_erasures_over_the_limit_get_429_with_a_sentence_and_112(both: AppFactory) -> None:
    client = await both(HAVN_LIMIT_ERASURES="1/3600")
    flood = next(ADDRESSES)
    sessions = []
    for _ in range(4):
        _, body, _ = await new_session(client, flood)
        await say(client, body["session"], flood, payload="lang:en")
        sessions.append(body["session"])
    async with client.http.delete(client.url("/api/webchat/session"),
                                  headers={**source(flood), **webchat_session(sessions[0])}) as response:
        assert response.status == 200
    async with client.http.delete(client.url("/api/webchat/session"),
                                  headers={**source(flood), **webchat_session(sessions[1]),
                                           "Accept-Language": "da"}) as response:
        assert response.status == 429
        # In the chat's language (English was chosen), not the browser's: the page speaks the chat's.
        assert await response.json() == {"error": with_safety_line("limited.delete", "en")}
    # The same through the chat's own "Delete" button: the reply shape, and nothing was deleted.
    limited, _ = await say(client, sessions[2], flood, payload="delete_yes")
    assert limited["limited"] is True
    assert limited["messages"][0]["text"] == with_safety_line("limited.delete", "en")
    # And through a typed "yes" to the chat's question, which is that button.
    await say(client, sessions[3], flood, "delete")
    limited, _ = await say(client, sessions[3], flood, "yes")
    assert limited["limited"] is True
    assert limited["messages"][0]["text"] == with_safety_line("limited.delete", "en")
    async with client.app[ENGINE].connect() as connection:  # one erased, three kept
        assert await connection.scalar(text("SELECT COUNT(*) FROM conversation")) == 3


# The limiter under concurrency --------------------------------------------------------------------------------

async def test_concurrent_requests_are_counted_exactly(both: AppFactory) -> None:
    """Twenty sessions at once from one address with a limit of 10: exactly 10 get one (the upsert is atomic)."""
    client = await both(HAVN_LIMIT_SESSIONS="10/600")
    flood = next(ADDRESSES)

    async def one() -> int:
        async with client.http.post(client.url("/api/webchat/sessions"), headers=source(flood)) as response:
            return response.status

    statuses = await asyncio.gather(*(one() for _ in range(20)))
    assert sorted(statuses) == [201] * 10 + [429] * 10



# Telegram: no address, so each chat is its own source -------------------------------------------------------

async def test_telegram_messages_over_the_limit_are_told_once_with_112_and_other_chats_go_on(
        tmp_path: Path, bot_api: FakeBotApi) -> None:
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                 HAVN_LIMIT_TELEGRAM_MESSAGES="2/60")
    runner = start_app(settings)
    client = await anext(runner)
    try:
        async def send(chat: int, replies: int, language: str = "da") -> list[str]:
            seen = len(bot_api.calls)
            await bot_api.push(bot_api.user_update(chat, callback_data="help", language_code=language))
            if not replies:
                await asyncio.sleep(1.0)
                return [call.params["text"] for call in bot_api.calls[seen:]
                        if call.method == "sendMessage" and int(call.params["chat_id"]) == chat]
            return [call.params["text"] for call in await bot_api.wait_for("sendMessage", count=replies,
                                                                           chat_id=chat, since=seen)]

        assert len(await send(1001, replies=2)) == 2  # the help menu and the privacy notice
        assert len(await send(1001, replies=1)) == 1
        assert await send(1001, replies=1) == [with_safety_line("limited", "da")]  # told once, with 112
        assert await send(1001, replies=0) == []  # then quiet while over the limit: no flood of answers
        assert len(await send(2002, replies=2, language="en")) == 2  # another chat is not held back
        client.clock.advance(timedelta(minutes=3))
        assert len(await send(1001, replies=1)) == 1
    finally:
        await anext(runner, None)
