"""Hostile input on the web chat API (issue "Hold under attack", item 6, first part): whatever arrives, the
answer is a 4xx with a sentence, never a 500, and Rasa's command syntax never gets past the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import SETTINGS
from tests.conftest import AppClient, own_app, webchat_session
from tests.fakes.rasa import FakeRasa, serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked or down


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {}) as fake:
        yield fake


async def post_raw(client: AppClient, session: str, body: bytes,
                   content_type: str = "application/json") -> tuple[int, dict]:
    async with client.http.post(client.url("/api/webchat/messages"), data=body,
                                headers={"Content-Type": content_type, **webchat_session(session)}) as response:
        return response.status, await response.json()


@pytest.mark.parametrize("typed", [" /restart", "\n/session_start", "//greet", "\t /back now"])
async def test_typed_text_never_reaches_rasa_as_a_command(client: AppClient, rasa: FakeRasa, typed: str) -> None:
    session = await client.new_session()
    await client.say(session, typed)
    assert rasa.received and not rasa.received[-1]["message"].lstrip().startswith("/")


@pytest.mark.parametrize("payload", ["/restart", "/session_start", "/back", "/nlu_fallback", "/danger{\"x\":1}"])
async def test_a_payload_that_is_no_button_of_ours_is_refused_kindly(client: AppClient, rasa: FakeRasa,
                                                                     payload: str) -> None:
    session = await client.new_session()
    answer = await client.say(session, payload=payload, expect=400)
    assert answer["error"] and rasa.received == []


@pytest.mark.parametrize("body", [
    b'{"text": "\\ud800"}',  # a lone surrogate
    b'{"text": "caf\xe9"}',  # not UTF-8
    b"[" * 10_000 + b"]" * 10_000,  # nested 10,000 deep
    b'{"text": ' + b"9" * 5000 + b"}",  # a number of 5,000 digits
])
async def test_broken_json_is_a_400_with_a_sentence(client: AppClient, rasa: FakeRasa, body: bytes) -> None:
    session = await client.new_session()
    status, answer = await post_raw(client, session, body)
    assert status == 400 and answer["error"]


async def test_a_body_that_is_not_json_is_a_415(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    status, answer = await post_raw(client, session, b'{"text": "hello"}', content_type="text/plain")
    assert status == 415 and answer["error"]


@pytest.mark.parametrize("after", ["99999999999999999999999999", "-1", "1e5", "abc"])
async def test_an_out_of_range_after_is_a_400(client: AppClient, after: str) -> None:
    session = await client.new_session()
    async with client.http.get(client.url(f"/api/webchat/messages?after={after}"),
                               headers=webchat_session(session)) as response:
        assert response.status == 400 and (await response.json())["error"]
