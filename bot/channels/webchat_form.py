"""The web chat without JavaScript: the page's form posts to `/` and the server answers with the conversation.

Same rules as the JSON API (bot/channels/webchat.py): the same signed session, refused when old, idle or deleted
(bot/channels/webchat_sessions.py); the same limits (a new session, each message); nothing logged. The session
travels in a hidden field of the form, never in a URL or a cookie, so the browser never sends it on its own: a
form on another site cannot write into a person's chat (it could only start a new, empty one, and a request
the browser marks as cross-site is not even read). The page is not cached (no-store).

What the person sees: every message to them so far (bot/caseworker/system, as the poll gives them), their own
last message, the buttons of the latest reply as submit buttons, and "Show new messages" to see a
caseworker's answer.
"""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy

from bot.channels.webchat import (
    CHANNEL,
    GATEWAY,
    SESSIONS,
    converse,
    outreach_link,
    page_language,
    render_page,
)
from bot.channels.webchat_page import bubble, in_place
from bot.channels.webchat_sessions import WebSession
from core.errors import Invalid, Unauthenticated
from core.messages import MAX_TEXT, Message
from core.sources import SOURCES
from core.vocabulary import Sender

SAME_SITE = (None, "same-origin", "none")  # Sec-Fetch-Site: absent in old browsers, "none" when typed


def _field(form: MultiDictProxy[object], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""  # a file where a field should be counts as nothing


async def without_javascript(request: web.Request) -> web.Response:
    gateway, sessions = request.app[GATEWAY], request.app[SESSIONS]
    texts = gateway.texts
    language = page_language(request)  # an outreach link's rides along in the form's address (its `action`)
    link_language, source = outreach_link(request)
    if request.headers.get("Sec-Fetch-Site") not in SAME_SITE:
        return render_page(request, language)  # another site's form: not read
    try:
        form = await request.post()
    except ValueError:  # not text in any encoding the browser could send (UnicodeDecodeError): the page again
        page = render_page(request, language, notice=texts.text("web.error", language))
        page.set_status(400)
        return page
    text, payload, token = _field(form, "text").strip(), _field(form, "payload"), _field(form, "session")
    if len(text) > MAX_TEXT:
        return render_page(request, language, session=token or None, typed=text,
                           notice=texts.reply("too_long", language).text)
    notice: str | None = None
    session = None
    if token:
        try:
            session = await sessions.open(token)
        except Unauthenticated:  # as the page with JavaScript does: say so, and go on in a new chat
            notice, token = texts.text("web.session_ended", language), ""
    if session is None:
        if not (text or payload):
            return render_page(request, language, notice=notice)
        if gateway.limits is not None:
            verdict = await gateway.limits.session(request.app[SOURCES].of(request))
            if not verdict.allowed:
                return render_page(request, language, typed=text, notice=texts.reply("limited.session", language).text)
        token = sessions.issue()
        session = await sessions.open(token)
        if source is not None and gateway.outreach is not None:  # once, for the new session, as the API does
            await gateway.outreach.count(source, CHANNEL)
    typed = text if payload else ""  # a button pressed with words in the box: the button, and the words stay
    if not (text or payload):  # "Show new messages"
        return await _conversation(request, session, token, [], None, notice=notice)
    try:
        turn = await converse(request, session, None if payload else text, payload or None, link_language)
    except Invalid as invalid:
        return await _conversation(request, session, token, [], None, notice=str(invalid), typed=text)
    if turn.limited is not None:  # not read, not kept: the text goes back into the box
        return await _conversation(request, session, token, [], None, typed=text,
                                   notice="\n".join(reply.text for reply in turn.replies))
    if turn.ended:
        return render_page(request, language, notice=texts.text("web.deleted", language))
    return await _conversation(request, session, token, turn.replies, None if payload else text, notice=notice,
                               typed=typed)


async def _conversation(request: web.Request, session: WebSession, token: str, latest: list[Message],
                        own: str | None, **page: object) -> web.Response:
    """The page with every message to the person so far, then what they just wrote (`own`) and the replies to
    it (`latest`, with their buttons), in the conversation's language."""
    gateway = request.app[GATEWAY]
    address_hash = gateway.pseudonymizer.address_hash(CHANNEL, session.session_id)
    texts = gateway.texts
    language = await gateway.store.language_of(address_hash) or page_language(request)
    latest_ids = {reply.id for reply in latest}
    messages = [message for message in await gateway.store.messages_to_user(address_hash, 0)
                if message.id not in latest_ids]
    if own:
        messages.append(Message(own, sender=Sender.USER))
    history = [bubble(message, texts.text("from_centre", language, {"alias": message.author})
                      if message.author else None, message.id in latest_ids)
               for message in in_place([*messages, *latest])]
    return render_page(request, language, session=token, history=history, **page)
