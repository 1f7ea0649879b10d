"""The supervisors' page for outreach cards (GET /console/outreach): a language and a source in, a printable
card (PNG or PDF, handover/outreach_card.py) out, from GET /console/outreach/card. A plain form and a page, no
script, like the statistics page: the console's login cookie is the session, GETs change nothing (so no CSRF
header is needed); a caseworker gets 403, nobody logged in 401. A bad language or source shows the form again
with the sentence that says why."""

from __future__ import annotations

import asyncio
from typing import Literal

from aiohttp import web

from core.json_api import Query, read_query
from core.outreach import SOURCE_MAX, OutreachError
from handover import console
from handover.app_keys import ACCOUNTS, CARDS
from handover.console_auth import authenticate

MEDIA_TYPES = {"png": "image/png", "pdf": "application/pdf"}


class CardQuery(Query):
    language: str = ""
    source: str = ""
    format: Literal["png", "pdf"] = "pdf"


def _form(request: web.Request, query: CardQuery | None = None, problem: str | None = None) -> web.Response:
    texts = request.app[CARDS].texts
    html = request.app[console.CONSOLE_TEMPLATES].get_template("outreach.html").render(
        languages=[(code, texts.own_name(code)) for code in texts.languages], query=query or CardQuery(),
        problem=problem, source_max=SOURCE_MAX, public_url=request.app[CARDS].public_url,
        bot_username=request.app[CARDS].bot_username)
    return web.Response(text=html, content_type="text/html", headers=console.SECURITY_HEADERS,
                        status=400 if problem else 200)


async def page(request: web.Request) -> web.Response:
    await authenticate(request, request.app[ACCOUNTS], "supervisor")
    return _form(request)


async def card(request: web.Request) -> web.Response:
    await authenticate(request, request.app[ACCOUNTS], "supervisor")
    query = read_query(request, CardQuery)
    try:  # drawing takes a few tenths of a second: not on the event loop, which serves the chat
        made = await asyncio.to_thread(request.app[CARDS].make, query.language, query.source)
    except OutreachError as error:
        return _form(request, query, str(error))
    name = f"card-{query.language}-{query.source}.{query.format}"
    return web.Response(body=made.png if query.format == "png" else made.pdf, content_type=MEDIA_TYPES[query.format],
                        headers={**console.SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})
