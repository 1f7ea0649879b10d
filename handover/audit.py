"""The audit log: who did what, when (logins, transcript views, claims, releases, accounts). Supervisors read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.models import AuditEvent, Caseworker, as_utc, utcnow

audit_table = AuditEvent.__table__
caseworker_table = Caseworker.__table__


class Audit:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, caseworker_id: int | None, action: str, conversation_id: str | None = None,
                     detail: str | None = None) -> None:
        """`detail` is for names and reasons, never for anything a person wrote."""
        async with self._engine.begin() as connection:
            await connection.execute(insert(audit_table).values(
                at=utcnow(), caseworker_id=caseworker_id, action=action, conversation_id=conversation_id,
                detail=detail[:200] if detail else None))

    async def events(self, limit: int = 200, before_id: int | None = None) -> list[dict[str, object]]:
        """Newest first."""
        query = (select(audit_table, caseworker_table.c.name)
                 .outerjoin(caseworker_table, caseworker_table.c.id == audit_table.c.caseworker_id)
                 .order_by(audit_table.c.id.desc()).limit(limit))
        if before_id is not None:
            query = query.where(audit_table.c.id < before_id)
        async with self._engine.connect() as connection:
            return [{"id": row.id, "at": _iso(row.at), "caseworker": row.name, "action": row.action,
                     "conversation_id": row.conversation_id, "detail": row.detail}
                    for row in await connection.execute(query)]


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat()
