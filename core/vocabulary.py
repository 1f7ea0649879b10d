"""The words the parts share: a conversation's state, tier and kind, who sent a message, what they sent that is
not text, the gateway's own commands and the consoles' live events. One StrEnum each, so that a typo is an
error, not a silent miss, and the console reads the labels from the API instead of repeating them.

StrEnum members are plain strings: they go into the database, JSON and Rasa unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a conversation is: the bot answers, it waits for a person, a person holds it, it is closed."""

    BOT = "bot"
    QUEUED = "queued"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


OPEN_STATES = (State.BOT, State.QUEUED, State.ASSIGNED)


class Tier(StrEnum):
    """How urgent a request for a person is: P1 (danger now) first. The order of the values is the queue's."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def urgent(self) -> bool:
        """The consoles ring for these."""
        return self in (Tier.P1, Tier.P2)


class Kind(StrEnum):
    """What a conversation is about; it only moves to the right (help → report → partner)."""

    HELP = "help"
    REPORT = "report"
    PARTNER = "partner"

    def at_least(self, other: Kind) -> Kind:
        order = list(Kind)
        return max(self, other, key=order.index)


class Sender(StrEnum):
    USER = "user"  # the person who writes to the centre
    BOT = "bot"
    CASEWORKER = "caseworker"
    SYSTEM = "system"  # notices: who joined, the place in the queue


class MediaKind(StrEnum):
    """What a person sent that is not text (Telegram: bot/channels/telegram_media.py). The bot reads none of it."""

    VOICE = "voice"  # a voice note
    AUDIO = "audio"  # an audio file
    VIDEO = "video"  # a video, a round video note, an animation (GIF)
    PHOTO = "photo"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"  # a location or a venue
    CONTACT = "contact"  # a phone contact shared from the address book

    @property
    def kept(self) -> bool:
        """Whether a reference to the file is kept (sealed), so that a caseworker can look at it later. A location
        or a contact is not kept at all, only that one was sent: either can identify a person."""
        return self not in (MediaKind.LOCATION, MediaKind.CONTACT)


class Command(StrEnum):
    """Buttons the app answers itself, without Rasa."""

    LANGUAGE = "lang"  # opens the language list; "lang:da" chooses Danish
    HELP = "help"
    DELETE_ASK = "delete"  # erasure on request: asked, then confirmed or kept
    DELETE_CONFIRMED = "delete_yes"
    DELETE_KEPT = "delete_no"
    QUEUE_WAIT = "queue_wait"  # answers to "nobody can answer right now"; the request stays queued either way
    QUEUE_MESSAGE = "queue_message"
    DANGER = "danger"  # "I am in danger now", first in every menu (bot/safety.py)
    SAFE_GO_ON = "safe_yes"  # answers to "Is it safe for you to write now?" after a P1
    SAFE_STOP = "safe_no"

    @staticmethod
    def choose_language(code: str) -> str:
        return f"{Command.LANGUAGE}:{code}"


class LanguageGuess(StrEnum):
    """What a conversation's language rests on while it is not confirmed (bot/language_policy.py); a
    confirmed or chosen language has none."""

    TEXT = "text"  # the best-ranked language of a message the detector was not sure of
    WEAK = "weak"  # a greeting word, the device's language or the default: nothing of a sentence yet


class EventType(StrEnum):
    """What a console is told over its WebSocket: ids and states only, never words."""

    MESSAGE = "message"  # a conversation has a new message
    QUEUE = "queue"  # the queue changed (a request, a claim, an end, an erasure)
    CONVERSATION = "conversation"  # a conversation's details changed (a transfer, a report's addition)
    DANGER = "danger"  # danger words in a conversation a caseworker holds: it is P1 now, the consoles ring
    ALERT = "alert"  # for supervisors, once: a spike of P1s (core/limits.py); the consoles do not ring for each
    DELIVERY = "delivery"  # a message to the person was sent, is being retried or failed (handover/delivery.py)
    ERASED = "erased"  # the person deleted this conversation (handover/retention.py): an open console says so


class Delivery(StrEnum):
    """Where a message to a person on a channel that pushes (Telegram) stands in the outbox (docs/outbox.md). The
    web chat's page fetches what is new: its messages are simply sent."""

    PENDING = "pending"  # stored, not tried yet (or being tried)
    SENT = "sent"
    RETRYING = "retrying"  # the channel did not take it (yet): tried again later
    FAILED = "failed"  # given up: the person blocked the bot, or it failed too many times

    @property
    def open(self) -> bool:
        """Still to be sent: it holds back the later messages of its conversation."""
        return self in (Delivery.PENDING, Delivery.RETRYING)
