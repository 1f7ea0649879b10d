"""The caseworker console: its page, its API's OpenAPI document, and the wiring (its WebSocket of live events is
handover/console_live.py).

The JSON API is in handover/console_api.py (handlers), handover/api_models.py (bodies), handover/api_routes.py
(the route table) and handover/console_auth.py (sessions, CSRF, roles); handover/openapi.py writes the document
from the table and the models; errors become JSON in core/json_api.py.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from handover import console_live, outreach_page, stats_api, stats_page, vocabulary_api  # noqa: F401  (register their routes in the table)
from handover.accounts import Accounts
from handover.app_keys import ACCOUNTS, CANNED, HANDOVER
from handover.canned import CannedResponses
from handover.console_api import api
from handover.console_auth import CSRF_HEADER
from handover.openapi import document
from handover.service import Handover

__all__ = ["ACCOUNTS", "CANNED", "HANDOVER", "add_routes", "setup"]

HERE = Path(__file__).resolve().parent
CONSOLE_TEMPLATES = web.AppKey("console_templates", jinja2.Environment)
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
    app.router.add_get("/console/stats", stats_page.page)  # the supervisors' dashboard (docs/statistics.md)
    app.router.add_get("/console/outreach", outreach_page.page)  # outreach cards (docs/outreach.md)
    app.router.add_get("/console/outreach/card", outreach_page.card)
    app.router.add_static("/console/static/", HERE / "static")
