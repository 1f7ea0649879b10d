"""One message type from the channel to the store to the API.

A message starts as what a person typed, pressed or sent (a photo, a voice note: `Media`), or what the bot, a
caseworker or the system says; once stored it also has an id, a sender and a time. The same type goes to the
channel adapters and, as JSON, to the web chat and the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from core.vocabulary import Delivery, MediaKind, Sender

MAX_TEXT = 4096  # Telegram's own limit; the web chat and the console use the same
# What no later step can take: a lone UTF-16 surrogate (not encodable as UTF-8: the language detector, sealing and
# the database would fail on it) and U+0000 (PostgreSQL's text refuses it).
_MALFORMED = re.compile("[\ud800-\udfff\x00]")
# More marks stacked on one letter than any language writes (Vietnamese, Thai and Arabic stack two or three): a
# "combining storm" of hundreds drew far outside its bubble, over the chat's buttons and the console's transcript.
MARKS_ON_A_LETTER = 4
_MARKS = ("[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0e31"
          "\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_MARK_STORM = re.compile(f"({_MARKS}{{{MARKS_ON_A_LETTER}}}){_MARKS}+")
# Invisible characters that split words without showing (zero-width space, word joiner, byte-order mark, soft
# hyphen): "h\u200bel\u200bp m\u200be" looks like "help me" but no word of it was heard (walk 4). Dropped; the
# zero-width joiners that build emoji (👨‍👩‍👧) and shape some scripts stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# What the transcript says in place of media (the console's language is English). The kind itself is kept in a
# column of its own (message.media_kind), never read back from this text.
MARKERS = {MediaKind.VOICE: "[voice message]", MediaKind.AUDIO: "[audio]", MediaKind.VIDEO: "[video]",
           MediaKind.PHOTO: "[photo]", MediaKind.DOCUMENT: "[document]", MediaKind.STICKER: "[sticker]",
           MediaKind.LOCATION: "[location]", MediaKind.CONTACT: "[contact]"}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Media:
    """Something a person sent that is not text."""

    kind: MediaKind
    # The channel's reference to fetch the file later (Telegram's file_id): stored sealed, read back only to fetch
    # it (handover/media.py); None for what is not kept (a location, a contact) and in a transcript.
    file_id: str | None = None

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = field(default=())
    payload: str | None = None  # the button a person pressed
    # Its words as the person saw them (bot/pressed.py), kept with their message, so that a caseworker reads what
    # was pressed, never the payload. None: typed, or stored before the app kept this.
    pressed: str | None = None
    sender: Sender = Sender.BOT
    id: int | None = None  # set once stored
    created_at: datetime | None = None
    media: Media | None = None  # a photo, a voice note… from the person; `text` is then its marker (and caption)
    # A person's message: each cue the danger lexicon heard in it ("danger", "self_harm", "child") with the words
    # as typed, sealed with the text, for the caseworkers' queue line. None: not looked at (the bot's messages,
    # and a person's stored before the app kept this).
    flagged: tuple[tuple[str, str], ...] | None = None
    # The caseworker's alias (their chosen pseudonym), so that the person can tell them from the bot; kept with the
    # message, so that a reloaded page still says who wrote.
    author: str | None = None
    # A report's reference code, which the text also says: the channels show it on its own, to copy.
    code: str | None = None
    # This reply takes the place of the message whose button was pressed (the report's sign list, its marks
    # toggled), instead of coming as one more message.
    replaces: bool = False
    # Read back from the store for the console: where a message to the person stands (core.vocabulary.Delivery);
    # None for the person's own messages. Never in `to_json`: the person's page has no use for it.
    delivery: Delivery | None = None
    # The reply to an erasure (the Yes to "Delete everything?", pressed or typed): nothing of the person is left,
    # and the web chat ends its session. Never stored, never in `to_json`.
    erased: bool = False

    def stored(self, sender: Sender, message_id: int, created_at: datetime) -> Message:
        return replace(self, sender=sender, id=message_id, created_at=created_at)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "sender": self.sender,
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
            "author": self.author,
            "code": self.code,
            "replaces": self.replaces,
        }


def well_formed(text: str | None) -> str | None:
    """The text with each lone surrogate and U+0000 replaced by U+FFFD (a surrogate pair written as two code points
    becomes its one character), no more than MARKS_ON_A_LETTER combining marks on one letter, and no invisible
    character that splits words (_INVISIBLE). The JSON
    endpoints refuse malformed text already (core/json_api.py); this is also for text the app does not parse
    itself (Telegram's polling, through python-telegram-bot)."""
    if text is None:
        return text
    text = _INVISIBLE.sub("", _MARK_STORM.sub(r"\1", text))
    if not _MALFORMED.search(text):
        return text
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text.replace("\x00", "\ufffd")
