"""The hub with a relay to other instances (handover/hub.py, handover/hub_relay.py), without Redis: what is sent,
what arrives, and what the consoles are told while the relay is down. tests/api/test_scaled_events.py runs two
apps on a real Redis."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

import pytest
from aiohttp import web

from core.clock import FakeClock
from core.vocabulary import EventType, State, Tier
from handover.hub import RELAY_DOWN, RELAY_UP, Console, Hub, HubEvent
from handover.hub_relay import decode, encode
from tests.unit.test_hub import ANNA, NOW, SOFIE, FakeSocket

EVENTS = [HubEvent(EventType.MESSAGE, "c1"), HubEvent(EventType.QUEUE, "c1", Tier.P1),
          HubEvent(EventType.DANGER, "c2", Tier.P1), HubEvent(EventType.ALERT, reason="p1_spike"),
          HubEvent(EventType.CONVERSATION), HubEvent(EventType.ERASED, "c3")]


class FakeRelay:
    def __init__(self) -> None:
        self.up = True
        self.sent: list[HubEvent] = []
        self.deliver: Callable[[HubEvent], Awaitable[None]] | None = None
        self.changed: Callable[[bool], Awaitable[None]] | None = None

    def send(self, event: HubEvent) -> None:
        self.sent.append(event)

    async def run(self, deliver: Callable[[HubEvent], Awaitable[None]],
                  changed: Callable[[bool], Awaitable[None]]) -> None:
        self.deliver, self.changed = deliver, changed


async def relayed_hub(places: dict[str, tuple[State, int | None]] | None) -> tuple[Hub, FakeRelay, FakeSocket,
                                                                                  FakeSocket]:
    """A hub with a relay; consoles of anna (caseworker) and sofie (supervisor); the database away when None."""
    async def whereabouts(conversation_id: str) -> tuple[State, int | None] | None:
        if places is None:
            raise ConnectionError("the database is away")
        return places.get(conversation_id)

    relay = FakeRelay()
    hub = Hub(whereabouts, clock=FakeClock(NOW), relay=relay)
    await hub.run_relay()
    anna, sofie = FakeSocket(), FakeSocket()
    for socket, account in ((anna, ANNA), (sofie, SOFIE)):
        hub.join(cast(web.WebSocketResponse, socket), Console(account, account.name, NOW.replace(year=2030)))
    return hub, relay, anna, sofie


@pytest.mark.parametrize("event", EVENTS)
def test_an_event_crosses_redis_whole_and_as_ids_and_states_only(event: HubEvent) -> None:
    wire = encode(event)
    assert set(wire) == {"type", "conversation_id", "tier", "reason"}
    assert decode(wire) == event


@pytest.mark.parametrize("wire", [{"type": "queue", "conversation_id": 5, "tier": None, "reason": None},
                                  {"type": "queue", "conversation_id": "c1", "tier": "P9", "reason": None},
                                  {"type": "shout", "conversation_id": None, "tier": None, "reason": None},
                                  {"type": "queue"}])
def test_what_is_not_an_event_is_refused(wire: dict) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        decode(wire)


async def test_an_event_published_here_is_sent_once_and_delivered_here_at_once() -> None:
    hub, relay, anna, sofie = await relayed_hub({"c1": (State.QUEUED, None)})
    await hub.publish(HubEvent(EventType.MESSAGE, "c1"))
    assert relay.sent == [HubEvent(EventType.MESSAGE, "c1")]
    assert anna.sent == sofie.sent == [{"type": "message", "conversation_id": "c1"}]


async def test_an_event_from_another_instance_is_filtered_as_our_own() -> None:
    _, relay, anna, sofie = await relayed_hub({"c1": (State.ASSIGNED, 99)})  # held by someone else
    assert relay.deliver is not None
    await relay.deliver(HubEvent(EventType.MESSAGE, "c1"))
    assert anna.sent == [] and sofie.sent == [{"type": "message", "conversation_id": "c1"}]
    assert relay.sent == []  # not sent back out


async def test_a_ring_from_another_instance_sounds_here_with_the_database_away() -> None:
    _, relay, anna, sofie = await relayed_hub(None)
    assert relay.deliver is not None
    await relay.deliver(HubEvent(EventType.QUEUE, "c1", Tier.P1))
    assert anna.sent == [{"type": "queue", "tier": "P1", "urgent": True}]
    assert sofie.sent == [{"type": "queue", "conversation_id": "c1", "tier": "P1", "urgent": True}]


async def test_the_consoles_poll_while_the_relay_is_down_and_a_console_joining_then_too() -> None:
    hub, relay, anna, sofie = await relayed_hub({})
    assert relay.changed is not None
    relay.up = False
    await relay.changed(False)
    assert anna.sent == sofie.sent == [RELAY_DOWN]
    late = FakeSocket()
    hub.join(cast(web.WebSocketResponse, late), Console(ANNA, "another", NOW.replace(year=2030)))
    await hub.welcome(cast(web.WebSocketResponse, late))
    assert late.sent == [RELAY_DOWN]
    relay.up = True
    await relay.changed(True)
    assert anna.sent == sofie.sent == [RELAY_DOWN, RELAY_UP] and late.sent == [RELAY_DOWN, RELAY_UP]
    await hub.welcome(cast(web.WebSocketResponse, late))  # up: nothing to say
    assert late.sent == [RELAY_DOWN, RELAY_UP]


async def test_one_instance_has_no_relay_and_never_polls() -> None:
    async def nowhere(conversation_id: str) -> None:
        return None

    hub, socket = Hub(nowhere, clock=FakeClock(NOW)), FakeSocket()
    hub.join(cast(web.WebSocketResponse, socket), Console(ANNA, "anna", NOW.replace(year=2030)))
    await hub.welcome(cast(web.WebSocketResponse, socket))
    assert hub.relayed and socket.sent == []
