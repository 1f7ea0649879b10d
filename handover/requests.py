"""Asking for a person: the conversation joins the queue (or moves up in it) and the consoles are told, ringing
for urgent tiers. The bot's answers (bot/gateway.py) and a report's questions (bot/reporting.py) both ask here.
"""

from __future__ import annotations

from core.messages import Message
from core.vocabulary import EventType, Kind, Tier
from handover.hub import Hub, HubEvent
from handover.oncall import OnCall
from handover.store import Store
from handover.waiting import WaitingRoom


class HandoverRequests:
    def __init__(self, store: Store, hub: Hub, waiting: WaitingRoom, on_call: OnCall | None = None) -> None:
        self._store = store
        self._hub = hub
        self._waiting = waiting
        self._on_call = on_call

    async def ask(self, conversation_id: str, tier: Tier, kind: Kind, reopen: bool = False) -> None:
        """`reopen`: a resolved conversation is queued again (information added to its report). A P1 while
        nobody can answer wakes the on-call worker (handover/oncall.py)."""
        staffed = await self._waiting.staffed() if tier == Tier.P1 else True
        await self._ask(conversation_id, tier, kind, reopen, staffed)

    async def ask_and_tell(self, conversation_id: str, tier: Tier, kind: Kind, language: str) -> list[Message]:
        """Ask, and tell the person their place in the queue (nothing when a caseworker already holds it).
        Whether someone can answer is looked up once: the on-call call and the notice agree."""
        staffed = await self._waiting.staffed()
        await self._ask(conversation_id, tier, kind, False, staffed)
        notice = await self._waiting.notice(conversation_id, language, tier, staffed)
        return [notice] if notice else []

    async def _ask(self, conversation_id: str, tier: Tier, kind: Kind, reopen: bool, staffed: bool) -> None:
        await self._store.request_handover(conversation_id, tier, kind, reopen=reopen)
        await self._hub.publish(HubEvent(EventType.QUEUE, conversation_id, tier))
        if tier == Tier.P1 and self._on_call is not None and not staffed:
            details = await self._store.details(conversation_id)
            if details is not None:
                self._on_call.notify(conversation_id, details.alias)
