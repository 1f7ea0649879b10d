"""What a person sends on Telegram that is not text (a voice note, a photo, a location, a sticker…), with a fake Rasa
and the real python-telegram-bot against a fake Bot API on 127.0.0.1.

The person is answered in their language, with 112 and the hotline; the transcript keeps a marker and the kind;
Telegram's file_id is sealed; the caseworker who holds the chat (or a supervisor) sees the file itself, fetched
on demand; erasure and retention leave nothing of it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import ENGINE, GATEWAY, SETTINGS
from core.messages import Media, Message
from core.vocabulary import MediaKind, Sender
from handover.console import HANDOVER
from handover.media import FAILED, NO_CHANNEL
from handover.ports import MAX_MEDIA_BYTES
from handover.store import Store
from tests.conftest import TEXTS, AppClient, isolated_settings, start_app, telegram_app
from tests.console_client import Console, login
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving
from tests.openapi_contract import contract

CHAT = 731234567
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
PERSON = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2"}}}]
VOICE_ID, PHOTO_ID, STICKER_ID = "AwACAgQAAxkBAAIVoiceNote01", "AgACAgQAAxkBAAIPhotoSize02", "CAACAgQAAxkBAAISticker03"
PHOTO = b"\xff\xd8\xff\xe0 a JPEG from the person"
SENT: dict[MediaKind, dict[str, Any]] = {  # what Telegram's update carries for each
    MediaKind.VOICE: {"voice": {"file_id": VOICE_ID, "file_unique_id": "v1", "duration": 3}},
    MediaKind.PHOTO: {"photo": [{"file_id": "small-size", "file_unique_id": "p0", "width": 90, "height": 90},
                                {"file_id": PHOTO_ID, "file_unique_id": "p1", "width": 1280, "height": 960}]},
    MediaKind.LOCATION: {"location": {"latitude": 55.6867, "longitude": 12.5701}},
    MediaKind.STICKER: {"sticker": {"file_id": STICKER_ID, "file_unique_id": "s1", "type": "regular", "width": 512,
                                    "height": 512, "is_animated": False, "is_video": False}},
}
MARKERS = {MediaKind.VOICE: "[voice message]", MediaKind.PHOTO: "[photo]", MediaKind.LOCATION: "[location]",
           MediaKind.STICKER: "[sticker]"}


client = pytest.fixture(telegram_app, name="client")  # the app on the fake Bot API


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"/greet": GREETING, "I need a person": PERSON,
                                                       "where can I sleep": PERSON}) as fake:
        yield fake


def conversation_of(client: AppClient, chat: int) -> str:
    address_hash = client.app[GATEWAY].pseudonymizer.address_hash("telegram", str(chat))
    [(conversation_id,)] = client.rows(
        "SELECT conversation.id FROM conversation JOIN contact ON contact.id = conversation.contact_id "
        f"WHERE contact.address_hash = '{address_hash}'")
    return conversation_id


async def send(bot_api: FakeBotApi, chat: int, update: dict[str, Any], replies: int = 1) -> list[str]:
    """The person sends an update; the texts of the bot's next `replies` messages."""
    seen = len(bot_api.calls)
    await bot_api.push(update)
    return [call.params["text"] for call in await bot_api.wait_for("sendMessage", chat_id=chat, since=seen,
                                                                   count=replies)]


async def stored_count(client: AppClient, count: int) -> None:
    """Until the person's messages in the database number `count` (a message the bot does not answer)."""
    for _ in range(100):
        if client.rows("SELECT COUNT(*) FROM message WHERE sender = 'user'") == [(count,)]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} messages were not stored")


