"""The bot's last question: when a question was last asked in a conversation, and what was said since.

A question is known by one of its buttons' payloads ("Is it safe for you to write now?" by "Yes, go on", "Delete
everything?" by "Yes, delete"). What was said since tells whether it still waits for an answer: a typed "yes" is
read as its button only then (bot/gateway.py), and a danger reply does not ask it again while it waits
(bot/safety.py). Each of them decides what counts as an answer; this only reads the messages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from core.messages import Message
from core.vocabulary import Sender


@dataclass(frozen=True)
class LastAsked:
    # The latest message of the bot's (or a caseworker's) with the question's button; None when none of the messages
    # looked at asked it.
    question: Message | None
    # The messages after it, newest first: every message looked at when the question is not among them.
    since: tuple[Message, ...]

    @property
    def first_reply(self) -> Message | None:
        """The person's first message after the question."""
        return next((message for message in reversed(self.since) if message.sender == Sender.USER), None)

    @property
    def awaits_reply(self) -> bool:
        """Asked, and the person has said nothing since: only the bot's (or a caseworker's) messages came after it."""
        return self.question is not None and all(message.sender != Sender.USER for message in self.since)

    def pressed(self, payloads: Collection[str]) -> str | None:
        """The latest of these buttons the person pressed since."""
        for message in self.since:
            if message.sender == Sender.USER and message.payload in payloads:
                return message.payload
        return None


def last_asked(newest_first: Iterable[Message], payload: str) -> LastAsked:
    """The last time the question with a button of `payload` was asked among `newest_first`, and what came since."""
    since: list[Message] = []
    for message in newest_first:
        if message.sender != Sender.USER and any(button.payload == payload for button in message.buttons):
            return LastAsked(message, tuple(since))
        since.append(message)
    return LastAsked(None, tuple(since))
