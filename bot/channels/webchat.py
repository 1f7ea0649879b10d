"""The anonymous web chat: the JSON API of the brief and the page at `/` that uses it.

Every call but the first names its session in the header `X-Havn-Session`, never in the URL (URLs are logged
by proxies and servers). Replies to a message come back in its HTTP response; what a caseworker writes later is
fetched with `GET /api/webchat/messages?after=<id>`, the ids being opaque and per session
(bot/channels/webchat_ids.py). A session token is signed, and refused once old, idle or deleted
(bot/channels/webchat_sessions.py): nothing is kept for a visitor who never writes. Errors are
`{"error": "<sentence>"}`, made by core/json_api.py's middleware from core/errors.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from pydantic import Field, field_validator, model_validator

from bot.channels.webchat_ids import LIMIT
from bot.channels.webchat_page import number_parts, page_words, phone_numbers, shown_buttons, words
from bot.channels.webchat_sessions import SessionEnded, SessionMissing, WebSession, WebSessions
from bot.gateway import Gateway, Inbound, InvalidPayload
from bot.limits import Limited
from core.errors import Gone, Invalid, TooLarge, TooMany, Unauthenticated
from core.json_api import Body, Query, read_body, read_query
from core.limits import Verdict
from core.messages import MAX_TEXT, Message
from core.outreach import SOURCE_RULE, valid_source
from core.sources import SOURCES

CHANNEL = "webchat"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
GATEWAY = web.AppKey("gateway", Gateway)
SESSIONS = web.AppKey("webchat_sessions", WebSessions)
SESSION_HEADER = "X-Havn-Session"
# The language the page speaks now: a reply carries the page's words again when the conversation's differs.
LANGUAGE_HEADER = "X-Havn-Language"
MAX_LANGUAGE_CODE = 8  # "pt-BR", "zh-Hant": longer is no language code
TEMPLATES = web.AppKey("templates", jinja2.Environment)
QUICK_EXIT_URL = web.AppKey("quick_exit_url", str)
# HAVN_PAGE_TITLE, or "" for the neutral title in the page's language (web.page_title).
PAGE_TITLE = web.AppKey("page_title", str)

routes = web.RouteTableDef()


class WebMessage(Body):
    """What a person sends: what they typed, or the payload of a button they pressed; one of the two."""

    NOT_JSON: ClassVar[str] = 'Please send JSON like {"text": "hello"}.'
    INVALID: ClassVar[str | None] = 'Send either "text" or "payload", as a string.'
    TOO_LONG: ClassVar[str] = "Your message is too long. Please send it in parts of up to {limit} characters."
    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT)
    payload: str | None = None
    # The language of the outreach link the page was opened with (`/?lang=pl`): the hint instead of the browser's
    # language, weaker than what the person writes. Not a language we speak: the browser's, as without it.
    language: str | None = None

    @field_validator("language", mode="before")
    @classmethod
    def no_language_code(cls, value: Any) -> Any:
        """A string longer than any language code is no language: ignored, not "your message is too long"."""
        return None if isinstance(value, str) and len(value) > MAX_LANGUAGE_CODE else value

    @model_validator(mode="before")
    @classmethod
    def one_of_the_two(cls, data: Any) -> Any:
        if isinstance(data, dict) and (data.get("text") is None) == (data.get("payload") is None):
            raise ValueError("either text or payload")
        return data


class WebSessionStart(Body):
    """Optional: the outreach source of the link the page was opened with (`/?src=farm-lolland`), counted once
    for the new session (handover/outreach_counts.py) and then dropped: never kept with the session."""

    INVALID: ClassVar[str | None] = f'Send {{"source": "<name>"}} or nothing. {SOURCE_RULE}'
    source: str | None = None

    @model_validator(mode="after")
    def _valid(self) -> WebSessionStart:
        if self.source is not None and not valid_source(self.source):
            raise ValueError("source")
        return self


class OutreachLink(Query):
    """`/?lang=pl&src=farm-lolland` (core/outreach.py). Anything not ours is left aside: the page as usual."""

    lang: str | None = None
    src: str | None = None


class WebAfter(Query):
    """`after` in the web chat: an id this session was shown (bot/channels/webchat_ids.py), 0 for everything."""

    INVALID: ClassVar[str | None] = "after must be the id of a message you received (a whole number), or 0."
    after: int = Field(0, ge=0, le=LIMIT)


async def _session(request: web.Request, *, erasing: bool = False) -> WebSession:
    """The session named by the X-Havn-Session header (never the URL: URLs end up in logs); 401 otherwise, a
    refused or missing one's sentence in the language the page speaks (the page says its own words, a client may
    not)."""
    try:
        return await request.app[SESSIONS].open(request.headers.get(SESSION_HEADER), erasing=erasing)
    except (SessionEnded, SessionMissing) as refused:
        key = "web.session_missing" if isinstance(refused, SessionMissing) else "web.session_refused"
        raise Unauthenticated(request.app[GATEWAY].texts.reply(key, asked_language(request)).text) from None


def _address_hash(request: web.Request, session: WebSession) -> str:
    return request.app[GATEWAY].pseudonymizer.address_hash(CHANNEL, session.session_id)


def _shown(message: Message, session: WebSession) -> dict[str, object]:
    return {**message.to_json(), "id": session.ids.hide(message.id or 0)}


def _too_many(request: web.Request, key: str, verdict: Verdict, language: str) -> TooMany:
    """429 with a sentence the page shows (bot/static/webchat.js), in the chat's language, with 112."""
    return TooMany(request.app[GATEWAY].texts.reply(key, language).text, verdict.retry_after)


