"""The anonymous web chat: the JSON API of the brief and the page at `/` that uses it.

Replies to a message come back in its HTTP response; what a caseworker writes later is fetched with
`GET …/messages?after=<id>`. A session token is signed, not stored: nothing is kept for a visitor who
never writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from aiohttp import web

from bot.gateway import Gateway, Inbound, InvalidPayload
from core.messages import MAX_TEXT

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
GATEWAY = web.AppKey("gateway", Gateway)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
QUICK_EXIT_URL = web.AppKey("quick_exit_url", str)

routes = web.RouteTableDef()


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _session(request: web.Request) -> str:
    session = request.match_info["session"]
    if not request.app[GATEWAY].pseudonymizer.check_session(session):
        raise web.HTTPNotFound(text=json.dumps({"error": "This chat session does not exist. Please start a new one."}),
                               content_type="application/json")
    return session


def _address_hash(request: web.Request, session: str) -> str:
    return request.app[GATEWAY].pseudonymizer.address_hash(CHANNEL, session)


@routes.post("/api/webchat/sessions")
async def create_session(request: web.Request) -> web.Response:
    return web.json_response({"session": request.app[GATEWAY].pseudonymizer.sign_session()}, status=201)


@routes.post("/api/webchat/sessions/{session}/messages")
async def post_message(request: web.Request) -> web.Response:
    session = _session(request)
    try:
        body = await request.json()
    except json.JSONDecodeError:
        return _error(400, 'Please send JSON like {"text": "hello"}.')
    if not isinstance(body, dict):
        return _error(400, 'Please send JSON like {"text": "hello"}.')
    text, payload = body.get("text"), body.get("payload")
    if (text is None) == (payload is None) or not isinstance(text or payload, str):
        return _error(400, 'Send either "text" or "payload", as a string.')
    if text is not None and len(text) > MAX_TEXT:
        return _error(413, f"Your message is too long. Please send it in parts of up to {MAX_TEXT} characters.")
    gateway = request.app[GATEWAY]
    try:
        replies = await gateway.handle(Inbound(CHANNEL, session, text=text, payload=payload))
    except InvalidPayload:
        return _error(400, "That button is not known. Please write your message instead.")
    return web.json_response({"messages": [reply.to_json() for reply in replies]})


@routes.get("/api/webchat/sessions/{session}/messages")
async def get_messages(request: web.Request) -> web.Response:
    session = _session(request)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return _error(400, "after must be a message id (a whole number).")
    messages = await request.app[GATEWAY].store.messages_to_user(_address_hash(request, session), after)
    return web.json_response({"messages": [message.to_json() for message in messages]})


@routes.delete("/api/webchat/sessions/{session}")
async def delete_session(request: web.Request) -> web.Response:
    session = _session(request)
    await request.app[GATEWAY].erase(_address_hash(request, session))
    return web.json_response({"erased": True})


WEB_STRINGS = {"error": "web.error", "deleted": "web.deleted", "delete_confirm": "web.delete_confirm"}


def browser_language(accept_language: str, supported: tuple[str, ...], default: str) -> str:
    """The first language in the browser's Accept-Language list that we speak ("da-DK,da;q=0.9,en;q=0.8")."""
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in supported:
            return code
    return default


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    texts = gateway.texts
    language = browser_language(request.headers.get("Accept-Language", ""), texts.languages,
                                texts.default_language)
    strings = {name: texts.text(key, language) for name, key in WEB_STRINGS.items()}
    strings["exit_url"] = request.app[QUICK_EXIT_URL]
    page = request.app[TEMPLATES].get_template("webchat.html").render(
        language=language, direction=texts.direction(language), strings=strings,
        t=lambda key: texts.text(key, language),
    )
    # No caching and no referrer: a shared or watched device should keep as little as possible.
    return web.Response(text=page, content_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                 "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"})


def setup_gateway(app: web.Application, gateway: Gateway) -> None:
    app[GATEWAY] = gateway


def add_routes(app: web.Application, quick_exit_url: str) -> None:
    app[TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    app[QUICK_EXIT_URL] = quick_exit_url
    app.add_routes(routes)
    app.router.add_static("/static/", STATIC_DIR)
