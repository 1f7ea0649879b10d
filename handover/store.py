"""The app's storage: contacts, conversations and their messages. Message bodies are encrypted here.

SQLAlchemy Core on the async engine, not the ORM's unit of work: a turn costs two short transactions
(receive the person's message; store the replies), and the app shares its CPU with Rasa.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.messages import Button, Message
from core.models import (
    Assignment,
    Caseworker,
    CodeAttempt,
    Contact,
    Conversation,
    Note,
    Report,
    ReportAddition,
    as_utc,
    utcnow,
)
from core.models import Message as MessageRow
from core.pseudonym import Pseudonymizer
from core.vocabulary import Sender
from handover.report_flow import Flow

OPEN_STATES = ("bot", "queued", "assigned")
KINDS = ("help", "report", "partner")  # a conversation's kind only moves to the right
contact_table = Contact.__table__
conversation_table = Conversation.__table__
message_table = MessageRow.__table__
note_table = Note.__table__
assignment_table = Assignment.__table__
caseworker_table = Caseworker.__table__
report_table = Report.__table__
addition_table = ReportAddition.__table__
attempt_table = CodeAttempt.__table__


@dataclass(frozen=True)
class ConversationState:
    """What the gateway needs to route one message."""

    id: str
    state: str
    language: str
    language_chosen: bool
    new: bool = False  # created by this message
    flow: Flow | None = None  # where a report the app runs itself stands (bot/reporting.py)


def confirmed_indicators(screening: dict[str, Any]) -> list[str]:
    """The indicator ids a screening result counts: the ones the person answered or confirmed "yes"."""
    return sorted(ident for ident, answer in (screening.get("answers") or {}).items() if answer == "yes")


def new_alias() -> str:
    return f"Visitor {secrets.token_hex(2).upper()}"


class Store:
    def __init__(self, engine: AsyncEngine, sealer: Pseudonymizer) -> None:
        self._engine = engine
        self._sealer = sealer

    async def receive(self, channel: str, address_hash: str, reply_address: str, language: str,
                      message: Message) -> ConversationState:
        """Store a person's message in their open conversation, or in a new one; one transaction.

        A message after `resolved` starts a new conversation. `language` is used only for a new one.
        """
        async with self._engine.begin() as connection:
            conversation = await self._open_conversation(connection, address_hash)
            if conversation is None:
                contact_id = await self._contact_id(connection, channel, address_hash, reply_address)
                conversation = ConversationState(secrets.token_hex(16), "bot", language, False, new=True)
                now = utcnow()
                await connection.execute(insert(conversation_table).values(
                    id=conversation.id, contact_id=contact_id, channel=channel, state="bot", kind="help",
                    language=language, language_chosen=False, alias=new_alias(), created_at=now, updated_at=now,
                ))
            else:  # the person is still writing: retention counts quiet time from here
                await connection.execute(update(conversation_table).where(
                    conversation_table.c.id == conversation.id).values(updated_at=utcnow()))
            await self._insert(connection, conversation.id, Sender.USER, [message])
            return conversation

    async def add_messages(self, conversation_id: str, sender: Sender,
                           messages: list[Message]) -> list[Message]:
        async with self._engine.begin() as connection:
            return await self._insert(connection, conversation_id, sender, messages)

    async def messages_to_user(self, address_hash: str, after_id: int) -> list[Message]:
        """Every message to the person (bot, caseworker, system) after `after_id`, in all their conversations."""
        query = (
            select(message_table)
            .join(conversation_table, message_table.c.conversation_id == conversation_table.c.id)
            .join(contact_table, conversation_table.c.contact_id == contact_table.c.id)
            .where(contact_table.c.address_hash == address_hash, message_table.c.id > after_id,
                   message_table.c.sender != "user")
            .order_by(message_table.c.id)
        )
        async with self._engine.connect() as connection:
            return [self._open(row) for row in await connection.execute(query)]

    async def transcript(self, conversation_id: str) -> list[Message]:
        query = select(message_table).where(message_table.c.conversation_id == conversation_id).order_by(
            message_table.c.id)
        async with self._engine.connect() as connection:
            return [self._open(row) for row in await connection.execute(query)]

    async def reply_address(self, conversation_id: str) -> tuple[str, str]:
        """The channel and the unsealed reply address of a conversation's person, to deliver a message."""
        query = (select(contact_table.c.channel, contact_table.c.reply_address)
                 .join(conversation_table, conversation_table.c.contact_id == contact_table.c.id)
                 .where(conversation_table.c.id == conversation_id))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            raise LookupError("conversation not found")
        return row.channel, self._sealer.unseal(row.reply_address)

    async def set_language(self, conversation_id: str, language: str, chosen: bool) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(conversation_table)
                .where(conversation_table.c.id == conversation_id)
                .values(language=language, language_chosen=conversation_table.c.language_chosen | chosen,
                        updated_at=utcnow())
            )

    async def request_handover(self, conversation_id: str, tier: str, kind: str, reopen: bool = False) -> None:
        """Queue the conversation for a person, in one atomic statement.

        A conversation the bot holds becomes `queued` (a resolved one too with `reopen`: information added
        to a report); one already queued or assigned stays so. A more urgent tier (P1 < P4) wins over a less
        urgent one; a help conversation becomes a report, a report a partner referral, never the other way.
        """
        table = conversation_table
        waiting = table.c.state.in_(("bot", "resolved") if reopen else ("bot",))
        async with self._engine.begin() as connection:
            await connection.execute(
                update(table).where(table.c.id == conversation_id).values(
                    state=case((waiting, "queued"), else_=table.c.state),
                    queued_at=case((waiting, utcnow()), else_=table.c.queued_at),
                    resolved_at=case((waiting, None), else_=table.c.resolved_at),
                    unanswered_notice_at=case((waiting, None), else_=table.c.unanswered_notice_at),
                    tier=case(((table.c.tier.is_(None)) | (table.c.tier > tier), tier), else_=table.c.tier),
                    kind=case((table.c.kind.in_(KINDS[:KINDS.index(kind)]), kind), else_=table.c.kind),
                    updated_at=utcnow(),
                )
            )

    async def flow(self, conversation_id: str) -> Flow | None:
        async with self._engine.connect() as connection:
            sealed = await connection.scalar(
                select(conversation_table.c.flow).where(conversation_table.c.id == conversation_id))
        return None if sealed is None else Flow.from_json(json.loads(self._sealer.unseal(sealed)))

    async def set_flow(self, conversation_id: str, flow: Flow | None) -> None:
        """Where a report the app runs itself stands (sealed: it holds the report's code); None ends it."""
        sealed = None if flow is None else self._sealer.seal(json.dumps(flow.to_json()))
        async with self._engine.begin() as connection:
            await connection.execute(update(conversation_table).where(
                conversation_table.c.id == conversation_id).values(flow=sealed))

    async def save_screening(self, conversation_id: str, summary: dict[str, Any]) -> None:
        """The screening result (sealed: it quotes the person) and its assessment in clear for statistics."""
        async with self._engine.begin() as connection:
            await connection.execute(
                update(conversation_table).where(conversation_table.c.id == conversation_id).values(
                    screening=self._sealer.seal(json.dumps(summary, ensure_ascii=False)),
                    assessment=summary.get("assessment"), updated_at=utcnow(),
                ))

    async def screening(self, conversation_id: str) -> dict[str, Any] | None:
        """The last screening result of a conversation, as the action server produced it; None if none yet."""
        async with self._engine.connect() as connection:
            sealed = await connection.scalar(
                select(conversation_table.c.screening).where(conversation_table.c.id == conversation_id))
        return None if sealed is None else json.loads(self._sealer.unseal(sealed))

    async def language_of(self, address_hash: str) -> str | None:
        """The language of the person's latest conversation; None when there is none."""
        query = (select(conversation_table.c.language)
                 .join(contact_table, contact_table.c.id == conversation_table.c.contact_id)
                 .where(contact_table.c.address_hash == address_hash)
                 .order_by(conversation_table.c.created_at.desc()).limit(1))
        async with self._engine.connect() as connection:
            return await connection.scalar(query)

    async def details(self, conversation_id: str) -> dict[str, Any] | None:
        """What the console shows about a conversation besides its transcript; None when there is none."""
        table = conversation_table
        query = (select(table.c.id, table.c.alias, table.c.state, table.c.tier, table.c.kind, table.c.language,
                        table.c.channel, table.c.assessment, table.c.created_at, table.c.queued_at,
                        table.c.assignee_id, caseworker_table.c.alias.label("assignee"))
                 .outerjoin(caseworker_table, caseworker_table.c.id == table.c.assignee_id)
                 .where(table.c.id == conversation_id))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return {"conversation_id": row.id, "alias": row.alias, "state": row.state, "tier": row.tier,
                "kind": row.kind, "language": row.language, "channel": row.channel, "assessment": row.assessment,
                "assignee_id": row.assignee_id, "assignee": row.assignee,
                "created_at": as_utc(row.created_at).isoformat(),
                "queued_at": as_utc(row.queued_at).isoformat() if row.queued_at else None}

    async def add_note(self, conversation_id: str, caseworker_id: int, text: str) -> dict[str, Any]:
        now = utcnow()
        async with self._engine.begin() as connection:
            note_id = await connection.scalar(insert(note_table).values(
                conversation_id=conversation_id, caseworker_id=caseworker_id, created_at=now,
                body=self._sealer.seal(text)).returning(note_table.c.id))
        return {"id": note_id, "text": text, "created_at": now.isoformat()}

    async def notes(self, conversation_id: str) -> list[dict[str, Any]]:
        """A conversation's private notes, oldest first, with their authors' names."""
        query = (select(note_table, caseworker_table.c.name)
                 .join(caseworker_table, caseworker_table.c.id == note_table.c.caseworker_id)
                 .where(note_table.c.conversation_id == conversation_id).order_by(note_table.c.id))
        async with self._engine.connect() as connection:
            return [{"id": row.id, "author": row.name, "text": self._sealer.unseal(row.body),
                     "created_at": as_utc(row.created_at).isoformat()}
                    for row in await connection.execute(query)]

    async def reseal_all(self) -> int:
        """Re-encrypt every sealed value with the newest key (`havn rotate-key`); returns how many."""
        sealed = ((contact_table, contact_table.c.reply_address), (message_table, message_table.c.body),
                  (note_table, note_table.c.body), (conversation_table, conversation_table.c.screening),
                  (conversation_table, conversation_table.c.flow), (report_table, report_table.c.details),
                  (addition_table, addition_table.c.body))
        count = 0
        for table, column in sealed:
            key = table.primary_key.columns.values()[0]
            async with self._engine.begin() as connection:
                rows = list(await connection.execute(select(key, column).where(column.is_not(None))))
                for row_key, value in rows:
                    await connection.execute(update(table).where(key == row_key).values(
                        {column.name: self._sealer.reseal(value)}))
                count += len(rows)
        return count

    async def erase_contact(self, address_hash: str) -> list[str]:
        """Delete the person and everything they wrote or were told; returns the erased conversation ids."""
        async with self._engine.begin() as connection:
            ids = list(await connection.scalars(
                select(conversation_table.c.id)
                .join(contact_table, contact_table.c.id == conversation_table.c.contact_id)
                .where(contact_table.c.address_hash == address_hash)))
            await self._delete_conversations(connection, ids)
            await connection.execute(delete(contact_table).where(contact_table.c.address_hash == address_hash))
            await connection.execute(delete(attempt_table).where(attempt_table.c.address_hash == address_hash))
            return ids

    async def erase_conversations(self, ids: list[str]) -> None:
        """Delete these conversations with their messages and notes, and the people who have no other one
        (their sealed reply addresses with them)."""
        async with self._engine.begin() as connection:
            await self._delete_conversations(connection, ids)
            await connection.execute(delete(contact_table).where(
                ~select(conversation_table.c.id).where(conversation_table.c.contact_id == contact_table.c.id).exists()))

    @staticmethod
    async def _delete_conversations(connection: AsyncConnection, ids: list[str]) -> None:
        reports = select(report_table.c.id).where(report_table.c.conversation_id.in_(ids))
        await connection.execute(delete(addition_table).where(addition_table.c.report_id.in_(reports)))
        for table in (message_table, note_table, assignment_table, report_table):
            await connection.execute(delete(table).where(table.c.conversation_id.in_(ids)))
        await connection.execute(delete(conversation_table).where(conversation_table.c.id.in_(ids)))

    async def _open_conversation(self, connection: AsyncConnection, address_hash: str) -> ConversationState | None:
        table = conversation_table
        row = (await connection.execute(
            select(table.c.id, table.c.state, table.c.language, table.c.language_chosen, table.c.flow)
            .join(contact_table, table.c.contact_id == contact_table.c.id)
            .where(contact_table.c.address_hash == address_hash, table.c.state.in_(OPEN_STATES))
            .order_by(table.c.created_at.desc())
            .limit(1)
        )).first()
        if row is None:
            return None
        flow = None if row.flow is None else Flow.from_json(json.loads(self._sealer.unseal(row.flow)))
        return ConversationState(row.id, row.state, row.language, row.language_chosen, flow=flow)

    async def _contact_id(self, connection: AsyncConnection, channel: str, address_hash: str,
                          reply_address: str) -> int:
        existing = await connection.scalar(
            select(contact_table.c.id).where(contact_table.c.address_hash == address_hash))
        if existing is not None:
            return existing
        # Another app instance may create the same contact at the same moment: then use theirs.
        try:
            async with connection.begin_nested():
                return await connection.scalar(insert(contact_table).values(
                    channel=channel, address_hash=address_hash, reply_address=self._sealer.seal(reply_address),
                    created_at=utcnow(),
                ).returning(contact_table.c.id))
        except IntegrityError:
            return await connection.scalar(
                select(contact_table.c.id).where(contact_table.c.address_hash == address_hash))

    async def _insert(self, connection: AsyncConnection, conversation_id: str, sender: Sender,
                      messages: list[Message]) -> list[Message]:
        stored = []
        for message in messages:
            now = utcnow()
            message_id = await connection.scalar(insert(message_table).values(
                conversation_id=conversation_id, sender=sender, body=self._seal(message), created_at=now,
            ).returning(message_table.c.id))
            stored.append(message.stored(sender, message_id, now))
        return stored

    def _seal(self, message: Message) -> str:
        body = {"text": message.text, "payload": message.payload,
                "buttons": [[b.title, b.payload] for b in message.buttons]}
        return self._sealer.seal(json.dumps(body, ensure_ascii=False))

    def _open(self, row: object) -> Message:
        body = json.loads(self._sealer.unseal(row.body))  # type: ignore[attr-defined]
        return Message(
            text=body["text"], payload=body["payload"],
            buttons=tuple(Button(title, payload) for title, payload in body["buttons"]),
            sender=Sender(row.sender), id=row.id, created_at=row.created_at,  # type: ignore[attr-defined]
        )