@routes.post("/api/webchat/sessions")
async def create_session(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    if gateway.limits is not None:
        verdict = await gateway.limits.session(request.app[SOURCES].of(request))
        if not verdict.allowed:
            raise _too_many(request, "limited.session", verdict, asked_language(request))
    start = await read_body(request, WebSessionStart) if request.can_read_body else WebSessionStart()
    if start.source is not None and gateway.outreach is not None:
        await gateway.outreach.count(start.source, CHANNEL)
    return web.json_response({"session": request.app[SESSIONS].issue()}, status=201)


@dataclass(frozen=True)
class Turn:
    """What one message of the person brought: the replies, and whether a limit refused it or it ended the chat."""

    replies: list[Message]
    limited: Limited | None = None
    ended: bool = False


async def converse(request: web.Request, session: WebSession, text: str | None, payload: str | None,
                   link_language: str | None = None) -> Turn:
    """One message of the person through the gateway, for the page's API and for its form without JavaScript."""
    sessions, gateway = request.app[SESSIONS], request.app[GATEWAY]
    await sessions.used(session, wrote=True)
    # The outreach link's language, else the browser's, like Telegram's language_code: weaker than what the
    # person writes.
    languages = gateway.texts.languages
    hint = (link_language if link_language in languages
            else browser_language(request.headers.get("Accept-Language", ""), languages, "") or None)
    try:
        replies = await gateway.handle(Inbound(CHANNEL, session.session_id, text=text, payload=payload,
                                               language_hint=hint, source=request.app[SOURCES].of(request)))
    except InvalidPayload:  # a button of a page older than the menus (or made up): said in the person's language
        language = await _language(request, session)
        raise Invalid(gateway.texts.reply("not_understood", language).text) from None
    except Limited as limited:
        return Turn(limited.replies, limited=limited)
    # Erased from the chat itself (its Yes, or a typed "yes" to its question): this token is done, too.
    if any(reply.erased for reply in replies):
        await sessions.end(session)
        return Turn(replies, ended=True)
    return Turn(replies)


@routes.post("/api/webchat/messages")
async def post_message(request: web.Request) -> web.Response:
    session = await _session(request)
    try:
        body = await read_body(request, WebMessage)
    except TooLarge:  # a text over MAX_TEXT: said in the chat's language, with 112, as without JavaScript
        raise TooLarge(request.app[GATEWAY].texts.reply("too_long", await _language(request, session)).text) from None
    turn = await converse(request, session, body.text, body.payload, body.language)
    if turn.limited is not None:
        # The reply shape the page shows (with 112 and the hotline); "limited": the page marks the message not
        # sent, as it was not read and not kept (nor given an id).
        return web.json_response({"messages": [reply.to_json() for reply in turn.replies], "limited": True},
                                 headers={"Retry-After": str(turn.limited.verdict.retry_after)})
    answer: dict[str, object] = {"messages": [_shown(reply, session) for reply in turn.replies]}
    if turn.ended:
        answer["ended"] = True
    else:
        await _add_page(request, session, answer)
    return web.json_response(answer)


async def _add_page(request: web.Request, session: WebSession, answer: dict[str, object]) -> None:
    """The page's words in the conversation's language, when that is known and not what the page shows now
    (the X-Havn-Language header): a Romanian or Arabic writer on an English phone gets a Romanian or Arabic page,
    right to left where the language is."""
    gateway = request.app[GATEWAY]
    language = await gateway.store.language_of(_address_hash(request, session))
    if language in gateway.texts.languages and language != request.headers.get(LANGUAGE_HEADER):
        answer["page"] = page_words(gateway.texts, language, request.app[PAGE_TITLE])


@routes.get("/api/webchat/messages")
async def get_messages(request: web.Request) -> web.Response:
    session = await _session(request)
    after = session.ids.reveal(read_query(request, WebAfter).after)
    store, address_hash = request.app[GATEWAY].store, _address_hash(request, session)
    # Only an id this session was shown: any other number would reveal a database id (up to 2^52, past what
    # the id column holds), and with it the service's volume, by where the person's own messages fall.
    if after and not await store.sent_to_user(address_hash, after):
        raise Invalid(WebAfter.INVALID)
    await request.app[SESSIONS].used(session, wrote=False)
    messages = await store.messages_to_user(address_hash, after)
    answer: dict[str, object] = {"messages": [_shown(message, session) for message in messages]}
    await _add_page(request, session, answer)
    return web.json_response(answer)


@routes.delete("/api/webchat/session")
async def delete_session(request: web.Request) -> web.Response:
    session = await _session(request, erasing=True)
    gateway = request.app[GATEWAY]
    if gateway.limits is not None:
        verdict = await gateway.limits.erasure(request.app[SOURCES].of(request))
        if not verdict.allowed:
            raise _too_many(request, "limited.delete", verdict, await _language(request, session))
    await gateway.erase(_address_hash(request, session))
    await request.app[SESSIONS].end(session)  # after the erasure: if that fails, the person can try again
    return web.json_response({"erased": True})


# The first contract put the token in the path, where proxies and servers log it. Those addresses are gone for
# good, whatever the method: a page or client that still uses them learns so in a sentence.
MOVED = ("This address is no longer used: send the session in the X-Havn-Session header to "
         "/api/webchat/messages (DELETE /api/webchat/session to delete). Please reload the page.")


@routes.route("*", "/api/webchat/sessions/{session}/messages")
@routes.route("*", "/api/webchat/sessions/{session}")
async def moved(request: web.Request) -> web.Response:
    raise Gone(MOVED)


def browser_language(accept_language: str, supported: tuple[str, ...], default: str) -> str:
    """The first language in the browser's Accept-Language list that we speak ("da-DK,da;q=0.9,en;q=0.8")."""
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in supported:
            return code
    return default


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return render_page(request, page_language(request))


def outreach_link(request: web.Request) -> tuple[str | None, str | None]:
    """The language we speak and the valid source of an outreach link (`/?lang=pl&src=farm-lolland`); None for
    either when absent or not ours (a mistyped link still opens the chat, in the browser's language)."""
    link = OutreachLink.model_validate(dict(request.query))
    language = link.lang if link.lang in request.app[GATEWAY].texts.languages else None
    return language, link.src if valid_source(link.src) else None


async def _language(request: web.Request, session: WebSession) -> str:
    """The conversation's language, else the one the page speaks (its X-Havn-Language), else the page's default."""
    gateway = request.app[GATEWAY]
    spoken = await gateway.store.language_of(_address_hash(request, session))
    return spoken if spoken in gateway.texts.languages else asked_language(request)


def asked_language(request: web.Request) -> str:
    """Where no conversation tells the language (a new or refused session): the one the page speaks (its
    X-Havn-Language, "vi" or "vi-VN"), else the browser's, else the default."""
    texts = request.app[GATEWAY].texts
    return browser_language(request.headers.get(LANGUAGE_HEADER, ""), texts.languages, "") or browser_language(
        request.headers.get("Accept-Language", ""), texts.languages, texts.default_language)


def page_language(request: web.Request) -> str:
    """The outreach link's language, else the browser's, else the default."""
    texts = request.app[GATEWAY].texts
    return outreach_link(request)[0] or browser_language(request.headers.get("Accept-Language", ""),
                                                         texts.languages, texts.default_language)


def form_action(link_language: str | None, source: str | None) -> str:
    """Where the page's form posts: `/`, with the outreach link's parameters when it has them, so that without
    JavaScript each post knows them too (bot/channels/webchat_form.py)."""
    link = {name: value for name, value in (("lang", link_language), ("src", source)) if value}
    return f"/?{urlencode(link)}" if link else "/"


def render_page(request: web.Request, language: str, **conversation: object) -> web.Response:
    """The page in `language`, its first words with the main menu (`start`); without JavaScript
    (bot/channels/webchat_form.py) also the conversation so far (`history`: webchat_page.bubble's), the session
    (`session`), a `notice` and what was `typed`. An outreach link's language and source go to the page's script,
    which sends the language with each message and the source once, when it starts a session."""
    texts, title = request.app[GATEWAY].texts, request.app[PAGE_TITLE]
    link_language, source = outreach_link(request)
    numbers = phone_numbers(texts)
    page = request.app[TEMPLATES].get_template("webchat.html").render(
        language=language, direction=texts.direction(language), words=words(texts, language, title),
        strings={**page_words(texts, language, title), "exit_url": request.app[QUICK_EXIT_URL],
                 "link_language": link_language, "source": source},
        exit_url=request.app[QUICK_EXIT_URL], t=lambda key: texts.text(key, language),
        with_numbers=lambda text: number_parts(text, numbers),
        history=conversation.get("history", ()), session=conversation.get("session"),
        start=shown_buttons(texts.menu("main", language)),
        notice=conversation.get("notice"), typed=conversation.get("typed", ""),
        form_action=form_action(link_language, source),
    )
    # No caching and no referrer: a shared or watched device should keep as little as possible.
    return web.Response(text=page, content_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                 "Content-Security-Policy": "default-src 'self'; form-action 'self'; "
                                                            "frame-ancestors 'none'"})


def setup_gateway(app: web.Application, gateway: Gateway, sessions: WebSessions) -> None:
    app[GATEWAY] = gateway
    app[SESSIONS] = sessions


def add_routes(app: web.Application, quick_exit_url: str, page_title: str | None) -> None:
    app[TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)
    app[QUICK_EXIT_URL] = quick_exit_url
    app[PAGE_TITLE] = page_title or ""
    app.add_routes(routes)
    # Imported here: the form's module uses this one's conversation step and page (no import cycle at load).
    from bot.channels.webchat_form import without_javascript
    app.router.add_post("/", without_javascript)
    app.router.add_static("/static/", STATIC_DIR)
