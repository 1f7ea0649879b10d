"""A page that is not there, said kindly: an address typed wrong or an old link gets a short page in the
browser's language with the way to the chat and the safety line, instead of aiohttp's bare "404: Not Found"
(found walking the app). The JSON paths keep their JSON sentences (core/json_api.py, which runs outside this).

A missing file under a static folder (/static/, /console/static/): aiohttp's static handler returns a file response
that finds the file missing only as it is sent, and then sends an empty 404 with no content type. So the file is
looked for here first: a browser asking for a page there (Accept: text/html) gets the kind page, anything else (a
page's own script or stylesheet) a short plain text."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path

from aiohttp import web

from bot.channels.webchat import GATEWAY, page_language
from core.json_api import HTTP_SENTENCES, JSON_PATHS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAGE = """<!doctype html>
<html lang="{language}" dir="{direction}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem;">
<p>{sentence}</p>
<p><a href="/">{open_chat}</a></p>
</body>
</html>
"""


@web.middleware
async def page_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
        file = static_file(request) if isinstance(response, web.FileResponse) else None
        if file is None or await asyncio.to_thread(file.is_file):
            return response
        raise web.HTTPNotFound
    except web.HTTPNotFound:
        if request.path.startswith(request.app.get(JSON_PATHS, ())) or GATEWAY not in request.app:
            raise
        if isinstance(request.match_info.route.resource, web.StaticResource) and not wants_page(request):
            return web.Response(status=404, text=HTTP_SENTENCES[404])
        return not_found_page(request)


def static_file(request: web.Request) -> Path | None:
    """The file a static folder's response is about to send (the static resource has already refused a path that
    leads out of its folder), or None for any other response."""
    resource = request.match_info.route.resource
    if not isinstance(resource, web.StaticResource):
        return None
    return Path(resource.get_info()["directory"]) / request.match_info["filename"]


def wants_page(request: web.Request) -> bool:
    """The request names an HTML page among what it takes (a browser's address bar, a link followed), rather than
    taking merely anything ("*/*", as a script asks, or "text/css,*/*;q=0.1", as a stylesheet does)."""
    for media_range in request.headers.get("Accept", "").lower().split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        if kind == "text/html":
            weights = [value for name, _, value in (p.partition("=") for p in parameters) if name.strip() == "q"]
            try:
                return not weights or float(weights[0]) > 0
            except ValueError:
                return False
    return False


def not_found_page(request: web.Request) -> web.Response:
    texts = request.app[GATEWAY].texts
    language = page_language(request)
    said = texts.reply("page.not_found", language).text.split("\n")
    page = PAGE.format(language=language, direction=texts.direction(language), title=escape(said[0]),
                       sentence="<br>".join(escape(line) for line in said),
                       open_chat=escape(texts.text("page.open_chat", language)))
    return web.Response(status=404, text=page, content_type="text/html")
