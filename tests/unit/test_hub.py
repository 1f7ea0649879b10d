"""The hub's audience rule in the cases the API tests cannot stage: the database away while a ring goes out,
a console's session that runs out between two events, and a console that does not answer its close as the server
stops (tests/api/test_console_live.py has the rest)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from aiohttp import WSCloseCode, web

from core.clock import FakeClock
from core.vocabulary import EventType, State, Tier
from handover.accounts import Account
from handover.audience import Place
from handover.hub import ROLE_CHANGED, SESSION_ENDED, Console, Hub, HubEvent

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ANNA = Account(1, "anna", "Anna", "caseworker")
BEN = Account(2, "ben", "Ben", "caseworker")
SOFIE = Account(3, "sofie", "Sofie", "supervisor")


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.closed_with: int | None = None

    async def send_json(self, data: dict[str, Any]) -> None:
        self.sent.append(data)

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        self.closed_with = code
        return True


def hub_with(places: dict[str, Place] | None, clock: FakeClock, *accounts: Account) -> tuple[Hub, list[FakeSocket]]:
    """A hub whose database knows `places`, or is away (None); one console per account."""
    async def whereabouts(conversation_id: str) -> Place | None:
        if places is None:
            raise ConnectionError("the database is away")
        return places.get(conversation_id)

    hub = Hub(whereabouts, clock=clock)
    sockets = [FakeSocket() for _ in accounts]
    for socket, account in zip(sockets, accounts, strict=True):
        hub.join(cast(web.WebSocketResponse, socket), Console(account, f"session of {account.name}",
                                                              NOW + timedelta(hours=1)))
    return hub, sockets


async def test_with_the_database_away_a_ring_still_sounds_for_everyone_without_the_id() -> None:
    hub, [anna, sofie] = hub_with(None, FakeClock(NOW), ANNA, SOFIE)
    await hub.publish(HubEvent(EventType.QUEUE, "c1", Tier.P1))
    assert anna.sent == [{"type": "queue", "tier": "P1", "urgent": True}]  # the ring, and no id
    assert sofie.sent == [{"type": "queue", "conversation_id": "c1", "tier": "P1", "urgent": True}]
    await hub.publish(HubEvent(EventType.MESSAGE, "c1"))  # not urgent: supervisors only
    assert len(anna.sent) == 1 and sofie.sent[-1] == {"type": "message", "conversation_id": "c1"}


async def test_danger_in_a_held_conversation_rings_its_holder_and_the_supervisors() -> None:
    hub, [anna, ben, sofie] = hub_with({"c1": (State.ASSIGNED, BEN.id)}, FakeClock(NOW), ANNA, BEN, SOFIE)
    await hub.publish(HubEvent(EventType.DANGER, "c1", Tier.P1))
    assert anna.sent == []
    assert ben.sent == sofie.sent == [{"type": "danger", "conversation_id": "c1", "tier": "P1", "urgent": True}]


async def test_an_urgent_event_about_a_conversation_nobody_follows_still_reaches_supervisors() -> None:
    hub, [anna, sofie] = hub_with({"c1": (State.BOT, None)}, FakeClock(NOW), ANNA, SOFIE)
    await hub.publish(HubEvent(EventType.QUEUE, "c1", Tier.P1))
    await hub.publish(HubEvent(EventType.MESSAGE, "c1"))
    assert anna.sent == []
    assert sofie.sent == [{"type": "queue", "conversation_id": "c1", "tier": "P1", "urgent": True}]


async def test_an_erasure_reaches_every_console_even_from_another_instance_and_ends_what_they_followed() -> None:
    """Walk 4 item 2: the conversation is gone, nothing places it; every console hears its id (one may have it
    open), from this instance or another, and one that followed it hears nothing more of it after."""
    places: dict[str, Place] = {"c1": (State.ASSIGNED, ANNA.id)}
    hub, [anna, ben, sofie] = hub_with(places, FakeClock(NOW), ANNA, BEN, SOFIE)
    await hub.publish(HubEvent(EventType.MESSAGE, "c1"))  # anna's: she and the supervisor follow it, ben not
    del places["c1"]  # the person erased it
    await hub.deliver(HubEvent(EventType.ERASED, "c1"))  # as the relay hands on another instance's event
    await hub.publish(HubEvent(EventType.MESSAGE, "c1"))  # a late one: nobody follows it any more
    erased = {"type": "erased", "conversation_id": "c1"}
    assert anna.sent[1:] == sofie.sent[1:] == [erased]
    assert ben.sent == [erased]  # he may have found it by a report's code


async def test_a_session_that_ran_out_hears_nothing_more_and_is_closed() -> None:
    clock = FakeClock(NOW)
    hub, [anna] = hub_with({"c1": (State.QUEUED, None)}, clock, ANNA)
    await hub.publish(HubEvent(EventType.QUEUE, "c1", Tier.P3))
    clock.advance(timedelta(hours=1))
    await hub.publish(HubEvent(EventType.QUEUE, "c1", Tier.P1))
    await hub.close()  # waits for the closes under way
    assert anna.sent == [{"type": "queue", "conversation_id": "c1", "tier": "P3", "urgent": False}]
    assert anna.closed_with == SESSION_ENDED


async def test_the_session_check_closes_ended_sessions_and_changed_roles_and_keeps_the_rest() -> None:
    clock = FakeClock(NOW)
    hub, [anna, ben, sofie] = hub_with({"c1": (State.QUEUED, None)}, clock, ANNA, BEN, SOFIE)
    later = NOW + timedelta(hours=5)
    sessions: dict[str, tuple[Account, datetime] | None] = {
        "session of anna": None,  # logged out on another instance, or the account made inactive
        "session of ben": (Account(2, "ben", "Ben", "supervisor"), later),
        "session of sofie": (Account(3, "sofie", "Sofie M.", "supervisor"), later)}  # a new alias: no matter

    async def check(session: str) -> tuple[Account, datetime] | None:
        return sessions[session]

    await hub.check_sessions(check)
    clock.advance(timedelta(hours=2))  # past the hour the hub knew of, within the five the check found
    await hub.publish(HubEvent(EventType.QUEUE, "c1", Tier.P3))
    await hub.close()
    assert (anna.closed_with, ben.closed_with) == (SESSION_ENDED, ROLE_CHANGED)
    assert anna.sent == ben.sent == []
    assert sofie.sent == [{"type": "queue", "conversation_id": "c1", "tier": "P3", "urgent": False}]


class SilentSocket(FakeSocket):
    """A console that does not answer the close handshake until `answer` is set (a laptop that went to sleep)."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = asyncio.Event()

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        self.closed_with = code
        await self.answer.wait()
        return True


async def test_a_console_that_does_not_answer_does_not_hold_the_others_close_as_the_server_stops() -> None:
    hub = Hub(lambda conversation_id: asyncio.sleep(0), clock=FakeClock(NOW))
    silent, anna, ben = SilentSocket(), FakeSocket(), FakeSocket()
    for socket, account in ((silent, SOFIE), (anna, ANNA), (ben, BEN)):
        hub.join(cast(web.WebSocketResponse, socket), Console(account, f"session of {account.name}",
                                                              NOW + timedelta(hours=1)))
    stopping = asyncio.create_task(hub.close())
    await asyncio.sleep(0.05)
    # Told together: the others are closed while the first still waits for its answer.
    assert (silent.closed_with, anna.closed_with, ben.closed_with) == (WSCloseCode.GOING_AWAY,) * 3
    assert not stopping.done() and hub.stopping  # the stop waits for the last answer (or aiohttp's close timeout)
    silent.answer.set()
    await asyncio.wait_for(stopping, 1)
