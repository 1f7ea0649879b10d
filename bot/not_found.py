"""A page that is not there, said kindly: an address typed wrong or an old link gets a short page in the
browser's language with the way to the chat and the safety line, instead of aiohttp's bare "404: Not Found"
(found walking the app). The JSON paths keep their JSON sentences (core/json_api.py, which runs outside this).
A missing file under a static folder stays an empty 404: aiohttp finds that out only as it sends, and only the
page's own scripts ask for those addresses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from aiohttp import web

from bot.channels.webchat import GATEWAY, page_language
from core.json_api import JSON_PATHS

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
        return await handler(request)
    except web.HTTPNotFound:
        if request.path.startswith(request.app.get(JSON_PATHS, ())) or GATEWAY not in request.app:
            raise
        return not_found_page(request)


def not_found_page(request: web.Request) -> web.Response:
    texts = request.app[GATEWAY].texts
    language = page_language(request)
    said = texts.reply("page.not_found", language).text.split("\n")
    page = PAGE.format(language=language, direction=texts.direction(language), title=escape(said[0]),
                       sentence="<br>".join(escape(line) for line in said),
                       open_chat=escape(texts.text("page.open_chat", language)))
    return web.Response(status=404, text=page, content_type="text/html")
