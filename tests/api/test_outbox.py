"""The outbox (issue 17, item 4; docs/outbox.md): everything the app sends on Telegram is stored and queued first,
then sent by the delivery worker, through the real python-telegram-bot against the fake Bot API. Flood control
(429 with retry_after) is waited as told, and the later messages of the conversation wait behind it; a 5xx is
retried with a growing wait; a blocked bot (403) fails at once, and the console shows it; a caseworker's reply is
a 201 whatever Telegram says; what was queued before a restart goes at once after it. Each test runs on SQLite
and on PostgreSQL. The worker's waits follow the app's clock, which the tests move on (no timed assertion)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import ENGINE, OUTBOX, SETTINGS
from bot.reporting import START
from core.config import Settings
from core.messages import Message
from core.metrics import OUTBOX_FAILED, OUTBOX_RETRIES
from core.models import Conversation, OutboxRecord, as_utc
from core.vocabulary import Delivery, Sender
from handover.app_keys import HANDOVER
from handover.delivery import backoff
from tests.conftest import AppClient, isolated_settings, start_app
from tests.console_client import Console, login
from tests.console_client import conversation_of as webchat_conversation
from tests.databases import database_url
from tests.fakes.bot_api import FakeBotApi, refusal
from tests.fakes.rasa import serving

CHAT = 616161
WAIT, POLL = 20.0, 0.01  # seconds a test waits for what the worker does before it fails; how often it looks


@pytest.fixture(params=["sqlite", "postgresql"])
async def telegram_settings(request: pytest.FixtureRequest, tmp_path: Path,
                            bot_api: FakeBotApi) -> AsyncIterator[Settings]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        yield isolated_settings(tmp_path, HAVN_DATABASE_URL=url, HAVN_TELEGRAM_TOKEN="123456:TEST-token",
                                HAVN_TELEGRAM_API_URL=bot_api.url)


@pytest.fixture
async def client(telegram_settings: Settings) -> AsyncIterator[AppClient]:
    async for app_client in start_app(telegram_settings):
        async with serving(app_client.app[SETTINGS].rasa_url, {}):
            yield app_client


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Waits (up to about WAIT seconds) for what the worker does in the background: it tells nobody but the
    consoles, so the test looks at the database, often."""
    for _ in range(int(WAIT / POLL)):
        if await condition():
            return
        await asyncio.sleep(POLL)
    raise AssertionError("the outbox did not get there")


async def row(client: AppClient, message_id: int) -> Any:
    async with client.app[ENGINE].connect() as connection:
        return (await connection.execute(select(OutboxRecord).where(OutboxRecord.message_id == message_id))).one()


async def reaches(client: AppClient, message_id: int, state: Delivery, attempts: int | None = None) -> Any:
    """The message's outbox row once it is in `state` (after `attempts` attempts)."""
    async def there() -> bool:
        found = await row(client, message_id)
        return found.state == state and (attempts is None or found.attempts == attempts)

    await until(there)
    return await row(client, message_id)


async def a_chat(client: AppClient, bot_api: FakeBotApi, chat: int = CHAT) -> str:
    """A Telegram chat whose conversation the app answers itself (a report: no Rasa); its conversation id."""
    await bot_api.push(bot_api.user_update(chat, "/report"))
    await bot_api.wait_for("sendMessage", chat_id=chat, count=3)  # the intro, a question, the privacy notice
    async with client.app[ENGINE].connect() as connection:
        return await connection.scalar(select(Conversation.id))


def delivered(bot_api: FakeBotApi, since: int) -> list[str]:
    """The texts Telegram took (answered 200), in the order it took them."""
    return [call.params["text"] for call in bot_api.calls[since:]
            if call.method == "sendMessage" and call.status == 200]


def go_on(client: AppClient, after: timedelta) -> None:
    """The app's clock moves on; the worker looks at once (it would by itself, after as long in real time)."""
    client.clock.advance(after)
    client.app[OUTBOX].worker.wake()


async def test_the_bots_own_replies_go_through_the_outbox(client: AppClient, bot_api: FakeBotApi) -> None:
    await a_chat(client, bot_api)

    async def all_sent() -> bool:
        async with client.app[ENGINE].connect() as connection:
            states = list(await connection.scalars(select(OutboxRecord.state).order_by(OutboxRecord.id)))
        return states == [Delivery.SENT] * 3

    # Telegram has the three messages; the worker marks each sent once Telegram's answer is back, a moment later.
    await until(all_sent)


async def test_flood_control_is_waited_as_told_and_holds_back_the_later_messages(
        client: AppClient, bot_api: FakeBotApi) -> None:
    conversation_id = await a_chat(client, bot_api)
    seen = len(bot_api.calls)
    bot_api.refusals = [refusal(429, retry_after=7)]
    first, second = await client.app[OUTBOX].send(conversation_id, Sender.CASEWORKER,
                                                  [Message("First."), Message("Second.")])
    waiting = await reaches(client, first.id, Delivery.RETRYING, attempts=1)
    assert waiting.last_error == "rate_limited"
    # The wait is Telegram's retry_after (to within the test clock's ticks), not the worker's own back-off.
    assert timedelta(seconds=6.9) < as_utc(waiting.next_attempt_at) - client.clock.now() <= timedelta(seconds=7)
    assert (await row(client, second.id)).state == Delivery.PENDING  # held back behind the first
    go_on(client, timedelta(seconds=7))
    await reaches(client, second.id, Delivery.SENT)
    assert delivered(bot_api, seen) == ["First.", "Second."]  # in order, each once
    assert [call.status for call in bot_api.calls[seen:] if call.method == "sendMessage"] == [429, 200, 200]


