"""The console's WebSocket (handover/console_live.py, handover/hub.py), on SQLite and on PostgreSQL: tied to the
session that opened it, and filtered by role.

A socket closes with 4401 when its session ends (logout, the session's end by the clock, the account made
inactive) and with 4403 when the account's role changes. A caseworker hears about the waiting conversations and
their own, nothing about one the bot holds or another caseworker holds; a supervisor about every waiting and
every held one, nothing about one the bot holds; a ring for danger reaches whoever can take the conversation.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import ENGINE, SETTINGS
from handover.accounts import SESSION_LIFETIME
from tests.conftest import AppClient, isolated_settings, start_app
from tests.console_client import Console, conversation_of, login
from tests.fakes.rasa import FakeRasa, serving

HANDOVER_REPLY = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2", "kind": "help"}}}]
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
DANGER_WORDS = "help me now he is coming back"  # in the danger lexicon (content/danger/)
SESSION_ENDED, ROLE_CHANGED = 4401, 4403


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"I need a person": HANDOVER_REPLY, "hello": GREETING,
                                                       "thanks": GREETING}) as fake:
        yield fake


async def connect(client: AppClient, console: Console) -> aiohttp.ClientWebSocketResponse:
    return await client.http.ws_connect(client.url("/api/console/ws"),
                                        headers={"Authorization": f"Bearer {console.token}"})


async def heard(socket: aiohttp.ClientWebSocketResponse, quiet: float = 0.5) -> list[dict[str, Any]]:
    """The events a console received until it has been quiet for `quiet` seconds; a close as {"closed": code}."""
    events: list[dict[str, Any]] = []
    while True:
        try:
            message = await socket.receive(timeout=quiet)
        except TimeoutError:
            return events
        if message.type == aiohttp.WSMsgType.TEXT:
            events.append(json.loads(message.data))
        elif message.type == aiohttp.WSMsgType.CLOSE:
            events.append({"closed": message.data})
        else:  # CLOSED, CLOSING, ERROR: nothing more will come
            return events


def about(events: list[dict[str, Any]], conversation_id: str) -> list[dict[str, Any]]:
    return [event for event in events if event.get("conversation_id") == conversation_id]


async def bot_held(client: AppClient) -> tuple[str, str]:
    """A web chat the bot holds (nobody asked for a person): (session, conversation id)."""
    session = await client.new_session()
    await client.say(session, "hello")
    return session, await conversation_of(client, session)


async def waiting(client: AppClient) -> tuple[str, str]:
    """A web chat waiting for a person (P2): (session, conversation id)."""
    session = await client.new_session()
    await client.say(session, "I need a person")
    return session, await conversation_of(client, session)


# Tied to the session --------------------------------------------------------------------------------------------

async def test_logout_closes_the_socket_at_once_and_nothing_more_reaches_it(client: AppClient,
                                                                          rasa: FakeRasa) -> None:
    anna = await login(client, "anna")
    socket = await connect(client, anna)
    await anna.call("POST", "/logout")
    assert await heard(socket) == [{"closed": SESSION_ENDED}]
    assert socket.closed
    await waiting(client)  # would ring every console
    assert await heard(socket) == []
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:  # and the session cannot open another
        await connect(client, anna)
    assert refused.value.status == 401


async def test_a_stopping_server_tells_each_console_it_is_going_away(client: AppClient, rasa: FakeRasa) -> None:
    # A restart or a deploy: the consoles hear "going away" and reconnect (handover/static/live.js); an open socket
    # no longer holds the stop for the whole shutdown timeout.
    anna = await login(client, "anna")
    socket = await connect(client, anna)
    await heard(socket)  # the welcome
    await client.app.shutdown()  # the signal the server sends before it waits for open handlers
    assert await heard(socket) == [{"closed": aiohttp.WSCloseCode.GOING_AWAY}]
    late = await connect(client, anna)  # a reload that reached the server as the stop began
    assert await heard(late) == [{"closed": aiohttp.WSCloseCode.GOING_AWAY}]


async def test_logout_closes_only_that_session_s_sockets(client: AppClient, rasa: FakeRasa) -> None:
    anna_here = await login(client, "anna")
    async with client.http.post(client.url("/api/console/login"),  # the same caseworker on a second computer
                                json={"username": "anna", "password": "correct horse battery"}) as response:
        anna_there = Console(client, (await response.json())["token"], anna_here.account)
    here, there = await connect(client, anna_here), await connect(client, anna_there)
    await anna_here.call("POST", "/logout")
    assert await heard(here) == [{"closed": SESSION_ENDED}]
    _, conversation_id = await waiting(client)
    assert [event["type"] for event in about(await heard(there), conversation_id)] == ["queue", "message"]
    assert not there.closed


async def test_the_session_s_end_by_the_clock_closes_the_socket(client: AppClient, rasa: FakeRasa) -> None:
    anna, ben = await login(client, "anna"), await login(client, "ben")
    anna_socket, ben_socket = await connect(client, anna), await connect(client, ben)
    client.clock.advance(SESSION_LIFETIME + timedelta(minutes=1))
    await ben_socket.send_json({"type": "ping"})  # a ping after the end: the socket closes
    assert await heard(ben_socket) == [{"closed": SESSION_ENDED}]
    await waiting(client)  # an event after the end: the socket closes instead of hearing it
    assert await heard(anna_socket) == [{"closed": SESSION_ENDED}]
    await anna.call("GET", "/me", expect=401)  # as the API has it


async def test_within_the_session_the_socket_stays(client: AppClient, rasa: FakeRasa) -> None:
    anna = await login(client, "anna")
    socket = await connect(client, anna)
    client.clock.advance(SESSION_LIFETIME - timedelta(minutes=5))
    await socket.send_json({"type": "ping"})
    _, conversation_id = await waiting(client)
    assert [event["type"] for event in about(await heard(socket), conversation_id)] == ["queue", "message"]
    assert not socket.closed


@pytest.fixture
async def checked_often(tmp_path: Path) -> AsyncIterator[AppClient]:
    """The app (SQLite) checking every console's session ten times a second."""
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_CONSOLE_SESSION_CHECK_SECONDS="0.1")):
        yield app_client


