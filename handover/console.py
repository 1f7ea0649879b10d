"""The caseworker console: its page, its WebSocket of live events, its API's OpenAPI document, and the wiring.

The JSON API is in handover/console_api.py (handlers), handover/api_models.py (bodies), handover/api_routes.py
(the route table) and handover/console_auth.py (sessions, CSRF, roles); handover/openapi.py writes the document
from the table and the models; errors become JSON in core/json_api.py.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import WSMsgType, web

from core.errors import Forbidden
from handover import vocabulary_api  # noqa: F401  (registers its route in the table)
from handover.accounts import Account, Accounts
from handover.app_keys import ACCOUNTS, CANNED, HANDOVER
from handover.canned import CannedResponses
from handover.console_api import api
from handover.console_auth import CSRF_HEADER
from handover.openapi import document
from handover.service import Handover

__all__ = ["ACCOUNTS", "CANNED", "HANDOVER", "add_routes", "setup"]

HERE = Path(__file__).resolve().parent
CONSOLE_TEMPLATES = web.AppKey("console_templates", jinja2.Environment)
SEEN_EVERY = 20.0  # seconds between presence writes for one console
SECURITY_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    # blob: for a file a person sent, fetched by the page and shown (handover/static/media.js)
                    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' blob:; "
                                               "media-src 'self' blob:; frame-ancestors 'none'"}


@api.get("/openapi.json", "This description (OpenAPI 3.1)", public=True)
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


@cache
def openapi_document() -> dict[str, Any]:
    return document(api)


@api.get("/ws", 'WebSocket of live events: {"type": "queue" | "message" | "conversation" | "danger" | "alert", '
                '"conversation_id"?, "tier"?, "urgent"?, "reason"?}; events carry no text. Send {"type": "ping"} '
                'every 20 s to stay present.',
         status=101, errors=(400, 403))
async def live(request: web.Request, account: Account) -> web.WebSocketResponse:
    """Events for this console (see handover/hub.py); the console sends {"type": "ping"} to stay present."""
    origin = request.headers.get("Origin")
    if origin and origin.split("://", 1)[-1] != request.host:
        raise Forbidden("The console can only be used from its own page.")
    accounts, hub = request.app[ACCOUNTS], request.app[HANDOVER].hub
    await accounts.seen(account.id)  # before the handshake ends: once connected, the caseworker counts as online
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    hub.join(socket, account.id)
    last_seen = time.monotonic()
    try:
        async for message in socket:
            if message.type == WSMsgType.TEXT and time.monotonic() - last_seen > SEEN_EVERY:
                await accounts.seen(account.id)
                last_seen = time.monotonic()
    finally:
        hub.leave(socket)
    return socket


async def page(request: web.Request) -> web.Response:
    html = request.app[CONSOLE_TEMPLATES].get_template("console.html").render(csrf_header=CSRF_HEADER)
    return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)


def setup(app: web.Application, handover: Handover, accounts: Accounts, canned_responses: CannedResponses) -> None:
    app[HANDOVER] = handover
    app[ACCOUNTS] = accounts
    app[CANNED] = canned_responses


def add_routes(app: web.Application) -> None:
    app[CONSOLE_TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                                autoescape=True)
    api.add_to(app)
    app.router.add_get("/console", page)
    app.router.add_static("/console/static/", HERE / "static")
