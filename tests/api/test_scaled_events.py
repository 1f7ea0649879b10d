"""Two app instances on one PostgreSQL database and one Redis behave as one (handover/hub_relay.py, docs/scale.md).

A console on instance B hears what a person did through instance A, and a claim made on A, filtered for it as
B's own events are, and each console hears each event once. Presence is the database's, so both instances agree
on who is online: the waiting room's words and the on-call webhook. Redis stopped: people on both instances are
still answered, /healthz says "degraded" (200) with why, the consoles are told to poll; Redis back: the relay
resumes by itself, without a restart.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from tests.conftest import TEXTS, AppClient, isolated_settings, start_app
from tests.console_client import PASSWORD, Console, add_caseworker, conversation_of, login
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.fakes.loopback import serve
from tests.fakes.rasa import FakeRasa, serving
from tests.redis_server import RedisServer

HANDOVER_REPLY = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2", "kind": "help"}}}]
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
PATIENCE = 30.0  # seconds a test waits for something that must happen (Redis back: the relay's next try)
POLLING, LIVE = {"type": "relay", "polling": True}, {"type": "relay", "polling": False}


@dataclass
class Pair:
    """Instances A and B: one database, one Redis, one fake Rasa and action server, one on-call receiver."""

    a: AppClient
    b: AppClient
    redis: RedisServer
    rasa: FakeRasa
    pages: list[dict[str, Any]]  # what the on-call webhook received


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[Pair]:
    redis = RedisServer(tmp_path)
    redis.start()
    pages: list[dict[str, Any]] = []

    async def page(request: web.Request) -> web.Response:
        pages.append(await request.json())
        return web.json_response({"ok": True})

    async def health(request: web.Request) -> web.Response:  # the action server's, all /healthz asks of it
        return web.json_response({"status": "ok"})

    stand_ins = web.Application()
    stand_ins.router.add_post("/page", page)
    stand_ins.router.add_get("/health", health)
    first = isolated_settings(tmp_path / "a")
    port = int(first.action_server_url.rsplit(":", 1)[1])
    runner = await serve(stand_ins, port)
    try:
        async with fresh_postgres() as database, serving(first.rasa_url, {
                "I need a person": HANDOVER_REPLY, "hello": GREETING, "thanks": GREETING}) as rasa:
            shared = {"HAVN_DATABASE_URL": database, "HAVN_REDIS_URL": redis.url,
                      "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                      "HAVN_RASA_URL": first.rasa_url, "HAVN_ACTION_SERVER_URL": first.action_server_url,
                      "HAVN_ONCALL_WEBHOOK_URL": f"{first.action_server_url}/page"}
            async for a in start_app(isolated_settings(tmp_path / "a", **shared)):
                async for b in start_app(isolated_settings(tmp_path / "b", **shared)):
                    for app in (a, b):
                        await until(lambda app=app: relay_up(app), "the relay to connect")
                    yield Pair(a, b, redis, rasa, pages)
    finally:
        await runner.cleanup()
        redis.kill()


async def relay_up(client: AppClient) -> bool:
    return (await health(client))[1]["checks"].get("redis") == "ok"


async def health(client: AppClient) -> tuple[int, dict[str, Any]]:
    async with client.http.get(client.url("/healthz")) as response:
        return response.status, await response.json()


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for something that must happen; a generous bound, not a timing assertion."""
    for _ in range(int(PATIENCE / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"waited {PATIENCE} s for {what}")


async def log_in(client: AppClient, name: str) -> Console:
    """An account that already exists (made through the other instance), logged in on this one."""
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": name, "password": PASSWORD}) as response:
        assert response.status == 200, await response.text()
        body = await response.json()
    return Console(client, body["token"], body["caseworker"])


async def connect(console: Console) -> aiohttp.ClientWebSocketResponse:
    return await console.client.http.ws_connect(console.client.url("/api/console/ws"),
                                                headers={"Authorization": f"Bearer {console.token}"})


async def heard(socket: aiohttp.ClientWebSocketResponse, quiet: float = 0.5) -> list[dict[str, Any]]:
    """The events a console received until it has been quiet for `quiet` seconds."""
    events: list[dict[str, Any]] = []
    while True:
        try:
            message = await socket.receive(timeout=quiet)
        except TimeoutError:
            return events
        if message.type != aiohttp.WSMsgType.TEXT:
            return events
        events.append(json.loads(message.data))


async def hear(socket: aiohttp.ClientWebSocketResponse, wanted: dict[str, Any]) -> list[dict[str, Any]]:
    """What the console received up to and with `wanted` (which must come)."""
    events: list[dict[str, Any]] = []
    while wanted not in events:
        message = await socket.receive(timeout=PATIENCE)
        assert message.type == aiohttp.WSMsgType.TEXT, (message, events)
        events.append(json.loads(message.data))
    return events


def about(events: list[dict[str, Any]], conversation_id: str) -> list[str]:
    return [event["type"] for event in events if event.get("conversation_id") == conversation_id]


async def asks_for_a_person(client: AppClient) -> tuple[str, str, list[str]]:
    """A web chat on this instance asking for a person: (session, conversation id, the texts it was answered)."""
    session = await client.new_session()
    answer = await client.say(session, "I need a person")
    return session, await conversation_of(client, session), [message["text"] for message in answer["messages"]]


# Events across instances -----------------------------------------------------------------------------------------

async def test_a_console_on_b_hears_what_a_person_did_on_a_and_a_claim_made_on_a(pair: Pair) -> None:
    for name, role in (("sofie", "supervisor"), ("anna", "caseworker"), ("ben", "caseworker")):
        await add_caseworker(pair.a, name, role)
    anna_on_a, sofie_on_b, ben_on_b = await log_in(pair.a, "anna"), await log_in(pair.b, "sofie"), \
        await log_in(pair.b, "ben")
    anna_socket, sofie_socket, ben_socket = (await connect(anna_on_a), await connect(sofie_on_b),
                                             await connect(ben_on_b))
    session, conversation_id, _ = await asks_for_a_person(pair.a)  # through A
    for socket in (sofie_socket, ben_socket, anna_socket):  # B's consoles as A's own; each event once
        assert about(await hear(socket, {"type": "message", "conversation_id": conversation_id}),
                     conversation_id) == ["queue", "message"]
    await anna_on_a.call("POST", f"/conversations/{conversation_id}/claim")  # on A
    await pair.a.say(session, "thanks")  # the person, on A, to anna
    events = await hear(sofie_socket, {"type": "queue", "conversation_id": conversation_id}) + await heard(sofie_socket)
    # "Anna joined" to the person, the claim, the person's message to anna.
    assert about(events, conversation_id) == ["message", "queue", "message"]
    assert about(await heard(anna_socket), conversation_id) == ["message", "queue", "message"]
    # Filtered on B as B's own: ben hears once more that it left his view, then nothing of anna's conversation.
    assert len(about(await heard(ben_socket), conversation_id)) == 1


async def test_nothing_in_redis_carries_words(pair: Pair) -> None:
    """What goes through Redis: ids, states, the instance; never what the person wrote."""
    listener = Redis.from_url(pair.redis.url)
    async with listener.pubsub() as pubsub:
        await pubsub.subscribe("havn:console-events")
        await pubsub.get_message(timeout=1)  # the subscription's confirmation
        _, conversation_id, _ = await asks_for_a_person(pair.a)
        seen = []
        while (message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)) is not None:
            seen.append(json.loads(message["data"]))
    await listener.aclose()
    assert seen and {event["conversation_id"] for event in seen} == {conversation_id}
    assert all(set(event) == {"from", "type", "conversation_id", "tier", "reason"} for event in seen)
    assert "I need a person" not in json.dumps(seen)


