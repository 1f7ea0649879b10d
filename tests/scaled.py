"""Two app instances on one PostgreSQL database, one Redis, one fake Rasa and action server: what the tests of
docs/scale.md share (tests/api/test_scaled_events.py, tests/browser/test_console_relay_browser.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.fernet import Fernet

from tests.conftest import AppClient, isolated_settings, start_app
from tests.console_client import PASSWORD, Console, conversation_of
from tests.databases import fresh_postgres
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


async def two_instances(tmp_path: Path) -> AsyncIterator[Pair]:
    """A test module's fixture: `pair = pytest.fixture(two_instances, name="pair")`."""
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
