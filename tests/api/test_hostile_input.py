"""Hostile input on the web chat API, the console API and the Telegram webhook (issue "Hold under attack", item 6):
whatever arrives, the answer is a 4xx with a sentence in JSON, never a 500, and Rasa's command syntax never gets
past the gateway. The fuzzing of the same endpoints is in tests/fuzz/."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import GATEWAY, SETTINGS
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from bot.gateway import Inbound
from core.messages import well_formed
from tests.conftest import AppClient, isolated_settings, own_app, start_app, webchat_session
from tests.console_client import login
from tests.fakes.bot_api import FakeBotApi
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


@pytest.mark.parametrize(("typed", "to_rasa"), [
    ("they don’t pay me", "they dont pay me"), ("i'm scared, i can't leave", "im scared, i cant leave"),
    ("j'ai une question, c'est anonyme", "j'ai une question, c'est anonyme"), ("м'ясо", "м'ясо"),
])
async def test_an_english_contractions_apostrophe_does_not_reach_the_nlu(client: AppClient, rasa: FakeRasa,
                                                                      typed: str, to_rasa: str) -> None:
    """Walk 4: "they don't pay me" was not understood where "dont" was; French and Ukrainian apostrophes stay."""
    session = await client.new_session()
    await client.say(session, typed)
    assert rasa.received[-1]["message"] == to_rasa


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


@pytest.mark.parametrize("after", ["99999999999999999999999999", "2147483648", "-1", "1e5", "abc"])
async def test_an_out_of_range_after_is_a_400(client: AppClient, after: str) -> None:
    session = await client.new_session()
    async with client.http.get(client.url(f"/api/webchat/messages?after={after}"),
                               headers=webchat_session(session)) as response:
        assert response.status == 400 and (await response.json())["error"]


# The rest of item 6: one parser and one error middleware for every JSON endpoint --------------------------------

HOSTILE_BODIES = [
    b'{"username": "\\ud800", "password": "x"}',  # a lone surrogate
    b'{"username": "\\udfff\\ud800", "password": "x"}',  # two lone ones, the wrong way round
    b'{"username": "caf\xe9", "password": "x"}',  # not UTF-8
    b'\xff\xfe{\x00}\x00',  # UTF-16
    b"[" * 10_000 + b"]" * 10_000,  # nested 10,000 deep
    b'{"a": ' * 300 + b"1" + b"}" * 300,  # objects nested 300 deep
    b'{"username": ' + b"9" * 5000 + b', "password": "x"}',  # a number of 5,000 digits
    b'{"username": "a\\u0000b", "password": "x"}',  # U+0000, which PostgreSQL's text refuses
    b'{"username": "anna", "password": NaN}',
    b'{"username": "anna", "password": 1e999}',
    b'{"username": "anna", "password": "x"',  # cut short
    b'{"username": true, "password": ["x"]}',  # structured, but wrong
    b'"just a string"',
    b"null",
]


async def post_to(client: AppClient, path: str, body: bytes, headers: dict[str, str] | None = None
                  ) -> tuple[int, str, dict]:
    async with client.http.post(client.url(path), data=body,
                                headers={"Content-Type": "application/json", **(headers or {})}) as response:
        return response.status, response.content_type, await response.json()


async def test_the_console_login_answers_broken_json_with_a_400_and_a_sentence(client: AppClient) -> None:
    for body in HOSTILE_BODIES:
        status, content_type, answer = await post_to(client, "/api/console/login", body)
        assert (status, content_type) == (400, "application/json"), body[:40]
        assert answer["error"].endswith("."), body[:40]


async def test_a_lone_surrogate_or_nul_in_the_web_chat_is_refused_not_stored(client: AppClient,
                                                                              rasa: FakeRasa) -> None:
    session = await client.new_session()
    for body in (b'{"text": "help \\ud800"}', b'{"text": "\\udc00"}', b'{"text": "a\\u0000"}',
                 b'{"payload": "\\ud800"}'):
        status, _, answer = await post_to(client, "/api/webchat/messages", body, webchat_session(session))
        assert status == 400 and answer["error"]
    assert rasa.received == [] and client.rows("SELECT count(*) FROM message") == [(0,)]


async def test_percent_zero_in_a_query_or_path_is_a_4xx_in_json(client: AppClient) -> None:
    session = await client.new_session()
    for path, headers, expected in (
            ("/api/webchat/messages?after=%00", webchat_session(session), 400),
            ("/api/webchat/messages?after=%ff", webchat_session(session), 400),
            ("/api/webchat/messages", {"X-Havn-Session": "a.\u00e9.\u00e9"}, 401),  # not ASCII (sent as Latin-1)
            ("/api/webchat/sessions/a%00b/messages", {}, 404),
            ("/api/webchat/sessions/a.%ED%A0%80/messages", {}, 410),  # the old path form, a lone surrogate
            ("/api/console/conversations/a%00b", {}, 404)):
        async with client.http.get(client.url(path), headers=headers) as response:
            assert response.status == expected and (await response.json())["error"], path


async def test_console_query_values_out_of_range_are_a_400(client: AppClient) -> None:
    supervisor = await login(client, "sue", "supervisor")
    for before in ("99999999999999999999999999", "2147483648", "-1", "%00"):
        await supervisor.call("GET", f"/audit?before={before}", expect=400)
    await supervisor.call("GET", "/canned?language=%00", expect=400)
    for caseworker_id in (2**64, 2**31):  # ids are PostgreSQL's int4
        await supervisor.call("POST", "/conversations/x/transfer", {"caseworker_id": caseworker_id}, expect=400)
    for message_id in ("9" * 30, "9" * 5000, "2147483648", "²", "١٢"):
        await supervisor.call("GET", f"/conversations/x/messages/{message_id}/media", expect=404)


async def test_text_the_gateway_did_not_parse_itself_is_made_well_formed_for_every_step(
        client: AppClient, rasa: FakeRasa) -> None:
    """Telegram's polling mode parses with python-telegram-bot, not our parser: a lone surrogate or U+0000 there
    reaches the gateway, whose language detector, danger lexicon, sealing and Rasa client must all take it."""
    gateway = client.app[GATEWAY]
    replies = await gateway.handle(Inbound("telegram", "4711", text="hello \ud800 there\x00",
                                           language_hint="en\udfff"))
    assert replies and any("112" in reply.text for reply in replies)
    assert rasa.received[-1]["message"] == "hello \ufffd there\ufffd"
    danger = await gateway.handle(Inbound("telegram", "4711", text="he took my passport \ud83d"))
    assert any("112" in reply.text for reply in danger)  # the lexicon still finds the words around it


def test_well_formed_replaces_only_what_cannot_be_encoded() -> None:
    assert well_formed("a\ud800b\x00c") == "a\ufffdb\ufffdc"
    assert well_formed("\ud83d\ude00") == "😀"  # a pair written as two code points is one character
    assert well_formed("hej 😀") == "hej 😀" and well_formed(None) is None


def test_a_storm_of_combining_marks_keeps_four_on_a_letter_and_real_writing_untouched() -> None:
    """Found walking the chat: 300 accents on one letter drew far outside the bubble, over the chat's buttons
    and the console's transcript."""
    assert well_formed("a" + "\u0301" * 300 + "b") == "a" + "\u0301" * 4 + "b"
    assert well_formed("ก" + "\u0e49" * 50) == "ก" + "\u0e49" * 4
    for writing in ("tiếng Việt có dấu", "ที่นี่ปลอดภัยไหม", "مَرْحَبًا", "Ǻ\u0301\u0323 x", "Zoë"):
        assert well_formed(writing) == writing


