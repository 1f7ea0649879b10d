"""Two app instances (create_app twice) on one fresh PostgreSQL database and one Redis, as behind a load
balancer (docs/scale.md "Instances"): a web chat session opened on one is served by both, one person's messages
are answered one at a time and in order whichever instance gets them, a Telegram update posted again to the
other instance is answered once, and one instance at a time polls Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import ENGINE, TELEGRAM, create_app
from core.clock import FakeClock
from core.config import Settings
from core.models import MessageRecord
from core.vocabulary import Sender
from tests.conftest import CLOCK_TICK, AppClient, ServedAsInProduction, isolated_settings, staffed_moment
from tests.databases import fresh_postgres
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving
from tests.redis_server import private_redis

WORDS = ["hello", "where can I sleep tonight", "is it free", "thank you", "one more thing", "bye"]


@asynccontextmanager
async def instance(settings: Settings) -> AsyncIterator[AppClient]:
    """One `havn app`: its own server, clock and engine, the shared settings (database, Redis, keys)."""
    clock = FakeClock(staffed_moment(), tick=CLOCK_TICK)
    server = ServedAsInProduction(create_app(settings, clock), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            yield AppClient(server, http, clock)
    finally:
        await server.close()


@pytest.fixture
async def shared(tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """What every instance is configured with: one PostgreSQL database, one Redis, short leases."""
    async with fresh_postgres() as url:
        with private_redis(tmp_path) as redis_url:
            yield {"HAVN_DATABASE_URL": url, "HAVN_REDIS_URL": redis_url, "HAVN_LEASE_SECONDS": "0.3"}


@pytest.fixture
async def pair(shared: dict[str, str], tmp_path: Path) -> AsyncIterator[tuple[AppClient, AppClient, FakeRasa]]:
    settings = isolated_settings(tmp_path, **shared)
    async with serving(settings.rasa_url, {"hello": [{"custom": {"text": "greet", "menu": "main"}}]}) as rasa:
        async with instance(settings) as a, instance(settings) as b:
            yield a, b, rasa


async def transcript(client: AppClient) -> list[tuple[str, str]]:
    """Every stored message, in the order stored: (sender, text)."""
    async with client.app[ENGINE].connect() as connection:
        rows = await connection.execute(select(MessageRecord.sender, MessageRecord.body).order_by(MessageRecord.id))
        return [(sender, body["text"]) for sender, body in rows]


def turns(stored: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Each person's message with how many bot replies follow it before the next one."""
    result: list[tuple[str, int]] = []
    for sender, text in stored:
        if sender == Sender.USER:
            result.append((text, 0))
        else:
            assert result, "a reply before any question"
            result[-1] = (result[-1][0], result[-1][1] + 1)
    return result


async def test_a_session_opened_on_one_instance_is_served_by_both_in_order(
        pair: tuple[AppClient, AppClient, FakeRasa]) -> None:
    a, b, _rasa = pair
    session = await a.new_session()
    answers = []
    for n, words in enumerate(WORDS):
        answers.append((await (a if n % 2 == 0 else b).say(session, words))["messages"])
    assert all(answer for answer in answers)
    assert [turn[0] for turn in turns(await transcript(a))] == WORDS  # each stored once, in order
    assert all(count >= 1 for _, count in turns(await transcript(b)))  # each answered, right after it
    shown_on_b = [m["id"] for m in (await b.messages(session))["messages"]]
    assert shown_on_b == [m["id"] for answer in answers for m in answer]  # the poll on B sees A's answers too


async def test_one_persons_messages_to_both_instances_at_once_are_answered_one_at_a_time(
        pair: tuple[AppClient, AppClient, FakeRasa]) -> None:
    a, b, rasa = pair
    session = await a.new_session()
    await a.say(session, "hello")  # the conversation exists: the rest are ordinary turns
    rasa.delay = 0.05  # a turn takes a while: the other instance's message would come in between
    await asyncio.gather(*((a if n % 2 else b).say(session, words) for n, words in enumerate(WORDS[1:])))
    assert rasa.max_in_flight == 1  # never two turns of one person in Rasa at once, across the instances
    stored = turns(await transcript(a))
    assert sorted(text for text, _ in stored) == sorted(WORDS)  # each stored once
    assert all(count >= 1 for _, count in stored)  # each question followed by its own answer


async def eventually(condition: Callable[[], bool], within: float = 30.0) -> None:
    """Wait until `condition` holds (a lease is tried every 0.1 s here); fail after `within` seconds."""
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time given")


def telegram_settings(tmp_path: Path, shared: dict[str, str], bot_api: FakeBotApi, **more: str) -> Settings:
    return isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                             **shared, **more)


