"""Database tables (Chatwoot's vocabulary: contact, conversation, message).

Nothing here holds a channel id or message text in clear: a contact is found by a keyed hash of its
address, its reply address is sealed, and a message body is encrypted (see handover.store).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Contact(Base):
    """A person on one channel, known only by a keyed hash of their address."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reply_address: Mapped[str] = mapped_column(Text)  # sealed (encrypted), see bot.pseudonym
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    """One conversation; its random id is also Rasa's sender id, so Rasa never sees a channel id."""

    __tablename__ = "conversation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="bot", index=True)  # bot|queued|assigned|resolved
    tier: Mapped[str | None] = mapped_column(String(2))  # P1..P4 once a person is asked for
    kind: Mapped[str] = mapped_column(String(16), default="help")  # help|report|partner
    language: Mapped[str] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(default=False)  # an explicit choice sticks
    alias: Mapped[str] = mapped_column(String(32))  # what caseworkers see instead of any id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The screening result (actions/questionnaire.summary): sealed JSON, as it quotes the person. The
    # assessment alone is kept in clear: it says nothing about who the person is, and statistics need it.
    screening: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[str | None] = mapped_column(String(32))


class Message(Base):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(16))  # user|bot|caseworker|system
    body: Mapped[str] = mapped_column(Text)  # encrypted JSON: text, payload, buttons
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
