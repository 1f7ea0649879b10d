"""Live updates for the consoles connected to this app instance (WebSocket).

Events carry ids and states, never message text: a console that cares fetches what it may see through the
API, which checks its role. Several app instances relay their events to each other (handover/hub_relay.py,
Redis pub/sub): each hub delivers its own events here at once and the other instances' events as they arrive,
and filters both alike for its consoles. While the relay is down the consoles are told to poll (RELAY_DOWN),
and told again when it is back (RELAY_UP). One instance (the embedded default) needs no relay.

Who hears what (handover/audience.py): a console hears about the conversations its queue view shows, the same
ones the API lets it open from there: everyone the waiting ones, a caseworker the ones they hold, supervisors
and admins every held one. Nobody hears about a conversation only the bot holds. A console hears once more
about a conversation that just left its view (claimed by someone else, handed back to the bot), so that it
drops it at once. Urgent events always reach supervisors, and reach a caseworker whenever they could take the
conversation: the ring for a person in danger is never lost to the filter. That a person erased a conversation
reaches every console, with its id only: it has no place left to filter by, and any console may have it open (a
supervisor any conversation, a caseworker one found by a report's code), which then says so at once instead of
at its next action (walk 4 item 2).

Each socket is tied to the console session that opened it: logging out closes it at once, and so does the
session's end, an account made inactive, or a role changed (found by `check_sessions`, which the app runs every
few seconds, and before every event). The close codes are the page's (handover/static/live.js): SESSION_ENDED
shows the login form, ROLE_CHANGED reloads the page with the new role.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import WSCloseCode, web

from core.clock import SYSTEM_CLOCK, Clock
from core.vocabulary import EventType, Tier
from handover.accounts import Account
from handover.audience import Place, follows

log = logging.getLogger(__name__)

SESSION_ENDED = 4401  # logged out, expired, or the account made inactive: log in again
ROLE_CHANGED = 4403  # the account's role changed: the page starts again with what the new role may see
# A conversation's state and holder (handover/store.py Store.whereabouts); None when it does not exist (any more).
Whereabouts = Callable[[str], Awaitable[Place | None]]
# A session's account and end by its token's hash (handover/accounts.py Accounts.lasting); None once ended.
SessionCheck = Callable[[str], Awaitable[tuple[Account, datetime] | None]]
# What the consoles are told about the relay between instances (handover/static/live.js): down, poll every few
# seconds, since other instances' events do not arrive; up, events again (and a refresh for what was missed).
RELAY_DOWN: dict[str, object] = {"type": "relay", "polling": True}
RELAY_UP: dict[str, object] = {"type": "relay", "polling": False}


@dataclass(frozen=True)
class HubEvent:
    type: EventType
    conversation_id: str | None = None
    tier: Tier | None = None  # with a queue request: the consoles ring for urgent tiers
    reason: str | None = None  # with an alert: what it is about ("p1_spike")

    @property
    def urgent(self) -> bool:
        """A ring: danger words in a held conversation, or an urgent tier asking for a person."""
        return self.type == EventType.DANGER or (self.tier is not None and self.tier.urgent)

    def to_json(self, with_id: bool = True) -> dict[str, object]:
        event: dict[str, object] = {"type": self.type}
        if self.conversation_id is not None and with_id:
            event["conversation_id"] = self.conversation_id
        if self.tier is not None:
            event["tier"] = self.tier
            event["urgent"] = self.tier.urgent
        if self.reason is not None:
            event["reason"] = self.reason
        return event


class Relay(Protocol):
    """The events' way to the other app instances and back (handover/hub_relay.py)."""

    @property
    def up(self) -> bool: ...

    def send(self, event: HubEvent) -> None: ...

    async def run(self, deliver: Callable[[HubEvent], Awaitable[None]],
                  changed: Callable[[bool], Awaitable[None]]) -> None: ...


@dataclass
class Console:
    """One connected console: whose it is, which session opened it and until when that session lasts, and the
    conversations it has been told about (so that it hears when one leaves its view)."""

    account: Account
    session: str  # the session token's hash (handover/accounts.py token_hash)
    expires_at: datetime
    known: set[str] = field(default_factory=set)


GOING_AWAY = b"server stopping"  # with close code 1001, as the server stops: the console reconnects
CLOSE_MESSAGES = {SESSION_ENDED: b"session ended", ROLE_CHANGED: b"role changed", WSCloseCode.GOING_AWAY: GOING_AWAY}


