"""One message type from the channel to the store to the API.

A message starts as what a person typed or pressed, or what the bot, a caseworker or the system says; once
stored it also has an id, a sender and a time. The same type goes to the channel adapters and, as JSON, to
the web chat and the console.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from core.vocabulary import Sender

MAX_TEXT = 4096  # Telegram's own limit; the web chat and the console use the same


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = field(default=())
    payload: str | None = None  # the button a person pressed
    sender: Sender = Sender.BOT
    id: int | None = None  # set once stored
    created_at: datetime | None = None

    def stored(self, sender: Sender, message_id: int, created_at: datetime) -> Message:
        return replace(self, sender=sender, id=message_id, created_at=created_at)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "sender": self.sender,
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
