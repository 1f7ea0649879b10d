"""Keep as little as possible, for as short as possible: erasure on request and retention.

- Erasure: a person deletes everything about them now (web chat "Delete this conversation", Telegram
  `/delete`): the app database and Rasa's trackers.
- Retention: `retention_days` after a conversation was resolved (or, for one the bot held, after it went
  quiet) its transcript, notes, screening, reply address and Rasa tracker are deleted; only an anonymous
  statistics row is kept (day, language, channel, kind, tier, assessment, indicator ids, time to first human
  reply). Queued and assigned conversations are never purged: a person is waiting.

Rasa may be down at that moment: its tracker is then listed in `tracker_erasure` and emptied at the next run.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.models import CodeAttempt, Conversation, ConversationStat, Message, TrackerErasure, as_utc, utcnow
from handover.audit import Audit
from handover.ports import AssistantUnavailable, TrackerEraser
from handover.reports import ATTEMPTS_KEPT
from handover.store import Store, confirmed_indicators

log = logging.getLogger(__name__)

conversation_table = Conversation.__table__
message_table = Message.__table__
stat_table = ConversationStat.__table__
pending_table = TrackerErasure.__table__
attempt_table = CodeAttempt.__table__


@dataclass(frozen=True)
class PurgeReport:
    conversations: int
    trackers_pending: int


class Retention:
    def __init__(self, engine: AsyncEngine, store: Store, trackers: TrackerEraser, audit: Audit, days: float) -> None:
        self._engine = engine
        self._store = store
        self._trackers = trackers
        self._audit = audit
        self.days = days

    async def erase_person(self, address_hash: str) -> int:
        """Everything about the person with this address, now. Returns how many conversations were erased."""
        ids = await self._store.erase_contact(address_hash)
        for conversation_id in ids:
            await self._audit.record(None, "erasure", conversation_id, "at the person's request")
        await self._erase_trackers(ids)
        return len(ids)

    async def purge(self) -> PurgeReport:
        """Delete what is older than the retention period; keep the statistics; retry pending trackers."""
        cutoff = utcnow() - timedelta(days=self.days)
        table = conversation_table
        query = select(table).where(or_(
            and_(table.c.state == "resolved", table.c.resolved_at < cutoff),
            and_(table.c.state == "bot", table.c.updated_at < cutoff)))
        async with self._engine.connect() as connection:
            expired = list(await connection.execute(query))
        stats = [await self._statistics(row) for row in expired]
        ids = [row.id for row in expired]
        if ids:
            async with self._engine.begin() as connection:
                await connection.execute(insert(stat_table), stats)
            await self._store.erase_conversations(ids)
            await self._audit.record(None, "purge", detail=f"{len(ids)} conversations older than {self.days:g} days")
        await self._erase_trackers(ids)
        async with self._engine.begin() as connection:  # wrong reference codes are of no use after a day
            await connection.execute(delete(attempt_table).where(attempt_table.c.at < utcnow() - ATTEMPTS_KEPT))
        async with self._engine.connect() as connection:
            pending = await connection.scalar(select(func.count()).select_from(pending_table))
        return PurgeReport(len(ids), pending)

    async def run_daily(self) -> None:
        """The purge at start and then once a day (a task the app starts); a failed run is logged."""
        while True:
            try:
                report = await self.purge()
                log.info("retention: %d conversations purged, %d Rasa trackers pending", report.conversations,
                         report.trackers_pending)
            except Exception:  # one failed run must not stop the next day's
                log.exception("retention purge failed")
            await asyncio.sleep(24 * 3600)

    async def _statistics(self, row: object) -> dict[str, object]:
        conversation_id = row.id  # type: ignore[attr-defined]
        screening = await self._store.screening(conversation_id) or {}
        indicators = confirmed_indicators(screening)
        async with self._engine.connect() as connection:
            first_reply = await connection.scalar(select(func.min(message_table.c.created_at)).where(
                message_table.c.conversation_id == conversation_id, message_table.c.sender == "caseworker"))
        queued_at = row.queued_at  # type: ignore[attr-defined]
        waited = None
        if first_reply is not None and queued_at is not None:
            waited = max(0, int((as_utc(first_reply) - as_utc(queued_at)).total_seconds()))
        return {"day": as_utc(row.created_at).date(), "language": row.language,  # type: ignore[attr-defined]
                "channel": row.channel, "kind": row.kind, "tier": row.tier,  # type: ignore[attr-defined]
                "assessment": row.assessment, "indicators": ",".join(indicators) or None,  # type: ignore[attr-defined]
                "first_reply_seconds": waited}

    async def _erase_trackers(self, new_ids: list[str]) -> None:
        """Empty the Rasa trackers of these conversations and of those still pending from earlier runs."""
        async with self._engine.begin() as connection:
            for conversation_id in new_ids:
                await connection.execute(insert(pending_table).values(conversation_id=conversation_id,
                                                                      requested_at=utcnow()))
            pending = list(await connection.scalars(select(pending_table.c.conversation_id)))
        for conversation_id in pending:
            try:
                await self._trackers.erase_tracker(conversation_id)
            except AssistantUnavailable:
                log.error("could not empty %d Rasa trackers: Rasa unavailable; retried at the next purge",
                          len(pending))
                return
            async with self._engine.begin() as connection:
                await connection.execute(
                    delete(pending_table).where(pending_table.c.conversation_id == conversation_id))
