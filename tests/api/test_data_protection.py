"""Data protection, proved: nothing in clear in the database or the log, erasure and retention leave nothing,
keys rotate, the audit log records it all (with a fake Rasa and a fake Telegram Bot API on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken

from bot.app import ENGINE, GATEWAY, SETTINGS
from bot.logs import RedactIds
from handover.accounts import Accounts
from handover.console import HANDOVER
from handover.store import Store
from tests.conftest import AppClient, engine_with_keys, telegram_app, webchat_address
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving

CHAT = 731234567  # a Telegram chat id (private chat: the same as the user id)
PASSWORD = "correct horse battery"
WORDS = {  # what people write in these tests, each a phrase that must never appear in clear
    "telegram": "my boss Kasem keeps my passport",
    "webchat": "I sleep in the garage at Nørrebrogade",
    "reply": "Anna here, can you tell me where you are",
}
PERSON = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2"}}}]


client = pytest.fixture(telegram_app, name="client")  # the app on the fake Bot API


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {WORDS["telegram"]: PERSON, WORDS["webchat"]: PERSON}) as fake:
        yield fake


async def scripted_conversations(client: AppClient, bot_api: FakeBotApi) -> tuple[str, list[str]]:
    """A Telegram chat and a web chat that each ask for a person; a caseworker claims both and answers."""
    await bot_api.push(bot_api.user_update(CHAT, WORDS["telegram"]))
    await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the queue's notice, the privacy notice
    session = await client.new_session()
    await client.say(session, WORDS["webchat"])
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "supervisor", alias="Anna")
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "anna", "password": PASSWORD}) as response:
        headers = {"Authorization": f"Bearer {(await response.json())['token']}"}
    ids = []
    for _ in range(2):
        async with client.http.post(client.url("/api/console/queue/next"), headers=headers) as response:
            conversation_id = (await response.json())["conversation_id"]
        async with client.http.post(client.url(f"/api/console/conversations/{conversation_id}/messages"),
                                    json={"text": WORDS["reply"]}, headers=headers) as response:
            assert response.status == 201
        ids.append(conversation_id)
    await bot_api.wait_for("sendMessage", chat_id=CHAT, count=4)  # + joined, the reply
    return session, ids


def database_dump(client: AppClient) -> str:
    """Every row but the canned responses: those are public content, copied from content/canned/ at start."""
    with sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db") as db:
        return "\n".join(line for line in db.iterdump() if not line.startswith('INSERT INTO "canned_response"'))


async def test_nothing_in_clear_in_the_log_at_debug(log_output: io.StringIO, client: AppClient, rasa: FakeRasa,
                                                    bot_api: FakeBotApi) -> None:
    session, ids = await scripted_conversations(client, bot_api)
    logging.getLogger("handover.test").debug("conversation %s of chat %s", ids[0], CHAT)  # caught by the filter
    output = log_output.getvalue()
    assert "DEBUG" in output  # the log really was written at DEBUG
    for secret in (str(CHAT), session, session.split(".")[0], *ids, *WORDS.values()):
        assert secret not in output, secret
    assert "conversation <id> of chat <id>" in output


async def test_the_json_log_is_one_object_per_line_with_nothing_in_clear(
        json_log_output: io.StringIO, client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    """HAVN_LOG_FORMAT=json: turns on both channels, a turn without Rasa (a warning) and an error with a traceback
    whose exception names a chat: every line a JSON object with the same fields, no words, no ids."""
    session, ids = await scripted_conversations(client, bot_api)
    rasa.status = 503
    await client.say(await client.new_session(), WORDS["webchat"])  # Rasa failing: the fallback, and a warning
    try:
        raise LookupError(f"no conversation {ids[0]} for chat {CHAT}")
    except LookupError:
        logging.getLogger("handover.test").exception("lookup failed for %s", ids[1])
    lines = json_log_output.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert {record["level"] for record in records} >= {"DEBUG", "INFO", "WARNING", "ERROR"}
    fields = {"time", "level", "logger", "message", "service", "pid"}
    assert all(set(record) - {"exception"} == fields for record in records)
    assert any(record["logger"] == "bot.assistant" and "Rasa unavailable" in record["message"] for record in records)
    [error] = [record for record in records if record["level"] == "ERROR"]
    assert error["message"] == "lookup failed for <id>"
    assert "LookupError: no conversation <id> for chat <id>" in error["exception"]
    output = json_log_output.getvalue()
    for secret in (str(CHAT), session, session.split(".")[0], *ids, *WORDS.values()):
        assert secret not in output, secret


async def raw_request(client: AppClient, head: bytes) -> bytes:
    """One request as bytes on a socket of its own (aiohttp's client would not send a header line this long)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(head)
    await writer.drain()
    answer = await reader.read(200)
    writer.close()
    return answer


@pytest.mark.parametrize("header", ["Cookie", "X-Havn-Session"])
async def test_a_header_line_too_long_puts_no_token_in_the_log_and_no_traceback(
        log_output: io.StringIO, client: AppClient, rasa: FakeRasa, header: str) -> None:
    """Walk 3, item 5: aiohttp.server logged a header line over 8,190 bytes at ERROR with a traceback quoting the
    line's first 100 bytes: the console's cookie or the web chat's session token, in clear. A client's bad request
    is now one line without its data, and a traceback's text is masked like a message anyway."""
    session = await client.new_session()
    await Accounts(client.app[ENGINE]).add("anna", PASSWORD, "caseworker", alias="Anna")
    console = (await bearer(client))["Authorization"].removeprefix("Bearer ")
    value = f"havn_console={console}; pad=" if header == "Cookie" else f"{session};pad="
    answer = await raw_request(client, f"GET /api/webchat/messages HTTP/1.1\r\nHost: x\r\n{header}: {value}"
                                       f"{'p' * 9000}\r\n\r\n".encode())
    assert answer.split(b" ")[1] == b"400"
    for _ in range(50):
        if "refused" in log_output.getvalue():
            break
        await asyncio.sleep(0.02)
    output = log_output.getvalue()
    assert "a request that could not be read was refused (LineTooLong" in output
    for secret in (console, console[:20], session, session.split(".")[0], session[:20]):
        assert secret not in output, secret
    assert "Traceback" not in output and " ERROR " not in output


def test_the_log_filter_masks_ids_in_a_traceback_too(log_output: io.StringIO) -> None:
    """Any library's error with a traceback: its text is masked like a message (the text format; the JSON format
    masks it too, test_the_json_log_is_one_object_per_line_with_nothing_in_clear)."""
    token = "Zm9vYmFyYmF6cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"
    try:
        raise ValueError(f"bad session {token} for chat {CHAT}")
    except ValueError:
        logging.getLogger("some.library").exception("failed")
    output = log_output.getvalue()
    assert "ValueError: bad session <id> for chat <id>" in output
    assert token not in output and str(CHAT) not in output


async def test_nothing_in_clear_in_the_database_after_both_channels(client: AppClient, rasa: FakeRasa,
                                                                    bot_api: FakeBotApi) -> None:
    session, _ = await scripted_conversations(client, bot_api)
    dump = database_dump(client)
    assert "INSERT INTO \"message\"" in dump  # the messages are there, sealed
    for secret in (str(CHAT), session, session.split(".")[0], *WORDS.values(), "Kasem", "garage"):
        assert secret not in dump, secret


async def test_telegram_delete_asks_then_erases_everything_here_and_in_rasa(client: AppClient, rasa: FakeRasa,
                                                                           bot_api: FakeBotApi) -> None:
    session, ids = await scripted_conversations(client, bot_api)
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, "/delete"))
    [question] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
    assert question.params["text"] == "Delete everything you wrote in this chat? This cannot be undone."
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, callback_data="delete_yes"))
    [done] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
    assert done.params["text"].startswith("Everything from this chat is deleted from our system.")
    assert '"Delete chat"' in done.params["text"]  # how to remove it from their phone too
    [telegram_id] = set(ids) - set(await webchat_conversations(client, session))
    assert telegram_id in rasa.erased
    rows = sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db").execute(
        "SELECT COUNT(*) FROM conversation WHERE id = ?", (telegram_id,)).fetchone()
    assert rows == (0,)
    assert sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db").execute(
        "SELECT COUNT(*) FROM contact WHERE channel = 'telegram'").fetchone() == (0,)
    audit = await client.app[HANDOVER].audit.events()
    assert audit[0] == {**audit[0], "action": "erasure", "conversation_id": telegram_id, "caseworker": None}
    assert WORDS["telegram"] not in database_dump(client)


