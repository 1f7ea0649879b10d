"""The app's storage: contacts, conversations and their messages.

SQLAlchemy Core on the async engine, not the ORM's unit of work: a turn costs two short transactions
(receive the person's message; store the replies), and the app shares its CPU with Rasa. The statements name
the mapped classes (core/models.py); message bodies, reply addresses, notes, the screening and the report
flow are sealed by their column types (core/sealed.py), so nothing here encrypts or decrypts by hand.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from sqlalchemy import Column, ColumnElement, bindparam, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.json_api import MAX_ID
from core.messages import Button, Media, Message
from core.models import (
    Assignment,
    Base,
    Caseworker,
    CodeAttempt,
    Contact,
    Conversation,
    ConversationStat,
    MessageRecord,
    Note,
    OutboxRecord,
    Report,
    ReportAddition,
    as_utc,
)
from core.sealed import Sealed, SealedJSON
from core.vocabulary import OPEN_STATES, Delivery, Kind, LanguageGuess, MediaKind, Sender, State, Tier
from handover.api_models import ConversationDetails
from handover.report_flow import Flow
from screening.types import ScreeningSummary


@dataclass(frozen=True)
class ConversationState:
    """What the gateway needs to route one message."""

    id: str
    state: State
    language: str
    language_chosen: bool
    new: bool = False  # created by this message
    flow: Flow | None = None  # where a report the app runs itself stands (bot/reporting.py)
    language_guess: LanguageGuess | None = None  # not confirmed yet: bot/language_policy.py may correct it


class NewNote(TypedDict):
    id: int
    text: str
    created_at: str


class NoteView(NewNote):
    author: str  # the caseworker's login name (only caseworkers ever read notes)


# Puts stored messages of a conversation in the outbox, inside the transaction that stored them; False when the
# conversation's channel does not push (handover/outbox_rows.py `Queueing`).
Queue = Callable[[AsyncConnection, str, list[Message]], Awaitable[bool]]


def confirmed_indicators(screening: ScreeningSummary) -> list[str]:
    """The indicator ids a screening result counts: the ones the person answered or confirmed "yes"."""
    return sorted(ident for ident, answer in (screening.get("answers") or {}).items() if answer == "yes")


def new_alias() -> str:
    return f"Visitor {secrets.token_hex(2).upper()}"


def sealed_columns() -> list[Column[Any]]:
    """Every sealed column of the schema, found by its type: a new one is rotated without being listed."""
    return [column for table in Base.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, Sealed | SealedJSON)]


class Store:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        """`engine` must carry the sealer (core.db.create_engine(url, sealer))."""
        self._engine = engine
        self.clock = clock  # public: what the store stamps is the time others (the erase notice) show

    async def receive(self, channel: str, address_hash: str, reply_address: str, language: str,
                      message: Message) -> ConversationState:
        """Store a person's message in their open conversation, or in a new one; one transaction.

        A message after `resolved` starts a new conversation. `language` is used only for a new one.
        """
        async with self._engine.begin() as connection:
            conversation = await self._open_conversation(connection, address_hash)
            now = self.clock.now()
            if conversation is None:
                contact_id = await self._contact_id(connection, channel, address_hash, reply_address)
                # A new conversation's language is a guess until the gateway's language policy confirms it.
                conversation = ConversationState(secrets.token_hex(16), State.BOT, language, False, new=True,
                                                 language_guess=LanguageGuess.WEAK)
                await connection.execute(insert(Conversation).values(
                    id=conversation.id, contact_id=contact_id, channel=channel, state=State.BOT, kind=Kind.HELP,
                    language=language, language_chosen=False, language_guess=LanguageGuess.WEAK,
                    alias=new_alias(), created_at=now, updated_at=now,
                ))
            else:  # the person is still writing: retention counts quiet time from here
                await connection.execute(update(Conversation).where(
                    Conversation.id == conversation.id).values(updated_at=now))
            await self._insert(connection, conversation.id, Sender.USER, [message])
            return conversation

    async def add_messages(self, conversation_id: str, sender: Sender, messages: list[Message],
                           queue: Queue | None = None, skip_first: bool = False) -> list[Message]:
        """Stored; `queue` puts them in the outbox in the same transaction when their channel pushes, so that none
        is stored and never sent (handover/outbox_rows.py). `skip_first`: the first is shown otherwise (an edit
        of the pressed message) and is not queued. Each comes back with its delivery state."""
        async with self._engine.begin() as connection:
            stored = await self._insert(connection, conversation_id, Sender(sender), messages)
            queued = stored[1:] if skip_first else stored
            if not (queue and queued and await queue(connection, conversation_id, queued)):
                queued = []
        pending = {message.id for message in queued}
        return [replace(message, delivery=Delivery.PENDING if message.id in pending else Delivery.SENT)
                for message in stored]

    async def queue_stored(self, message: Message, queue: Queue) -> None:
        """A message stored without being queued (an edit that was refused), queued now."""
        async with self._engine.begin() as connection:
            conversation_id = await connection.scalar(
                select(MessageRecord.conversation_id).where(MessageRecord.id == message.id))
            if conversation_id is not None:  # erased meanwhile: nobody left to send it to
                await queue(connection, conversation_id, [message])

    async def messages_to_user(self, address_hash: str, after_id: int) -> list[Message]:
        """Every message to the person (bot, caseworker, system) after `after_id`, in all their conversations."""
        query = (
            select(MessageRecord.id, MessageRecord.sender, MessageRecord.body, MessageRecord.created_at,
                   MessageRecord.media_kind)
            .join(Conversation, MessageRecord.conversation_id == Conversation.id)
            .join(Contact, Conversation.contact_id == Contact.id)
            .where(Contact.address_hash == address_hash, MessageRecord.id > after_id,
                   MessageRecord.sender != Sender.USER)
            .order_by(MessageRecord.id)
        )
        async with self._engine.connect() as connection:
            return [stored_message(row) for row in await connection.execute(query)]

    async def offered_title(self, address_hash: str, payload: str, lookback: int) -> str | None:
        """The title of the newest button with this payload among the person's last `lookback` messages from the
        bot or a caseworker (in any of their conversations: a keyboard outlives a resolve); None when none."""
        query = (
            select(MessageRecord.body)
            .join(Conversation, MessageRecord.conversation_id == Conversation.id)
            .join(Contact, Conversation.contact_id == Contact.id)
            .where(Contact.address_hash == address_hash, MessageRecord.sender != Sender.USER)
            .order_by(MessageRecord.id.desc())
            .limit(lookback)
        )
        async with self._engine.connect() as connection:
            for body in await connection.scalars(query):
                for title, offered in body["buttons"]:
                    if offered == payload:
                        return str(title)
        return None

    async def sent_to_user(self, address_hash: str, message_id: int) -> bool:
        """Whether `message_id` is a message to the person (one `messages_to_user` could have given them)."""
        if not 0 < message_id <= MAX_ID:  # no such row; and PostgreSQL refuses to compare its ids with more
            return False
        query = (
            select(MessageRecord.id)
            .join(Conversation, MessageRecord.conversation_id == Conversation.id)
            .join(Contact, Conversation.contact_id == Contact.id)
            .where(Contact.address_hash == address_hash, MessageRecord.id == message_id,
                   MessageRecord.sender != Sender.USER)
        )
        async with self._engine.connect() as connection:
            return await connection.scalar(query) is not None

    async def transcript(self, conversation_id: str) -> list[Message]:
        return await self._messages(MessageRecord.conversation_id == conversation_id)

    async def said_by_person(self, conversation_id: str) -> list[Message]:
        """The person's own messages, oldest first (the queue line looks for what made the bot flag them)."""
        return await self._messages(MessageRecord.conversation_id == conversation_id,
                                    MessageRecord.sender == Sender.USER)

    async def said_by_bot(self, conversation_id: str) -> list[Message]:
        """The bot's messages, oldest first (whether the children's line was given already)."""
        return await self._messages(MessageRecord.conversation_id == conversation_id,
                                    MessageRecord.sender == Sender.BOT)

    async def latest(self, conversation_id: str, count: int) -> list[Message]:
        """The conversation's last `count` messages, newest first (what the person is answering)."""
        return await self._messages(MessageRecord.conversation_id == conversation_id, newest_first=True, limit=count)

    async def _messages(self, *where: ColumnElement[bool], newest_first: bool = False,
                        limit: int | None = None) -> list[Message]:
        """With each message's delivery state (handover/delivery.py), for the console."""
        query = (select(MessageRecord.id, MessageRecord.sender, MessageRecord.body, MessageRecord.created_at,
                        MessageRecord.media_kind, OutboxRecord.state.label("delivery"))
                 .outerjoin(OutboxRecord, OutboxRecord.message_id == MessageRecord.id)
                 .where(*where).order_by(MessageRecord.id.desc() if newest_first else MessageRecord.id)
                 .limit(limit))
        async with self._engine.connect() as connection:
            return [stored_message(row) for row in await connection.execute(query)]

    async def media_file(self, conversation_id: str, message_id: int) -> tuple[MediaKind, str | None] | None:
        """The kind and the channel's file reference (unsealed) of what a person sent in this message; None when
        the message is not media (or not in this conversation). The reference is None for what is not kept."""
        query = (select(MessageRecord.media_kind, MessageRecord.media_file)
                 .where(MessageRecord.id == message_id, MessageRecord.conversation_id == conversation_id,
                        MessageRecord.sender == Sender.USER, MessageRecord.media_kind.is_not(None)))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else (MediaKind(row.media_kind), row.media_file)

    async def reply_address(self, conversation_id: str) -> tuple[str, str]:
        """The channel and the reply address (in clear) of a conversation's person, to deliver a message."""
        query = (select(Contact.channel, Contact.reply_address)
                 .join(Conversation, Conversation.contact_id == Contact.id)
                 .where(Conversation.id == conversation_id))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            raise LookupError("conversation not found")
        return row.channel, row.reply_address

    async def set_language(self, conversation_id: str, language: str, chosen: bool,
                           guess: LanguageGuess | None = None) -> None:
        """A choice sticks (`chosen`) and is never a guess; `guess` says what a guessed language rests on."""
        async with self._engine.begin() as connection:
            await connection.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(language=language, language_chosen=Conversation.language_chosen | chosen,
                        language_guess=None if chosen else guess, updated_at=self.clock.now())
            )

    async def request_handover(self, conversation_id: str, tier: str, kind: str, reopen: bool = False) -> None:
        """Queue the conversation for a person, in one atomic statement.

        A conversation the bot holds becomes `queued` (a resolved one too with `reopen`: information added
        to a report); one already queued or assigned stays so. A more urgent tier (P1 < P4) wins over a less
        urgent one; a help conversation becomes a report, a report a partner referral, never the other way.
        """
        tier, kind = Tier(tier), Kind(kind)  # anything else is a mistake: refused, not stored
        # (the values in CASE are plain str: SQLAlchemy types a StrEnum literal as NullType)
        now = self.clock.now()
        waiting = Conversation.state.in_((State.BOT, State.RESOLVED) if reopen else (State.BOT,))
        lesser_kinds = list(Kind)[:list(Kind).index(kind)]  # a kind only moves to the right
        async with self._engine.begin() as connection:
            await connection.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(
                    state=case((waiting, str(State.QUEUED)), else_=Conversation.state),
                    queued_at=case((waiting, now), else_=Conversation.queued_at),
                    resolved_at=case((waiting, None), else_=Conversation.resolved_at),
                    unanswered_notice_at=case((waiting, None), else_=Conversation.unanswered_notice_at),
                    tier=case((Conversation.tier.is_(None) | (Conversation.tier > tier), str(tier)),
                              else_=Conversation.tier),
                    kind=case((Conversation.kind.in_(lesser_kinds), str(kind)), else_=Conversation.kind),
                    updated_at=now,
                )
            )

    async def flow(self, conversation_id: str) -> Flow | None:
        async with self._engine.connect() as connection:
            flow = await connection.scalar(select(Conversation.flow).where(Conversation.id == conversation_id))
        return None if flow is None else Flow.from_json(flow)

    async def set_flow(self, conversation_id: str, flow: Flow | None) -> None:
        """Where a report the app runs itself stands (sealed: it holds the report's code); None ends it."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Conversation).where(Conversation.id == conversation_id).values(
                flow=None if flow is None else flow.to_json(), updated_at=self.clock.now()))

    async def save_screening(self, conversation_id: str, summary: ScreeningSummary) -> None:
        """The screening result (sealed: it quotes the person) and its assessment in clear for statistics."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Conversation).where(Conversation.id == conversation_id).values(
                screening=summary, assessment=summary.get("assessment"), updated_at=self.clock.now()))

    async def screening(self, conversation_id: str) -> ScreeningSummary | None:
        """The last screening result of a conversation, as the action server produced it; None if none yet."""
        async with self._engine.connect() as connection:
            return await connection.scalar(
                select(Conversation.screening).where(Conversation.id == conversation_id))

    async def language_of(self, address_hash: str) -> str | None:
        """The language of the person's latest conversation; None when there is none."""
        query = (select(Conversation.language)
                 .join(Contact, Contact.id == Conversation.contact_id)
                 .where(Contact.address_hash == address_hash)
                 .order_by(Conversation.created_at.desc()).limit(1))
        async with self._engine.connect() as connection:
            return await connection.scalar(query)

    async def details(self, conversation_id: str) -> ConversationDetails | None:
        """What the console shows about a conversation besides its transcript; None when there is none."""
        query = (select(Conversation.id, Conversation.alias, Conversation.state, Conversation.tier,
                        Conversation.kind, Conversation.language, Conversation.channel, Conversation.assessment,
                        Conversation.created_at, Conversation.queued_at, Conversation.assignee_id,
                        Caseworker.alias.label("assignee"))
                 .outerjoin(Caseworker, Caseworker.id == Conversation.assignee_id)
                 .where(Conversation.id == conversation_id))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return ConversationDetails.model_validate({
            **row._mapping, "conversation_id": row.id, "created_at": as_utc(row.created_at),
            "queued_at": as_utc(row.queued_at) if row.queued_at else None})

    async def whereabouts(self, conversation_id: str) -> tuple[State, int | None] | None:
        """Its state and who holds it (the live events' audience, handover/hub.py); None when there is none."""
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(Conversation.state, Conversation.assignee_id)
                                            .where(Conversation.id == conversation_id))).first()
        return None if row is None else (State(row.state), row.assignee_id)

    async def add_note(self, conversation_id: str, caseworker_id: int, text: str) -> NewNote:
        now = self.clock.now()
        async with self._engine.begin() as connection:
            note_id = await connection.scalar(insert(Note).values(
                conversation_id=conversation_id, caseworker_id=caseworker_id, created_at=now, body=text,
            ).returning(Note.id))
        return NewNote(id=note_id, text=text, created_at=now.isoformat())

    async def notes(self, conversation_id: str) -> list[NoteView]:
        """A conversation's private notes, oldest first, with their authors' names."""
        query = (select(Note.id, Note.body, Note.created_at, Caseworker.name)
                 .join(Caseworker, Caseworker.id == Note.caseworker_id)
                 .where(Note.conversation_id == conversation_id).order_by(Note.id))
        async with self._engine.connect() as connection:
            return [NoteView(id=row.id, author=row.name, text=row.body, created_at=as_utc(row.created_at).isoformat())
                    for row in await connection.execute(query)]

    async def reseal_all(self) -> int:
        """Re-encrypt every sealed value with the newest key (`havn rotate-key`); returns how many.

        Each value is read through its column type (decrypted with whichever of the engine's keys sealed it) and
        written back through it (sealed with the first key); one transaction per column."""
        count = 0
        for column in sealed_columns():
            [key] = column.table.primary_key.columns
            async with self._engine.begin() as connection:
                rows = [{"row_key": row_key, column.key: value} for row_key, value in
                        await connection.execute(select(key, column).where(column.is_not(None)))]
                if rows:
                    await connection.execute(update(column.table).where(key == bindparam("row_key")), rows)
                count += len(rows)
        return count

    async def erase_contact(self, address_hash: str) -> list[str]:
        """Delete the person and everything they wrote or were told; returns the erased conversation ids."""
        async with self._engine.begin() as connection:
            ids = list(await connection.scalars(
                select(Conversation.id)
                .join(Contact, Contact.id == Conversation.contact_id)
                .where(Contact.address_hash == address_hash)))
            await self._delete_conversations(connection, ids)
            await connection.execute(delete(Contact).where(Contact.address_hash == address_hash))
            await connection.execute(delete(CodeAttempt).where(CodeAttempt.address_hash == address_hash))
            return ids

    async def erase_conversations(self, ids: list[str], statistics: Sequence[dict[str, object]] = ()) -> None:
        """Delete these conversations with their messages and notes, and the people who have no other one
        (their sealed reply addresses with them). `statistics`: the anonymous rows the purge keeps of them
        (handover/stats_facts.py), written in the same transaction, so that a conversation is counted either
        live or purged, never both and never neither."""
        async with self._engine.begin() as connection:
            if statistics:
                await connection.execute(insert(ConversationStat), list(statistics))
            await self._delete_conversations(connection, ids)
            await connection.execute(delete(Contact).where(
                ~select(Conversation.id).where(Conversation.contact_id == Contact.id).exists()))

    @staticmethod
    async def _delete_conversations(connection: AsyncConnection, ids: list[str]) -> None:
        reports = select(Report.id).where(Report.conversation_id.in_(ids))
        await connection.execute(delete(ReportAddition).where(ReportAddition.report_id.in_(reports)))
        for model in (OutboxRecord, MessageRecord, Note, Assignment, Report):
            await connection.execute(delete(model).where(model.conversation_id.in_(ids)))
        await connection.execute(delete(Conversation).where(Conversation.id.in_(ids)))

    async def _open_conversation(self, connection: AsyncConnection, address_hash: str) -> ConversationState | None:
        row = (await connection.execute(
            select(Conversation.id, Conversation.state, Conversation.language, Conversation.language_chosen,
                   Conversation.language_guess, Conversation.flow)
            .join(Contact, Conversation.contact_id == Contact.id)
            .where(Contact.address_hash == address_hash, Conversation.state.in_(OPEN_STATES))
            .order_by(Conversation.created_at.desc())
            .limit(1)
        )).first()
        if row is None:
            return None
        flow = None if row.flow is None else Flow.from_json(row.flow)
        guess = None if row.language_guess is None else LanguageGuess(row.language_guess)
        return ConversationState(row.id, State(row.state), row.language, row.language_chosen, flow=flow,
                                 language_guess=guess)

    async def _contact_id(self, connection: AsyncConnection, channel: str, address_hash: str,
                          reply_address: str) -> int:
        existing = await connection.scalar(select(Contact.id).where(Contact.address_hash == address_hash))
        if existing is not None:
            return existing
        # Another app instance may create the same contact at the same moment: then use theirs.
        try:
            async with connection.begin_nested():
                return await connection.scalar(insert(Contact).values(
                    channel=channel, address_hash=address_hash, reply_address=reply_address,
                    created_at=self.clock.now(),
                ).returning(Contact.id))
        except IntegrityError:
            return await connection.scalar(select(Contact.id).where(Contact.address_hash == address_hash))

    async def _insert(self, connection: AsyncConnection, conversation_id: str, sender: Sender,
                      messages: list[Message]) -> list[Message]:
        stored = []
        for message in messages:
            now = self.clock.now()
            body: dict[str, Any] = {"text": message.text, "payload": message.payload,
                                    "buttons": [[b.title, b.payload] for b in message.buttons]}
            if message.flagged is not None:
                body["flagged"] = [[cue, words] for cue, words in message.flagged]
            # Only when there: the messages stored before these keys read the same.
            body.update({key: value for key, value in (("author", message.author), ("code", message.code),
                                                       ("replaces", message.replaces),
                                                       ("pressed", message.pressed)) if value})
            media = message.media
            message_id = await connection.scalar(insert(MessageRecord).values(
                conversation_id=conversation_id, sender=sender, body=body, created_at=now,
                media_kind=media.kind if media else None,
                # only a file's reference, never a location: see core/models.py MessageRecord
                media_file=media.file_id if media and media.kind.kept else None,
            ).returning(MessageRecord.id))
            stored.append(message.stored(sender, message_id, now))
        return stored


def stored_message(row: Any) -> Message:
    """A stored message, with its media's kind but never the file's reference."""
    body = row.body
    media_kind = row.media_kind
    flagged = body.get("flagged")
    sender = Sender(row.sender)
    # Not in the outbox: the web chat's (its page fetches them) and those from before the outbox: sent.
    delivery = getattr(row, "delivery", None) or Delivery.SENT
    return Message(
        text=body["text"], payload=body["payload"], pressed=body.get("pressed"),
        buttons=tuple(Button(title, payload) for title, payload in body["buttons"]),
        sender=sender, id=row.id, created_at=row.created_at,
        media=Media(MediaKind(media_kind)) if media_kind else None,
        flagged=None if flagged is None else tuple((cue, words) for cue, words in flagged),
        author=body.get("author"), code=body.get("code"), replaces=body.get("replaces", False),
        delivery=None if sender == Sender.USER else Delivery(delivery),
    )
