"""Finding a report by its reference code in the console: a reporter may read their code out on the hotline.

The code travels in a POST body, never in a URL (URLs end up in access logs and browser histories). Every
lookup is written to the audit log with the caseworker's account, found or not (`report_lookup`; detail
"found", "no such code", "not a code" or "refused: too many wrong codes"), never with the code itself: the
log's readers need to see who looked, not be handed the codes.

Wrong and malformed codes count against the caseworker's account (core/limits.py, every app instance
together): beyond WRONG_LOOKUPS they get 429 with a sentence until the window has passed, so that a console
session cannot be used to guess codes. Each lookup is counted before the code is checked (a burst in parallel
gets no more checks than the limit); a code found gives its count back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.errors import Invalid, NotFound, TooMany
from core.limits import Limit, Limiter
from handover.audit import Audit
from handover.console_words import console_words
from handover.reports import Reports, normalise_code

SCOPE = "report-lookup"
WRONG_LOOKUPS = Limit(10, 600)  # wrong or malformed codes per caseworker in 10 minutes
ACTION = "report_lookup"


@dataclass(frozen=True)
class FoundReport:
    report_id: int
    conversation_id: str


@dataclass(frozen=True)
class ReportLookup:
    reports: Reports
    audit: Audit
    limiter: Limiter
    limit: Limit = WRONG_LOOKUPS

    async def find(self, caseworker_id: int, typed: str) -> FoundReport:
        """The report with this code; Invalid (400) for what cannot be a code, NotFound (404) for a code no
        report has, TooMany (429) after too many of those. Each with a sentence, each audited."""
        verdict = await self.limiter.hit(SCOPE, str(caseworker_id), self.limit)
        if not verdict.allowed:
            await self.audit.record(caseworker_id, ACTION, detail="refused: too many wrong codes")
            minutes = max(1, math.ceil(verdict.retry_after / 60))
            # In English, as the service raises every sentence; the console says it again in its language.
            raise TooMany(console_words().text("en", "error.wrong_codes", minutes=minutes), verdict.retry_after)
        code = normalise_code(typed)
        if code is None:
            await self.audit.record(caseworker_id, ACTION, detail="not a code")
            raise Invalid("A reference code has 8 letters and digits, like K7M2-9XQP. Please check it.")
        report_id = await self.reports.find(code)
        report = None if report_id is None else await self.reports.get(report_id)
        if report is None:
            await self.audit.record(caseworker_id, ACTION, detail="no such code")
            raise NotFound("No report has this reference code. Please check it with the person.")
        await self.limiter.undo(SCOPE, str(caseworker_id), self.limit)
        await self.audit.record(caseworker_id, ACTION, report.conversation_id, detail="found")
        return FoundReport(report.id, report.conversation_id)
