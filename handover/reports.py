"""Reports of a suspicion in the database: reference codes, answers, added information, guessing brake.

A reference code is eight characters of Crockford's base 32 (no I, L, O, U), shown as K7M2-9XQP: 40 random
bits, short enough to write down, and unguessable when guesses are slowed down. Only a keyed hash of the
code is stored, so the code cannot be read back from the database, and nothing links it to who wrote.

Guessing is slowed down twice: one person (keyed address hash) gets a growing wait after a few wrong codes,
and all wrong codes together are capped per minute, so that opening new sessions does not help either.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypedDict

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import Assignment, CodeAttempt, Conversation, Report, ReportAddition, as_utc
from core.pseudonym import Pseudonymizer
from core.vocabulary import State
from handover.report_flow import Details

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 8
# Crockford's reading rules: letters that look like digits are those digits; case and separators do not matter.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
FREE_TRIES = 3  # wrong codes one person may type (within a day) before waiting
FIRST_WAIT = timedelta(minutes=1)  # then doubled with every further wrong code…
LONGEST_WAIT = timedelta(minutes=15)  # …up to this
ATTEMPTS_KEPT = timedelta(days=1)


def new_code() -> str:
    """A fresh code, drawn again until a half of it mixes letters and digits (19 draws in 20), so that the code is
    also found when typed inside a sentence (`code_in_text`); this costs well under a tenth of a bit."""
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if _mixed(raw[:4]) or _mixed(raw[4:]):
            return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str | None:
    """The code as stored from what a person typed ("k7m2 9xqp", "K7M2-9XQP"); None if it cannot be one."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(LOOKALIKES)
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


# A code inside words ("my code is K7M2-9XQP, I want to add something"): four letters or digits, a dash or a space
# or nothing, four more; whole, as a word. Read at every word's start (a lookahead), so that candidates may overlap:
# in "reference code 08A7-MVGK", "code 08A7" is one too (`_codes` chooses).
_CODE_IN_WORDS = re.compile(r"(?<![^\W_])(?=([^\W_]{4})([- ]?)([^\W_]{4})(?![^\W_]))")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    code: str
    separator: str  # between its halves: "-", " " or nothing
    printed: bool  # only letters a code is printed with: no O, I or L read as 0 and 1 ("code" is C0DE)
    mixed: int  # how many of its halves mix letters and digits, as one at least of every code given does

    @property
    def likeness(self) -> tuple[bool, bool, int]:
        """How much it looks like a code as given: written as one word ("08A7-MVGK", "08a7mvgk"), in the letters
        a code is printed with, with its halves mixing letters and digits."""
        return self.separator != " ", self.printed, self.mixed


def _codes(text: str, wanted: Callable[[_Candidate], bool]) -> list[_Candidate]:
    """The codes in `text` that `wanted` accepts, in the order typed. Where candidates overlap ("i have a reference
    code 08A7-MVGK": "code 08A7" and "08A7-MVGK") only the one most like a code is one; at a tie the later one (a
    word typed just before a code, "have 08a7 mvgk", is more common than one just after it)."""
    chosen: list[_Candidate] = []
    for match in _CODE_IN_WORDS.finditer(text):
        first, separator, second = match.groups()
        code = normalise_code(first + second)
        candidate = _Candidate(match.start(), match.start() + len(first + separator + second), code or "",
                               separator, not set((first + second).upper()) & set("OIL"),
                               _mixed(first) + _mixed(second))
        if code is None or not wanted(candidate):
            continue
        if chosen and candidate.start < chosen[-1].end:  # overlapping the one before
            if candidate.likeness >= chosen[-1].likeness:
                chosen[-1] = candidate
        else:
            chosen.append(candidate)
    return chosen


def code_in_text(text: str) -> str | None:
    """The first reference code typed inside a sentence, or None: one of its halves mixes letters and digits, as in
    every code given (`new_code`), so that words, a phone number or a word beside a number are none ("somebody",
    "7020 2550", "call 7020"). A word overlapping the code is no code (`_codes`). Found walking the chat: in "i have a
    reference code 08A7-MVGK", "code 08A7" was read, no report had it, and a new report was started."""
    found = _codes(text, lambda candidate: candidate.mixed > 0)
    return found[0].code if found else None


def without_codes(text: str) -> str:
    """`text` without anything that looks like a reference code (a half mixing letters and digits, or two halves
    joined by a dash: "K7M2-9XQP", "08a7mvgk", "ABCD-EFGH"): a code carries no language, and the language detector
    read one as Tagalog or French."""
    found = _codes(text, lambda candidate: candidate.mixed > 0 or candidate.separator == "-")
    if not found:
        return text
    kept, at = [], 0
    for candidate in found:
        kept.append(text[at:candidate.start])
        at = candidate.end
    kept.append(text[at:])
    return " ".join(" ".join(kept).split())


def _mixed(half: str) -> bool:
    return any(ch.isdigit() for ch in half) and any(ch.isalpha() for ch in half)


@dataclass(frozen=True)
class StoredReport:
    id: int
    conversation_id: str
    details: Details
    channel: str  # of the conversation it was written in: what its code is linked to differs by channel


class Addition(TypedDict):
    text: str
    created_at: str  # ISO 8601


class ReportView(TypedDict):
    """A report as the console shows it."""

    id: int
    details: Details  # step → answer (handover/report_flow.py)
    sent: bool  # its writer sent it (or it was sent for them); otherwise it is still being written
    created_at: str
    additions: list[Addition]


