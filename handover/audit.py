"""The audit log: who did what, when (logins, transcript views, claims, releases, accounts). Supervisors read it."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import AuditEvent, Caseworker, as_utc

ERASURE = "erasure"  # a conversation the person deleted (handover/retention.py); its id stays here


class AuditEntry(TypedDict):
    id: int
    at: str  # ISO 8601
    caseworker: str | None  # the login name; None for the app itself (erasures, purges)
    action: str
    conversation_id: str | None
    detail: str | None


class Audit:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._clock = clock

    async def record(self, caseworker_id: int | None, action: str, conversation_id: str | None = None,
                     detail: str | None = None) -> None:
        """`detail` is for names and reasons, never for anything a person wrote."""
        async with self._engine.begin() as connection:
            await connection.execute(insert(AuditEvent).values(
                at=self._clock.now(), caseworker_id=caseworker_id, action=action, conversation_id=conversation_id,
                detail=detail[:200] if detail else None))

    async def erased(self, conversation_id: str) -> bool:
        """Whether the person erased this conversation (its ERASURE event)."""
        async with self._engine.connect() as connection:
            return await connection.scalar(select(AuditEvent.id).where(
                AuditEvent.conversation_id == conversation_id, AuditEvent.action == ERASURE).limit(1)) is not None

    async def events(self, limit: int = 200, before_id: int | None = None) -> list[AuditEntry]:
        """Newest first."""
        query = (select(AuditEvent.id, AuditEvent.at, Caseworker.name, AuditEvent.action, AuditEvent.conversation_id,
                        AuditEvent.detail)
                 .outerjoin(Caseworker, Caseworker.id == AuditEvent.caseworker_id)
                 .order_by(AuditEvent.id.desc()).limit(limit))
        if before_id is not None:
            query = query.where(AuditEvent.id < before_id)
        async with self._engine.connect() as connection:
            return [AuditEntry(id=row.id, at=_iso(row.at), caseworker=row.name, action=row.action,
                               conversation_id=row.conversation_id, detail=row.detail)
                    for row in await connection.execute(query)]


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat()
