"""Reports of a suspicion in the database: reference codes, answers, added information, guessing brake.

A reference code is eight characters of Crockford's base 32 (no I, L, O, U), shown as K7M2-9XQP: 40 random
bits, short enough to write down, and unguessable when guesses are slowed down. Only a keyed hash of the
code is stored, so the code cannot be read back from the database, and nothing links it to who wrote.

Guessing is slowed down twice: one person (keyed address hash) gets a growing wait after a few wrong codes,
and all wrong codes together are capped per minute, so that opening new sessions does not help either.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.models import Assignment, CodeAttempt, Conversation, Report, ReportAddition, as_utc, utcnow
from core.pseudonym import Pseudonymizer

report_table = Report.__table__
addition_table = ReportAddition.__table__
attempt_table = CodeAttempt.__table__
conversation_table = Conversation.__table__
assignment_table = Assignment.__table__

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 8
# Crockford's reading rules: letters that look like digits are those digits; case and separators do not matter.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
FREE_TRIES = 3  # wrong codes one person may type (within a day) before waiting
FIRST_WAIT = timedelta(minutes=1)  # then doubled with every further wrong code…
LONGEST_WAIT = timedelta(minutes=15)  # …up to this
ATTEMPTS_KEPT = timedelta(days=1)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str | None:
    """The code as stored from what a person typed ("k7m2 9xqp", "K7M2-9XQP"); None if it cannot be one."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(LOOKALIKES)
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


@dataclass(frozen=True)
class StoredReport:
    id: int
    conversation_id: str
    details: dict[str, Any]


class Reports:
    def __init__(self, engine: AsyncEngine, sealer: Pseudonymizer, wrong_codes_per_minute: int) -> None:
        self._engine = engine
        self._sealer = sealer
        self._wrong_codes_per_minute = wrong_codes_per_minute

    async def create(self, conversation_id: str) -> tuple[int, str]:
        """A new, empty report; returns its id and its reference code (shown once, when it is sent)."""
        code = new_code()
        now = utcnow()
        async with self._engine.begin() as connection:
            report_id = await connection.scalar(insert(report_table).values(
                conversation_id=conversation_id, code_hash=self._sealer.code_hash(code), empty=True,
                details=self._sealer.seal("{}"), created_at=now, updated_at=now,
            ).returning(report_table.c.id))
        return report_id, code

    async def get(self, report_id: int) -> StoredReport | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(report_table).where(report_table.c.id == report_id))).first()
        if row is None:
            return None
        return StoredReport(row.id, row.conversation_id, json.loads(self._sealer.unseal(row.details)))

    async def save(self, report_id: int, details: dict[str, Any]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(report_table).where(report_table.c.id == report_id).values(
                details=self._sealer.seal(json.dumps(details, ensure_ascii=False)), empty=not details,
                updated_at=utcnow()))

    async def mark_sent(self, report_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(report_table).where(report_table.c.id == report_id).values(
                sent_at=utcnow()))

    async def mark_swept(self, report_id: int) -> None:
        """Queued by the sweep once; a release later does not queue it again and again."""
        async with self._engine.begin() as connection:
            await connection.execute(update(report_table).where(report_table.c.id == report_id).values(
                swept_at=utcnow()))

    async def delete(self, report_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(report_table).where(report_table.c.id == report_id))

    async def find(self, code: str) -> int | None:
        """The report with this reference code (as normalise_code gives it), or None."""
        async with self._engine.connect() as connection:
            return await connection.scalar(
                select(report_table.c.id).where(report_table.c.code_hash == self._sealer.code_hash(code)))

    async def add(self, report_id: int, text: str) -> None:
        """Information added with the code (not linked to the session that added it)."""
        async with self._engine.begin() as connection:
            await connection.execute(insert(addition_table).values(
                report_id=report_id, body=self._sealer.seal(text), created_at=utcnow()))
            await connection.execute(update(report_table).where(report_table.c.id == report_id).values(
                updated_at=utcnow()))

    async def was_read(self, report_id: int) -> bool:
        """Whether a caseworker has taken up the report's conversation since it was written: all a code tells."""
        query = select(exists().where(
            assignment_table.c.conversation_id == report_table.c.conversation_id,
            assignment_table.c.started_at >= report_table.c.created_at)).where(report_table.c.id == report_id)
        async with self._engine.connect() as connection:
            return bool(await connection.scalar(query))

    async def stale(self, quiet_for: timedelta) -> list[int]:
        """Reports with answers whose writer stopped before sending them, still with the bot: to file now."""
        cutoff = utcnow() - quiet_for
        query = (select(report_table.c.id)
                 .join(conversation_table, conversation_table.c.id == report_table.c.conversation_id)
                 .where(report_table.c.sent_at.is_(None), report_table.c.swept_at.is_(None),
                        report_table.c.empty.is_(False),
                        report_table.c.updated_at < cutoff, conversation_table.c.state == "bot"))
        async with self._engine.connect() as connection:
            return list(await connection.scalars(query))

    async def of_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        """What the console shows: each report filed from this conversation, with the information added later."""
        async with self._engine.connect() as connection:
            reports = list(await connection.execute(
                select(report_table).where(report_table.c.conversation_id == conversation_id,
                                           report_table.c.empty.is_(False)).order_by(report_table.c.id)))
            additions = list(await connection.execute(
                select(addition_table).where(addition_table.c.report_id.in_([r.id for r in reports]))
                .order_by(addition_table.c.id)))
        return [{
            "id": report.id,
            "details": json.loads(self._sealer.unseal(report.details)),
            "sent": report.sent_at is not None,
            "created_at": as_utc(report.created_at).isoformat(),
            "additions": [{"text": self._sealer.unseal(a.body), "created_at": as_utc(a.created_at).isoformat()}
                          for a in additions if a.report_id == report.id],
        } for report in reports]

    # --- the guessing brake ------------------------------------------------------------------------------

    async def reserve_check(self, address_hash: str) -> int | timedelta:
        """A turn to check one code: the attempt's id, or how long this person must wait first.

        The attempt is stored (and committed) before the count, so that even many checks at the same moment,
        from many sessions or app instances, let at most `wrong_codes_per_minute` through: the k-th stored
        attempt counts at least k. A right code gives its turn back (`forgive`); wrong ones stay a day.
        """
        now = utcnow()
        async with self._engine.connect() as connection:
            mine = list(await connection.scalars(
                select(attempt_table.c.at).where(attempt_table.c.address_hash == address_hash,
                                                 attempt_table.c.at > now - ATTEMPTS_KEPT)
                .order_by(attempt_table.c.at.desc())))
        if len(mine) >= FREE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (len(mine) - FREE_TRIES), LONGEST_WAIT)
            if (left := as_utc(mine[0]) + wait - now) > timedelta(0):
                return left
        async with self._engine.begin() as connection:
            attempt_id = await connection.scalar(insert(attempt_table).values(
                address_hash=address_hash, at=now).returning(attempt_table.c.id))
        async with self._engine.connect() as connection:
            everyone = await connection.scalar(select(func.count()).select_from(attempt_table).where(
                attempt_table.c.at > now - timedelta(minutes=1), attempt_table.c.id <= attempt_id))
        return FIRST_WAIT if everyone > self._wrong_codes_per_minute else attempt_id

    async def forgive(self, attempt_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(attempt_table).where(attempt_table.c.id == attempt_id))