async def change_account(client: AppClient, name: str, assignment: str) -> None:
    async with client.app[ENGINE].begin() as connection:
        await connection.execute(text(f"UPDATE caseworker SET {assignment} WHERE name = :name"), {"name": name})


async def test_an_account_made_inactive_loses_its_socket(checked_often: AppClient) -> None:
    anna, ben = await login(checked_often, "anna"), await login(checked_often, "ben")
    anna_socket, ben_socket = await connect(checked_often, anna), await connect(checked_often, ben)
    await change_account(checked_often, "anna", "active = false")
    assert await heard(anna_socket, quiet=2) == [{"closed": SESSION_ENDED}]
    assert not ben_socket.closed


async def test_a_changed_role_closes_the_socket_with_its_own_code(checked_often: AppClient) -> None:
    anna = await login(checked_often, "anna")
    socket = await connect(checked_often, anna)
    await change_account(checked_often, "anna", "role = 'supervisor'")
    assert await heard(socket, quiet=2) == [{"closed": ROLE_CHANGED}]
    socket = await connect(checked_often, anna)  # the same session goes on, with what the new role may see
    assert not socket.closed


async def test_a_session_logged_out_elsewhere_loses_its_socket(checked_often: AppClient) -> None:
    anna = await login(checked_often, "anna")
    socket = await connect(checked_often, anna)
    async with checked_often.app[ENGINE].begin() as connection:  # as another app instance's logout does
        await connection.execute(text("DELETE FROM console_session"))
    assert await heard(socket, quiet=2) == [{"closed": SESSION_ENDED}]


# Filtered by role ------------------------------------------------------------------------------------------------

async def test_a_caseworker_hears_waiting_conversations_and_their_own_only(client: AppClient,
                                                                         rasa: FakeRasa) -> None:
    anna, ben = await login(client, "anna"), await login(client, "ben")
    anna_socket, ben_socket = await connect(client, anna), await connect(client, ben)

    bot_session, bot_id = await bot_held(client)
    await client.say(bot_session, "thanks")
    assert about(await heard(anna_socket), bot_id) == []  # the bot holds it: not a word about it

    session, conversation_id = await waiting(client)
    assert await heard(anna_socket) == [
        {"type": "queue", "conversation_id": conversation_id, "tier": "P2", "urgent": True},
        {"type": "message", "conversation_id": conversation_id}]
    await heard(ben_socket)

    await ben.call("POST", f"/conversations/{conversation_id}/claim")
    left = await heard(anna_socket)  # once more, as it leaves her view, so that her queue drops it at once
    assert len(left) == 1 and left[0]["conversation_id"] == conversation_id
    assert {event["type"] for event in await heard(ben_socket)} == {"queue", "message"}

    await client.say(session, "he took my passport")  # to ben now
    await client.say(session, DANGER_WORDS)  # danger words in a held chat: ben's ring, and not anna's
    assert await heard(anna_socket) == []
    ben_heard = await heard(ben_socket)
    assert {"type": "danger", "conversation_id": conversation_id, "tier": "P1", "urgent": True} in ben_heard
    assert about(ben_heard, bot_id) == []

    await client.say(bot_session, DANGER_WORDS)  # danger in the bot's chat: it waits as P1, everyone can take it
    for socket in (anna_socket, ben_socket):
        assert {"type": "queue", "conversation_id": bot_id, "tier": "P1", "urgent": True} in await heard(socket)


async def test_a_caseworker_hears_about_a_conversation_handed_to_them(client: AppClient, rasa: FakeRasa) -> None:
    anna, sofie = await login(client, "anna"), await login(client, "sofie", "supervisor")
    session, conversation_id = await waiting(client)
    await sofie.call("POST", f"/conversations/{conversation_id}/claim")
    anna_socket = await connect(client, anna)  # connects while sofie holds it: not hers
    await client.say(session, "hello?")
    assert await heard(anna_socket) == []
    await sofie.call("POST", f"/conversations/{conversation_id}/transfer", {"caseworker_id": anna.account["id"]})
    assert {"type": "conversation", "conversation_id": conversation_id} in await heard(anna_socket)
    await client.say(session, "are you there?")
    assert await heard(anna_socket) == [{"type": "message", "conversation_id": conversation_id}]