async def test_delete_kept_changes_nothing(client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    await bot_api.push(bot_api.user_update(CHAT, WORDS["telegram"]))
    await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the queue's notice, the privacy notice
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, callback_data="delete_no"))
    [kept] = await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
    assert kept.params["text"] == ("Nothing was deleted. You can go on writing.\n"
                                   "In danger now? Call 112. Our hotline: +45 70 20 25 50.")
    assert rasa.erased == []


async def webchat_conversations(client: AppClient, session: str) -> list[str]:
    address_hash = client.app[GATEWAY].pseudonymizer.address_hash("webchat", webchat_address(session))
    with sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db") as db:
        return [row[0] for row in db.execute(
            "SELECT conversation.id FROM conversation JOIN contact ON contact.id = conversation.contact_id "
            "WHERE contact.address_hash = ?", (address_hash,))]


async def test_retention_keeps_only_anonymous_statistics(client: AppClient, rasa: FakeRasa,
                                                         bot_api: FakeBotApi) -> None:
    _, ids = await scripted_conversations(client, bot_api)
    for conversation_id in ids:
        async with client.http.post(client.url(f"/api/console/conversations/{conversation_id}/resolve"),
                                    headers=await bearer(client)) as response:
            assert response.status == 200
    quiet = await client.new_session()
    await client.say(quiet, "hello")  # held by the bot, then nothing more
    waiting = await client.new_session()
    await client.say(waiting, WORDS["webchat"])  # queued: a person waits, never purged
    retention = client.app[GATEWAY].retention
    assert (await retention.purge()).conversations == 0  # nothing is old enough yet
    client.clock.advance(timedelta(days=31))  # resolved (and quiet) for longer than the 30 days kept
    report = await retention.purge()
    assert (report.conversations, report.trackers_pending) == (3, 0)
    db = sqlite3.connect(client.app[SETTINGS].var_dir / "havn.db")
    assert db.execute("SELECT state FROM conversation").fetchall() == [("queued",)]
    assert db.execute("SELECT COUNT(*) FROM contact").fetchone() == (1,)  # only the one who waits
    assert db.execute("SELECT COUNT(*) FROM note").fetchone() == (0,)
    stats = db.execute("SELECT language, channel, kind, tier, first_reply_seconds FROM conversation_stat "
                       "ORDER BY channel, tier").fetchall()
    assert [row[:4] for row in stats] == [("en", "telegram", "help", "P2"), ("en", "webchat", "help", None),
                                          ("en", "webchat", "help", "P2")]  # SQLite sorts NULL first
    assert stats[0][4] is not None and stats[0][4] >= 0  # time to first human reply
    assert set(ids) <= set(rasa.erased)
    dump = database_dump(client)
    assert WORDS["telegram"] not in dump and WORDS["reply"] not in dump


