"""Keep as little as possible, for as short as possible: erasure on request and retention.

- Erasure: a person deletes everything about them now (web chat "Delete this conversation", Telegram
  `/delete`): the app database and Rasa's trackers. The consoles are told each erased conversation's id at once
  (an "erased" event, no words of the person): one that has it open says so and takes no more input.
- Retention: `retention_days` after a conversation was resolved (or, for one the bot held, after it went
  quiet) its transcript, notes, screening, reply address and Rasa tracker are deleted; only an anonymous
  statistics row is kept (handover/stats_facts.py: the day and hour it started, language, channel, kind, tier,
  assessment, form of exploitation, age band, indicator dimensions and ids, time to first human reply, reports).
  Queued and assigned conversations are never purged: a person is waiting.

Rasa may be down at that moment: its tracker is then listed in `tracker_erasure` and emptied at the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.config import CONTENT_DIR
from core.hours import Hours
from core.models import CodeAttempt, Conversation, TrackerErasure
from core.vocabulary import EventType, State
from handover.audit import ERASURE, Audit
from handover.hub import Hub, HubEvent
from handover.ports import AssistantUnavailable, TrackerEraser
from handover.reports import ATTEMPTS_KEPT
from handover.stats_facts import live_facts, stat_row
from handover.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    conversations: int
    trackers_pending: int


class Retention:
    def __init__(self, engine: AsyncEngine, store: Store, trackers: TrackerEraser, audit: Audit, days: float, *,
                 clock: Clock = SYSTEM_CLOCK, hours: Hours | None = None, hub: Hub | None = None) -> None:
        """`hours`: the chat's staffed hours, for the statistics row (content/hours.yml when not given); `hub`: the
        consoles, told of each erasure on request (the command line's purge needs none)."""
        self._engine = engine
        self._clock = clock
        self._store = store
        self._trackers = trackers
        self._audit = audit
        self.days = days
        self._hours = hours or Hours.load(CONTENT_DIR / "hours.yml")
        self._hub = hub

    async def erase_person(self, address_hash: str) -> int:
        """Everything about the person with this address, now. Returns how many conversations were erased."""
        ids = await self._store.erase_contact(address_hash)
        for conversation_id in ids:
            await self._audit.record(None, ERASURE, conversation_id, "at the person's request")
            if self._hub is not None:
                await self._hub.publish(HubEvent(EventType.ERASED, conversation_id))
        await self._erase_trackers(ids)
        return len(ids)

    async def purge(self) -> PurgeReport:
        """Delete what is older than the retention period; keep the statistics; retry pending trackers."""
        now = self._clock.now()
        cutoff = now - timedelta(days=self.days)
        query = select(Conversation.id).where(or_(
            and_(Conversation.state == State.RESOLVED, Conversation.resolved_at < cutoff),
            and_(Conversation.state == State.BOT, Conversation.updated_at < cutoff)))
        async with self._engine.connect() as connection:
            expired = list(await connection.scalars(query))
            facts = await live_facts(connection, self._hours, ids=expired) if expired else []
        ids = [conversation_id for conversation_id, _ in facts]
        if ids:  # the statistics rows and the deletion in one transaction: counted once, never lost
            await self._store.erase_conversations(ids, [stat_row(fact) for _, fact in facts])
            await self._audit.record(None, "purge", detail=f"{len(ids)} conversations older than {self.days:g} days")
        await self._erase_trackers(ids)
        async with self._engine.begin() as connection:  # wrong reference codes are of no use after a day
            await connection.execute(delete(CodeAttempt).where(CodeAttempt.at < now - ATTEMPTS_KEPT))
        async with self._engine.connect() as connection:
            pending = await connection.scalar(select(func.count()).select_from(TrackerErasure))
        return PurgeReport(len(ids), pending)

    async def purge_logged(self) -> None:
        """The purge, its outcome in the log: the daily job, on one instance at a time (bot/periodic.py)."""
        report = await self.purge()
        log.info("retention: %d conversations purged, %d Rasa trackers pending", report.conversations,
                 report.trackers_pending)

    async def _erase_trackers(self, new_ids: list[str]) -> None:
        """Empty the Rasa trackers of these conversations and of those still pending from earlier runs."""
        async with self._engine.begin() as connection:
            if new_ids:
                now = self._clock.now()
                await connection.execute(insert(TrackerErasure), [
                    {"conversation_id": conversation_id, "requested_at": now} for conversation_id in new_ids])
            pending = list(await connection.scalars(select(TrackerErasure.conversation_id)))
        for conversation_id in pending:
            try:
                await self._trackers.erase_tracker(conversation_id)
            except AssistantUnavailable:
                log.error("could not empty %d Rasa trackers: Rasa unavailable; retried at the next purge",
                          len(pending))
                return
            async with self._engine.begin() as connection:
                await connection.execute(
                    delete(TrackerErasure).where(TrackerErasure.conversation_id == conversation_id))
