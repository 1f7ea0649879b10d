"""Live updates for the consoles connected to this app instance (WebSocket).

Events carry ids and states, never message text: a console that cares fetches what it may see through the
API, which checks its role. Several app instances would relay events through PostgreSQL LISTEN/NOTIFY or
Redis pub/sub; one instance (the embedded default) needs neither.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from core.vocabulary import EventType, Tier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HubEvent:
    type: EventType
    conversation_id: str | None = None
    tier: Tier | None = None  # with a queue request: the consoles ring for urgent tiers
    reason: str | None = None  # with an alert: what it is about ("p1_spike")

    def to_json(self) -> dict[str, object]:
        event: dict[str, object] = {"type": self.type}
        if self.conversation_id is not None:
            event["conversation_id"] = self.conversation_id
        if self.tier is not None:
            event["tier"] = self.tier
            event["urgent"] = self.tier.urgent
        if self.reason is not None:
            event["reason"] = self.reason
        return event


class Hub:
    def __init__(self) -> None:
        self._sockets: dict[web.WebSocketResponse, int] = {}

    def join(self, socket: web.WebSocketResponse, caseworker_id: int) -> None:
        self._sockets[socket] = caseworker_id

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    async def publish(self, event: HubEvent) -> None:
        message = event.to_json()
        for socket in list(self._sockets):
            try:
                await socket.send_json(message)
            except (ConnectionError, RuntimeError):  # the console went away mid-send; its handler cleans up
                self.leave(socket)

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        self._sockets.clear()
