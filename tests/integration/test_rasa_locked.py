"""Rasa and the action server locked (issue "Hold under attack", item 4), on the real processes the Procfile
starts: Rasa's token comes from the environment, never the command line; Rasa's `/webhooks/*` and the action
server refuse whoever does not present the token (Rasa's, resp. HAVN_ACTION_SERVER_TOKEN); the app and Rasa do."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import services
from tests.conftest import AppClient
from tests.harness import RasaStack

pytestmark = pytest.mark.rasa

WEBHOOK = "/webhooks/rest/webhook"


def turn(text: str) -> dict[str, Any]:
    return {"sender": f"lock-test-{uuid.uuid4().hex}", "message": text}


async def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers or {}) as response:
        return response.status, await response.json(content_type=None)


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "test-rasa-token"},
                                     {"X-Havn-Action-Token": "test-action-server-token"}])
async def test_rasa_webhooks_refuse_a_turn_without_the_token(rasa_stack: RasaStack, headers: dict[str, str]) -> None:
    body = turn("hello")
    status, answer = await post(f"{rasa_stack.settings.rasa_url}{WEBHOOK}", body, headers)
    assert status == 401 and answer["reason"] == "NotAuthenticated"
    # Nothing was run for that conversation: its tracker (read with the token) holds no user turn.
    status, tracker = await get(f"{rasa_stack.settings.rasa_url}/conversations/{body['sender']}/tracker"
                                f"?token={rasa_stack.settings.rasa_token}")
    assert status == 200 and not [e for e in tracker["events"] if e["event"] == "user"]


async def test_every_channel_route_is_locked(rasa_stack: RasaStack) -> None:
    for path in ("/webhooks/rest/", "/webhooks/rest/webhook?token=wrong"):
        async with aiohttp.ClientSession() as http, http.get(f"{rasa_stack.settings.rasa_url}{path}") as response:
            assert response.status == 401, path


@pytest.mark.parametrize("how", ["bearer", "query"])
async def test_rasa_webhooks_answer_with_the_token(rasa_stack: RasaStack, how: str) -> None:
    token = rasa_stack.settings.rasa_token
    url = f"{rasa_stack.settings.rasa_url}{WEBHOOK}"
    if how == "bearer":
        status, replies = await post(url, turn("hello"), {"Authorization": f"Bearer {token}"})
    else:
        status, replies = await post(f"{url}?token={token}", turn("hello"))
    assert status == 200 and replies and "custom" in replies[0]


async def test_the_action_server_refuses_calls_without_the_secret(rasa_stack: RasaStack) -> None:
    url = rasa_stack.settings.action_server_url
    call = {"next_action": "action_request_handover", "sender_id": "x", "version": "3.6.21",
            "tracker": {"sender_id": "x", "slots": {}, "events": [], "latest_message": {}}, "domain": {}}
    for headers in ({}, {"X-Havn-Action-Token": "wrong"}, {"X-Havn-Action-Token": rasa_stack.settings.rasa_token}):
        assert (await post(f"{url}/webhook", call, headers))[0] == 401
        assert (await get(f"{url}/actions", headers))[0] == 401
    secret = {"X-Havn-Action-Token": rasa_stack.settings.action_server_token}
    status, actions = await get(f"{url}/actions", secret)
    assert status == 200 and {"name": "action_request_handover"} in actions
    assert (await get(f"{url}/health"))[0] == 200  # the app's health check needs no secret; it tells nothing


async def test_rasa_sends_the_secret_so_custom_actions_still_run(rasa_stack: RasaStack) -> None:
    """`action_request_handover` runs in the action server: its handover payload reaches the REST channel."""
    status, replies = await post(f"{rasa_stack.settings.rasa_url}{WEBHOOK}", turn("/talk_to_person"),
                                 {"Authorization": f"Bearer {rasa_stack.settings.rasa_token}"})
    assert status == 200
    assert any("handover" in reply.get("custom", {}) for reply in replies), replies
    log = (rasa_stack.folder / "rasa.log").read_text(errors="replace")
    assert "Encountered an exception while running action" not in log


def processes_of(stack: RasaStack) -> list[int]:
    """Every process in the groups the stack started (the shell execs; Sanic or TensorFlow may fork)."""
    groups = {process.pid for process in stack.processes.values()}
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) in groups:
                    pids.append(int(entry.name))
            except ProcessLookupError:
                continue
    return pids


def test_no_token_on_any_command_line(rasa_stack: RasaStack) -> None:
    pids = processes_of(rasa_stack)
    assert len(pids) >= 2
    secrets = (rasa_stack.settings.rasa_token, rasa_stack.settings.action_server_token)
    command_lines = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in pids}
    for pid, command_line in command_lines.items():
        for secret in secrets:
            assert secret.encode() not in command_line, (pid, command_line)
    assert any(b"rasa_plugins.rasa_server" in line for line in command_lines.values())
    assert any(b"rasa_plugins.action_server" in line for line in command_lines.values())
    # The Procfile itself names no token any more (supervisord starts `/bin/sh -c <line>`, expanded into argv).
    assert "TOKEN" not in " ".join(services.procfile().values())


async def test_the_app_talks_to_the_locked_rasa(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    greeting, _notice = (await rasa_app.say(session, "hello"))["messages"]
    assert greeting["text"].startswith("Hello. This is an anonymous chat")
    async with rasa_app.http.get(rasa_app.url("/healthz")) as response:
        assert response.status == 200, await response.text()