async def test_what_is_not_an_event_on_the_channel_is_skipped_and_the_relay_goes_on(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    await add_caseworker(pair.a, "sofie", "supervisor")
    socket = await connect(await log_in(pair.b, "sofie"))
    sender = Redis.from_url(pair.redis.url)
    for garbage in ("not json", '{"from": "elsewhere", "type": "no such type", "conversation_id": null, '
                    '"tier": null, "reason": null}', '["a list"]', '{"from": "elsewhere"}'):
        await sender.publish("havn:console-events", garbage)
    await sender.aclose()
    _, conversation_id, _ = await asks_for_a_person(pair.a)
    assert about(await hear(socket, {"type": "message", "conversation_id": conversation_id}),
                 conversation_id) == ["queue", "message"]  # and nothing else reached the console
    assert caplog.text.count("a console event on Redis this instance cannot read was skipped") == 4 * 2
    assert "ERROR" not in caplog.text


# Presence: the database's, the same on every instance ------------------------------------------------------------

async def test_a_caseworker_online_on_b_counts_on_a(pair: Pair) -> None:
    anna = await login(pair.a, "anna")
    _, _, nobody_said = await asks_for_a_person(pair.a)
    assert TEXTS.text("queue.nobody", "en") in "\n".join(nobody_said)  # nobody online anywhere yet
    assert (await anna.call("GET", "/queue"))["online"] == 0
    socket = await connect(await log_in(pair.b, "anna"))  # online through B
    assert (await anna.call("GET", "/queue"))["online"] == 1  # as A counts
    _, _, waiting_said = await asks_for_a_person(pair.a)
    assert TEXTS.text("queue.nobody", "en") not in "\n".join(waiting_said)
    await socket.close()


async def test_the_on_call_worker_is_woken_only_while_nobody_is_online_on_any_instance(pair: Pair) -> None:
    await add_caseworker(pair.a, "anna")
    session = await pair.a.new_session()
    await pair.a.say(session, payload="danger")  # a P1 through A, nobody online anywhere
    await until(lambda: asyncio.sleep(0, bool(pair.pages)), "the on-call call")
    assert [page["tier"] for page in pair.pages] == ["P1"]
    socket = await connect(await log_in(pair.b, "anna"))  # online through B
    other = await pair.a.new_session()
    replies = [message["text"] for message in (await pair.a.say(other, payload="danger"))["messages"]]
    assert TEXTS.reply("danger.person_coming", "en").text in replies
    await heard(socket)  # the ring reached anna on B; meanwhile no second call went out
    assert [page["tier"] for page in pair.pages] == ["P1"]
    await socket.close()


# Redis down, and back -------------------------------------------------------------------------------------------

async def test_redis_down_people_are_answered_consoles_poll_and_the_relay_comes_back_by_itself(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    await add_caseworker(pair.a, "anna")
    await add_caseworker(pair.a, "sofie", "supervisor")
    anna_on_a, sofie_on_b = await log_in(pair.a, "anna"), await log_in(pair.b, "sofie")
    anna_socket, sofie_socket = await connect(anna_on_a), await connect(sofie_on_b)
    assert await health(pair.a) == (200, {"status": "ok", "checks": {
        "database": "ok", "rasa": "ok", "action_server": "ok", "redis": "ok"}})

    pair.redis.kill()
    assert (await hear(anna_socket, POLLING))[-1] == POLLING  # every console: poll now
    assert (await hear(sofie_socket, POLLING))[-1] == POLLING
    for app in (pair.a, pair.b):
        status, body = await health(app)
        assert status == 200 and body["status"] == "degraded"  # still serving: the load balancer keeps it
        assert body["checks"]["redis"].startswith("unreachable")
        assert {name: value for name, value in body["checks"].items() if name != "redis"} == {
            "database": "ok", "rasa": "ok", "action_server": "ok"}
    # People on both instances are answered, and a claim works; the consoles find it by polling the API.
    session_a, conversation_a, _ = await asks_for_a_person(pair.a)
    session_b, conversation_b, _ = await asks_for_a_person(pair.b)
    await anna_on_a.call("POST", f"/conversations/{conversation_b}/claim")
    await pair.b.say(session_b, "thanks")  # to anna, who holds it now
    assert (await pair.a.say(session_a, "hello"))["messages"]
    queue = await sofie_on_b.call("GET", "/queue")
    assert conversation_a in [item["conversation_id"] for item in queue["items"]]
    assert conversation_b in [item["conversation_id"] for item in queue["assigned"]]
    late_socket = await connect(await log_in(pair.b, "anna"))  # a console that connects now polls from the start
    assert (await hear(late_socket, POLLING)) == [POLLING]

    pair.redis.start()  # the same address; nobody restarts the apps
    for socket in (anna_socket, sofie_socket, late_socket):
        assert (await hear(socket, LIVE))[-1] == LIVE
    for app in (pair.a, pair.b):
        assert await health(app) == (200, {"status": "ok", "checks": {
            "database": "ok", "rasa": "ok", "action_server": "ok", "redis": "ok"}})
    _, conversation_c, _ = await asks_for_a_person(pair.a)  # events from A reach B again
    assert about(await hear(sofie_socket, {"type": "message", "conversation_id": conversation_c}),
                 conversation_c) == ["queue", "message"]
    assert "console events between instances stopped" in caplog.text and "ERROR" not in caplog.text


# /healthz: degraded but serving (200), or down (503) -------------------------------------------------------------

async def test_healthz_is_down_and_503_only_when_the_database_is_away(tmp_path: Path) -> None:
    async with fresh_postgres() as database:
        async for client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=database)):
            name = database.rsplit("/", 1)[1]
            admin = await asyncpg.connect(POSTGRES_URL)
            try:  # the database gone, its connections ended: this instance cannot serve at all
                await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            finally:
                await admin.close()
            status, body = await health(client)
            assert status == 503 and body["status"] == "down"
            assert body["checks"]["database"].startswith("error")
