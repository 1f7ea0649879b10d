"""`havn run`'s three processes under supervisord (bot/supervision.py), killed in turn (issue "Scale out and
survive faults", item 5): Rasa, then the action server, then the app. Each comes back by itself; while Rasa is
down the web chat still answers, with the fallback that names 112; nothing else is restarted."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet

from bot import services, supervision
from core.config import ROOT, Settings
from tests.conftest import TEXTS, free_port, webchat_session
from tests.harness import READY_TIMEOUT, RasaStack

pytestmark = pytest.mark.rasa

BIN = Path(sys.executable).parent


@dataclass
class Stack:
    settings: Settings
    configuration: Path
    url: str

    def pid(self, name: str) -> int:
        output = subprocess.run([BIN / "supervisorctl", "--configuration", self.configuration, "pid", name],
                                capture_output=True, text=True).stdout.strip()
        return int(output) if output.isdigit() else 0


@pytest.fixture(scope="module")
def stack(rasa_stack: RasaStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The Procfile's processes as `havn run` starts them (its model trained by the session's Rasa fixture)."""
    folder = tmp_path_factory.mktemp("supervised")
    port = free_port()
    variables = {
        "HAVN_VAR_DIR": str(folder), "HAVN_HOST": "127.0.0.1", "HAVN_PORT": str(port),
        "HAVN_RASA_URL": f"http://127.0.0.1:{free_port()}",
        "HAVN_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
        "HAVN_RASA_TOKEN": "test-rasa-token", "HAVN_HASH_KEY": "test-hash-key",
        "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "HAVN_TELEGRAM_WEBHOOK_SECRET": "test-webhook-secret",
        "HAVN_ACTION_SERVER_TOKEN": "test-action-server-token", "HAVN_RASA_TIMEOUT": "5",
        "HAVN_DEVELOPMENT": "1",
    }
    settings = Settings.load(environ=variables)
    environment = {**services.run_environment(settings), **variables}
    configuration = supervision.write_config(services.procfile(), ROOT, folder)
    with (folder / "supervisord.log").open("wb") as log:
        process = subprocess.Popen([BIN / "supervisord", "--nodaemon", "--configuration", configuration],
                                   cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        running = Stack(settings, configuration, f"http://127.0.0.1:{port}")
        wait_healthy(running.url)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # 503: down (no database), with the details
        return json.loads(error.read())
    except OSError:
        return None


def wait_healthy(url: str, seconds: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while (state := health(url)) is None or state["status"] != "ok":
        if time.monotonic() > deadline:
            raise TimeoutError(f"not healthy after {seconds} s: {state}")
        time.sleep(1)


async def say(url: str, text: str, session: str | None = None) -> tuple[str, list[str]]:
    async with aiohttp.ClientSession() as http:
        if session is None:
            async with http.post(f"{url}/api/webchat/sessions") as response:
                assert response.status == 201
                session = (await response.json())["session"]
        async with http.post(f"{url}/api/webchat/messages", json={"text": text},
                             headers=webchat_session(session)) as response:
            assert response.status == 200, await response.text()
            return session, [message["text"] for message in (await response.json())["messages"]]


async def test_a_killed_rasa_comes_back_and_the_chat_answers_meanwhile(stack: Stack) -> None:
    others = {name: stack.pid(name) for name in ("actions", "app")}
    rasa = stack.pid("rasa")
    os.kill(rasa, signal.SIGKILL)
    session, replies = await say(stack.url, "hello")  # Rasa is down or starting: the fallback, with 112
    assert TEXTS.text("rasa_unavailable", "en") in replies
    wait_healthy(stack.url)
    assert stack.pid("rasa") not in (0, rasa)
    assert {name: stack.pid(name) for name in others} == others
    _, replies = await say(stack.url, "what are my rights", session)
    assert replies


async def test_a_killed_action_server_comes_back(stack: Stack) -> None:
    others = {name: stack.pid(name) for name in ("rasa", "app")}
    actions = stack.pid("actions")
    os.kill(actions, signal.SIGKILL)
    wait_healthy(stack.url)
    assert stack.pid("actions") not in (0, actions)
    assert {name: stack.pid(name) for name in others} == others


async def test_a_killed_app_comes_back_and_the_conversation_goes_on(stack: Stack) -> None:
    session, _ = await say(stack.url, "hello")
    others = {name: stack.pid(name) for name in ("rasa", "actions")}
    app = stack.pid("app")
    os.kill(app, signal.SIGKILL)
    wait_healthy(stack.url, seconds=120)
    assert stack.pid("app") not in (0, app)
    assert {name: stack.pid(name) for name in others} == others
    _, replies = await say(stack.url, "I need help", session)  # the same session, on the new process
    assert replies
