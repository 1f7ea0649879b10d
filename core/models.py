"""Database tables (Chatwoot's vocabulary: contact, conversation, message, caseworker, assignment, note,
canned response, audit event; and reports of a suspicion).

Nothing here holds a channel id or message text in clear: a contact is found by a keyed hash of its
address, and whatever could tell who a person is or what they said is a `Sealed` / `SealedJSON` column
(core/sealed.py), encrypted and decrypted by the column type itself; in the schema these are TEXT.

Times have no Python-side defaults: the stores write every time from their clock (core/clock.py), so that a
forgotten one fails loudly instead of quietly taking the system's time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.sealed import Sealed, SealedJSON
from core.vocabulary import Kind, State


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Contact(Base):
    """A person on one channel, known only by a keyed hash of their address."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reply_address: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Conversation(Base):
    """One conversation; its random id is also Rasa's sender id, so Rasa never sees a channel id."""

    __tablename__ = "conversation"
    # The queue is read most urgent first, then longest waiting.
    __table_args__ = (Index("ix_conversation_queue", "state", "tier", "queued_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=State.BOT, index=True)  # core.vocabulary.State
    tier: Mapped[str | None] = mapped_column(String(2))  # a Tier once a person is asked for
    kind: Mapped[str] = mapped_column(String(16), default=Kind.HELP)  # core.vocabulary.Kind
    language: Mapped[str] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(default=False)  # an explicit choice sticks
    # While the language is only a guess, what it rests on (core.vocabulary.LanguageGuess): later messages
    # may still correct it (bot/language_policy.py). None once confirmed or chosen.
    language_guess: Mapped[str | None] = mapped_column(String(8))
    alias: Mapped[str] = mapped_column(String(32))  # what caseworkers see instead of any id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The screening result (screening/questionnaire.summary): sealed JSON, as it quotes the person. The
    # assessment alone is kept in clear: it says nothing about who the person is, and statistics need it.
    screening: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON)
    assessment: Mapped[str | None] = mapped_column(String(32))
    # The caseworker who holds it while `assigned`; the history of who held it is in `assignment`.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The newest message its holder has seen (handover/read_marks.py): the person's messages after it are unread.
    read_up_to: Mapped[int | None] = mapped_column(Integer)
    # When the person was told that nobody can answer right now (once per wait).
    unanswered_notice_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where a step-by-step flow the app runs itself (reporting a suspicion) stands: sealed JSON, or None.
    flow: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON)


class MessageRecord(Base):
    """A stored message (core.messages.Message is what the app passes around)."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(16))  # core.vocabulary.Sender
    body: Mapped[dict[str, Any]] = mapped_column(SealedJSON)  # text, payload, buttons
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A photo, a voice note… the person sent (core.vocabulary.MediaKind; the body holds only its marker), and the
    # channel's reference to fetch it for a caseworker (Telegram's file_id), sealed: it reaches the file itself.
    # A location's coordinates are never stored: a place identifies a person; the caseworker can ask.
    media_kind: Mapped[str | None] = mapped_column(String(16))
    media_file: Mapped[str | None] = mapped_column(Sealed)


class OutboxRecord(Base):
    """A message to a person on a channel that pushes, until and after it is sent (handover/delivery.py).

    The text is the message's (sealed there) and the address the contact's (sealed there): nothing twice here.
    Sent in id order within a conversation; `claimed_until` is the lease of the worker sending it now.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # core.vocabulary.Delivery
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # How many of the message's channel calls went through (a report's code is a second Telegram message): a
    # retry starts after them, so that nothing the person already has comes twice.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: at once
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(32))  # a kind ("forbidden", "network"), never a text
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Report(Base):
    """A suspicion reported by a citizen or a partner, filed from a conversation of kind report/partner.

    Found again only by its reference code, of which only a keyed hash is kept; the answers are sealed.
    """

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(SealedJSON)  # the answers, step by step
    empty: Mapped[bool] = mapped_column(Boolean, default=True)  # nothing answered yet
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when its writer sent it
    swept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # queued half-written, once