@pytest.mark.parametrize("language", ["en", "da", "ro", "ar", "th"])
async def test_media_is_answered_in_the_persons_language_with_112_and_kept_as_a_marker(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi, language: str) -> None:
    chat = CHAT
    await send(bot_api, chat, bot_api.user_update(chat, "/start", language_code=language), replies=2)
    for kind, fields in SENT.items():
        [reply] = await send(bot_api, chat, bot_api.media_update(chat, fields, language_code=language))
        assert reply == TEXTS.text("media_received" if kind.kept else "media_not_kept", language)
        assert "112" in reply and "+45 70 20 25 50" in reply
    assert [message["message"] for message in rasa.received] == ["/greet"]  # Rasa never saw the media
    assert client.rows("SELECT media_kind FROM message WHERE sender = 'user' ORDER BY id") == [
        (None,), ("voice",), ("photo",), ("location",), ("sticker",)]
    supervisor = await login(client, "sofie", "supervisor")
    transcript = (await supervisor.call("GET", f"/conversations/{conversation_of(client, chat)}"))["messages"]
    from_person = [(message["text"], message["media"]) for message in transcript if message["sender"] == "user"]
    assert from_person[1:] == [(MARKERS[kind], {"kind": kind, "file": kind.kept}) for kind in SENT]


