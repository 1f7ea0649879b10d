"""What a person waiting for a caseworker is told: their place and a rough wait, or, when nobody can answer
(nobody online, or outside the chat's staffed hours), that nobody can answer right now, when people are back,
and a choice to keep waiting or leave a message. After danger (P1) the bot promises a person only when one
can come; otherwise it says plainly that nobody can write now, to call 112, and that what they write here is kept
for a person to read."""

from __future__ import annotations

import math

from core.messages import Message
from core.texts import Texts
from core.vocabulary import Tier
from handover.accounts import Accounts
from handover.queue import Queue

NOBODY_MENU = "queue_choice"


class WaitingRoom:
    def __init__(self, queue: Queue, accounts: Accounts, texts: Texts) -> None:
        self._queue = queue
        self._accounts = accounts
        self._texts = texts

    async def staffed(self) -> bool:
        """Someone can answer now: a caseworker is online, within the chat's staffed hours (content/hours.yml)."""
        return (self._texts.hours.chat_staffed_at(self._queue.clock.now())
                and await self._accounts.online_count() > 0)

    async def notice(self, conversation_id: str, language: str, tier: Tier | None = None,
                     staffed: bool | None = None) -> Message | None:
        """None when the conversation is not waiting (a caseworker already holds it). `staffed` when the caller
        has just looked it up."""
        position = await self._queue.position(conversation_id)
        if position is None:
            return None
        if staffed is None:
            staffed = await self.staffed()
        if tier == Tier.P1:
            return self._texts.reply("danger.person_coming", language) if staffed else self.nobody_in_danger(language)
        if not staffed:
            return self.nobody(language)
        wait = await self._queue.typical_wait()
        if wait is None:
            return self._texts.reply("queue.place_no_estimate", language, variables={"position": str(position)})
        minutes = max(1, math.ceil(wait / 60))
        return self._texts.reply("queue.place", language,
                                 variables={"position": str(position), "minutes": str(minutes)})

    def too_many(self, language: str) -> Message:
        """A request for a person refused by a limit (handover/requests.py): said so, with 112 and the hotline."""
        return self._texts.reply("limited.person", language)

    def nobody_in_danger(self, language: str) -> Message:
        """After danger with nobody to answer: 112 now and the hotline's hours, and that what they write here is
        kept and read (the leave-a-message answer: "Is it safe for you to write now?" follows, with its own
        buttons, so there are no wait / message buttons here)."""
        nobody = self._texts.reply("danger.nobody", language)
        return Message(f"{nobody.text}\n{self._texts.text('queue.leave_message', language)}", nobody.buttons)

    def nobody(self, language: str) -> Message:
        """Nobody can answer: 112 and the hotline, when people are back, keep waiting or leave a message."""
        nobody = self._texts.reply("queue.nobody", language, NOBODY_MENU)
        return Message(f"{nobody.text}\n{self._texts.text('queue.hours', language)}", nobody.buttons)