async def test_server_errors_are_retried_with_a_growing_wait(client: AppClient, bot_api: FakeBotApi) -> None:
    conversation_id = await a_chat(client, bot_api)
    seen = len(bot_api.calls)
    bot_api.refusals = [refusal(500), refusal(502)]
    retries_before = OUTBOX_RETRIES.labels("telegram")._value.get()
    [message] = await client.app[OUTBOX].send(conversation_id, Sender.SYSTEM, [Message("Still here.")])
    retrying = await reaches(client, message.id, Delivery.RETRYING, attempts=1)
    assert retrying.last_error == "network"
    go_on(client, backoff(1))
    await reaches(client, message.id, Delivery.RETRYING, attempts=2)
    go_on(client, backoff(2))
    sent = await reaches(client, message.id, Delivery.SENT)
    assert sent.attempts == 2 and sent.claimed_until is None
    assert delivered(bot_api, seen) == ["Still here."]
    assert backoff(2) == 2 * backoff(1)
    assert OUTBOX_RETRIES.labels("telegram")._value.get() == retries_before + 2  # /metrics counts each retry


async def test_a_part_that_went_through_is_not_sent_again(client: AppClient, bot_api: FakeBotApi) -> None:
    """A report's code is a second Telegram message: when only it is refused, the retry sends only it."""
    conversation_id = await a_chat(client, bot_api)
    seen = len(bot_api.calls)
    bot_api.refusals = [None, refusal(500)]
    [message] = await client.app[OUTBOX].send(conversation_id, Sender.BOT,
                                              [Message("Your code is K7M2-9XQP.", code="K7M2-9XQP")])
    retrying = await reaches(client, message.id, Delivery.RETRYING, attempts=1)
    assert retrying.parts_sent == 1
    go_on(client, backoff(1))
    await reaches(client, message.id, Delivery.SENT)
    assert delivered(bot_api, seen) == ["Your code is K7M2-9XQP.", "<code>K7M2-9XQP</code>"]


async def test_a_blocked_bot_fails_at_once_and_the_console_shows_it_without_an_error(
        client: AppClient, bot_api: FakeBotApi) -> None:
    conversation_id = await a_chat(client, bot_api)
    await client.app[HANDOVER].store.request_handover(conversation_id, "P3", "help")
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    socket = await client.http.ws_connect(client.url("/api/console/ws"),
                                          headers={"Authorization": f"Bearer {anna.token}"})
    try:
        bot_api.refusals = [refusal(403)]
        failed_before = OUTBOX_FAILED.labels("telegram")._value.get()
        sent = await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Are you safe?"},
                               expect=201)
        assert sent["message"]["delivery"] in ("pending", "failed")
        failed = await reaches(client, sent["message"]["id"], Delivery.FAILED)
        assert (failed.attempts, failed.last_error) == (1, "forbidden")
        assert OUTBOX_FAILED.labels("telegram")._value.get() == failed_before + 1  # counted in /metrics
        await until(lambda: heard_delivery(socket, conversation_id))
    finally:
        await socket.close()
    shown = await anna.call("GET", f"/conversations/{conversation_id}")
    deliveries = {message["text"]: message["delivery"] for message in shown["messages"]}
    assert deliveries["Are you safe?"] == "failed"
    assert {message["delivery"] for message in shown["messages"] if message["sender"] == "user"} == {None}
    assert deliveries[shown["messages"][1]["text"]] == "sent"  # the bot's first answer
    later = await anna.call("GET", f"/conversations/{conversation_id}/messages?after=0")
    assert [m["delivery"] for m in later["messages"]] == [m["delivery"] for m in shown["messages"]]
    # Failed, not stuck: the next reply goes (Telegram took it).
    second = await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Write when you can."},
                             expect=201)
    await reaches(client, second["message"]["id"], Delivery.SENT)


async def heard_delivery(socket: aiohttp.ClientWebSocketResponse, conversation_id: str) -> bool:
    message = await socket.receive(timeout=WAIT)  # fails rather than hangs when no event comes
    if message.type != aiohttp.WSMsgType.TEXT:
        raise AssertionError(f"the console's socket ended: {message.type}")
    event = json.loads(message.data)
    return event.get("type") == "delivery" and event.get("conversation_id") == conversation_id


async def test_a_web_chat_reply_is_simply_sent(client: AppClient, bot_api: FakeBotApi) -> None:
    session = await client.new_session()
    await client.say(session, payload=START)  # a report: answered without Rasa
    conversation_id = await webchat_conversation(client, session)
    await client.app[HANDOVER].store.request_handover(conversation_id, "P3", "help")
    anna: Console = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    sent = await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Hello."}, expect=201)
    assert sent["message"]["delivery"] == "sent"
    async with client.app[ENGINE].connect() as connection:
        assert list(await connection.scalars(select(OutboxRecord.id))) == []
    assert all("delivery" not in message for message in (await client.messages(session))["messages"])


async def test_what_was_queued_before_a_restart_goes_at_once_after_it(
        telegram_settings: Settings, bot_api: FakeBotApi) -> None:
    async for first_run in start_app(telegram_settings):
        async with serving(first_run.app[SETTINGS].rasa_url, {}):
            conversation_id = await a_chat(first_run, bot_api)
            await first_run.app[OUTBOX].worker.stop()  # as if the app stopped right after storing
            [message] = await first_run.app[OUTBOX].send(conversation_id, Sender.CASEWORKER,
                                                         [Message("Sorry for the wait.")])
            assert (await row(first_run, message.id)).state == Delivery.PENDING
    seen = len(bot_api.calls)
    async for second_run in start_app(telegram_settings):
        await reaches(second_run, message.id, Delivery.SENT)
    assert delivered(bot_api, seen) == ["Sorry for the wait."]
