"""Waking the on-call worker: when a conversation becomes P1 while nobody can answer in the chat (nobody online,
or outside staffed hours), the app POSTs to the centre's on-call webhook (HAVN_ONCALL_WEBHOOK_URL).

The body holds the tier, the conversation's alias and a link to it in the console — never a word the person
wrote, never an address. The post runs beside the person's turn (their reply with 112 must not wait for
another server) and is tried once; a failure is logged without ids. One call per conversation per
`QUIET_FOR`, so that a person who writes "help" five times wakes the worker once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import aiohttp

from core.clock import SYSTEM_CLOCK, Clock
from core.vocabulary import Tier

log = logging.getLogger(__name__)

QUIET_FOR = timedelta(minutes=15)
TIMEOUT = aiohttp.ClientTimeout(total=5)


class OnCall:
    def __init__(self, http: aiohttp.ClientSession, url: str, console_url: str, *,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self._http = http
        self._url = url
        self._console_url = console_url
        self._clock = clock
        self._last_call: dict[str, datetime] = {}
        self._pending: set[asyncio.Task[None]] = set()

    def notify(self, conversation_id: str, alias: str, tier: Tier = Tier.P1) -> None:
        now = self._clock.now()
        last = self._last_call.get(conversation_id)
        if last is not None and now - last < QUIET_FOR:
            return
        self._last_call = {key: at for key, at in self._last_call.items() if now - at < QUIET_FOR}
        self._last_call[conversation_id] = now
        body = {"tier": str(tier), "alias": alias,
                "console_link": f"{self._console_url}#c={conversation_id}"}
        task = asyncio.create_task(self._post(body))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _post(self, body: dict[str, str]) -> None:
        try:
            async with self._http.post(self._url, json=body, timeout=TIMEOUT) as response:
                if response.status >= 300:
                    log.error("on-call webhook answered HTTP %s", response.status)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.error("on-call webhook failed (%s)", type(error).__name__)

    async def close(self) -> None:
        """Let calls under way finish (the app is stopping)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
