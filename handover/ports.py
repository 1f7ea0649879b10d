"""What the human side needs from the rest of the app, as ports: the app's composition (bot/app.py) plugs
the bot's parts in, so that handover/ never imports bot/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from core.messages import Message

# One call to a channel that shows the person a part of a message (a Telegram sendMessage).
Send = Callable[[], Awaitable[None]]
# How a channel that pushes shows a stored message to the person at a reply address: the calls, in order
# (handover/delivery.py makes them, and retries from the first one that did not go through). Each raises
# DeliveryFailed when the channel does not take it.
Deliver = Callable[[str, Message], Awaitable[list[Send]]]
# The largest file a caseworker can look at: the Bot API's own limit for a bot fetching a file (getFile).
MAX_MEDIA_BYTES = 20 * 1024 * 1024


class DeliveryFailed(Exception):
    """A channel did not take a message. `kind` is a short word for the log and the console ("forbidden",
    "rate_limited", "network"), never the channel's own text; `retry`: whether trying later may work; `after`:
    the seconds the channel asked to wait (Telegram's retry_after), if it said."""

    def __init__(self, kind: str, *, retry: bool, after: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retry = retry
        self.after = after


class AssistantUnavailable(Exception):
    """The assistant (Rasa) did not answer in time; what needed it is retried later."""


class TrackerEraser(Protocol):
    """Forgets a conversation in the assistant (Rasa's tracker), for erasure and retention."""

    async def erase_tracker(self, conversation_id: str) -> None:
        """Raises AssistantUnavailable when the assistant cannot be reached."""


class DangerWords(Protocol):
    """What in a message made the bot answer with 112 (bot/danger.py `DangerLexicon.heard`): each cue that fired
    ("self_harm", "danger", "child"), most serious first, with the words that fired it, as typed."""

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """Pure; a few milliseconds a message: only for a message stored before the gateway kept what it heard."""


class ReportFollowUp(Protocol):
    """A report the person was writing when a caseworker ended the conversation (bot/reporting.py)."""

    async def repeat(self, conversation_id: str, language: str) -> list[Message]:
        """Handed back to the bot: the question the report waits for, asked again; [] when none is open."""

    async def close(self, conversation_id: str, language: str) -> list[Message]:
        """Resolved: the report counts as sent as it is; its writer gets the code."""

    async def send_quiet_reports(self) -> int:
        """Reports whose writer stopped half-way, sent to the queue (the periodic sweep)."""


class MediaUnavailable(Exception):
    """A file a person sent could not be fetched from their channel (it is down, the file has expired…)."""


class MediaTooLarge(MediaUnavailable):
    """The file is larger than MAX_MEDIA_BYTES."""


@dataclass(frozen=True)
class MediaFile:
    content: bytes
    extension: str  # ".jpg", ".oga"… from the channel's own name for the file; "" when it has none


class FetchMedia(Protocol):
    """Fetches a file a person sent, by the reference stored with their message (Telegram's file_id)."""

    async def __call__(self, file_id: str) -> MediaFile:
        """Into memory, never to disk. Raises MediaTooLarge or MediaUnavailable."""
