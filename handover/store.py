"""The app's storage: contacts, conversations and their messages. Message bodies are encrypted here."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.pseudonym import Pseudonymizer
from bot.texts import Button
from handover.models import Contact, Conversation, Message, utcnow

OPEN_STATES = ("bot", "queued", "assigned")


@dataclass(frozen=True)
class Outgoing:
    """A message to store: what the user typed or pressed, or what the bot or a caseworker says."""

    text: str
    buttons: tuple[Button, ...] = field(default=())
    payload: str | None = None


@dataclass(frozen=True)
class StoredMessage:
    id: int
    sender: str
    text: str
    buttons: tuple[Button, ...]
    payload: str | None
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "sender": self.sender,
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }


def new_alias() -> str:
    return f"Visitor {secrets.token_hex(2).upper()}"


class Store:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], sealer: Pseudonymizer) -> None:
        self._sessions = sessions
        self._sealer = sealer

    async def open_conversation(self, channel: str, address_hash: str, reply_address: str,
                                language: str) -> Conversation:
        """The person's open conversation, or a new one (a message after `resolved` starts afresh)."""
        async with self._sessions.begin() as session:
            contact = await self._contact(session, address_hash)
            if contact is None:
                contact = await self._new_contact(session, channel, address_hash, reply_address)
            conversation = await self._open_conversation_of(session, contact.id)
            if conversation is None:
                conversation = Conversation(
                    id=secrets.token_hex(16), contact_id=contact.id, channel=channel, state="bot",
                    kind="help", language=language, language_chosen=False, alias=new_alias(),
                )
                session.add(conversation)
            return conversation

    async def current_conversation(self, address_hash: str) -> Conversation | None:
        async with self._sessions() as session:
            contact = await self._contact(session, address_hash)
            return None if contact is None else await self._open_conversation_of(session, contact.id)

    async def add_messages(self, conversation_id: str, sender: str,
                           messages: list[Outgoing]) -> list[StoredMessage]:
        async with self._sessions.begin() as session:
            rows = [Message(conversation_id=conversation_id, sender=sender, body=self._seal(m)) for m in messages]
            session.add_all(rows)
            await session.flush()
            await session.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(updated_at=utcnow())
            )
            return [self._open(row) for row in rows]

    async def messages_to_user(self, address_hash: str, after_id: int) -> list[StoredMessage]:
        """Every message to the person (bot, caseworker, system) after `after_id`, in all their conversations."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Message)
                .join(Conversation, Message.conversation_id == Conversation.id)
                .join(Contact, Conversation.contact_id == Contact.id)
                .where(Contact.address_hash == address_hash, Message.id > after_id, Message.sender != "user")
                .order_by(Message.id)
            )
            return [self._open(row) for row in rows]

    async def transcript(self, conversation_id: str) -> list[StoredMessage]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
            )
            return [self._open(row) for row in rows]

    async def set_language(self, conversation_id: str, language: str, chosen: bool) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(language=language, language_chosen=Conversation.language_chosen | chosen)
            )

    async def request_handover(self, conversation_id: str, tier: str, kind: str) -> Conversation:
        """Queue the conversation for a person; a more urgent tier wins over a less urgent one."""
        async with self._sessions.begin() as session:
            conversation = await session.get(Conversation, conversation_id, with_for_update=True)
            if conversation is None:
                raise LookupError("conversation not found")
            if conversation.state == "bot":
                conversation.state = "queued"
                conversation.queued_at = utcnow()
            conversation.tier = min(filter(None, (conversation.tier, tier)))
            conversation.kind = kind if conversation.kind == "help" else conversation.kind
            return conversation

    async def erase_contact(self, address_hash: str) -> list[str]:
        """Delete the person and everything they wrote or were told; returns the erased conversation ids."""
        async with self._sessions.begin() as session:
            contact = await self._contact(session, address_hash)
            if contact is None:
                return []
            ids = list(await session.scalars(select(Conversation.id).where(Conversation.contact_id == contact.id)))
            await session.execute(delete(Message).where(Message.conversation_id.in_(ids)))
            await session.execute(delete(Conversation).where(Conversation.contact_id == contact.id))
            await session.execute(delete(Contact).where(Contact.id == contact.id))
            return ids

    async def _contact(self, session: AsyncSession, address_hash: str) -> Contact | None:
        return await session.scalar(select(Contact).where(Contact.address_hash == address_hash))

    async def _new_contact(self, session: AsyncSession, channel: str, address_hash: str,
                           reply_address: str) -> Contact:
        # Another app instance may create the same contact at the same moment: then use theirs.
        try:
            async with session.begin_nested():
                contact = Contact(channel=channel, address_hash=address_hash,
                                  reply_address=self._sealer.seal(reply_address))
                session.add(contact)
            return contact
        except IntegrityError:
            existing = await self._contact(session, address_hash)
            assert existing is not None
            return existing

    async def _open_conversation_of(self, session: AsyncSession, contact_id: int) -> Conversation | None:
        return await session.scalar(
            select(Conversation)
            .where(Conversation.contact_id == contact_id, Conversation.state.in_(OPEN_STATES))
            .order_by(Conversation.created_at.desc())
            .limit(1)
        )

    def _seal(self, message: Outgoing) -> str:
        body = {"text": message.text, "payload": message.payload,
                "buttons": [[b.title, b.payload] for b in message.buttons]}
        return self._sealer.seal(json.dumps(body, ensure_ascii=False))

    def _open(self, row: Message) -> StoredMessage:
        body = json.loads(self._sealer.unseal(row.body))
        return StoredMessage(
            id=row.id, sender=row.sender, text=body["text"], payload=body["payload"],
            buttons=tuple(Button(title, payload) for title, payload in body["buttons"]),
            created_at=row.created_at,
        )
