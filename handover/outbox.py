"""Everything the app says to a person goes through here: the bot's replies, a caseworker's, the notices, a
report's code after a resolve. Each is stored; on a channel that pushes (Telegram) it is also queued in the
outbox in the same transaction and the delivery worker (handover/delivery.py) is woken to send it, so that a
channel's refusal never fails what the caller did (a caseworker's reply is stored and answered 201; its
delivery state shows in the console). The web chat needs nothing: its page fetches what is new.
"""

from __future__ import annotations

from collections.abc import Collection

from core.messages import Message
from core.vocabulary import Delivery, EventType, Sender
from handover.delivery import LEASE, DeliveryWorker
from handover.hub import Hub, HubEvent
from handover.outbox_rows import OutboxRows
from handover.ports import Deliver
from handover.store import Store


class Outbox:
    def __init__(self, store: Store, rows: OutboxRows, hub: Hub, worker: DeliveryWorker,
                 pushing: Collection[str]) -> None:
        """`pushing`: the channels whose messages are queued, whether or not they are on now (what is queued
        for a channel that is off waits for it)."""
        self._store = store
        self._rows = rows
        self._hub = hub
        self.worker = worker
        self._pushing = frozenset(pushing)

    def add_channel(self, channel: str, deliver: Deliver) -> None:
        self.worker.add_channel(channel, deliver)

    async def send(self, conversation_id: str, sender: Sender, messages: list[Message],
                   shown_first: bool = False) -> list[Message]:
        """Stored (and queued), in order; the consoles told. `shown_first`: the channel shows the first one
        itself (an edit of the message whose button was pressed): stored, not queued."""
        queueing = self._rows.queueing(self._pushing, LEASE, self.worker.sending)
        stored = await self._store.add_messages(conversation_id, sender, messages, queueing, shown_first)
        if queueing.claimed is not None:
            self.worker.hand(queueing.claimed)  # claimed as it was queued: sent now, no claim round trip
        elif any(message.delivery == Delivery.PENDING for message in stored):
            self.worker.wake()
        await self._hub.publish(HubEvent(EventType.MESSAGE, conversation_id))
        return stored

    async def send_stored(self, message: Message) -> None:
        """A stored message that was not queued (an edit the channel refused), queued now, after the others."""
        queueing = self._rows.queueing(self._pushing, LEASE, self.worker.sending)
        await self._store.queue_stored(message, queueing)
        if queueing.claimed is not None:
            self.worker.hand(queueing.claimed)
        else:
            self.worker.wake()
