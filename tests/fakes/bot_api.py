"""A fake Telegram Bot API on 127.0.0.1: enough of it for python-telegram-bot to run for real.

It answers getMe, setMyCommands, deleteWebhook, setWebhook, getUpdates (long poll), sendMessage,
answerCallbackQuery, editMessageReplyMarkup, editMessageText and getFile (a method named in `refusing` gets
Telegram's 400 instead; the next sendMessage calls get the refusals queued in `refusals`, as Telegram answers
flood control, an outage or a blocked bot), serves the files a test put in `files` (file_id → path, bytes) as Telegram's
file server does, records every call, and lets a test (or the benchmark) queue updates and wait for what the
bot sent. Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "havn", "username": "havn_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)
    status: int = 200  # what the fake answered


def refusal(status: int, retry_after: int | None = None) -> tuple[int, dict[str, Any]]:
    """A Bot API error answer: 429 with retry_after (flood control), 403 (the person blocked the bot), 500…"""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"fake refusal {status}"}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, body


def _decode(value: str) -> Any:
    # PTB sends form fields whose values are JSON (numbers, objects) or plain strings.
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, content), for getFile
        self.downloads: list[str] = []  # the file paths fetched
        self.refusing: set[str] = set()  # methods answered with a 400, as Telegram refuses an edit of an old message
        # The next sendMessage calls' answers (`refusal`); None: that call is taken as usual.
        self.refusals: list[tuple[int, dict[str, Any]] | None] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._stopping = False  # ends a long poll at once: the app that asked has gone (aiohttp would wait for it)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        async with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()

    # What a person does in Telegram -------------------------------------------------------------
    def user_update(self, chat_id: int, text: str | None = None, callback_data: str | None = None,
                    language_code: str | None = "en") -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language_code}
        chat = {"id": chat_id, "type": "private", "first_name": "Test"}
        update: dict[str, Any] = {"update_id": next(self._update_ids)}
        if callback_data is None:
            message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                       "chat": chat, "from": user, "text": text}
            if text and text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            update["message"] = message
        else:
            update["callback_query"] = {
                "id": str(next(self._message_ids)), "from": user, "chat_instance": "1", "data": callback_data,
                "message": {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                            "from": BOT_USER, "text": "menu"},
            }
        return update

    def media_update(self, chat_id: int, fields: dict[str, Any], language_code: str | None = "en") -> dict[str, Any]:
        """A message without text: `fields` is what it carries instead ({"voice": {...}}, {"caption": ...})."""
        update = self.user_update(chat_id, "", language_code=language_code)
        del update["message"]["text"]
        update["message"].update(fields)
        return update

    async def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (polling mode)."""
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 30.0, chat_id: int | None = None,
                       since: int = 0) -> list[Call]:
        """The first `count` calls of `method` (for `chat_id`) among the calls recorded from index `since`."""
        def matching() -> list[Call]:
            return [c for c in self.calls[since:] if c.method == method
                    and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(matching()) >= count), timeout)
            return matching()[:count]

    # The Bot API ---------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {key: _decode(value) for key, value in (await request.post()).items()}
        if method == "getUpdates":
            return self._ok(await self._get_updates(params))
        refused = self.refusals.pop(0) if method == "sendMessage" and self.refusals else None
        async with self._changed:
            self.calls.append(Call(method, params, status=refused[0] if refused else 200))
            self._changed.notify_all()
        if refused is not None:
            return web.json_response(refused[1], status=refused[0])
        if method in self.refusing:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: message can't be edited"}, status=400)
        if method == "getMe":
            return self._ok(BOT_USER)
        if method == "sendMessage":
            return self._ok({"message_id": next(self._message_ids), "date": int(time.time()),
                             "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER,
                             "text": params.get("text", "")})
        if method == "editMessageText":
            return self._ok({"message_id": int(params["message_id"]), "date": int(time.time()),
                             "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER,
                             "text": params.get("text", "")})
        if method == "getFile":
            if params.get("file_id") not in self.files:
                return web.json_response({"ok": False, "error_code": 400,
                                          "description": "Bad Request: invalid file_id"}, status=400)
            path, content = self.files[params["file_id"]]
            return self._ok({"file_id": params["file_id"], "file_unique_id": params["file_id"][-8:],
                             "file_size": len(content), "file_path": path})
        if method in ("setMyCommands", "deleteWebhook", "setWebhook", "answerCallbackQuery",
                      "editMessageReplyMarkup"):
            return self._ok(True)
        return web.json_response({"ok": False, "error_code": 404, "description": f"fake: {method}"}, status=404)

    async def _download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        self.downloads.append(path)
        for file_path, content in self.files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates) or self._stopping),
                                           timeout)
                except TimeoutError:
                    pass
            return list(self._updates)

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})
