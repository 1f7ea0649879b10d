"""What caseworkers do to a conversation, and what follows from it: claim, reply, release, resolve, transfer.

Each action changes the queue atomically first; only the winner then tells the person in their language, writes
the audit log and tells the consoles. Rasa is not told: the gateway routes by the conversation's state and
never asks Rasa while a caseworker holds the conversation. A periodic sweep gives abandoned claims back
to the queue and tells people who waited too long that nobody can answer right now.
"""

from __future__ import annotations

from datetime import timedelta

from core.errors import Conflict, ServiceError
from core.messages import Message
from core.texts import Texts
from core.vocabulary import EventType, Sender, State
from handover.accounts import Account
from handover.audit import Audit
from handover.erased import missing
from handover.hub import Hub, HubEvent
from handover.outbox import Outbox
from handover.ports import ReportFollowUp
from handover.queue import ClaimResult, Queue
from handover.reports import Reports
from handover.store import Store
from handover.waiting import WaitingRoom


class NotHolder(Conflict, default="You do not hold this conversation."):
    """The caseworker does not hold this conversation (any more)."""


CLAIM_REFUSED = {ClaimResult.TAKEN: "Another caseworker holds this conversation.",
                 ClaimResult.NOT_QUEUED: "This conversation is not waiting for a person."}


