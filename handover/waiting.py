"""What a person waiting for a caseworker is told: their place and a rough wait, or, when nobody is online,
that nobody can answer right now (with 112 and the hotline) and a choice to keep waiting or leave a message."""

from __future__ import annotations

import math

from core.messages import Message
from core.texts import Texts
from handover.accounts import Accounts
from handover.queue import Queue

NOBODY_MENU = "queue_choice"


class WaitingRoom:
    def __init__(self, queue: Queue, accounts: Accounts, texts: Texts) -> None:
        self._queue = queue
        self._accounts = accounts
        self._texts = texts

    async def notice(self, conversation_id: str, language: str) -> Message | None:
        """None when the conversation is not waiting (a caseworker already holds it)."""
        position = await self._queue.position(conversation_id)
        if position is None:
            return None
        if not await self._accounts.online_count():
            return self.nobody(language)
        wait = await self._queue.typical_wait()
        if wait is None:
            return self._texts.reply("queue.place_no_estimate", language, variables={"position": str(position)})
        minutes = max(1, math.ceil(wait / 60))
        return self._texts.reply("queue.place", language,
                                 variables={"position": str(position), "minutes": str(minutes)})

    def nobody(self, language: str) -> Message:
        return self._texts.reply("queue.nobody", language, NOBODY_MENU)
