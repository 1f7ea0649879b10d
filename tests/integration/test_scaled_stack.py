"""The scaled stack for real (`havn run-scaled`, issue "Scale out", items 2 and 3): two Rasa on one PostgreSQL tracker
store with Redis locks, two action servers, two apps, HAProxy in front. Heavy (two Rasa load their model, minutes
on a small machine): it runs in `make chaos` only (HAVN_CHAOS=1).

A web chat turn through HAProxy is answered by Rasa; with one Rasa stopped the turns go to the other and are still
answered by the bot (not the fallback); with one app stopped HAProxy sends everything to the other."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from configparser import ConfigParser
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from cryptography.fernet import Fernet

from bot.scaled_layout import LOOPBACK
from core.config import ROOT
from tests.conftest import TEXTS, free_port, webchat_session
from tests.databases import POSTGRES_URL

pytestmark = [pytest.mark.rasa, pytest.mark.chaos,
              pytest.mark.skipif(not os.environ.get("HAVN_CHAOS"), reason="the whole scaled stack: make chaos")]

BIN = Path(sys.executable).parent
READY_SECONDS = 900  # two Rasa loading TensorFlow and the model at once on a busy 2-core machine
FALLBACK = TEXTS.text("rasa_unavailable", "en")


CASEWORKER, PASSWORD = "scaled-caseworker", "a long enough password"


@dataclass
class Scaled:
    url: str
    folder: Path
    environment: dict[str, str]

    @property
    def configuration(self) -> Path:
        return self.folder / "scaled" / "supervisord.conf"

    def supervisorctl(self, *arguments: str) -> str:
        return subprocess.run([BIN / "supervisorctl", "--configuration", self.configuration, *arguments],
                              capture_output=True, text=True).stdout

    def port(self, program: str, variable: str) -> int:
        parser = ConfigParser(interpolation=None)
        parser.read(self.configuration)
        pairs = dict(pair.split("=", 1) for pair in parser[f"program:{program}"]["environment"].split(","))
        return int(pairs[variable].strip('"'))


def get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        with contextlib.suppress(ValueError):
            return json.loads(error.read())
        return None
    except (OSError, ValueError):
        return None


def rasa_ready(stack: Scaled, number: int) -> bool:
    port = stack.port(f"rasa-{number}", "HAVN_RASA_PORT")
    status = get_json(f"http://{LOOPBACK}:{port}/status?token=test-rasa-token")
    return bool(status and status.get("model_file"))


def wait_until(condition, process: subprocess.Popen[bytes], log: Path, seconds: float = READY_SECONDS) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"havn run-scaled exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {seconds} s; log: {log}")
        time.sleep(2)


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new database on the test server (tests/databases.py), made and dropped outside the test's event loop."""
    name = f"havn_scaled_{secrets.token_hex(6)}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_URL, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    folder = tmp_path_factory.mktemp("scaled")
    port = free_port()
    with postgres_database() as database, postgres_database() as tracker:
        variables = {
            "HAVN_VAR_DIR": str(folder), "HAVN_PORT": str(port),
            "HAVN_DATABASE_URL": database, "HAVN_RASA_TRACKER_URL": tracker,  # PostgreSQL refuses to run as root
            "HAVN_RASA_TOKEN": "test-rasa-token", "HAVN_HASH_KEY": "test-hash-key",
            "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "HAVN_TELEGRAM_WEBHOOK_SECRET": "test-webhook-secret",
            "HAVN_ACTION_SERVER_TOKEN": "test-action-server-token", "HAVN_RASA_TIMEOUT": "30",
        }
        # PYTHONPATH: this checkout's code for `havn` and what it starts, even when the virtual environment's
        # editable install points at another checkout (a git worktree sharing it).
        environment = {**{name: value for name, value in os.environ.items() if not name.startswith("HAVN_")},
                       "PYTHONPATH": str(ROOT)}
        log = folder / "run-scaled.log"
        with log.open("wb") as output:
            process = subprocess.Popen([BIN / "havn", "run-scaled"], cwd=ROOT, env={**environment, **variables},
                                       stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        stack = Scaled(f"http://{LOOPBACK}:{port}", folder, {**environment, **variables})
        try:
            wait_until(lambda: stack.configuration.exists(), process, log)
            wait_until(lambda: rasa_ready(stack, 1) and rasa_ready(stack, 2), process, log)
            wait_until(lambda: (get_json(f"{stack.url}/healthz") or {}).get("status") == "ok", process, log)
            subprocess.run([BIN / "havn", "caseworker", "add", CASEWORKER], input=f"{PASSWORD}\n", text=True,
                           cwd=ROOT, env=stack.environment, check=True, capture_output=True)
            yield stack
        finally:
            process.send_signal(signal.SIGTERM)  # havn run-scaled stops supervisord's programs, then Redis
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def say(url: str, text: str, session: str | None = None, payload: bool = False) -> tuple[str, list[str]]:
    async with aiohttp.ClientSession() as http:
        if session is None:
            async with http.post(f"{url}/api/webchat/sessions") as response:
                assert response.status == 201, await response.text()
                session = (await response.json())["session"]
        async with http.post(f"{url}/api/webchat/messages", json={"payload" if payload else "text": text},
                             headers=webchat_session(session)) as response:
            assert response.status == 200, await response.text()
            return session, [message["text"] for message in (await response.json())["messages"]]


async def test_a_web_chat_turn_through_haproxy_is_answered_by_rasa(scaled: Scaled) -> None:
    session, replies = await say(scaled.url, "hello")
    assert replies and FALLBACK not in replies
    _, replies = await say(scaled.url, "what are my rights", session)
    assert replies and FALLBACK not in replies


async def test_with_one_rasa_stopped_the_turns_go_to_the_other(scaled: Scaled) -> None:
    scaled.supervisorctl("stop", "rasa-1")
    try:
        assert "STOPPED" in scaled.supervisorctl("status", "rasa-1")
        session = None
        for text in ("hello", "what are my rights", "I need help", "hello"):
            session, replies = await say(scaled.url, text, session)
            assert replies and FALLBACK not in replies, text
        health = get_json(f"{scaled.url}/healthz")
        # One Rasa answers, so the service does: "degraded", still 200, naming the instance by number.
        assert health is not None and health["status"] == "degraded", health
        assert health["checks"]["rasa"].startswith("1 of 2: "), health
    finally:
        scaled.supervisorctl("start", "rasa-1")


async def test_with_one_app_stopped_haproxy_sends_everything_to_the_other(scaled: Scaled) -> None:
    scaled.supervisorctl("stop", "app-1")
    try:
        session = None
        for text in ("hello", "what are my rights", "hello"):
            session, replies = await say(scaled.url, text, session)  # the same conversation, on the other app
            assert replies and FALLBACK not in replies, text
        # The console's WebSocket through HAProxy (upgraded, then a tunnel): it hears the person who asks for
        # someone. One app runs, so this does not depend on events crossing instances.
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{scaled.url}/api/console/login",
                                 json={"username": CASEWORKER, "password": PASSWORD}) as response:
                assert response.status == 200, await response.text()
                token = (await response.json())["token"]
            async with http.ws_connect(f"{scaled.url}/api/console/ws",
                                       headers={"Authorization": f"Bearer {token}"}) as socket:
                await say(scaled.url, "/talk_to_person", payload=True)
                events = [await socket.receive_json(timeout=60)]
                while events[-1]["type"] != "queue" and len(events) < 10:  # a queue event, whatever came first
                    events.append(await socket.receive_json(timeout=60))
                assert events[-1]["type"] == "queue", events
    finally:
        scaled.supervisorctl("start", "app-1")
