"""Web chat sessions (issue 14, item 5): the token travels in a header, never in a URL; it dies when idle, when
old and when the person deletes the conversation; message ids are opaque per session, so a visitor cannot count
what others write. Against a fake Rasa; time is the tests' FakeClock."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import GATEWAY, SETTINGS
from bot.channels import webchat
from bot.channels.webchat import SESSION_HEADER, SESSIONS
from tests.conftest import TEXTS, AppClient, isolated_settings, own_app, start_app, webchat_address, webchat_session
from tests.databases import database_url
from tests.fakes.rasa import FakeRasa, serving

GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
REFUSED = TEXTS.reply("web.session_refused", "en").text  # no language named: the default's, with 112
MISSING = TEXTS.reply("web.session_missing", "en").text


client = pytest.fixture(own_app, name="client")


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"hello": GREETING}) as fake:
        yield fake


def dump(client: AppClient) -> str:
    with sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db") as db:
        return "\n".join(db.iterdump())


# The contract: the header form works, the path form is gone ---------------------------------------------------

async def test_the_header_form_sends_polls_and_deletes_without_the_token_in_any_url(
        client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    urls: list[str] = []
    for method, path, body in (("POST", "/api/webchat/messages", {"text": "hello"}),
                               ("GET", "/api/webchat/messages?after=0", None),
                               ("DELETE", "/api/webchat/session", None)):
        async with client.http.request(method, client.url(path), json=body,
                                       headers={SESSION_HEADER: session}) as response:
            assert response.status == 200, await response.text()
            urls.append(str(response.url))
            answer = await response.json()
        if method == "GET":
            assert [message["sender"] for message in answer["messages"]] == ["bot", "bot"]  # greeting, notice
    assert answer == {"erased": True}
    assert all(session not in url and webchat_address(session) not in url for url in urls)


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/webchat/sessions/{session}/messages"),
    ("GET", "/api/webchat/sessions/{session}/messages?after=0"),
    ("DELETE", "/api/webchat/sessions/{session}"),
])
async def test_the_old_path_form_answers_410_with_a_sentence_and_does_nothing(
        client: AppClient, rasa: FakeRasa, method: str, path: str) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    async with client.http.request(method, client.url(path.format(session=session)),
                                   json={"text": "hello"} if method == "POST" else None) as response:
        assert response.status == 410
        assert response.content_type == "application/json"
        error = (await response.json())["error"]
    assert "X-Havn-Session" in error and "/api/webchat/messages" in error
    assert session not in error
    assert len(rasa.received) == 1  # nothing reached the gateway
    assert client.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(1,)]  # nothing deleted either


@pytest.mark.parametrize(("headers", "sentence"), [
    ({}, MISSING),
    ({SESSION_HEADER: ""}, MISSING),
    ({SESSION_HEADER: "made-up"}, REFUSED),
    ({SESSION_HEADER: "a.b.c"}, REFUSED),
    ({SESSION_HEADER: "x" * 500}, REFUSED),
])
async def test_a_missing_or_invalid_session_is_a_401_that_says_to_start_again(
        client: AppClient, rasa: FakeRasa, headers: dict[str, str], sentence: str) -> None:
    for method, path in (("POST", "/api/webchat/messages"), ("GET", "/api/webchat/messages"),
                         ("DELETE", "/api/webchat/session")):
        async with client.http.request(method, client.url(path), headers=headers,
                                       json={"text": "hi"} if method == "POST" else None) as response:
            assert response.status == 401
            assert await response.json() == {"error": sentence}
    assert "start a new chat" in sentence
    assert rasa.received == []


async def test_a_token_signed_with_another_key_or_changed_is_refused(client: AppClient, rasa: FakeRasa,
                                                                      tmp_path: Path) -> None:
    session = await client.new_session()
    session_id, issued, signature = session.split(".")
    later = str(int(issued) + 3600)  # a younger issue time would buy more life: the signature covers it
    for forged in (f"{session_id}.{later}.{signature}", f"{session_id}x.{issued}.{signature}",
                   f"{session_id}.{issued}.{signature[:-1]}0" if signature[-1] != "0" else f"{session_id}.{issued}.1"):
        await client.say(forged, "hello", expect=401)
    async for other in start_app(isolated_settings(tmp_path / "other", HAVN_HASH_KEY="another-key")):
        await client.say(await other.new_session(), "hello", expect=401)
    await client.say(session, "hello")  # the real one works


# Expiry -------------------------------------------------------------------------------------------------------

async def test_an_idle_session_expires_and_a_poll_keeps_a_waiting_person_s_alive(
        client: AppClient, rasa: FakeRasa) -> None:
    sessions = client.app[SESSIONS]
    assert (sessions.idle, sessions.max_age) == (timedelta(hours=4), timedelta(hours=24))  # the defaults
    waiting, gone = await client.new_session(), await client.new_session()
    await client.say(waiting, "hello")
    await client.say(gone, "hello")
    for _ in range(3):  # the open page polls; the one whose tab is closed does not
        client.clock.advance(timedelta(hours=3))
        assert (await client.messages(waiting))["messages"]
    assert "start a new chat" in (await client.messages(gone, expect=401))["error"]
    await client.say(gone, "hello", expect=401)
    await client.say(waiting, "hello")  # nine hours on, still open


async def test_a_session_s_row_is_refreshed_at_most_once_a_minute_and_idle_counts_from_then(
        client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")  # the first message makes the row
    [(first,)] = client.rows("SELECT seen_at FROM webchat_session")
    client.clock.advance(timedelta(seconds=50))
    await client.say(session, "hello")  # within the minute: no write
    assert client.rows("SELECT seen_at FROM webchat_session") == [(first,)]
    client.clock.advance(timedelta(seconds=20))
    await client.say(session, "hello")  # over a minute since the row was written: refreshed
    [(refreshed,)] = client.rows("SELECT seen_at FROM webchat_session")
    assert refreshed > first
    client.clock.advance(timedelta(hours=4) - timedelta(seconds=30))  # idle 4 h less 30 s since the refresh
    await client.say(session, "hello")
    client.clock.advance(timedelta(hours=4, minutes=1))
    await client.say(session, "hello", expect=401)


async def test_a_session_that_never_wrote_expires_too_and_leaves_nothing(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    assert (await client.messages(session))["messages"] == []
    assert client.rows("SELECT COUNT(*) FROM webchat_session") == [(0,)]  # a visitor who never writes: nothing
    client.clock.advance(timedelta(hours=4, minutes=1))
    await client.messages(session, expect=401)
    await client.say(session, "hello", expect=401)


async def test_a_session_ends_at_its_maximum_age_however_busy(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    for _ in range(11):
        client.clock.advance(timedelta(hours=2))
        await client.say(session, "hello")  # 22 hours of chatting
    client.clock.advance(timedelta(hours=2, minutes=1))
    await client.say(session, "hello", expect=401)
    await client.messages(session, expect=401)


async def test_idle_and_maximum_age_are_configuration(tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, HAVN_WEBCHAT_IDLE_MINUTES="10", HAVN_WEBCHAT_MAX_AGE_HOURS="1")
    async with serving(settings.rasa_url, {"hello": GREETING}):
        async for client in start_app(settings):
            session = await client.new_session()
            await client.say(session, "hello")
            client.clock.advance(timedelta(minutes=9))
            await client.messages(session)
            client.clock.advance(timedelta(minutes=11))
            await client.messages(session, expect=401)
            other = await client.new_session()
            await client.say(other, "hello")
            for _ in range(6):
                client.clock.advance(timedelta(minutes=9))
                await client.messages(other)  # polled, never idle
            client.clock.advance(timedelta(minutes=9))
            await client.messages(other, expect=401)  # 63 minutes: older than an hour


# Refused after DELETE -------------------------------------------------------------------------------------------

async def test_a_deleted_session_is_refused_from_then_on_and_leaves_no_id_in_clear(
        client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await client.delete_session(session)
    await client.messages(session, expect=401)  # whoever copied the token reads nothing more
    await client.say(session, "hello", expect=401)  # and cannot start a new conversation with it
    await client.delete_session(session, expect=401)
    assert client.rows("SELECT COUNT(*) FROM contact") == [(0,)]
    [(key_hash, ended)] = client.rows("SELECT key_hash, ended FROM webchat_session")
    assert ended
    address_hash = client.app[GATEWAY].pseudonymizer.address_hash("webchat", webchat_address(session))
    everything = dump(client)
    assert webchat_address(session) not in everything and session.split(".")[2] not in everything
    assert address_hash not in everything and key_hash != address_hash
    fresh = await client.new_session()  # the person can start again
    assert (await client.say(fresh, "hello"))["messages"]


async def test_a_quiet_or_old_session_may_still_delete_and_only_delete(client: AppClient, rasa: FakeRasa) -> None:
    quiet, old = await client.new_session(), await client.new_session()
    await client.say(quiet, "hello")
    await client.say(old, "hello")
    client.clock.advance(timedelta(hours=5))  # the tab comes back after a long pause
    await client.messages(quiet, expect=401)  # it reads nothing…
    await client.delete_session(quiet)  # …but the person can still erase what they wrote
    assert client.rows("SELECT COUNT(*) FROM contact") == [(1,)]
    client.clock.advance(timedelta(days=2))
    await client.say(old, "hello", expect=401)
    await client.delete_session(old)
    assert client.rows("SELECT COUNT(*) FROM contact") == [(0,)]
    await client.delete_session(quiet, expect=401)  # once deleted, refused for everything


async def test_a_session_that_never_wrote_is_refused_after_delete_too(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.delete_session(session)
    await client.say(session, "hello", expect=401)


async def test_deleting_from_the_chat_itself_ends_the_session_too(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    answer = await client.say(session, payload="delete_yes")
    assert answer["ended"] is True
    assert answer["messages"][0]["text"].startswith(TEXTS.text("web.deleted", "en"))  # the browser's words
    await client.messages(session, expect=401)
    await client.say(session, "hello", expect=401)


async def test_the_rows_of_dead_tokens_go(client: AppClient, rasa: FakeRasa) -> None:
    old = await client.new_session()
    await client.say(old, "hello")
    await client.delete_session(old)
    client.clock.advance(timedelta(hours=25))  # the deleted token would be dead of old age by now
    newer = await client.new_session()
    await client.say(newer, "hello")
    assert client.rows("SELECT ended FROM webchat_session") == [(0,)]  # only the new session's row


# Message ids ----------------------------------------------------------------------------------------------------

async def test_message_ids_are_opaque_per_session_and_do_not_count_other_people(
        client: AppClient, rasa: FakeRasa) -> None:
    watcher, other = await client.new_session(), await client.new_session()
    first = [m["id"] for m in (await client.say(watcher, "hello"))["messages"]]
    for _ in range(3):
        await client.say(other, "hello")  # someone else writes in between
    second = [m["id"] for m in (await client.say(watcher, "hello"))["messages"]]
    shown = first + second
    stored = {row[0] for row in client.rows("SELECT id FROM message")}
    assert not set(shown) & stored  # none of the service's own numbers
    assert all(0 < shown_id <= 2**52 for shown_id in shown)  # safe integers in JavaScript
    assert len(set(shown)) == len(shown)
    # With the database's ids the gap would be the other person's messages; here it is any number at all.
    assert abs(second[0] - first[-1]) > 1000
    # Another session sees other numbers for the same positions, so two visitors cannot compare notes.
    other_ids = [m["id"] for m in (await client.messages(other))["messages"]]
    assert not set(other_ids) & set(shown)
    # The same message keeps its id, and `after` works with what the session was shown.
    polled = (await client.messages(watcher))["messages"]
    assert [m["id"] for m in polled] == shown
    assert [m["id"] for m in (await client.messages(watcher, after=first[-1]))["messages"]] == second


async def test_an_after_beyond_the_ids_a_session_can_see_is_a_400(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    shown = (await client.say(session, "hello"))["messages"]
    for after in (2**52 + 1, 2**52, 2**31, 12345):  # beyond the range, or in it but never shown to this session
        async with client.http.get(client.url("/api/webchat/messages"), params={"after": str(after)},
                                   headers=webchat_session(session)) as response:
            assert response.status == 400 and "after" in (await response.json())["error"], after
    assert (await client.messages(session, after=shown[-1]["id"]))["messages"] == []
    assert (await client.messages(session, after=shown[0]["id"]))["messages"] == shown[1:]


@pytest.fixture(params=["sqlite", "postgresql"])
async def on_both(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppClient]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async for app_client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=url)):
            yield app_client


async def test_any_after_a_visitor_can_send_is_a_4xx_on_both_databases(on_both: AppClient) -> None:
    """An opaque id stands for a database id of up to 2^52, more than PostgreSQL's id column compares with (the
    fuzzer found the 500 that was)."""
    session = await on_both.new_session()
    await on_both.say(session, payload="lang:en")
    for after in (1, 2, 2**31, 2**52 - 1, 2**52):
        await on_both.messages(session, after=after, expect=400)


# The page ------------------------------------------------------------------------------------------------------

async def test_the_page_tells_of_an_ended_session_with_112_and_the_hotline_in_every_language(
        client: AppClient) -> None:
    for language in TEXTS.languages:
        async with client.http.get(client.url("/"), headers={"Accept-Language": language}) as response:
            page = await response.text()
        found = re.search(r'<script id="strings" type="application/json">(.*?)</script>', page, re.DOTALL)
        assert found is not None
        notice = json.loads(found.group(1))["session_ended"]
        assert notice == TEXTS.text("web.session_ended", language)
        assert "112" in notice and "+45 70 20 25 50" in notice, language
    script = (Path(webchat.__file__).parent.parent / "static" / "webchat.js").read_text(encoding="utf-8")
    assert "X-Havn-Session" in script and "/api/webchat/sessions/" not in script  # the token never in a URL