class Reports:
    def __init__(self, engine: AsyncEngine, hasher: Pseudonymizer, wrong_codes_per_minute: int, *,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        """`hasher` gives the reference codes' keyed hashes; the engine carries the sealer."""
        self._engine = engine
        self._hasher = hasher
        self._wrong_codes_per_minute = wrong_codes_per_minute
        self._clock = clock

    async def create(self, conversation_id: str) -> tuple[int, str]:
        """A new, empty report; returns its id and its reference code (shown once, when it is sent)."""
        code = new_code()
        now = self._clock.now()
        async with self._engine.begin() as connection:
            report_id = await connection.scalar(insert(Report).values(
                conversation_id=conversation_id, code_hash=self._hasher.code_hash(code), empty=True,
                details={}, created_at=now, updated_at=now,
            ).returning(Report.id))
        return report_id, code

    async def get(self, report_id: int) -> StoredReport | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(
                select(Report.id, Report.conversation_id, Report.details, Conversation.channel)
                .join(Conversation, Conversation.id == Report.conversation_id)
                .where(Report.id == report_id))).first()
        return None if row is None else StoredReport(row.id, row.conversation_id, row.details, row.channel)

    async def save(self, report_id: int, details: Details) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(Report).where(Report.id == report_id).values(
                details=details, empty=not details, updated_at=self._clock.now()))

    async def mark_sent(self, report_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(update(Report).where(Report.id == report_id).values(
                sent_at=self._clock.now()))

    async def mark_swept(self, report_id: int) -> None:
        """Queued by the sweep once; a release later does not queue it again and again."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Report).where(Report.id == report_id).values(
                swept_at=self._clock.now()))

    async def delete(self, report_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(Report).where(Report.id == report_id))

    async def find(self, code: str) -> int | None:
        """The report with this reference code (as normalise_code gives it), or None."""
        async with self._engine.connect() as connection:
            return await connection.scalar(
                select(Report.id).where(Report.code_hash == self._hasher.code_hash(code)))

    async def add(self, report_id: int, text: str) -> None:
        """Information added with the code (not linked to the session that added it)."""
        now = self._clock.now()
        async with self._engine.begin() as connection:
            await connection.execute(insert(ReportAddition).values(report_id=report_id, body=text, created_at=now))
            await connection.execute(update(Report).where(Report.id == report_id).values(updated_at=now))

    async def was_read(self, report_id: int) -> bool:
        """Whether a caseworker has taken up the report's conversation since it was written: all a code tells."""
        query = select(exists().where(
            Assignment.conversation_id == Report.conversation_id,
            Assignment.started_at >= Report.created_at)).where(Report.id == report_id)
        async with self._engine.connect() as connection:
            return bool(await connection.scalar(query))

    async def stale(self, quiet_for: timedelta) -> list[int]:
        """Reports with answers whose writer stopped before sending them, still with the bot: to file now."""
        cutoff = self._clock.now() - quiet_for
        query = (select(Report.id)
                 .join(Conversation, Conversation.id == Report.conversation_id)
                 .where(Report.sent_at.is_(None), Report.swept_at.is_(None), Report.empty.is_(False),
                        Report.updated_at < cutoff, Conversation.state == State.BOT))
        async with self._engine.connect() as connection:
            return list(await connection.scalars(query))

    async def of_conversation(self, conversation_id: str) -> list[ReportView]:
        """What the console shows: each report filed from this conversation, with the information added later."""
        async with self._engine.connect() as connection:
            reports = list(await connection.execute(
                select(Report.id, Report.details, Report.sent_at, Report.created_at)
                .where(Report.conversation_id == conversation_id, Report.empty.is_(False)).order_by(Report.id)))
            additions = list(await connection.execute(
                select(ReportAddition.report_id, ReportAddition.body, ReportAddition.created_at)
                .where(ReportAddition.report_id.in_([r.id for r in reports])).order_by(ReportAddition.id)))
        return [ReportView(
            id=report.id, details=report.details, sent=report.sent_at is not None,
            created_at=as_utc(report.created_at).isoformat(),
            additions=[Addition(text=a.body, created_at=as_utc(a.created_at).isoformat())
                       for a in additions if a.report_id == report.id],
        ) for report in reports]

    # --- the guessing brake ------------------------------------------------------------------------------

    async def reserve_check(self, address_hash: str) -> int | timedelta:
        """A turn to check one code: the attempt's id, or how long this person must wait first.

        The attempt is stored (and committed) before the count, so that even many checks at the same moment,
        from many sessions or app instances, let at most `wrong_codes_per_minute` through: the k-th stored
        attempt counts at least k. A right code gives its turn back (`forgive`); wrong ones stay a day.
        """
        now = self._clock.now()
        async with self._engine.connect() as connection:
            mine = list(await connection.scalars(
                select(CodeAttempt.at).where(CodeAttempt.address_hash == address_hash,
                                             CodeAttempt.at > now - ATTEMPTS_KEPT)
                .order_by(CodeAttempt.at.desc())))
        if len(mine) >= FREE_TRIES:
            wait = min(FIRST_WAIT * 2 ** (len(mine) - FREE_TRIES), LONGEST_WAIT)
            if (left := as_utc(mine[0]) + wait - now) > timedelta(0):
                return left
        async with self._engine.begin() as connection:
            attempt_id = await connection.scalar(insert(CodeAttempt).values(
                address_hash=address_hash, at=now).returning(CodeAttempt.id))
        async with self._engine.connect() as connection:
            everyone = await connection.scalar(select(func.count()).select_from(CodeAttempt).where(
                CodeAttempt.at > now - timedelta(minutes=1), CodeAttempt.id <= attempt_id))
        return FIRST_WAIT if everyone > self._wrong_codes_per_minute else attempt_id

    async def forgive(self, attempt_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(CodeAttempt).where(CodeAttempt.id == attempt_id))
