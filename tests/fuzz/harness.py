"""The app under fuzzing: started once in a thread of its own (its own event loop), so that Hypothesis and
Schemathesis, which are synchronous, can send it requests over real HTTP on 127.0.0.1 while it runs.

Rasa is faked (tests/fakes/rasa.py, with a stand-in for the action server's /health, so that /healthz can say
200), Telegram is the fake Bot API in webhook mode. Every request a fuzzer sends goes through `Fuzzing.request`,
which counts what came back, and every log record at ERROR or above is kept: the tests assert there are none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests

from bot.app import ENGINE, TELEGRAM, create_app
from core.clock import FakeClock
from handover.accounts import Accounts
from tests.api.test_console_api import HANDOVER_REPLY
from tests.conftest import CLOCK_TICK, ServedAsInProduction, isolated_settings, staffed_moment
from tests.databases import fresh_postgres
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeActionServer, FakeRasa

T = TypeVar("T")

# How many cases in all (split between the three targets): a few hundred in `make test`; `make fuzz` sets more.
CASES = int(os.environ.get("HAVN_FUZZ_CASES", "300"))
# "sqlite" (the default) or "postgresql": a fresh database on the test server (tests/databases.py).
DATABASE = os.environ.get("HAVN_FUZZ_DATABASE", "sqlite")
# The rate limits (tests/api/test_limits.py shows them) raised out of the way: from one address, the fuzzer would
# otherwise mostly meet 429s and forged-looking sessions, not the parsers it is here for.
LIMITS = ("HAVN_LIMIT_SESSIONS", "HAVN_LIMIT_MESSAGES", "HAVN_LIMIT_TELEGRAM_MESSAGES", "HAVN_LIMIT_HANDOVER_REQUESTS",
          "HAVN_LIMIT_ERASURES", "HAVN_LIMIT_P1_PER_SOURCE", "HAVN_P1_SPIKE")
UNLIMITED = {name: "1000000/1" for name in LIMITS} | {"HAVN_LOGIN_FAILURE_DELAY": "0"}
TARGETS = 3
HEALTH_EVERY = 50  # cases between two looks at /healthz
SUPERVISOR, PASSWORD = "fuzz-supervisor", "correct horse battery"
WEBHOOK_URL = "https://example.invalid/telegram/webhook"


def cases_per_target() -> int:
    return -(-CASES // TARGETS)


def nightly() -> bool:
    """More cases than `make test` runs: random (not derandomized) examples, as a nightly run wants."""
    return CASES > 1000


class WebChat:
    """Where the web chat's endpoints are, in one place: the session travels in the header X-Havn-Session."""

    SESSIONS = "/api/webchat/sessions"

    @staticmethod
    def messages(session: str) -> tuple[str, dict[str, str]]:
        """The path and headers to post or fetch a session's messages."""
        return "/api/webchat/messages", {"X-Havn-Session": session}

    @staticmethod
    def session(session: str) -> tuple[str, dict[str, str]]:
        """The path and headers to delete a session."""
        return "/api/webchat/session", {"X-Havn-Session": session}


class ErrorLog(logging.Handler):
    """Every record at ERROR or above, from any logger (the app's, aiohttp's, asyncio's, python-telegram-bot's)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Figures:
    """What one target's fuzzing saw."""

    target: str
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)  # "METHOD path → status", no body
    health_checks: int = 0
    health_failures: int = 0
    error_logs: int = 0

    def line(self) -> str:
        statuses = ", ".join(f"{status}×{count}" for status, count in sorted(self.statuses.items()))
        return (f"{self.target}: {self.cases} cases; statuses {statuses}; server errors {len(self.server_errors)}; "
                f"/healthz {self.health_checks - self.health_failures}/{self.health_checks} OK; "
                f"ERROR log records {self.error_logs}")


