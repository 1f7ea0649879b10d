"""Asking for a person: the conversation joins the queue (or moves up in it) and the consoles are told, ringing
for urgent tiers. The bot's answers (bot/gateway.py) and a report's questions (bot/reporting.py) both ask here.

Limits (`RequestLimits`, docs/limits.md), counted per source of the person's request (core/sources.py):
  - requests for a person from one source beyond HAVN_LIMIT_HANDOVER_REQUESTS are not queued; the person is
    told so, with 112 and the hotline (`WaitingRoom.too_many`);
  - P1s from one source beyond HAVN_LIMIT_P1_PER_SOURCE are queued at P3 and do not ring: one source cannot fill
    the top of the queue nor ring every console (the person has just been given 112 first, as always);
  - P1s from everyone together beyond HAVN_P1_SPIKE stay P1 in the queue, but the consoles do not ring for each:
    the supervisors get one alert for the spike (and the audit log a line), not one ring per conversation.
A request without a source (the console, the sweeps) is not limited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.limits import Limit, Limiter
from core.messages import Message
from core.metrics import HANDOVER_REQUESTS
from core.sources import SOURCE
from core.vocabulary import EventType, Kind, Tier
from handover.audit import Audit
from handover.hub import Hub, HubEvent
from handover.oncall import OnCall
from handover.store import Store
from handover.waiting import WaitingRoom

log = logging.getLogger(__name__)

SPIKE_SOURCE = "all"  # the service-wide count of P1s
P1_SPIKE = "p1_spike"


@dataclass(frozen=True)
class RequestLimits:
    limiter: Limiter
    per_source: Limit
    p1_per_source: Limit
    p1_spike: Limit
    audit: Audit | None = None


class HandoverRequests:
    def __init__(self, store: Store, hub: Hub, waiting: WaitingRoom, on_call: OnCall | None = None,
                 limits: RequestLimits | None = None) -> None:
        self._store = store
        self._hub = hub
        self._waiting = waiting
        self._on_call = on_call
        self._limits = limits

    async def ask(self, conversation_id: str, tier: Tier, kind: Kind, reopen: bool = False,
                  staffed: bool | None = None) -> Tier | None:
        """`reopen`: a resolved conversation is queued again (information added to its report). A P1 while
        nobody can answer wakes the on-call worker (handover/oncall.py); `staffed` when the caller has just looked
        that up (bot/assistant.py: once a turn). Returns the tier asked for after the limits (a P1 over its
        source's cap is a P3), or None when a limit refused the request."""
        return await self._ask(conversation_id, tier, kind, reopen, staffed)

    async def staffed(self) -> bool:
        """Someone can answer now (handover/waiting.py)."""
        return await self._waiting.staffed()

    async def ask_and_tell(self, conversation_id: str, tier: Tier, kind: Kind, language: str,
                           staffed: bool | None = None, as_anyone: bool = False) -> list[Message]:
        """Ask, and tell the person their place in the queue (nothing when a caseworker already holds it).
        Whether someone can answer is looked up once (or given by a caller that has just looked it up): the
        on-call call and the notice agree. `as_anyone`: the person asked for a person themselves, so whatever the
        tier (a child's P1 too) they are told as anyone asking is: their place, or that nobody can answer now and
        when people are back, with 112 and the choice to wait or leave a message; not the danger notice."""
        if staffed is None:
            staffed = await self._waiting.staffed()
        asked = await self._ask(conversation_id, tier, kind, False, staffed)
        if asked is None:
            return [self._waiting.too_many(language)]
        notice = await self._waiting.notice(conversation_id, language, None if as_anyone else asked, staffed)
        return [notice] if notice else []

    async def _ask(self, conversation_id: str, tier: Tier, kind: Kind, reopen: bool,
                   staffed: bool | None) -> Tier | None:
        limited, ring, wake = await self._limited(tier)
        if limited is None:
            return None
        await self._store.request_handover(conversation_id, limited, kind, reopen=reopen)
        HANDOVER_REQUESTS.labels(limited).inc()
        await self._hub.publish(HubEvent(EventType.QUEUE, conversation_id, limited if ring else None))
        if wake and self._on_call is not None:
            if staffed is None:
                staffed = await self._waiting.staffed()
            if not staffed:
                details = await self._store.details(conversation_id)
                if details is not None:
                    self._on_call.notify(conversation_id, details.alias)
        return limited

    async def _limited(self, tier: Tier) -> tuple[Tier | None, bool, bool]:
        """The tier to queue at (None: not at all), whether the consoles ring for it, and whether a P1 wakes the
        on-call worker (handover/oncall.py): not for each P1 of a spike, only for the one that starts it."""
        limits, source = self._limits, SOURCE.get()
        if limits is None:
            return tier, tier.urgent, tier == Tier.P1
        if source is not None:
            if not (await limits.limiter.hit("handover", source, limits.per_source)).allowed:
                log.warning("handover request refused: too many from one source")
                return None, False, False
            if tier == Tier.P1 and not (await limits.limiter.hit("p1", source, limits.p1_per_source)).allowed:
                log.warning("P1 queued as P3: too many P1s from one source")
                return Tier.P3, False, False
        if tier != Tier.P1:
            return tier, tier.urgent, False
        spike = await limits.limiter.hit(P1_SPIKE, SPIKE_SOURCE, limits.p1_spike)
        if spike.first_over:
            log.warning("P1 spike: more than %s P1s in %g s; one alert instead of a ring for each",
                        limits.p1_spike.count, limits.p1_spike.seconds)
            await self._hub.publish(HubEvent(EventType.ALERT, reason=P1_SPIKE))
            if limits.audit is not None:
                await limits.audit.record(None, P1_SPIKE, detail=f"more than {limits.p1_spike} P1s")
        return Tier.P1, spike.allowed, spike.allowed or spike.first_over
