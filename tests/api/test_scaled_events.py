"""Two app instances on one PostgreSQL database and one Redis behave as one (handover/hub_relay.py, docs/scale.md).

A console on instance B hears what a person did through instance A, and a claim made on A, filtered for it as
B's own events are, and each console hears each event once. Presence is the database's, so both instances agree
on who is online: the waiting room's words and the on-call webhook. Redis stopped: people on both instances are
still answered, /healthz says "degraded" (200) with why, the consoles are told to poll; Redis back: the relay
resumes by itself, without a restart.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import pytest
from redis.asyncio import Redis

from tests.conftest import TEXTS, isolated_settings, start_app
from tests.console_client import add_caseworker, login
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.scaled import (
    LIVE,
    POLLING,
    Pair,
    about,
    asks_for_a_person,
    connect,
    health,
    hear,
    heard,
    log_in,
    two_instances,
    until,
)

pair = pytest.fixture(two_instances, name="pair")


# Events across instances -----------------------------------------------------------------------------------------

async def test_a_console_on_b_hears_what_a_person_did_on_a_and_a_claim_made_on_a(pair: Pair) -> None:
    for name, role in (("sofie", "supervisor"), ("anna", "caseworker"), ("ben", "caseworker")):
        await add_caseworker(pair.a, name, role)
    anna_on_a, sofie_on_b, ben_on_b = await log_in(pair.a, "anna"), await log_in(pair.b, "sofie"), \
        await log_in(pair.b, "ben")
    anna_socket, sofie_socket, ben_socket = (await connect(anna_on_a), await connect(sofie_on_b),
                                             await connect(ben_on_b))
    session, conversation_id, _ = await asks_for_a_person(pair.a)  # through A
    for socket in (sofie_socket, ben_socket, anna_socket):  # B's consoles as A's own; each event once
        assert about(await hear(socket, {"type": "message", "conversation_id": conversation_id}),
                     conversation_id) == ["queue", "message"]
    await anna_on_a.call("POST", f"/conversations/{conversation_id}/claim")  # on A
    await pair.a.say(session, "thanks")  # the person, on A, to anna
    events = await hear(sofie_socket, {"type": "queue", "conversation_id": conversation_id}) + await heard(sofie_socket)
    # "Anna joined" to the person, the claim, the person's message to anna.
    assert about(events, conversation_id) == ["message", "queue", "message"]
    assert about(await heard(anna_socket), conversation_id) == ["message", "queue", "message"]
    # Filtered on B as B's own: ben hears once more that it left his view, then nothing of anna's conversation.
    assert len(about(await heard(ben_socket), conversation_id)) == 1


async def test_a_console_on_b_hears_at_once_that_the_person_deleted_the_conversation_on_a(pair: Pair) -> None:
    """Walk 4 item 2: the console that has it open says so at once, on whichever instance it is."""
    await add_caseworker(pair.a, "anna")
    anna_on_b = await log_in(pair.b, "anna")
    session, conversation_id, _ = await asks_for_a_person(pair.a)
    await anna_on_b.call("POST", f"/conversations/{conversation_id}/claim")
    socket = await connect(anna_on_b)
    await pair.a.delete_session(session)  # through A
    erased = {"type": "erased", "conversation_id": conversation_id}
    assert (await hear(socket, erased)).count(erased) == 1
    assert erased not in await heard(socket)  # once


async def test_nothing_in_redis_carries_words(pair: Pair) -> None:
    """What goes through Redis: ids, states, the instance; never what the person wrote."""
    listener = Redis.from_url(pair.redis.url)
    async with listener.pubsub() as pubsub:
        await pubsub.subscribe("havn:console-events")
        await pubsub.get_message(timeout=1)  # the subscription's confirmation
        _, conversation_id, _ = await asks_for_a_person(pair.a)
        seen = []
        while (message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)) is not None:
            seen.append(json.loads(message["data"]))
    await listener.aclose()
    assert seen and {event["conversation_id"] for event in seen} == {conversation_id}
    assert all(set(event) == {"from", "type", "conversation_id", "tier", "reason"} for event in seen)
    assert "I need a person" not in json.dumps(seen)


async def test_what_is_not_an_event_on_the_channel_is_skipped_and_the_relay_goes_on(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    await add_caseworker(pair.a, "sofie", "supervisor")
    socket = await connect(await log_in(pair.b, "sofie"))
    sender = Redis.from_url(pair.redis.url)
    for garbage in ("not json", '{"from": "elsewhere", "type": "no such type", "conversation_id": null, '
                    '"tier": null, "reason": null}', '["a list"]', '{"from": "elsewhere"}'):
        await sender.publish("havn:console-events", garbage)
    await sender.aclose()
    _, conversation_id, _ = await asks_for_a_person(pair.a)
    assert about(await hear(socket, {"type": "message", "conversation_id": conversation_id}),
                 conversation_id) == ["queue", "message"]  # and nothing else reached the console
    assert caplog.text.count("a console event on Redis this instance cannot read was skipped") == 4 * 2
    assert "ERROR" not in caplog.text


# Presence: the database's, the same on every instance ------------------------------------------------------------

async def test_a_caseworker_online_on_b_counts_on_a(pair: Pair) -> None:
    anna = await login(pair.a, "anna")
    _, _, nobody_said = await asks_for_a_person(pair.a)
    assert TEXTS.text("queue.nobody", "en") in "\n".join(nobody_said)  # nobody online anywhere yet
    assert (await anna.call("GET", "/queue"))["online"] == 0
    socket = await connect(await log_in(pair.b, "anna"))  # online through B
    assert (await anna.call("GET", "/queue"))["online"] == 1  # as A counts
    _, _, waiting_said = await asks_for_a_person(pair.a)
    assert TEXTS.text("queue.nobody", "en") not in "\n".join(waiting_said)
    await socket.close()


async def test_the_on_call_worker_is_woken_only_while_nobody_is_online_on_any_instance(pair: Pair) -> None:
    await add_caseworker(pair.a, "anna")
    session = await pair.a.new_session()
    await pair.a.say(session, payload="danger")  # a P1 through A, nobody online anywhere
    await until(lambda: asyncio.sleep(0, bool(pair.pages)), "the on-call call")
    assert [page["tier"] for page in pair.pages] == ["P1"]
    socket = await connect(await log_in(pair.b, "anna"))  # online through B
    other = await pair.a.new_session()
    replies = [message["text"] for message in (await pair.a.say(other, payload="danger"))["messages"]]
    assert TEXTS.reply("danger.person_coming", "en").text in replies
    await heard(socket)  # the ring reached anna on B; meanwhile no second call went out
    assert [page["tier"] for page in pair.pages] == ["P1"]
    await socket.close()


# Redis down, and back -------------------------------------------------------------------------------------------

async def test_redis_down_people_are_answered_consoles_poll_and_the_relay_comes_back_by_itself(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    await add_caseworker(pair.a, "anna")
    await add_caseworker(pair.a, "sofie", "supervisor")
    anna_on_a, sofie_on_b = await log_in(pair.a, "anna"), await log_in(pair.b, "sofie")
    anna_socket, sofie_socket = await connect(anna_on_a), await connect(sofie_on_b)
    assert await health(pair.a) == (200, {"status": "ok", "checks": {
        "database": "ok", "rasa": "ok", "action_server": "ok", "redis": "ok"}})

    pair.redis.kill()
    assert (await hear(anna_socket, POLLING))[-1] == POLLING  # every console: poll now
    assert (await hear(sofie_socket, POLLING))[-1] == POLLING
    for app in (pair.a, pair.b):
        status, body = await health(app)
        assert status == 200 and body["status"] == "degraded"  # still serving: the load balancer keeps it
        assert body["checks"]["redis"].startswith("unreachable")
        assert {name: value for name, value in body["checks"].items() if name != "redis"} == {
            "database": "ok", "rasa": "ok", "action_server": "ok"}
    # People on both instances are answered, and a claim works; the consoles find it by polling the API.
    session_a, conversation_a, _ = await asks_for_a_person(pair.a)
    session_b, conversation_b, _ = await asks_for_a_person(pair.b)
    await anna_on_a.call("POST", f"/conversations/{conversation_b}/claim")
    await pair.b.say(session_b, "thanks")  # to anna, who holds it now
    assert (await pair.a.say(session_a, "hello"))["messages"]
    queue = await sofie_on_b.call("GET", "/queue")
    assert conversation_a in [item["conversation_id"] for item in queue["items"]]
    assert conversation_b in [item["conversation_id"] for item in queue["assigned"]]
    late_socket = await connect(await log_in(pair.b, "anna"))  # a console that connects now polls from the start
    assert (await hear(late_socket, POLLING)) == [POLLING]

    pair.redis.start()  # the same address; nobody restarts the apps
    for socket in (anna_socket, sofie_socket, late_socket):
        assert (await hear(socket, LIVE))[-1] == LIVE
    for app in (pair.a, pair.b):
        assert await health(app) == (200, {"status": "ok", "checks": {
            "database": "ok", "rasa": "ok", "action_server": "ok", "redis": "ok"}})
    _, conversation_c, _ = await asks_for_a_person(pair.a)  # events from A reach B again
    assert about(await hear(sofie_socket, {"type": "message", "conversation_id": conversation_c}),
                 conversation_c) == ["queue", "message"]
    assert "console events between instances stopped" in caplog.text and "ERROR" not in caplog.text


# /healthz: degraded but serving (200), or down (503) -------------------------------------------------------------

async def test_healthz_is_down_and_503_only_when_the_database_is_away(tmp_path: Path) -> None:
    async with fresh_postgres() as database:
        async for client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=database)):
            name = database.rsplit("/", 1)[1]
            admin = await asyncpg.connect(POSTGRES_URL)
            try:  # the database gone, its connections ended: this instance cannot serve at all
                await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            finally:
                await admin.close()
            status, body = await health(client)
            assert status == 503 and body["status"] == "down"
            assert body["checks"]["database"].startswith("error")
