"""The console's WebSocket of live events (handover/hub.py), tied to the session that opened it.

The handshake needs a session like every console endpoint (the route table checks it); the socket then lives
only as long as that session: logging out, the session's end, an inactive account or a changed role close it
with a code the page understands (handover/static/live.js shows the login form, or starts again).
"""

from __future__ import annotations

import time

from aiohttp import WSCloseCode, WSMsgType, web

from core.errors import Forbidden, Unauthenticated
from core.vocabulary import State
from handover.accounts import Account, token_hash
from handover.app_keys import ACCOUNTS, HANDOVER
from handover.audience import follows
from handover.console_api import api
from handover.console_auth import token_of
from handover.hub import GOING_AWAY, SESSION_ENDED, Console

SEEN_EVERY = 20.0  # seconds between presence writes for one console


@api.get("/ws", 'WebSocket of live events: {"type": "queue" | "message" | "conversation" | "danger" | '
                '"alert" | "erased", "conversation_id"?, "tier"?, "urgent"?, "reason"?}; events carry no text, '
                "and only about conversations this console may follow (waiting ones; held ones: a caseworker their "
                'own, supervisors all); an alert ({"reason": "p1_spike"}) goes to every console, and so does '
                '"erased" (the person deleted that conversation: nothing of it can be opened or answered). '
                '{"type": "relay", "polling": true} when the events of other app instances stop arriving (Redis '
                'down): poll the API every few seconds until {"type": "relay", "polling": false}. '
                'Send {"type": "ping"} every 20 s to stay present. Closed with code 4401 when the session '
                "ends (logout, expiry, account made inactive), 4403 when the account's role changes.",
         status=101, errors=(400, 403))
async def live(request: web.Request, account: Account) -> web.WebSocketResponse:
    """Events for this console (see handover/hub.py); the console sends {"type": "ping"} to stay present."""
    origin = request.headers.get("Origin")
    if origin and origin.split("://", 1)[-1] != request.host:
        raise Forbidden("The console can only be used from its own page.")
    accounts, handover = request.app[ACCOUNTS], request.app[HANDOVER]
    token, _ = token_of(request)
    session = token_hash(token or "")
    lasting = await accounts.lasting(session)
    if lasting is None:  # ended between the route's check and now
        raise Unauthenticated("Please log in.")
    # What the console's queue view can show from now on: it hears when one of these leaves its view.
    known = {item.conversation_id for item in await handover.queue.items((State.QUEUED, State.ASSIGNED))
             if follows(account, (item.state, item.assignee_id))}
    await accounts.seen(account.id)  # before the handshake ends: once connected, the caseworker counts as online
    socket = web.WebSocketResponse(heartbeat=30)
    await socket.prepare(request)
    hub = handover.hub
    if hub.stopping:  # connected as the server began to stop: open, it would hold the stop; it reconnects elsewhere
        await socket.close(code=WSCloseCode.GOING_AWAY, message=GOING_AWAY)
        return socket
    hub.join(socket, Console(account, session, lasting[1], known))
    await hub.welcome(socket)
    last_seen = time.monotonic()
    try:
        async for message in socket:
            if hub.expired(socket):
                await socket.close(code=SESSION_ENDED, message=b"session ended")
                break
            if message.type == WSMsgType.TEXT and time.monotonic() - last_seen > SEEN_EVERY:
                await accounts.seen(account.id)
                last_seen = time.monotonic()
    finally:
        hub.leave(socket)
    return socket
