"""Rasa's SQL tracker store, sealed with the app's keys, plus erasure.

Sealed: Rasa's SQLTrackerStore writes one row per event; its `data` column is the whole event as JSON (what a
person typed, its parse data, slot values, the bot's utterances). Here that column is a Fernet token made with
the app's own keys (`HAVN_ENCRYPTION_KEYS`, read from this process's environment, never from a command line or
endpoints.yml: the first key seals, all unseal, as in the app's core/sealed.py), so the words are readable at
rest by nobody without the key. `havn rotate-key` re-seals these rows with the newest key (bot/rasa_tracker.py
opens this database directly; the app never imports Rasa). Rows written in clear before sealing existed are
still read, and `havn rotate-key` seals them.

What stays in clear, and why: `sender_id` (the app's random conversation id, never a channel id; Rasa finds
a conversation by it), `type_name` and `timestamp` (Rasa finds the latest session by them), and
`intent_name` / `action_name`: names of intents, actions, slots and forms from our own domain, never words,
kept for an operator's counts. A name the domain does not declare (an intent forced with "/…" that could be
made of a person's words) is written as NULL instead; the sealed `data` still holds the event.

Erasure: Rasa's store only ever appends, so replacing a conversation's events through the HTTP API
(`PUT /conversations/<id>/tracker/events`) would leave the sealed events behind. Saving an empty tracker (what
the app sends to erase a conversation) deletes every stored row of that conversation. Rasa never saves an empty
tracker on its own: each conversation starts with session events.

Both classes are declared on a declarative base of their own: Rasa's store reaches its table only through
`self.Base` and `self.SQLEvent`, so every read and write of Rasa's (retrieve, save, the session queries) goes
through these column types.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore, _create_sequence
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.types import TypeDecorator

KEYS_VARIABLE = "HAVN_ENCRYPTION_KEYS"
_SEALER = "havn_sealer"  # attributes put on the engine's dialect, which SQLAlchemy hands to the column types
_NAMES = "havn_domain_names"


def sealer_from_environment() -> MultiFernet:
    """The app's keys from this process's environment; without them Rasa does not start (rather than store a
    person's words in clear)."""
    keys = [key.strip() for key in os.environ.get(KEYS_VARIABLE, "").split(",") if key.strip()]
    if not keys:
        raise RuntimeError(f"{KEYS_VARIABLE} is not set in Rasa's environment: the tracker store seals every "
                           "event with the app's keys and will not store them in clear (see bot/services.py)")
    return MultiFernet([Fernet(key.encode()) for key in keys])


class SealedText(TypeDecorator):
    """Text, written as a Fernet token with the first key, read with any of them."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else getattr(dialect, _SEALER).encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or value.startswith("{"):  # JSON written before sealing existed: rotate-key seals it
            return value
        return getattr(dialect, _SEALER).decrypt(value.encode()).decode()


class DomainName(TypeDecorator):
    """A name the domain declares, or NULL: never text a person could have chosen."""

    impl = sa.String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        names = getattr(dialect, _NAMES, None)
        return value if names is not None and value in names() else None


SealedBase = declarative_base()


class SealedEvent(SealedBase):
    """Rasa's `events` table, column for column (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), sealed."""

    __tablename__ = "events"

    id = sa.Column(sa.Integer, _create_sequence(__tablename__), primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    type_name = sa.Column(sa.String(255), nullable=False)
    timestamp = sa.Column(sa.Float)
    intent_name = sa.Column(DomainName)
    action_name = sa.Column(DomainName)
    data = sa.Column(SealedText)


class ErasableSQLTrackerStore(SQLTrackerStore):
    Base = SealedBase
    SQLEvent = SealedEvent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        sealer = sealer_from_environment()  # before connecting: no keys, no store
        self._names_of: tuple[Domain | None, frozenset[str]] = (None, frozenset())
        super().__init__(*args, **kwargs)
        setattr(self.engine.dialect, _SEALER, sealer)
        setattr(self.engine.dialect, _NAMES, self._domain_names)

    def _domain_names(self) -> frozenset[str]:
        """Intents, actions (default ones too), forms and slots of the current domain; not the texts of
        end-to-end bot utterances. Recomputed when Rasa loads another model's domain."""
        domain: Domain = self.domain
        if self._names_of[0] is not domain:
            names = ({*domain.intents, *domain.action_names_or_texts, *(slot.name for slot in domain.slots)}
                     - set(domain.action_texts))
            self._names_of = (domain, frozenset(names))
        return self._names_of[1]

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.events:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            session.commit()
