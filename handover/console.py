"""The caseworker console: its JSON API (described in handover/openapi.yml), its page and its WebSocket.

Who may do what: everyone logged in sees the queue and may claim; a caseworker opens the conversations that
wait in the queue and the ones they hold; supervisors and admins open every conversation and read the audit
log; only admins manage accounts. Authentication is a session token, as a Bearer header (scripts) or an
HttpOnly SameSite=Strict cookie (the page); a state-changing request that relies on the cookie must also
carry the header `X-Havn-Console: 1`, which a page on another site cannot send without our consent (CSRF).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
import yaml
from aiohttp import WSMsgType, web

from core.messages import MAX_TEXT
from core.models import utcnow
from handover.accounts import ROLES, Account, AccountError, Accounts
from handover.canned import CannedResponses
from handover.queue import ClaimResult
from handover.report_flow import is_urgent
from handover.service import Handover, NotHolder
from handover.store import confirmed_indicators

HERE = Path(__file__).resolve().parent
HANDOVER = web.AppKey("handover", Handover)
ACCOUNTS = web.AppKey("accounts", Accounts)
CANNED = web.AppKey("canned", CannedResponses)
CONSOLE_TEMPLATES = web.AppKey("console_templates", jinja2.Environment)
COOKIE = "havn_console"
CSRF_HEADER = "X-Havn-Console"
SEEN_EVERY = 20.0  # seconds between presence writes for one console
FAILED_LOGIN_DELAY = 1.0  # seconds: a wrong password is slow to answer
MAX_NOTE = 4000
SECURITY_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; frame-ancestors 'none'"}

routes = web.RouteTableDef()
Handler = Callable[[web.Request, Account], Awaitable[web.StreamResponse]]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _token(request: web.Request) -> tuple[str | None, bool]:
    """The session token and whether it came from the cookie."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip(), False
    return request.cookies.get(COOKIE), True


