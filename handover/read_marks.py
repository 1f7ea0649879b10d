"""Unread marks: a person wrote in a conversation the caseworker holds but has not looked at since (walk 4 item 1).

A caseworker on a long shift holds several conversations and has one open; before, a message in another one came
with no mark at all. The holder's reading is kept in the database (`conversation.read_up_to`, the newest message
they were shown), so that the mark is the same on every instance and after a reload, until they open the
conversation. Taking a conversation (a claim, a transfer) starts the reading at its newest message
(handover/queue.py); fetching its transcript, as the console does when it opens it or catches up with it, moves
the reading on. Only the person's own messages make a conversation unread: the caseworker's replies, the bot's and
the system's notices do not. Nothing here is about waiting conversations, or about a conversation someone else
holds: a supervisor's list marks only the ones they hold themselves.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from core.models import Conversation, MessageRecord
from core.vocabulary import Sender, State


class ReadMarks:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def seen(self, conversation_id: str, caseworker_id: int, up_to: int) -> None:
        """The holder was shown the conversation up to the message `up_to`; anyone else's look changes nothing,
        and neither does an older look that arrives late."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Conversation).where(
                Conversation.id == conversation_id, Conversation.state == State.ASSIGNED,
                Conversation.assignee_id == caseworker_id,
                or_(Conversation.read_up_to.is_(None), Conversation.read_up_to < up_to)).values(read_up_to=up_to))

    async def unread(self, caseworker_id: int) -> set[str]:
        """The conversations this caseworker holds in which the person wrote after what they were shown."""
        wrote_since = select(MessageRecord.id).where(
            MessageRecord.conversation_id == Conversation.id, MessageRecord.sender == Sender.USER,
            MessageRecord.id > func.coalesce(Conversation.read_up_to, 0)).exists()
        query = select(Conversation.id).where(Conversation.state == State.ASSIGNED,
                                              Conversation.assignee_id == caseworker_id, wrote_since)
        async with self._engine.connect() as connection:
            return set(await connection.scalars(query))