async def test_a_storm_of_combining_marks_is_stored_as_four_marks(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hi" + "\u0301" * 300)
    assert rasa.received[-1]["message"] == "hi" + "\u0301" * 4


def test_invisible_characters_that_split_words_are_dropped_and_emoji_joiners_kept() -> None:
    assert well_formed("h\u200be\u200bl\u200bp m\u200be") == "help me"
    assert well_formed("\ufeffkill\u2060ing soft\u00adly") == "killing softly"
    assert well_formed("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"


async def test_danger_written_with_zero_width_spaces_is_heard(client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4: "h\u200be\u200bl\u200bp m\u200be" looked like "help me" and got the answer about children's rights."""
    session = await client.new_session()
    replies = (await client.say(session, "i am l\u200bocked i\u200bn"))["messages"]
    assert replies[0]["text"].startswith("If you are in danger now, call 112.")


# The Telegram webhook: the same parser, after the secret --------------------------------------------------------

@pytest.fixture
async def webhook_client(tmp_path: Path, bot_api: FakeBotApi) -> AsyncIterator[AppClient]:
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                 HAVN_TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram/webhook")
    async for app_client in start_app(settings):
        yield app_client


async def test_the_telegram_webhook_answers_broken_bodies_with_a_400_and_a_sentence(
        webhook_client: AppClient, bot_api: FakeBotApi) -> None:
    secret = {SECRET_HEADER: webhook_client.app[SETTINGS].telegram_webhook_secret}
    wrong_shapes = [b'{"update_id": "x", "message": 5}', b'{"update_id": 1, "message": {"text": "hi"}}', b"[1, 2]"]
    for body in [*HOSTILE_BODIES, *wrong_shapes]:
        status, content_type, answer = await post_to(webhook_client, WEBHOOK_PATH, body, secret)
        assert (status, content_type) == (400, "application/json"), body[:40]
        assert answer["error"].endswith("."), body[:40]
    status, _, answer = await post_to(webhook_client, WEBHOOK_PATH, b"{}", {SECRET_HEADER: "wrong \xe9"})
    assert status == 403 and answer["error"]
    async with webhook_client.http.post(webhook_client.url(WEBHOOK_PATH), data=b"update_id=1",
                                        headers={**secret, "Content-Type": "text/plain"}) as response:
        assert response.status == 415
    # …and a real update still goes through.
    async with webhook_client.http.post(webhook_client.url(WEBHOOK_PATH), json=bot_api.user_update(77, "hello"),
                                        headers=secret) as response:
        assert response.status == 200
    assert await bot_api.wait_for("sendMessage", chat_id=77)


async def test_a_body_cut_off_before_its_length_is_no_database_error(client: AppClient, rasa: FakeRasa,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A client that says 100 bytes, sends 6 and hangs up (a phone losing its signal, or an attacker): nothing of
    ours failed, so nothing at ERROR, and no "database unreachable" that would send the on-call looking at the
    database. The next message is answered as usual."""
    session = await client.new_session()
    _, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"POST /api/webchat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 + "".join(f"{name}: {value}\r\n" for name, value in webchat_session(session).items()).encode()
                 + b"Content-Length: 100\r\n\r\n{\"text")
    await writer.drain()
    with caplog.at_level(logging.INFO):
        await asyncio.sleep(0.2)
        writer.close()
        for _ in range(50):  # the handler notices the close on its own time
            if "went away" in caplog.text:
                break
            await asyncio.sleep(0.05)
    assert "went away" in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert (await client.say(session, "hello"))["messages"]
