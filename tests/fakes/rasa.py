"""A stand-in for the Rasa server for tests of the app's own logic (the integration tests use real Rasa).

`replies` maps a message (text or payload) to what Rasa's REST channel would answer (or, with a method
`turn(body, default)`, answers from the whole request, its metadata too), `intents` a text to the
intent (name, confidence) its `/model/parse` gives (else nlu_fallback); `delay` makes it
slow, `status` makes it fail, `hold` (an event) keeps every turn waiting until it is set. Every call is
recorded, so a test can see what the app sent; `arrived` is set at the first turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes.loopback import serve

TOKEN = "test-rasa-token"  # tests/conftest.py make_settings


class FakeRasa:
    def __init__(self) -> None:
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.intents: dict[str, tuple[str, float]] = {}
        self.parsed: list[str] = []
        self.received: list[dict[str, Any]] = []
        self.erased: list[str] = []
        self.delay = 0.0
        self.status = 200
        self.erase_status = 200
        self.hold: asyncio.Event | None = None
        self.arrived = asyncio.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, port: int) -> None:
        self.port = port
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/status", self._status)
        app.router.add_post("/model/parse", self._parse)
        app.router.add_put("/conversations/{sender}/tracker/events", self._erase)
        self._runner = await serve(app, port)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":  # as rasa_plugins/rasa_server.py
            return web.Response(status=401)
        body = await request.json()
        self.received.append(body)
        self.arrived.set()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.hold:
                await self.hold.wait()
        finally:
            self.in_flight -= 1
        if self.status != 200:
            return web.Response(status=self.status)
        default = [{"custom": {"text": "not_understood", "menu": "main"}}]
        turn = getattr(self.replies, "turn", None)  # a stand-in that reads the metadata as well
        answers = turn(body, default) if callable(turn) else self.replies.get(body["message"], default)
        return web.json_response([{"recipient_id": body["sender"], **answer} for answer in answers])

    async def _parse(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:  # Rasa's own API: the token as a query parameter
            return web.Response(status=401)
        if self.status != 200:
            return web.Response(status=self.status)
        text = (await request.json())["text"]
        self.parsed.append(text)
        name, confidence = self.intents.get(text, ("nlu_fallback", 0.2))
        return web.json_response({"text": text, "intent": {"name": name, "confidence": confidence}})

    async def _status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.Response(status=401)
        return web.json_response({"model_file": "models/havn.tar.gz"})

    async def _erase(self, request: web.Request) -> web.Response:
        if self.erase_status != 200:
            return web.Response(status=self.erase_status)
        self.erased.append(request.match_info["sender"])
        return web.json_response({})


class FakeActionServer:
    """The action server's open `/health`, which the app's health check probes."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/health", self._health)
        self._runner = await serve(app, port)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @staticmethod
    async def _health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


@asynccontextmanager
async def serving(rasa_url: str, replies: dict[str, list[dict[str, Any]]]) -> AsyncIterator[FakeRasa]:
    """A fake Rasa answering `replies` where the app expects Rasa (its HAVN_RASA_URL)."""
    fake = FakeRasa()
    fake.replies = replies
    await fake.start(urlsplit(rasa_url).port or 0)
    try:
        yield fake
    finally:
        await fake.stop()
