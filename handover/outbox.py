"""Messages a person did not prompt (a caseworker's reply, a notice, a report's code after a resolve): stored,
delivered on the person's channel, and the consoles told. Channels that push (Telegram) register how to
deliver; the web chat needs none: its page fetches what is new.
"""

from __future__ import annotations

from core.messages import Message
from core.vocabulary import EventType, Sender
from handover.hub import Hub, HubEvent
from handover.ports import Deliver
from handover.store import Store


class Outbox:
    def __init__(self, store: Store, hub: Hub) -> None:
        self._store = store
        self._hub = hub
        self._channels: dict[str, Deliver] = {}

    def add_channel(self, channel: str, deliver: Deliver) -> None:
        self._channels[channel] = deliver

    async def send(self, conversation_id: str, sender: Sender, messages: list[Message]) -> list[Message]:
        stored = await self._store.add_messages(conversation_id, sender, messages)
        channel, address = await self._store.reply_address(conversation_id)
        deliver = self._channels.get(channel)
        if deliver is not None:
            await deliver(address, stored)
        await self._hub.publish(HubEvent(EventType.MESSAGE, conversation_id))
        return stored
