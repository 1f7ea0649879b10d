"""What the console is told about a conversation that is not there: the person deleted it, or no such one.

A person may erase everything about them at any moment (the web chat's Delete, Telegram's /delete:
handover/retention.py), also while a caseworker has their conversation open. The conversation's rows go, but the
audit log keeps an "erasure" event with its id, so every console action on it (open, reply, note, claim,
transfer, release, resolve, a file) can say plainly that the person deleted it: 410, not a 409 that asks the
caseworker to claim it first (walk 3 item 17).
"""

from __future__ import annotations

from core.errors import Gone, NotFound, ServiceError
from handover.audit import Audit

NO_CONVERSATION = "No such conversation."


class Erased(Gone, default="The person deleted this conversation. Nothing of it is kept."):
    """The person erased the conversation; the audit log says so."""


async def missing(audit: Audit, conversation_id: str) -> ServiceError:
    """The error for a conversation whose row is gone: Erased when the person deleted it, else NotFound."""
    return Erased() if await audit.erased(conversation_id) else NotFound(NO_CONVERSATION)