async def test_a_conversation_that_goes_on_is_not_purged_however_old(client: AppClient, rasa: FakeRasa,
                                                                      bot_api: FakeBotApi) -> None:
    # On Telegram: a web chat session ends within a day (HAVN_WEBCHAT_MAX_AGE_HOURS), a Telegram chat goes on.
    await bot_api.push(bot_api.user_update(CHAT, "hello"))  # held by the bot, not waiting for a person
    await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the answer and the privacy notice
    client.clock.advance(timedelta(days=40))  # started 40 days ago
    seen = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, "hello again"))  # still writing: quiet time starts now
    await bot_api.wait_for("sendMessage", chat_id=CHAT, since=seen)
    assert (await client.app[GATEWAY].retention.purge()).conversations == 0
    assert client.rows("SELECT state FROM conversation") == [("bot",)]


async def test_trackers_are_emptied_later_when_rasa_was_down(client: AppClient, rasa: FakeRasa,
                                                             bot_api: FakeBotApi) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    await rasa.stop()
    await client.delete_session(session)  # the app's copy is gone at once
    assert (await client.app[GATEWAY].retention.purge()).trackers_pending == 1
    await rasa.start(rasa.port)
    assert (await client.app[GATEWAY].retention.purge()).trackers_pending == 0
    assert len(rasa.erased) == 1


async def test_rotate_key_reencrypts_everything_so_the_old_key_can_go(client: AppClient, rasa: FakeRasa,
                                                                      bot_api: FakeBotApi) -> None:
    await scripted_conversations(client, bot_api)
    settings = client.app[SETTINGS]
    old = settings.encryption_keys[0]
    new = Fernet.generate_key().decode()
    with sqlite3.connect(settings.var_dir / "havn.db") as db:
        sealed = sum(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("contact", "message"))
        stored_before = db.execute("SELECT body FROM message ORDER BY id").fetchall()
    conversation_id = (await client.app[HANDOVER].queue.items(("assigned",)))[0].conversation_id
    async with (engine_with_keys(settings, new, old) as both, engine_with_keys(settings, new) as new_key,
                engine_with_keys(settings, old) as old_key):
        only_new, only_old = Store(new_key), Store(old_key)
        with pytest.raises(InvalidToken):  # before the rotation, everything is sealed with the old key
            await only_new.transcript(conversation_id)
        assert WORDS["reply"] in [message.text for message in await Store(both).transcript(conversation_id)]
        rotated = await Store(both).reseal_all()
        assert rotated == sealed  # every reply address and message (no notes or screening in this script)
        assert WORDS["reply"] in [message.text for message in await only_new.transcript(conversation_id)]
        await only_new.reply_address(conversation_id)
        with pytest.raises(InvalidToken):
            await only_old.transcript(conversation_id)
    with sqlite3.connect(settings.var_dir / "havn.db") as db:
        stored_after = db.execute("SELECT body FROM message ORDER BY id").fetchall()
    assert len(stored_after) == len(stored_before) and not set(stored_after) & set(stored_before)


def test_the_log_filter_masks_id_shapes_but_keeps_figures() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "chat %s conversation %s took %.1f ms on port %d",
                               (987654321, "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7", 12.5, 5005), None)
    RedactIds().filter(record)
    assert record.getMessage() == "chat <id> conversation <id> took 12.5 ms on port 5005"


async def bearer(client: AppClient) -> dict[str, str]:
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "anna", "password": PASSWORD}) as response:
        return {"Authorization": f"Bearer {(await response.json())['token']}"}
