"""HTTP client to the Rasa server and the action server (both on 127.0.0.1, never exposed)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from handover.ports import AssistantUnavailable


class RasaUnavailable(AssistantUnavailable):
    """Rasa did not answer in time or at all; the caller tells the user and keeps the message."""


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, rasa_url: str, token: str, action_server_url: str,
                 timeout: float) -> None:
        self._http = http
        self._rasa_url = rasa_url
        self._token = token
        self._action_server_url = action_server_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._probe_timeout = aiohttp.ClientTimeout(total=min(timeout, 3.0))

    async def send(self, sender_id: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One user turn through Rasa's REST channel; returns the bot's replies in order.

        Rasa itself skips its token on `/webhooks/*`; our launcher (rasa_plugins/rasa_server.py) requires it
        there, as a Bearer header so that it shows in no URL. The sender id is the pseudonymous conversation id.
        """
        body = {"sender": sender_id, "message": message, "metadata": metadata}
        try:
            async with self._http.post(f"{self._rasa_url}/webhooks/rest/webhook", json=body,
                                       headers={"Authorization": f"Bearer {self._token}"},
                                       timeout=self._timeout) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                replies = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        return replies if isinstance(replies, list) else []

    async def erase_tracker(self, sender_id: str) -> None:
        """Replace the conversation's tracker with an empty one (Rasa has no delete endpoint)."""
        try:
            async with self._http.put(f"{self._rasa_url}/conversations/{sender_id}/tracker/events",
                                      params={"token": self._token}, json=[],
                                      timeout=self._timeout) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def rasa_status(self) -> str:
        """'ok' when Rasa answers and has a model loaded."""
        try:
            async with self._http.get(f"{self._rasa_url}/status", params={"token": self._token},
                                      timeout=self._probe_timeout) as response:
                if response.status != 200:
                    return f"error: HTTP {response.status}"
                status = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            return f"unreachable: {type(error).__name__}"
        return "ok" if status.get("model_file") else "error: no model loaded"

    async def action_server_status(self) -> str:
        try:
            async with self._http.get(f"{self._action_server_url}/health",
                                      timeout=self._probe_timeout) as response:
                return "ok" if response.status == 200 else f"error: HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return f"unreachable: {type(error).__name__}"