class Handover:
    def __init__(self, outbox: Outbox, store: Store, reports: Reports, queue: Queue, texts: Texts,
                 waiting: WaitingRoom, audit: Audit, hub: Hub, report_follow_up: ReportFollowUp,
                 abandon_after: timedelta, unanswered_after: timedelta) -> None:
        self._outbox = outbox
        self.store = store
        self.reports = reports
        self._texts = texts
        self._follow_up = report_follow_up
        self.queue = queue
        self._waiting = waiting
        self.audit = audit
        self.hub = hub
        self._abandon_after = abandon_after
        self._unanswered_after = unanswered_after

    async def claim(self, account: Account, conversation_id: str) -> ClaimResult:
        """CLAIMED or ALREADY_YOURS; Conflict when someone else holds it or it does not wait for a person."""
        result = await self.queue.claim(conversation_id, account.id)
        if result in CLAIM_REFUSED:
            raise await self._refused(conversation_id, Conflict(CLAIM_REFUSED[result]))
        if result is ClaimResult.CLAIMED:
            await self._joined(account, conversation_id)
        return result

    async def claim_next(self, account: Account) -> str | None:
        """The conversation claimed; None when nobody waits."""
        conversation_id = await self.queue.claim_next(account.id)
        if conversation_id is not None:
            await self._joined(account, conversation_id)
        return conversation_id

    async def reply(self, account: Account, conversation_id: str, text: str) -> Message:
        if await self.queue.holder(conversation_id) != account.id:
            raise await self._refused(conversation_id, NotHolder("Claim the conversation before you answer."))
        [stored] = await self._outbox.send(conversation_id, Sender.CASEWORKER, [Message(text, author=account.alias)])
        return stored

    async def release(self, account: Account, conversation_id: str) -> State:
        """Let it go: back to the queue at its tier while the person's request for a person is still open
        (`Queue.release`), and they are told they wait for a person again; otherwise back to the bot, and they
        are told the bot helps again. Either way a report they were writing goes on with the question it stopped
        at (the bot answers while they wait). Returns where it went (State.QUEUED or State.BOT)."""
        state = await self.queue.release(conversation_id, None if account.is_supervisor else account.id)
        if state is None:
            raise await self._refused(conversation_id, NotHolder())
        await self.audit.record(account.id, "released", conversation_id,
                                None if state == State.BOT else "back to the queue: still waiting for a person")
        await self._tell(conversation_id, "queue.released" if state == State.BOT else "queue.released_waiting")
        details = await self.store.details(conversation_id)
        tier = details.tier if details is not None and state == State.QUEUED else None
        await self.hub.publish(HubEvent(EventType.QUEUE, conversation_id, tier))  # an urgent one rings again
        pending = await self._follow_up.repeat(conversation_id, await self._language(conversation_id))
        if pending:
            await self._outbox.send(conversation_id, Sender.BOT, pending)
        return state

    async def resolve(self, account: Account, conversation_id: str) -> None:
        """Closed: the person is told; their next message opens a new conversation. A report they were still
        writing is sent as it is, and they get its code first."""
        await self._end(account, conversation_id, State.RESOLVED, "resolved", "queue.resolved")
        sent = await self._follow_up.close(conversation_id, await self._language(conversation_id))
        if sent:
            await self._outbox.send(conversation_id, Sender.BOT, sent)

    async def may_transfer(self, account: Account, conversation_id: str) -> None:
        """NotHolder unless this account holds the conversation (a supervisor: unless someone holds it). Asked
        before anything about the colleague it would go to (found by a tester: someone who did not hold it was
        told the colleague was offline); `transfer` checks the same again as it moves it."""
        holder = await self.queue.holder(conversation_id)
        if holder is None or (holder != account.id and not account.is_supervisor):
            raise await self._refused(conversation_id, NotHolder())

    async def transfer(self, account: Account, conversation_id: str, to: Account) -> None:
        """To another caseworker; a supervisor may move a conversation that someone else holds."""
        if not await self.queue.transfer(conversation_id, None if account.is_supervisor else account.id, to.id):
            raise await self._refused(conversation_id, NotHolder())
        await self.audit.record(account.id, "transfer", conversation_id, f"to {to.name}")
        # The person is told who writes now, as when the first caseworker joined: a new name with no word looked
        # like someone else in the chat (found walking the console).
        await self._tell(conversation_id, "queue.joined", {"alias": to.alias})
        await self.hub.publish(HubEvent(EventType.CONVERSATION, conversation_id))

    async def sweep(self) -> None:
        """Give back claims whose holder's console is gone; tell people who waited too long; send reports
        whose writer stopped half-way."""
        for held in await self.queue.abandoned(self._abandon_after):
            if await self.queue.end(held.conversation_id, held.caseworker_id, State.QUEUED, "abandoned"):
                await self.audit.record(held.caseworker_id, "auto_unclaim", held.conversation_id)
                await self._tell(held.conversation_id, "queue.back_in_queue")
                await self.hub.publish(HubEvent(EventType.QUEUE, held.conversation_id))
        for conversation_id in await self.queue.overdue(self._unanswered_after):
            if await self.queue.mark_told_unanswered(conversation_id):
                language = await self._language(conversation_id)
                await self._send(conversation_id, self._waiting.nobody(language))
        await self._follow_up.send_quiet_reports()  # last: a failure here stops nothing above

    async def _joined(self, account: Account, conversation_id: str) -> None:
        await self.audit.record(account.id, "claim", conversation_id)
        await self._tell(conversation_id, "queue.joined", {"alias": account.alias})
        await self.hub.publish(HubEvent(EventType.QUEUE, conversation_id))

    async def _end(self, account: Account, conversation_id: str, state: State, reason: str, text: str) -> None:
        if not await self.queue.end(conversation_id, None if account.is_supervisor else account.id, state, reason):
            raise await self._refused(conversation_id, NotHolder())
        await self.audit.record(account.id, reason, conversation_id)
        await self._tell(conversation_id, text)
        await self.hub.publish(HubEvent(EventType.QUEUE, conversation_id))

    async def _refused(self, conversation_id: str, error: ServiceError) -> ServiceError:
        """`error` for an action refused on a conversation that is there; when it is not, that the person deleted
        it (410) or that there is no such conversation (404): "Claim it first" was the answer to replying to an
        erased one (walk 3 item 17)."""
        if await self.store.details(conversation_id) is None:
            return await missing(self.audit, conversation_id)
        return error

    async def _tell(self, conversation_id: str, key: str, variables: dict[str, str] | None = None) -> None:
        language = await self._language(conversation_id)
        await self._send(conversation_id, self._texts.reply(key, language, variables=variables))

    async def _send(self, conversation_id: str, reply: Message) -> None:
        await self._outbox.send(conversation_id, Sender.SYSTEM, [reply])

    async def _language(self, conversation_id: str) -> str:
        details = await self.store.details(conversation_id)
        return details.language if details else self._texts.default_language