class LiveApp:
    """The app, its fakes and its event loop, in a background thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzzed-app", daemon=True)
        self.errors = ErrorLog()
        self.http = requests.Session()
        self.base_url = ""
        self.token = ""
        self.conversation_ids: list[str] = []
        self.resources = contextlib.AsyncExitStack()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> None:
        self.thread.start()
        self.run(self._start())
        logging.getLogger().addHandler(self.errors)
        self.token = self._log_in()
        self.conversation_ids = [self._ask_for_person() for _ in range(3)]

    async def _start(self) -> None:
        self.bot_api = FakeBotApi()
        await self.bot_api.start()
        database = ({"HAVN_DATABASE_URL": await self.resources.enter_async_context(fresh_postgres())}
                    if DATABASE == "postgresql" else {})
        self.settings = isolated_settings(self.folder, HAVN_TELEGRAM_TOKEN="123456:TEST-token",
                                          HAVN_TELEGRAM_API_URL=self.bot_api.url, HAVN_TELEGRAM_WEBHOOK_URL=WEBHOOK_URL,
                                          **UNLIMITED, **database)
        self.rasa = FakeRasa()
        self.rasa.replies = {"I need a person": HANDOVER_REPLY}
        await self.rasa.start(int(self.settings.rasa_url.rsplit(":", 1)[1]))
        self.action_server = FakeActionServer()
        await self.action_server.start(int(self.settings.action_server_url.rsplit(":", 1)[1]))
        clock = FakeClock(staffed_moment(), tick=CLOCK_TICK)
        self.server = ServedAsInProduction(create_app(self.settings, clock), host="127.0.0.1")  # port 0: bound at once
        await self.server.start_server()
        self.base_url = str(self.server.make_url("")).rstrip("/")
        await Accounts(self.server.app[ENGINE]).add(SUPERVISOR, PASSWORD, "supervisor", alias="Sue")

    def _log_in(self) -> str:
        answer = self.http.post(f"{self.base_url}/api/console/login",
                                json={"username": SUPERVISOR, "password": PASSWORD}, timeout=30)
        answer.raise_for_status()
        return answer.json()["token"]

    def _ask_for_person(self) -> str:
        """A web chat that asks for a person: a conversation in the queue, for the console's fuzzing to find."""
        session = self.http.post(f"{self.base_url}{WebChat.SESSIONS}", timeout=30).json()["session"]
        path, headers = WebChat.messages(session)
        self.http.post(f"{self.base_url}{path}", json={"text": "I need a person"}, headers=headers,
                       timeout=30).raise_for_status()
        queue = self.http.get(f"{self.base_url}/api/console/queue", timeout=30,
                              headers={"Authorization": f"Bearer {self.token}"}).json()
        known = set(self.conversation_ids)
        return next(item["conversation_id"] for item in queue["items"] if item["conversation_id"] not in known)

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        self.http.close()
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()

    async def _stop(self) -> None:
        await self.server.close()
        await self.action_server.stop()
        await self.rasa.stop()
        await self.bot_api.stop()
        await self.resources.aclose()

    def wait_for_telegram(self, timeout: float = 60) -> None:
        """Until python-telegram-bot has handled every update the fuzzer posted (their errors would be logged)."""
        application = self.server.app[TELEGRAM].application

        async def drained() -> None:
            for _ in range(int(timeout * 20)):
                if application.update_queue.empty() and not _handling_updates():
                    return
                await asyncio.sleep(0.05)

        self.run(drained(), timeout + 5)


def _handling_updates() -> bool:
    """Whether python-telegram-bot still runs a handler (concurrent updates are tasks of its own), in its loop."""
    return any(not task.done() and "process_update" in repr(task.get_coro()) for task in asyncio.all_tasks())


class Fuzzing:
    """One target's run: requests through here are counted; /healthz is looked at every HEALTH_EVERY cases."""

    def __init__(self, app: LiveApp, target: str) -> None:
        self.app = app
        self.figures = Figures(target)
        self._errors_before = len(app.errors.records)

    def request(self, method: str, path: str, **options: Any) -> requests.Response:
        response = self.app.http.request(method, f"{self.app.base_url}{path}", timeout=60, **options)
        self.record(method, path, response.status_code)
        return response

    def record(self, method: str, path: str, status: int) -> None:
        figures = self.figures
        figures.cases += 1
        figures.statuses[status] += 1
        if status >= 500:  # the request as sent, for the failure's message (test data only, no person's words)
            figures.server_errors.append(f"{method} {path[:200]!r} → {status}")
        if figures.cases % HEALTH_EVERY == 0:
            self.look_at_health()

    def look_at_health(self) -> None:
        self.figures.health_checks += 1
        if self.app.http.get(f"{self.app.base_url}/healthz", timeout=60).status_code != 200:
            self.figures.health_failures += 1

    def finish(self) -> Figures:
        """The figures, after a last look at /healthz; the ERROR records logged since the start are counted."""
        self.look_at_health()
        self.figures.error_logs = len(self.app.errors.records) - self._errors_before
        return self.figures

    def failure(self) -> str:
        """What a failed assertion says: the last server errors and what the app logged at ERROR."""
        return f"server errors {self.figures.server_errors[-3:]}; logged {self.error_messages()[-3:]}"

    def error_messages(self) -> list[str]:
        return [record.getMessage()[:300] for record in self.app.errors.records[self._errors_before:]]