class ReportAddition(Base):
    """Information added later with the reference code. Not linked to the session that added it."""

    __tablename__ = "report_addition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CodeAttempt(Base):
    """A wrong reference code, kept a day so that guessing codes is slowed down (handover/reports.py)."""

    __tablename__ = "code_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)  # who tried: the keyed hash only
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Caseworker(Base):
    """A console account. `alias` is the only thing the person in the chat ever sees of them."""

    __tablename__ = "caseworker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    alias: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))  # argon2id
    role: Mapped[str] = mapped_column(String(16))  # caseworker|supervisor|admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Refreshed while a console of theirs is connected: presence, and automatic unclaim when it stops.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The console's language they chose (da|en); None until they choose: their browser's (handover/console_words.py).
    language: Mapped[str | None] = mapped_column(String(8))


class ConsoleSession(Base):
    """A console login. Only a hash of the token is stored, so a database dump cannot be used to log in."""

    __tablename__ = "console_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworker.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Assignment(Base):
    """Who held a conversation, from when to when, and how it ended (released, resolved, transferred…)."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworker.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(16))


class Note(Base):
    """A caseworker's private note on a conversation; never shown to the person. Sealed like messages."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"), index=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworker.id"))
    body: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CannedResponse(Base):
    """A ready answer in one language; loaded from content/canned_responses.yml, which translators edit."""

    __tablename__ = "canned_response"
    __table_args__ = (UniqueConstraint("short_code", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    short_code: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """Who did what, when: logins, transcript views, claims, releases, account changes. Never message text."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id"))
    action: Mapped[str] = mapped_column(String(32))
    # Not a foreign key: the record of who read a conversation outlives the conversation's erasure.
    conversation_id: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[str | None] = mapped_column(String(200))


class ConversationStat(Base):
    """What is left of a conversation after retention: no text, no id, nothing that leads to a person."""

    __tablename__ = "conversation_stat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # the day it started
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str | None] = mapped_column(String(2))
    assessment: Mapped[str | None] = mapped_column(String(32))
    indicators: Mapped[str | None] = mapped_column(String(400))  # indicator ids answered "yes", comma-separated
    first_reply_seconds: Mapped[int | None] = mapped_column(Integer)  # from the request to the first human reply
    # Since 0011 (handover/stats_facts.py writes every column; rows purged before have None and 0 here):
    hour: Mapped[int | None] = mapped_column(SmallInteger)  # the hour it started, 0-23 in the centre's time zone
    staffed: Mapped[bool | None] = mapped_column(Boolean)  # started within the chat's staffed hours
    exploitation: Mapped[str | None] = mapped_column(String(16))  # the form the person gave in the screening
    age_band: Mapped[str | None] = mapped_column(String(16))  # under_18 | adult | unknown, from the screening
    dimensions: Mapped[str | None] = mapped_column(String(40))  # positive indicator dimensions, comma-separated
    reports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # reports filed (not empty)
    additions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # added later with their code


class TrackerErasure(Base):
    """A Rasa tracker still to be emptied: Rasa was down when its conversation was erased; retried later."""

    __tablename__ = "tracker_erasure"

    conversation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RateCount(Base):
    """How many events one source had in one window of a rate limit (core/limits.py); deleted once expired.

    `key` is "scope:source" where the source is a keyed hash (of a client address, a Telegram chat's address, a
    console login name): never an address or a name in clear.
    """

    __tablename__ = "rate_count"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # seconds-long windows
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WebchatSession(Base):
    """A web chat session that has written or been ended: when it was last used, and whether it was ended.

    A session is a signed token (bot/channels/webchat_tokens.py), not a row: a visitor who never writes leaves
    nothing here. The row is found by a keyed hash of the session id made for this table alone, so it cannot be
    joined to a contact or to anything else; it goes once the token has died of old age (`expires_at`).
    """

    __tablename__ = "webchat_session"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # last used (to within a minute)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # the token's end of life
    ended: Mapped[bool] = mapped_column(Boolean, default=False)  # deleted by the person: refused from then on


class OutreachCount(Base):
    """How many new conversations an outreach link (a card, a poster: core/outreach.py) brought in a month, on a
    channel. Counts only: the source is never stored with a person, a conversation or a session."""

    __tablename__ = "outreach_count"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day (UTC)
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class JobLease(Base):
    """Which instance runs a periodic job (the queue's sweep, the retention purge, the clean-up, Telegram's
    polling) until when (core/leases.py): with several `havn app` on one database, one at a time. `holder` is a
    random id the process drew at start, nothing that names a machine."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TelegramUpdate(Base):
    """A Telegram update already taken in (bot/channels/telegram_updates.py): a webhook Telegram posts again, to
    this instance or another, is answered once. Only the update's number and when it came; kept a day."""

    __tablename__ = "telegram_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
