"""Shared fixtures: settings in a temporary folder, the app on a loopback port, on a clock the test moves."""

from __future__ import annotations

import io
import logging
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SETTINGS, create_app
from bot.logs import configure_logging
from core.clock import FakeClock
from core.config import CONTENT_DIR, Settings, load_languages
from core.db import create_engine
from core.pseudonym import Pseudonymizer
from core.texts import Texts
from tests.fakes.bot_api import FakeBotApi

# A hung test fails with what it waited for (tests/hang_watch.py); pytester runs that plugin's own test.
pytest_plugins = ["tests.hang_watch", "pytester"]

TEXTS = Texts(CONTENT_DIR, *load_languages(CONTENT_DIR))
# The app's clock in tests moves a millisecond at every reading, so that what happens one after another gets
# times in that order (the queue's order, "the newest conversation"), as with the real clock; and a test
# moves it on (`client.clock.advance(...)`) to see what happens later.
CLOCK_TICK = timedelta(milliseconds=1)


def staffed_moment(now: datetime | None = None) -> datetime:
    """The latest Tuesday, 10:00 in Copenhagen, before `now`: within the chat's staffed hours (content/hours.yml),
    so that what a test sees does not depend on the hour it runs at. Tests of the hours set their own time."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Copenhagen"))
    tuesday = local - timedelta(days=(local.weekday() - 1) % 7 or 7)
    return tuesday.replace(hour=10, minute=0, second=0, microsecond=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(var_dir: Path, **overrides: str) -> Settings:
    environ = {
        "HAVN_VAR_DIR": str(var_dir),
        "HAVN_RASA_TOKEN": "test-rasa-token",
        "HAVN_HASH_KEY": "test-hash-key",
        "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HAVN_TELEGRAM_WEBHOOK_SECRET": "test-webhook-secret",
        "HAVN_ACTION_SERVER_TOKEN": "test-action-server-token",
        "HAVN_RASA_TIMEOUT": "5",
        **overrides,
    }
    return Settings.load(environ=environ)


CONTROLLER = Settings.model_fields["controller_name"].default  # HAVN_CONTROLLER_NAME when it is not set


def privacy_notice(language: str, days: str = "30", channel: str = "webchat", controller: str = CONTROLLER) -> str:
    """The last message of a conversation's first answer: what is kept, how long, who reads it, who is
    responsible and where to complain; on Telegram also that Telegram sees the chat."""
    parts = [TEXTS.text("privacy_notice", language, {"retention_days": days}),
             TEXTS.text("privacy_notice.responsible", language, {"controller": controller})]
    if channel == "telegram":
        parts.append(TEXTS.text("privacy_notice.telegram", language))
    return "\n".join(parts)


def first_notice(language: str, before: list[str], days: str = "30", channel: str = "webchat") -> str:
    """The privacy notice as a first reply ends: with the safety line when nothing `before` it named 112."""
    notice = privacy_notice(language, days, channel)
    return notice if any("112" in text for text in before) else f"{notice}\n{TEXTS.text('safety_line', language)}"


def database_rows(settings: Settings, query: str) -> list[tuple]:
    with sqlite3.connect(settings.var_dir / "havn.db") as db:
        return db.execute(query).fetchall()


@asynccontextmanager
async def engine_with_keys(settings: Settings, *keys: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the app's database that seals with the first of these encryption keys and unseals with any:
    what `havn rotate-key` uses while the old keys are still listed, or an app after they were removed."""
    engine = create_engine(settings.database_url, Pseudonymizer(settings.hash_key, keys))
    try:
        yield engine
    finally:
        await engine.dispose()


def isolated_settings(folder: Path, **overrides: str) -> Settings:
    """An app of its own: free loopback ports for (a fake) Rasa and the action server; the queue's periodic
    sweep is left to the test, which calls it when it wants."""
    return make_settings(folder, **{"HAVN_RASA_URL": f"http://127.0.0.1:{free_port()}",
                                    "HAVN_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
                                    "HAVN_QUEUE_SWEEP_SECONDS": "3600", **overrides})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return isolated_settings(tmp_path)


