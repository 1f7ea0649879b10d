"""What the human side needs from the rest of the app, as ports: the app's composition (bot/app.py) plugs
the bot's parts in, so that handover/ never imports bot/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from core.messages import Message

# How to reach a person on one channel outside a reply: (reply address, stored messages).
Deliver = Callable[[str, list[Message]], Awaitable[None]]


class AssistantUnavailable(Exception):
    """The assistant (Rasa) did not answer in time; what needed it is retried later."""


class TrackerEraser(Protocol):
    """Forgets a conversation in the assistant (Rasa's tracker), for erasure and retention."""

    async def erase_tracker(self, conversation_id: str) -> None:
        """Raises AssistantUnavailable when the assistant cannot be reached."""


class ReportFollowUp(Protocol):
    """A report the person was writing when a caseworker ended the conversation (bot/reporting.py)."""

    async def repeat(self, conversation_id: str, language: str) -> list[Message]:
        """Handed back to the bot: the question the report waits for, asked again; [] when none is open."""

    async def close(self, conversation_id: str, language: str) -> list[Message]:
        """Resolved: the report counts as sent as it is; its writer gets the code."""

    async def send_quiet_reports(self) -> int:
        """Reports whose writer stopped half-way, sent to the queue (the periodic sweep)."""