async def test_a_webhook_update_posted_again_to_the_other_instance_is_answered_once(
        shared: dict[str, str], bot_api: FakeBotApi, tmp_path: Path) -> None:
    settings = telegram_settings(tmp_path, shared, bot_api,
                                 HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}
    async with serving(settings.rasa_url, {}), instance(settings) as a, instance(settings) as b:
        update = bot_api.user_update(7001, "/start")
        async with a.http.post(a.url("/telegram/webhook"), json=update, headers=headers) as response:
            assert response.status == 200
        await bot_api.wait_for("sendMessage", chat_id=7001, count=2)  # the greeting and the privacy notice
        for client in (b, a):  # Telegram did not get our answer in time: it posts the update again
            async with client.http.post(client.url("/telegram/webhook"), json=update, headers=headers) as response:
                assert response.status == 200  # taken, so that Telegram stops posting it
        assert b.app[TELEGRAM].application.update_queue.empty()  # never queued for an answer
        seen = len(bot_api.calls)
        async with b.http.post(b.url("/telegram/webhook"), json=bot_api.user_update(7002, "/start"),
                               headers=headers) as response:
            assert response.status == 200
        await bot_api.wait_for("sendMessage", chat_id=7002, count=2, since=seen)
        assert len([c for c in bot_api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == 7001]) == 2


async def test_one_instance_polls_telegram_and_the_other_takes_over_when_it_stops(
        shared: dict[str, str], bot_api: FakeBotApi, tmp_path: Path) -> None:
    settings = telegram_settings(tmp_path, shared, bot_api)

    def answers(chat_id: int) -> int:
        return len([c for c in bot_api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id])

    async with serving(settings.rasa_url, {}), AsyncExitStack() as first, AsyncExitStack() as second:
        running = {}
        for stack in (first, second):
            client = await stack.enter_async_context(instance(settings))
            running[stack] = client.app[TELEGRAM].application.updater
        await eventually(lambda: any(updater.running for updater in running.values()))  # one takes the lease
        await asyncio.sleep(0.5)  # more than a lease: the other tried, and was refused
        assert [updater.running for updater in running.values()].count(True) == 1
        await bot_api.push(bot_api.user_update(7101, "/start"))
        await bot_api.wait_for("sendMessage", chat_id=7101, count=2)

        leader, follower = sorted(running, key=lambda stack: not running[stack].running)
        await leader.aclose()  # the polling instance stops and gives its lease back: the other polls now
        await eventually(lambda: running[follower].running)
        seen = len(bot_api.calls)
        await bot_api.push(bot_api.user_update(7102, "/start"))
        await bot_api.wait_for("sendMessage", chat_id=7102, count=2, since=seen)
        assert answers(7101) == 2  # answered once, not again by the instance that took over


async def test_on_sqlite_too_an_update_is_answered_once_and_a_number_beyond_64_bits_is_refused(
        bot_api: FakeBotApi, tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                 HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}
    async with serving(settings.rasa_url, {}), instance(settings) as app:
        update = bot_api.user_update(7201, "/start")
        for _ in range(2):
            async with app.http.post(app.url("/telegram/webhook"), json=update, headers=headers) as response:
                assert response.status == 200
        await bot_api.wait_for("sendMessage", chat_id=7201, count=2)
        async with app.http.post(app.url("/telegram/webhook"), json={**update, "update_id": 2**64},
                                 headers=headers) as response:
            assert response.status == 400
            assert (await response.json())["error"] == "Please send a Telegram update as a JSON object."
        seen = len(bot_api.calls)
        next_update = bot_api.user_update(7202, "/start")
        async with app.http.post(app.url("/telegram/webhook"), json=next_update, headers=headers) as response:
            assert response.status == 200
        await bot_api.wait_for("sendMessage", chat_id=7202, count=2, since=seen)
        assert len([c for c in bot_api.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == 7201]) == 2
        noted = app.rows("SELECT update_id FROM telegram_update ORDER BY update_id")
        assert noted == [(update["update_id"],), (next_update["update_id"],)]


async def test_an_update_that_cannot_be_noted_gets_a_503_and_is_answered_when_telegram_posts_it_again(
        bot_api: FakeBotApi, tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                 HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}
    async with serving(settings.rasa_url, {}), instance(settings) as app:
        update = bot_api.user_update(7301, "/start")
        # In a thread: the app shares this event loop, and a job of its own (a lease) may hold SQLite's write lock
        # across an await; waiting for it on the loop would keep it from ever letting go.
        await asyncio.to_thread(app.rows, "ALTER TABLE telegram_update RENAME TO telegram_update_away")
        async with app.http.post(app.url("/telegram/webhook"), json=update, headers=headers) as response:
            assert response.status == 503
            assert (await response.json())["error"] == (
                "This update could not be taken in right now; please send it again.")
        await asyncio.to_thread(app.rows, "ALTER TABLE telegram_update_away RENAME TO telegram_update")
        async with app.http.post(app.url("/telegram/webhook"), json=update, headers=headers) as response:
            assert response.status == 200  # Telegram's retry: nothing was lost
        await bot_api.wait_for("sendMessage", chat_id=7301, count=2)