async def own_app(tmp_path: Path) -> AsyncIterator[AppClient]:
    """An app of the test's own (SQLite, no Telegram). A module that needs nothing else makes it its `client`:
    `client = pytest.fixture(own_app, name="client")`."""
    async for app_client in start_app(isolated_settings(tmp_path)):
        yield app_client


async def telegram_app(tmp_path: Path, bot_api: FakeBotApi) -> AsyncIterator[AppClient]:
    """The app with its Telegram channel on the fake Bot API. A module whose tests talk through Telegram makes
    it its `client`: `client = pytest.fixture(telegram_app, name="client")`."""
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url)
    async for app_client in start_app(settings):
        yield app_client


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API on 127.0.0.1."""
    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.stop()


class AppClient:
    """The app under test, reached over real HTTP on 127.0.0.1; `clock` is the time its stores read."""

    def __init__(self, server: TestServer, http: aiohttp.ClientSession, clock: FakeClock) -> None:
        self.server = server
        self.http = http
        self.app = server.app
        self.clock = clock

    def rows(self, query: str) -> list[tuple]:
        """Read the app's SQLite database directly: what is really stored, not what the API shows."""
        return database_rows(self.app[SETTINGS], query)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def new_session(self) -> str:
        async with self.http.post(self.url("/api/webchat/sessions")) as response:
            assert response.status == 201
            return (await response.json())["session"]

    async def say(self, session: str, text: str | None = None, payload: str | None = None,
                  expect: int = 200) -> dict:
        body = {"text": text} if payload is None else {"payload": payload}
        async with self.http.post(self.url("/api/webchat/messages"), json=body,
                                  headers=webchat_session(session)) as response:
            assert response.status == expect, await response.text()
            return await response.json()

    async def messages(self, session: str, after: int = 0, expect: int = 200) -> dict:
        """What the web chat page's poll gets (`after`: an id this session was shown)."""
        async with self.http.get(self.url("/api/webchat/messages"), params={"after": after},
                                 headers=webchat_session(session)) as response:
            assert response.status == expect, await response.text()
            return await response.json()

    async def delete_session(self, session: str, expect: int = 200) -> dict:
        async with self.http.delete(self.url("/api/webchat/session"), headers=webchat_session(session)) as response:
            assert response.status == expect, await response.text()
            return await response.json()


def webchat_session(session: str) -> dict[str, str]:
    """The header that names a web chat session (never the URL)."""
    return {"X-Havn-Session": session}


def webchat_address(session: str) -> str:
    """The person's web chat address inside a session token (what the gateway pseudonymises): its random part."""
    return session.split(".")[0]


class ServedAsInProduction(TestServer):
    """aiohttp's test server cancels a handler whose client hangs up; `web.run_app` (bot/cli.py) does not, and the
    handler goes on (a message sent as the phone lost its signal is still kept and answered). Tests see the
    same."""

    async def _make_runner(self, **kwargs: Any) -> web.AppRunner:
        return await super()._make_runner(**{**kwargs, "handler_cancellation": False})


async def start_app(settings: Settings) -> AsyncIterator[AppClient]:
    clock = FakeClock(staffed_moment(), tick=CLOCK_TICK)
    # Port 0: the kernel picks a free port as the socket binds. A port looked up beforehand (free_port) can be
    # taken in between, e.g. as the local end of an outgoing connection.
    server = ServedAsInProduction(create_app(settings, clock), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield AppClient(server, http, clock)
    await server.close()


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[AppClient]:
    async for client in start_app(settings):
        yield client


def _logging_into_buffer(log_format: Literal["text", "json"]) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("DEBUG", stream=buffer, log_format=log_format)
    yield buffer
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The app's own logging set up as `havn app` does, at DEBUG, into a buffer; restored afterwards."""
    yield from _logging_into_buffer("text")


@pytest.fixture
def json_log_output() -> Iterator[io.StringIO]:
    """The same with HAVN_LOG_FORMAT=json: one JSON object per line."""
    yield from _logging_into_buffer("json")
