"""The caseworker console: its page, its API's OpenAPI document, and the wiring (its WebSocket of live events is
handover/console_live.py).

The JSON API is in handover/console_api.py (handlers), handover/api_models.py (bodies), handover/api_routes.py
(the route table) and handover/console_auth.py (sessions, CSRF, roles); handover/openapi.py writes the document
from the table and the models; errors become JSON in core/json_api.py, said in the caseworker's language
(`errors_in_language` below, with the words of handover/console_words.py).
"""

from __future__ import annotations

import logging
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from core.errors import ServiceError
from core.json_api import Handler
from handover import console_live, outreach_page, stats_api, stats_page, vocabulary_api  # noqa: F401  (register their routes in the table)
from handover.accounts import Account, Accounts
from handover.app_keys import ACCOUNTS, CANNED, HANDOVER
from handover.canned import CannedResponses
from handover.console_api import api
from handover.console_auth import CSRF_HEADER, token_of
from handover.console_words import LANGUAGES, WORDS, console_words, language_of
from handover.openapi import document
from handover.service import Handover

__all__ = ["ACCOUNTS", "CANNED", "HANDOVER", "add_routes", "setup"]

log = logging.getLogger(__name__)
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
    """The page in the caseworker's language (their browser's before login), with every text its script shows
    (a JSON block the script reads, handover/static/words.js)."""
    language = language_of(request, await caller(request, request.app[ACCOUNTS]))
    words = request.app[WORDS]
    html = request.app[CONSOLE_TEMPLATES].get_template("console.html").render(
        csrf_header=CSRF_HEADER, language=language, languages=LANGUAGES, t=partial(words.text, language),
        own_name=lambda code: words.meta[code]["name"], words=words.for_script(language))
    return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)


@web.middleware
async def errors_in_language(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A console error's sentence (its API's, its statistics page's) in the caseworker's language; core/json_api.py's
    middleware, outside this one, writes it as JSON. aiohttp's own 404 and 405 for an address the API does not
    have stay English: no caseworker's page asks for one."""
    try:
        return await handler(request)
    except ServiceError as error:
        if request.path.startswith((api.prefix, "/console")) and WORDS in request.app:
            error.sentence = request.app[WORDS].error(await _language(request), error.sentence)
        raise


async def caller(request: web.Request, accounts: Accounts) -> Account | None:
    """The logged-in account of a request, if any, without refusing anyone (the page and error sentences need
    only the language)."""
    token, _ = token_of(request)
    return await accounts.session(token) if token else None


async def _language(request: web.Request) -> str:
    """The caller's console language; their browser's when the account cannot be read (the database may be what
    failed): the error being answered must not become another."""
    try:
        account = await caller(request, request.app[ACCOUNTS]) if ACCOUNTS in request.app else None
    except Exception as error:  # any failure: the sentence stays, in the browser's language
        log.warning("no account for an error's language: %s", type(error).__name__)
        account = None
    return language_of(request, account)


def setup(app: web.Application, handover: Handover, accounts: Accounts, canned_responses: CannedResponses) -> None:
    app[HANDOVER] = handover
    app[ACCOUNTS] = accounts
    app[CANNED] = canned_responses


def add_routes(app: web.Application) -> None:
    app[CONSOLE_TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                                autoescape=True)
    app[WORDS] = console_words()
    api.add_to(app)
    app.router.add_get("/console", page)
    app.router.add_get("/console/stats", stats_page.page)  # the supervisors' dashboard (docs/statistics.md)
    app.router.add_get("/console/outreach", outreach_page.page)  # outreach cards (docs/outreach.md)
    app.router.add_get("/console/outreach/card", outreach_page.card)
    app.router.add_static("/console/static/", HERE / "static")
    app.on_shutdown.append(_close_live_consoles)


async def _close_live_consoles(app: web.Application) -> None:
    """As the server stops (a restart, a deploy), each console's live socket is closed "going away" and the
    console reconnects (handover/static/live.js); an open socket's handler would otherwise hold the stop for the
    whole shutdown timeout (60 s) before the cleanup closed it."""
    if HANDOVER in app:
        await app[HANDOVER].hub.close()