async def test_a_caseworker_connected_before_a_claim_hears_it_leave(client: AppClient, rasa: FakeRasa) -> None:
    """The conversations waiting when the console connects count as known: it hears when one is taken."""
    anna, ben = await login(client, "anna"), await login(client, "ben")
    session, conversation_id = await waiting(client)
    anna_socket = await connect(client, anna)
    await ben.call("POST", f"/conversations/{conversation_id}/claim")
    assert len(about(await heard(anna_socket), conversation_id)) == 1
    await client.say(session, "hello?")
    assert await heard(anna_socket) == []


async def test_a_supervisor_hears_every_waiting_and_held_conversation_but_not_the_bot_s(
        client: AppClient, rasa: FakeRasa) -> None:
    anna, sofie = await login(client, "anna"), await login(client, "sofie", "supervisor")
    sofie_socket = await connect(client, sofie)
    bot_session, bot_id = await bot_held(client)
    session, conversation_id = await waiting(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await client.say(session, "he took my passport")
    await client.say(bot_session, "thanks")
    events = await heard(sofie_socket)
    assert about(events, bot_id) == []
    assert {"type": "queue", "conversation_id": conversation_id, "tier": "P2", "urgent": True} in events
    assert events[-1] == {"type": "message", "conversation_id": conversation_id}  # held by anna, heard by sofie

    await client.say(session, DANGER_WORDS)
    assert {"type": "danger", "conversation_id": conversation_id, "tier": "P1", "urgent": True} in await heard(
        sofie_socket)

    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Call 112 now."}, expect=201)
    await heard(sofie_socket)
    await anna.call("POST", f"/conversations/{conversation_id}/release")  # answered: back to the bot
    assert about(await heard(sofie_socket), conversation_id)  # heard as it leaves the held ones
    await client.say(session, "thanks")  # the bot answers now: nobody's live concern
    assert await heard(sofie_socket) == []



# The person deletes the conversation -------------------------------------------------------------------------------

async def test_every_console_hears_at_once_that_the_person_deleted_a_conversation_and_no_words(
        client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4 item 2: a console with the conversation open learned that the person had erased it only at its next
    action (410). Every console now hears it at once, with the id alone: its holder, a supervisor, and a caseworker
    who may have found it by a report's code; the consoles that follow it hear nothing more about it."""
    anna, ben, sofie = await login(client, "anna"), await login(client, "ben"), await login(client, "sofie",
                                                                                           "supervisor")
    session, conversation_id = await waiting(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await client.say(session, "he took my passport")
    sockets = [await connect(client, console) for console in (anna, ben, sofie)]
    await client.delete_session(session)  # the web chat's "Delete this conversation"
    for socket in sockets:
        events = await heard(socket)
        assert {"type": "erased", "conversation_id": conversation_id} in events
        assert all(set(event) <= {"type", "conversation_id"} for event in events)  # ids and states, never words
        assert "passport" not in json.dumps(events)
    await anna.call("GET", f"/conversations/{conversation_id}", expect=410)  # what the event says, the API too


# Unread marks --------------------------------------------------------------------------------------------------

def unread(queue: dict[str, Any]) -> set[str]:
    return {item["conversation_id"] for item in queue["items"] + queue["assigned"] if item["unread"]}


async def test_a_held_conversation_the_person_writes_in_is_unread_until_its_holder_opens_it(
        client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4 item 1: a caseworker holds two conversations and has one open; nothing marked that the person wrote
    in the other. Its holder's console hears the message event and its queue now marks it unread, until they open
    it; what came before they took it, their own conversation open, a colleague's look, notices: none of these."""
    anna, sofie = await login(client, "anna"), await login(client, "sofie", "supervisor")
    first_session, first = await waiting(client)
    second_session, second = await waiting(client)
    for conversation_id in (first, second):
        await anna.call("POST", f"/conversations/{conversation_id}/claim")  # "Anna joined" is no news to her
    await anna.call("GET", f"/conversations/{first}")  # she has the first one open
    socket = await connect(client, anna)
    assert unread(await anna.call("GET", "/queue")) == set()

    await client.say(second_session, "are you there?")
    assert await heard(socket) == [{"type": "message", "conversation_id": second}]  # her console fetches the queue
    assert unread(await anna.call("GET", "/queue")) == {second}
    await client.say(first_session, "hello?")  # in the open one: the console catches up with it at once
    assert await heard(socket) == [{"type": "message", "conversation_id": first}]
    await anna.call("GET", f"/conversations/{first}/messages?after=0")
    assert unread(await anna.call("GET", "/queue")) == {second}

    assert unread(await sofie.call("GET", "/queue")) == set()  # a supervisor's list marks only what they hold
    await sofie.call("GET", f"/conversations/{second}")  # and their look reads nothing for anna
    assert unread(await anna.call("GET", "/queue")) == {second}
    await anna.call("GET", f"/conversations/{second}")  # she opens it
    assert unread(await anna.call("GET", "/queue")) == set()
