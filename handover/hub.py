"""Live updates for the consoles connected to this app instance (WebSocket).

Events carry ids and states, never message text: a console that cares fetches what it may see through the
API, which checks its role. Several app instances would relay events through PostgreSQL LISTEN/NOTIFY or
Redis pub/sub; one instance (the embedded default) needs neither.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)


class Hub:
    def __init__(self) -> None:
        self._sockets: dict[web.WebSocketResponse, int] = {}

    def join(self, socket: web.WebSocketResponse, caseworker_id: int) -> None:
        self._sockets[socket] = caseworker_id

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._sockets.pop(socket, None)

    async def publish(self, event: dict[str, Any]) -> None:
        for socket in list(self._sockets):
            try:
                await socket.send_json(event)
            except (ConnectionError, RuntimeError):  # the console went away mid-send; its handler cleans up
                self.leave(socket)

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        self._sockets.clear()