def logged_in(role: str | None = None) -> Callable[[Handler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """Wrap a handler: 401 without a valid session, 403 below `role` (supervisor: supervisors and admins)."""
    def wrap(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def checked(request: web.Request) -> web.StreamResponse:
            token, from_cookie = _token(request)
            account = await request.app[ACCOUNTS].session(token) if token else None
            if account is None:
                return _error(401, "Please log in.")
            if from_cookie and request.method not in ("GET", "HEAD") and request.headers.get(CSRF_HEADER) != "1":
                return _error(403, f"Requests from the console page must carry the header {CSRF_HEADER}: 1.")
            if not _allowed(account, role):
                return _error(403, "Your role does not allow this.")
            return await handler(request, account)
        return checked
    return wrap


def _allowed(account: Account, role: str | None) -> bool:
    if role == "admin":
        return account.role == "admin"
    return role != "supervisor" or account.is_supervisor


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(text=json.dumps({"error": "Please send a JSON object."}),
                                 content_type="application/json") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text=json.dumps({"error": "Please send a JSON object."}),
                                 content_type="application/json")
    return body


def _text_field(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise web.HTTPBadRequest(text=json.dumps({"error": f'"{name}" must be a non-empty string.'}),
                                 content_type="application/json")
    if len(value) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(value),
                                            text=json.dumps({"error": f'"{name}" is longer than {limit} characters.'}),
                                            content_type="application/json")
    return value.strip()


async def _visible(request: web.Request, account: Account) -> dict[str, Any]:
    """The conversation of the URL if this account may open it; 404 or 403 otherwise."""
    details = await request.app[HANDOVER].store.details(request.match_info["conversation_id"])
    if details is None:
        raise web.HTTPNotFound(text=json.dumps({"error": "No such conversation."}), content_type="application/json")
    if not account.is_supervisor and details["state"] != "queued" and details["assignee_id"] != account.id:
        raise web.HTTPForbidden(text=json.dumps({"error": "Only the caseworker who holds it (or a supervisor) "
                                                          "can open this conversation."}),
                                content_type="application/json")
    return details


def summary_line(screening: dict[str, Any] | None) -> str:
    """One line for the queue: assessment, indicators, age band. Never the person's words."""
    if not screening:
        return "no screening yet"
    parts = [str(screening.get("assessment", "")).replace("_", " ")]
    indicators = confirmed_indicators(screening)
    if indicators:
        parts.append(", ".join(indicators))
    if screening.get("age_band") == "under_18":
        parts.append("under 18")
    return " · ".join(part for part in parts if part)


async def summary_of(handover: Handover, item: Any) -> str:
    """The queue's line: the screening, the report, or both (a person screened who also reported)."""
    screening = await handover.store.screening(item.conversation_id)
    if item.kind == "help":
        return summary_line(screening)
    report = report_line(await handover.reports.of_conversation(item.conversation_id))
    return f"{report} · {summary_line(screening)}" if screening else report


def report_line(reports: list[dict[str, Any]]) -> str:
    """One line for the queue about a report: the buttons chosen, never the reporter's words."""
    if not reports:
        return "report being written"
    details, parts = reports[-1]["details"], ["report" if reports[-1]["sent"] else "report being written"]
    if is_urgent(details, "danger"):
        parts.append("danger now")
    if is_urgent(details, "minors"):
        parts.append("under 18")
    if place := details.get("place", {}).get("choice"):
        parts.append(place.replace("_", " "))
    if signs := details.get("signs", {}).get("choices"):
        parts.append(f"{len(signs)} signs")
    if added := sum(len(report["additions"]) for report in reports):
        parts.append(f"{added} added later")
    return " · ".join(parts)


# Authentication ----------------------------------------------------------------------------------------

@routes.post("/api/console/login")
async def login(request: web.Request) -> web.Response:
    body = await _json_body(request)
    name, password = body.get("username"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        return _error(400, 'Send {"username": "…", "password": "…"}.')
    accounts, audit = request.app[ACCOUNTS], request.app[HANDOVER].audit
    result = await accounts.login(name, password)
    if result is None:
        # The account it was for, if any; never what was typed: a password typed into the name field
        # must not end up in the audit log.
        await audit.record(await accounts.id_of(name), "login_failed")
        await asyncio.sleep(FAILED_LOGIN_DELAY)
        return _error(401, "Wrong name or password.")
    account, token = result
    await audit.record(account.id, "login")
    response = web.json_response({"token": token, "caseworker": account.to_json()})
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                        secure=request.secure, max_age=12 * 3600)
    return response


@routes.post("/api/console/logout")
@logged_in()
async def logout(request: web.Request, account: Account) -> web.Response:
    token, _ = _token(request)
    await request.app[ACCOUNTS].logout(token or "")
    await request.app[HANDOVER].audit.record(account.id, "logout")
    response = web.json_response({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


@routes.get("/api/console/me")
@logged_in()
async def me(request: web.Request, account: Account) -> web.Response:
    return web.json_response(account.to_json())


# The queue and conversations ----------------------------------------------------------------------------

@routes.get("/api/console/queue")
@logged_in()
async def queue(request: web.Request, account: Account) -> web.Response:
    handover = request.app[HANDOVER]
    now = utcnow()
    waiting = await handover.queue.items(("queued",))
    held = await handover.queue.items(("assigned",))
    if not account.is_supervisor:
        held = [item for item in held if item.assignee_id == account.id]

    async def row(item: Any) -> dict[str, Any]:
        return {"conversation_id": item.conversation_id, "alias": item.alias, "state": item.state,
                "tier": item.tier, "kind": item.kind, "language": item.language, "channel": item.channel,
                "waiting_seconds": item.waiting_seconds(now), "assignee": item.assignee,
                "summary": await summary_of(handover, item)}

    return web.json_response({"items": [await row(item) for item in waiting],
                              "assigned": [await row(item) for item in held],
                              "online": await request.app[ACCOUNTS].online_count()})


@routes.post("/api/console/queue/next")
@logged_in()
async def claim_next(request: web.Request, account: Account) -> web.Response:
    """Claim the most urgent waiting conversation."""
    conversation_id = await request.app[HANDOVER].claim_next(account)
    return web.json_response({"conversation_id": conversation_id})


@routes.get("/api/console/conversations/{conversation_id}")
@logged_in()
async def conversation(request: web.Request, account: Account) -> web.Response:
    details = await _visible(request, account)
    handover = request.app[HANDOVER]
    conversation_id = details["conversation_id"]
    await handover.audit.record(account.id, "view", conversation_id)
    messages = await handover.store.transcript(conversation_id)
    return web.json_response({
        **details,
        "messages": [_message_json(message) for message in messages],
        "notes": await handover.store.notes(conversation_id),
        "screening": await handover.store.screening(conversation_id),
        "reports": await handover.reports.of_conversation(conversation_id),
    })


@routes.get("/api/console/conversations/{conversation_id}/messages")
@logged_in()
async def conversation_messages(request: web.Request, account: Account) -> web.Response:
    """The transcript after a message id: what a console fetches when the WebSocket says something new came."""
    details = await _visible(request, account)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return _error(400, "after must be a message id (a whole number).")
    messages = await request.app[HANDOVER].store.transcript(details["conversation_id"])
    return web.json_response({"messages": [_message_json(m) for m in messages if m.id > after],
                              "state": details["state"], "assignee": details["assignee"]})


@routes.post("/api/console/conversations/{conversation_id}/claim")
@logged_in()
async def claim(request: web.Request, account: Account) -> web.Response:
    conversation_id = request.match_info["conversation_id"]
    result = await request.app[HANDOVER].claim(account, conversation_id)
    if result is ClaimResult.TAKEN:
        return _error(409, "Another caseworker holds this conversation.")
    if result is ClaimResult.NOT_QUEUED:
        return _error(409, "This conversation is not waiting for a person.")
    return web.json_response({"conversation_id": conversation_id, "claimed": True})


@routes.post("/api/console/conversations/{conversation_id}/messages")
@logged_in()
async def send_message(request: web.Request, account: Account) -> web.Response:
    text = _text_field(await _json_body(request), "text", MAX_TEXT)
    try:
        message = await request.app[HANDOVER].reply(account, request.match_info["conversation_id"], text)
    except NotHolder:
        return _error(409, "Claim the conversation before you answer.")
    return web.json_response({"message": _message_json(message)}, status=201)


async def _ending(request: web.Request, account: Account,
                  action: Callable[[Account, str], Awaitable[None]]) -> web.Response:
    try:
        await action(account, request.match_info["conversation_id"])
    except NotHolder:
        return _error(409, "You do not hold this conversation.")
    return web.json_response({"conversation_id": request.match_info["conversation_id"]})


@routes.post("/api/console/conversations/{conversation_id}/release")
@logged_in()
async def release(request: web.Request, account: Account) -> web.Response:
    return await _ending(request, account, request.app[HANDOVER].release)


@routes.post("/api/console/conversations/{conversation_id}/resolve")
@logged_in()
async def resolve(request: web.Request, account: Account) -> web.Response:
    return await _ending(request, account, request.app[HANDOVER].resolve)


@routes.post("/api/console/conversations/{conversation_id}/transfer")
@logged_in()
async def transfer(request: web.Request, account: Account) -> web.Response:
    target_id = (await _json_body(request)).get("caseworker_id")
    target = await request.app[ACCOUNTS].get(target_id) if isinstance(target_id, int) else None
    if target is None:
        return _error(400, '"caseworker_id" must be the id of an active caseworker.')
    try:
        await request.app[HANDOVER].transfer(account, request.match_info["conversation_id"], target)
    except NotHolder:
        return _error(409, "You do not hold this conversation.")
    return web.json_response({"conversation_id": request.match_info["conversation_id"], "assignee": target.alias})


@routes.post("/api/console/conversations/{conversation_id}/notes")
@logged_in()
async def add_note(request: web.Request, account: Account) -> web.Response:
    details = await _visible(request, account)
    text = _text_field(await _json_body(request), "text", MAX_NOTE)
    note = await request.app[HANDOVER].store.add_note(details["conversation_id"], account.id, text)
    return web.json_response({"note": {**note, "author": account.name}}, status=201)


@routes.get("/api/console/canned")
@logged_in()
async def canned(request: web.Request, account: Account) -> web.Response:
    language = request.query.get("language", "")
    return web.json_response({"items": await request.app[CANNED].for_language(language)})


# Accounts and audit -------------------------------------------------------------------------------------

@routes.get("/api/console/caseworkers")
@logged_in()
async def caseworkers(request: web.Request, account: Account) -> web.Response:
    return web.json_response({"items": [{**each.to_json(), "online": online}
                                        for each, online in await request.app[ACCOUNTS].all()]})


@routes.post("/api/console/caseworkers")
@logged_in("admin")
async def add_caseworker(request: web.Request, account: Account) -> web.Response:
    body = await _json_body(request)
    name, password, role = body.get("name"), body.get("password"), body.get("role", "caseworker")
    alias = body.get("alias")
    if not all(isinstance(value, str) for value in (name, password, role)) or not isinstance(alias, str | None):
        return _error(400, f'Send "name", "password", "role" ({", ".join(ROLES)}) and optionally "alias".')
    try:
        created = await request.app[ACCOUNTS].add(name, password, role, alias)
    except AccountError as error:
        return _error(400, str(error))
    await request.app[HANDOVER].audit.record(account.id, "caseworker_add", detail=f"{created.name} ({role})")
    return web.json_response(created.to_json(), status=201)


@routes.get("/api/console/audit")
@logged_in("supervisor")
async def audit_log(request: web.Request, account: Account) -> web.Response:
    try:
        before = int(request.query["before"]) if "before" in request.query else None
    except ValueError:
        return _error(400, "before must be an event id (a whole number).")
    return web.json_response({"items": await request.app[HANDOVER].audit.events(before_id=before)})


@routes.get("/api/console/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(yaml.safe_load((HERE / "openapi.yml").read_text(encoding="utf-8")))


# Live updates ---------------------------------------------------------------------------------------------

@routes.get("/api/console/ws")
@logged_in()
async def live(request: web.Request, account: Account) -> web.WebSocketResponse:
    """Events for this console (see handover/hub.py); the console sends {"type": "ping"} to stay present."""
    origin = request.headers.get("Origin")
    if origin and origin.split("://", 1)[-1] != request.host:
        raise web.HTTPForbidden(text="The console can only be used from its own page.")
    accounts, hub = request.app[ACCOUNTS], request.app[HANDOVER].hub
    await accounts.seen(account.id)  # before the handshake ends: once connected, the caseworker counts as online
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    hub.join(socket, account.id)
    last_seen = time.monotonic()
    try:
        async for message in socket:
            if message.type == WSMsgType.TEXT and time.monotonic() - last_seen > SEEN_EVERY:
                await accounts.seen(account.id)
                last_seen = time.monotonic()
    finally:
        hub.leave(socket)
    return socket


# The page -------------------------------------------------------------------------------------------------

@routes.get("/console")
async def page(request: web.Request) -> web.Response:
    html = request.app[CONSOLE_TEMPLATES].get_template("console.html").render(csrf_header=CSRF_HEADER)
    return web.Response(text=html, content_type="text/html", headers=SECURITY_HEADERS)


def _message_json(message: Any) -> dict[str, Any]:
    return {**message.to_json(), "created_at": message.created_at.isoformat()}


def setup(app: web.Application, handover: Handover, accounts: Accounts, canned_responses: CannedResponses) -> None:
    app[HANDOVER] = handover
    app[ACCOUNTS] = accounts
    app[CANNED] = canned_responses


def add_routes(app: web.Application) -> None:
    app[CONSOLE_TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                                autoescape=True)
    app.add_routes(routes)
    app.router.add_static("/console/static/", HERE / "static")