class Hub:
    def __init__(self, whereabouts: Whereabouts, *, clock: Clock = SYSTEM_CLOCK, relay: Relay | None = None) -> None:
        self._whereabouts = whereabouts
        self._clock = clock
        self._relay = relay
        self._consoles: dict[web.WebSocketResponse, Console] = {}
        self._closing: set[asyncio.Task[bool]] = set()
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """The server is stopping: a console that connects now is told to go away (see `close`)."""
        return self._stopping

    def join(self, socket: web.WebSocketResponse, console: Console) -> None:
        self._consoles[socket] = console

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._consoles.pop(socket, None)

    @property
    def relayed(self) -> bool:
        """Every instance's events reach the consoles here: one instance, or the relay is up."""
        return self._relay is None or self._relay.up

    async def welcome(self, socket: web.WebSocketResponse) -> None:
        """A console that just joined while the relay is down polls from the start."""
        if not self.relayed:
            await self._send_all([(socket, RELAY_DOWN)])

    async def publish(self, event: HubEvent) -> None:
        """To this instance's consoles now, and to the other instances' (through the relay, in the background)."""
        if self._relay is not None:
            self._relay.send(event)
        await self.deliver(event)

    async def run_relay(self) -> None:
        """The other instances' events to the consoles here, until cancelled (a task the app starts)."""
        if self._relay is not None:
            await self._relay.run(self.deliver, self._relay_changed)

    async def _relay_changed(self, up: bool) -> None:
        await self._send_all([(socket, RELAY_UP if up else RELAY_DOWN) for socket in list(self._consoles)])

    async def deliver(self, event: HubEvent) -> None:
        """To this instance's consoles only, each as far as it may hear."""
        ended = self._ended()
        if not self._consoles:  # nobody to tell: no need to ask the database where the conversation is
            pass
        elif event.conversation_id is None:  # nothing to place (a person erased): every console refreshes
            await self._send_all([(socket, event.to_json()) for socket in self._consoles])
        elif event.type == EventType.ERASED:  # gone: nothing to place, every console that has it open says so
            for console in self._consoles.values():
                console.known.discard(event.conversation_id)
            await self._send_all([(socket, event.to_json()) for socket in self._consoles])
        else:
            await self._send_all(await self._addressed(event, event.conversation_id))
        await self._close(ended, SESSION_ENDED)

    async def end_session(self, session: str) -> None:
        """Logged out: the consoles that session opened close now, before anything else reaches them."""
        await self._close([socket for socket, console in self._consoles.items() if console.session == session],
                          SESSION_ENDED)

    async def check_sessions(self, check: SessionCheck) -> None:
        """Close the consoles whose session has ended (also on another instance: logged out there), whose account
        is no longer active, or whose role changed; one question per session."""
        ended, changed = self._ended(), []
        lasting: dict[str, tuple[Account, datetime] | None] = {}
        for socket, console in list(self._consoles.items()):
            if console.session not in lasting:
                lasting[console.session] = await check(console.session)
            now = lasting[console.session]
            if now is None:
                ended.append(self._drop(socket))
            elif now[0].role != console.account.role:
                changed.append(self._drop(socket))
            else:
                console.account, console.expires_at = now
        await self._close(ended, SESSION_ENDED)
        await self._close(changed, ROLE_CHANGED)

    async def run_session_checks(self, check: SessionCheck, every: float) -> None:
        """`check_sessions`, forever (a task the app starts); a failed round is logged and the next one runs."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.check_sessions(check)
            except Exception:  # one bad round (the database away) must not stop the ones after it
                log.exception("console session check failed")

    def expired(self, socket: web.WebSocketResponse) -> bool:
        """This console's session has run out by the clock (its handler closes it)."""
        console = self._consoles.get(socket)
        return console is not None and console.expires_at <= self._clock.now()

    async def close(self) -> None:
        """The server stops: every console is told it is going away (it reconnects, to another instance too)."""
        self._stopping = True
        await self._close(list(self._consoles), WSCloseCode.GOING_AWAY)  # together: one that does not answer
        await asyncio.gather(*self._closing, return_exceptions=True)  # holds the stop for its own timeout only

    async def _addressed(self, event: HubEvent, conversation_id: str) -> list[tuple[web.WebSocketResponse,
                                                                                    dict[str, object]]]:
        """Each console that may hear this event, with what it hears."""
        try:
            place = await self._whereabouts(conversation_id)
        except Exception:  # the database away: the ring must still sound, see below
            log.exception("could not place a conversation for the consoles")
            # Supervisors get it whole; a caseworker gets an urgent one without the id: the ring sounds and the
            # queue refreshes through the API, which checks what they may see.
            return [(socket, event.to_json(with_id=console.account.is_supervisor))
                    for socket, console in self._consoles.items()
                    if console.account.is_supervisor or event.urgent]
        addressed = []
        for socket, console in self._consoles.items():
            if place is not None and follows(console.account, place):
                console.known.add(conversation_id)
            elif conversation_id in console.known:  # it just left this console's view: once more, then no more
                console.known.discard(conversation_id)
            elif not (event.urgent and console.account.is_supervisor):
                continue
            addressed.append((socket, event.to_json()))
        return addressed

    async def _send_all(self, addressed: list[tuple[web.WebSocketResponse, dict[str, object]]]) -> None:
        for socket, message in addressed:
            try:
                await socket.send_json(message)
            except (ConnectionError, RuntimeError):  # the console went away mid-send; its handler cleans up
                self.leave(socket)

    def _ended(self) -> list[web.WebSocketResponse]:
        """The consoles whose session ran out by the clock, out of the hub: they hear nothing more."""
        now = self._clock.now()
        return [self._drop(socket) for socket, console in list(self._consoles.items()) if console.expires_at <= now]

    def _drop(self, socket: web.WebSocketResponse) -> web.WebSocketResponse:
        self.leave(socket)
        return socket

    async def _close(self, sockets: list[web.WebSocketResponse], code: int) -> None:
        """Out of the hub now (nothing more reaches them); the close itself in the background, because a close
        waits for the console's answer and a console that does not answer must not hold up a logout, a ring or the
        other consoles' close as the server stops."""
        for socket in sockets:
            self.leave(socket)
            task = asyncio.create_task(socket.close(code=code, message=CLOSE_MESSAGES[code]))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
