"""Headers every response of the app carries, whatever produced it (a handler, an error, a static file, the
WebSocket's handshake): one hook just before the headers are written, so no route can forget them.

- `X-Content-Type-Options: nosniff` everywhere: a browser never guesses a type (a text a person sent shown as
  HTML or script).
- `Cache-Control: no-store` on `/api/*`: transcripts, queues and sessions are never kept in a browser's or a
  proxy's cache (the pages set it themselves: the web chat and the console).
- `Strict-Transport-Security` and `Secure` on every cookie, unless the development setting says the app is
  served over plain http on this machine (`HAVN_DEVELOPMENT`): behind a TLS proxy the app itself sees http,
  so `request.secure` cannot decide.
- `Server: havn`: no aiohttp version for whoever looks for a known weakness.
"""

from __future__ import annotations

from aiohttp import web, web_response

SERVER = "havn"
# A year; not includeSubDomains: the app cannot know what else the centre serves under its domain.
HSTS = "max-age=31536000"
API_PREFIX = "/api/"


def add_security_headers(app: web.Application, development: bool) -> None:
    # aiohttp answers a request it cannot even parse (a malformed request line or header: 400) before any
    # application sees it, so no hook runs; it names itself there with the constant its responses read at
    # write time. Replaced for the whole process: no response of this process shows aiohttp's version.
    web_response.SERVER_SOFTWARE = SERVER

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers["Server"] = SERVER
        headers["X-Content-Type-Options"] = "nosniff"
        if request.path.startswith(API_PREFIX):
            headers["Cache-Control"] = "no-store"
        if development:
            return
        headers["Strict-Transport-Security"] = HSTS
        _secure_cookies(response)

    app.on_response_prepare.append(on_prepare)


def _secure_cookies(response: web.StreamResponse) -> None:
    """Mark every cookie Secure. aiohttp has already written them into Set-Cookie headers when this hook runs
    (3.14), so those are written again from the cookies."""
    cookies = response.cookies
    if not cookies:
        return
    for cookie in cookies.values():
        cookie["secure"] = True
    if "Set-Cookie" in response.headers:
        response.headers.popall("Set-Cookie")
        for cookie in cookies.values():
            response.headers.add("Set-Cookie", cookie.output(header="")[1:])