async def test_a_caption_is_answered_as_text_and_the_photo_is_still_recorded(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    replies = await send(bot_api, CHAT, bot_api.media_update(CHAT, {**SENT[MediaKind.PHOTO],
                                                                    "caption": "where can I sleep"}), replies=2)
    assert replies[0].startswith("Nobody from the centre can answer")  # Rasa's answer: nobody is online
    assert rasa.received[-1]["message"] == "where can I sleep"
    supervisor = await login(client, "sofie", "supervisor")
    [first, *_] = (await supervisor.call("GET", f"/conversations/{conversation_of(client, CHAT)}"))["messages"]
    assert (first["text"], first["media"]) == ("[photo] where can I sleep", {"kind": "photo", "file": True})


async def test_the_file_id_is_sealed_and_a_location_is_not_kept_at_all(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    for kind in SENT:
        await send(bot_api, CHAT, bot_api.media_update(CHAT, SENT[kind]), replies=2 if kind == MediaKind.VOICE else 1)
    rows = client.rows("SELECT media_kind, media_file FROM message WHERE sender = 'user' ORDER BY id")
    assert [(kind, token is not None) for kind, token in rows] == [
        ("voice", True), ("photo", True), ("location", False), ("sticker", True)]
    var = client.app[SETTINGS].var_dir
    raw = b"".join(path.read_bytes() for path in var.glob("havn.db*"))  # the database and its write-ahead log
    for secret in (VOICE_ID, PHOTO_ID, STICKER_ID, "55.6867", "12.5701"):
        assert secret.encode() not in raw, secret
    store = client.app[HANDOVER].store
    conversation_id = conversation_of(client, CHAT)
    ids = [row[0] for row in client.rows("SELECT id FROM message WHERE sender = 'user' ORDER BY id")]
    assert await store.media_file(conversation_id, ids[1]) == (MediaKind.PHOTO, PHOTO_ID)  # the largest size
    assert await store.media_file(conversation_id, ids[2]) == (MediaKind.LOCATION, None)


async def held_photo(client: AppClient, bot_api: FakeBotApi) -> tuple[str, int, Console]:
    """The person asks for a person, anna claims, then the person sends a photo: (conversation, message, anna)."""
    bot_api.files[PHOTO_ID] = ("photos/file_7.jpg", PHOTO)
    await send(bot_api, CHAT, bot_api.user_update(CHAT, "I need a person"), replies=2)
    conversation_id = conversation_of(client, CHAT)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await bot_api.push(bot_api.media_update(CHAT, SENT[MediaKind.PHOTO]))
    await bot_api.push(bot_api.media_update(CHAT, SENT[MediaKind.LOCATION]))
    await stored_count(client, 3)  # the bot says nothing: anna holds the chat
    photo_id, location_id = [row[0] for row in client.rows(
        "SELECT id FROM message WHERE media_kind IS NOT NULL ORDER BY id")]
    assert location_id == photo_id + 1
    return conversation_id, photo_id, anna


async def fetch(console: Console, conversation_id: str, message_id: int | str, expect: int) -> bytes:
    """The media endpoint, its answer checked against the OpenAPI document (a file, or a JSON error)."""
    path = f"/api/console/conversations/{conversation_id}/messages/{message_id}/media"
    async with console.client.http.get(console.client.url(path),
                                       headers={"Authorization": f"Bearer {console.token}"}) as response:
        assert response.status == expect, await response.text()
        body = await response.read()
        document = await contract(console.client)
        if response.content_type == "application/json":
            document.check("GET", path, response.status, await response.json())
        else:
            document.check_file("GET", path, response.status, response.content_type)
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        return body


async def test_the_holder_and_a_supervisor_see_the_photo_others_do_not(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    conversation_id, photo_id, anna = await held_photo(client, bot_api)
    [message] = [m for m in (await anna.call("GET", f"/conversations/{conversation_id}"))["messages"]
                 if m["id"] == photo_id]
    assert (message["text"], message["media"]) == ("[photo]", {"kind": "photo", "file": True})
    assert await fetch(anna, conversation_id, photo_id, 200) == PHOTO
    supervisor = await login(client, "sofie", "supervisor")
    assert await fetch(supervisor, conversation_id, photo_id, 200) == PHOTO
    ben = await login(client, "ben")
    await fetch(ben, conversation_id, photo_id, 403)
    await fetch(anna, "no-such-conversation", photo_id, 404)
    await fetch(anna, conversation_id, photo_id + 1, 404)  # the location: nothing kept to show
    await fetch(anna, conversation_id, photo_id - 1, 404)  # a text, not media
    await fetch(anna, conversation_id, "first", 404)
    assert bot_api.downloads == ["photos/file_7.jpg", "photos/file_7.jpg"]  # on demand, each time
    assert not list(client.app[SETTINGS].var_dir.rglob("*.jpg"))  # never written to disk
    events = (await supervisor.call("GET", "/audit"))["items"]
    assert [(e["caseworker"], e["conversation_id"], e["detail"]) for e in events if e["action"] == "media"] == [
        ("sofie", conversation_id, "photo"), ("anna", conversation_id, "photo")]


async def test_a_failed_fetch_is_a_503_and_a_file_too_large_a_413(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    conversation_id, photo_id, anna = await held_photo(client, bot_api)
    bot_api.files.clear()  # Telegram no longer has it
    assert json.loads(await fetch(anna, conversation_id, photo_id, 503)) == {"error": FAILED}
    bot_api.files[PHOTO_ID] = ("photos/file_7.jpg", b"x" * (MAX_MEDIA_BYTES + 1))
    await fetch(anna, conversation_id, photo_id, 413)
    assert bot_api.downloads == []  # the size was known before downloading


async def test_without_telegram_the_media_endpoint_says_so(tmp_path: Path) -> None:
    async for client in start_app(isolated_settings(tmp_path)):
        session = await client.new_session()
        async with serving(client.app[SETTINGS].rasa_url, {"hello": GREETING}):
            await client.say(session, "hello")
        [(conversation_id,)] = client.rows("SELECT id FROM conversation")
        [stored] = await Store(client.app[ENGINE]).add_messages(
            conversation_id, Sender.USER, [Message("[photo]", media=Media(MediaKind.PHOTO, PHOTO_ID))])
        supervisor = await login(client, "sofie", "supervisor")
        async with client.http.get(client.url(f"/api/console/conversations/{conversation_id}/messages/"
                                              f"{stored.id}/media"),
                                   headers={"Authorization": f"Bearer {supervisor.token}"}) as response:
            assert response.status == 503
            assert await response.json() == {"error": NO_CHANNEL}


async def test_erasure_and_retention_remove_the_file_reference(
        client: AppClient, rasa: FakeRasa, bot_api: FakeBotApi) -> None:
    conversation_id, photo_id, anna = await held_photo(client, bot_api)
    await send(bot_api, CHAT, bot_api.user_update(CHAT, "/delete"))
    await send(bot_api, CHAT, bot_api.user_update(CHAT, callback_data="delete_yes"))
    assert client.rows("SELECT COUNT(*) FROM message") == [(0,)]
    await fetch(anna, conversation_id, photo_id, 410)  # the person deleted it (walk 3 item 17), no longer 404

    other = CHAT + 1  # a conversation the bot held, quiet for longer than retention keeps it
    await send(bot_api, other, bot_api.media_update(other, SENT[MediaKind.VOICE]), replies=2)
    assert client.rows("SELECT COUNT(*) FROM message WHERE media_file IS NOT NULL") == [(1,)]
    client.clock.advance(timedelta(days=31))
    assert (await client.app[GATEWAY].retention.purge()).conversations == 1
    assert client.rows("SELECT COUNT(*) FROM message") == [(0,)]
