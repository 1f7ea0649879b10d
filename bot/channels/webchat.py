"""The anonymous web chat: the JSON API of the brief and the page at `/` that uses it.

Replies to a message come back in its HTTP response; what a caseworker writes later is fetched with
`GET …/messages?after=<id>`. A session token is signed, not stored: nothing is kept for a visitor who
never writes. Errors are `{"error": "<sentence>"}`, made by core/json_api.py's middleware from core/errors.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import jinja2
from aiohttp import web
from pydantic import Field, model_validator

from bot.gateway import Gateway, Inbound, InvalidPayload
from bot.limits import Limited
from core.errors import Invalid, NotFound, TooMany
from core.json_api import After, Body, read_body, read_query
from core.limits import Verdict
from core.messages import MAX_TEXT
from core.sources import SOURCES

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
GATEWAY = web.AppKey("gateway", Gateway)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
QUICK_EXIT_URL = web.AppKey("quick_exit_url", str)

routes = web.RouteTableDef()


class WebMessage(Body):
    """What a person sends: what they typed, or the payload of a button they pressed; one of the two."""

    NOT_JSON: ClassVar[str] = 'Please send JSON like {"text": "hello"}.'
    INVALID: ClassVar[str | None] = 'Send either "text" or "payload", as a string.'
    TOO_LONG: ClassVar[str] = "Your message is too long. Please send it in parts of up to {limit} characters."
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    payload: str | None = None

    @model_validator(mode="before")
    @classmethod
    def one_of_the_two(cls, data: Any) -> Any:
        if isinstance(data, dict) and (data.get("text") is None) == (data.get("payload") is None):
            raise ValueError("either text or payload")
        return data


def _session(request: web.Request) -> str:
    session = request.match_info["session"]
    if not request.app[GATEWAY].pseudonymizer.check_session(session):
        raise NotFound("This chat session does not exist. Please start a new one.")
    return session


def _address_hash(request: web.Request, session: str) -> str:
    return request.app[GATEWAY].pseudonymizer.address_hash(CHANNEL, session)


def _too_many(request: web.Request, key: str, verdict: Verdict) -> TooMany:
    """429 with a sentence the page shows (bot/static/webchat.js), in the browser's language, with 112."""
    texts = request.app[GATEWAY].texts
    language = browser_language(request.headers.get("Accept-Language", ""), texts.languages, texts.default_language)
    return TooMany(texts.reply(key, language).text, verdict.retry_after)


@routes.post("/api/webchat/sessions")
async def create_session(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    if gateway.limits is not None:
        verdict = await gateway.limits.session(request.app[SOURCES].of(request))
        if not verdict.allowed:
            raise _too_many(request, "limited", verdict)
    return web.json_response({"session": gateway.pseudonymizer.sign_session()}, status=201)


@routes.post("/api/webchat/sessions/{session}/messages")
async def post_message(request: web.Request) -> web.Response:
    session = _session(request)
    body = await read_body(request, WebMessage)
    gateway = request.app[GATEWAY]
    # The browser's language, like Telegram's language_code: weaker than what the person writes.
    hint = browser_language(request.headers.get("Accept-Language", ""), gateway.texts.languages, "") or None
    try:
        replies = await gateway.handle(Inbound(CHANNEL, session, text=body.text, payload=body.payload,
                                               language_hint=hint, source=request.app[SOURCES].of(request)))
    except InvalidPayload:
        raise Invalid("That button is not known. Please write your message instead.") from None
    except Limited as limited:
        # The reply shape the page shows (with 112 and the hotline); "limited": the page puts the text back
        # into the input box, as it was not read and not kept.
        return web.json_response({"messages": [reply.to_json() for reply in limited.replies], "limited": True},
                                 headers={"Retry-After": str(limited.verdict.retry_after)})
    return web.json_response({"messages": [reply.to_json() for reply in replies]})


@routes.get("/api/webchat/sessions/{session}/messages")
async def get_messages(request: web.Request) -> web.Response:
    session = _session(request)
    after = read_query(request, After).after
    messages = await request.app[GATEWAY].store.messages_to_user(_address_hash(request, session), after)
    return web.json_response({"messages": [message.to_json() for message in messages]})


@routes.delete("/api/webchat/sessions/{session}")
async def delete_session(request: web.Request) -> web.Response:
    session = _session(request)
    gateway = request.app[GATEWAY]
    if gateway.limits is not None:
        verdict = await gateway.limits.erasure(request.app[SOURCES].of(request))
        if not verdict.allowed:
            raise _too_many(request, "limited.delete", verdict)
    await gateway.erase(_address_hash(request, session))
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
