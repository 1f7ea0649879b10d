"""Several Rasa instances behind one client (bot/rasa_client.py; issue "Scale out", item 2): the turns are spread,
a turn goes to the other instance when one is down, but only when it surely never reached the first; erasure goes
to any instance; the health check sees each instance. Two fake Rasa servers on 127.0.0.1, one of them stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.rasa_client import DOWN_SECONDS, RasaClient, RasaUnavailable
from tests.conftest import free_port, make_settings
from tests.fakes.rasa import TOKEN, FakeActionServer, FakeRasa


class Clock:
    """The client's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Two:
    client: RasaClient
    first: FakeRasa
    second: FakeRasa
    clock: Clock
    urls: tuple[str, str]
    action_urls: tuple[str, str]


@pytest.fixture
async def two() -> AsyncIterator[Two]:
    fakes = (FakeRasa(), FakeRasa())
    ports = (free_port(), free_port())
    for fake, port in zip(fakes, ports, strict=True):
        await fake.start(port)
    actions = FakeActionServer()
    action_urls = (f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}")
    await actions.start(int(action_urls[0].rsplit(":", 1)[1]))  # the second action server stays down
    clock = Clock()
    urls = (f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}")
    async with aiohttp.ClientSession() as http:
        yield Two(RasaClient(http, urls, TOKEN, action_urls, timeout=1.0, clock=clock), *fakes, clock, urls,
                  action_urls)
    for fake in fakes:
        if fake.hold:
            fake.hold.set()
        await fake.stop()
    await actions.stop()


async def turns(client: RasaClient, count: int) -> None:
    for number in range(count):
        assert await client.send(f"conversation-{number}", "hello", {}) != []


async def test_turns_take_turns_between_the_instances(two: Two) -> None:
    await turns(two.client, 4)
    assert len(two.first.received) == 2 and len(two.second.received) == 2


async def test_a_turn_goes_to_the_instance_with_fewer_turns_in_flight(two: Two) -> None:
    two.first.hold = asyncio.Event()
    slow = asyncio.create_task(two.client.send("slow", "hello", {}))
    await two.first.arrived.wait()  # the first instance is now busy with that turn
    await turns(two.client, 3)
    assert len(two.second.received) == 3  # not every other one: the first is still busy
    two.first.hold.set()
    assert await slow


async def test_a_stopped_instance_loses_no_turn_and_is_skipped_for_a_while(two: Two) -> None:
    await two.first.stop()
    await turns(two.client, 4)
    assert len(two.second.received) == 4
    await two.first.start(two.first.port)  # back, but the client does not know yet
    await turns(two.client, 2)
    assert len(two.first.received) == 0
    two.clock.now += DOWN_SECONDS + 1  # tried again after a few seconds
    await turns(two.client, 4)
    assert len(two.first.received) == 2


async def test_a_turn_that_timed_out_is_not_sent_again(two: Two) -> None:
    """Rasa may have processed it (tracker saved, actions run): the person gets the fallback instead."""
    two.first.hold = asyncio.Event()  # the first instance takes the turn and never answers
    with pytest.raises(RasaUnavailable):
        await two.client.send("conversation", "hello", {})
    assert len(two.first.received) == 1 and two.second.received == []


async def test_an_error_answer_is_not_sent_again(two: Two) -> None:
    two.first.status = 500
    with pytest.raises(RasaUnavailable, match="HTTP 500"):
        await two.client.send("conversation", "hello", {})
    assert two.second.received == []


async def test_when_every_instance_is_down_the_turn_is_unavailable(two: Two) -> None:
    await two.first.stop()
    await two.second.stop()
    with pytest.raises(RasaUnavailable, match="ClientConnectorError"):
        await two.client.send("conversation", "hello", {})


async def test_erasure_goes_to_any_live_instance(two: Two) -> None:
    await two.first.stop()
    await two.client.erase_tracker("gone")
    assert two.second.erased == ["gone"]


async def test_erasure_is_tried_on_the_next_instance_after_any_failure(two: Two) -> None:
    """Emptying a tracker twice changes nothing: unlike a turn, it may be repeated."""
    two.first.erase_status = 500
    await two.client.erase_tracker("gone")
    await two.client.erase_tracker("again")
    assert two.first.erased == [] and sorted(two.second.erased) == ["again", "gone"]


async def test_erasure_fails_when_no_instance_empties_the_tracker(two: Two) -> None:
    two.first.erase_status = two.second.erase_status = 503
    with pytest.raises(RasaUnavailable, match="HTTP 503"):
        await two.client.erase_tracker("gone")


async def test_the_intent_alone_is_asked_of_any_instance_and_none_when_none_answers(two: Two) -> None:
    """Rasa's parse keeps nothing (no turn, no tracker): tried on the next instance after any failure."""
    for fake in (two.first, two.second):
        fake.intents["I want to talk to a person"] = ("talk_to_person", 0.9)
    two.first.status = 500
    assert await two.client.intent("I want to talk to a person") == ("talk_to_person", 0.9)
    assert await two.client.intent("hello") == ("nlu_fallback", 0.2)
    assert two.first.parsed == [] and two.second.parsed == ["I want to talk to a person", "hello"]
    assert two.first.received == two.second.received == []  # no turn
    two.second.status = 503
    assert await two.client.intent("hello") is None


async def test_the_health_check_sees_each_instance(two: Two) -> None:
    await two.second.stop()
    statuses = await two.client.statuses()
    assert statuses == {
        "rasa": {two.urls[0]: "ok", two.urls[1]: "unreachable: ClientConnectorError"},
        "action_server": {two.action_urls[0]: "ok", two.action_urls[1]: "unreachable: ClientConnectorError"},
    }
    # The summary the health check gives names the instance down by its number, never by its address.
    assert await two.client.rasa_status() == "2 of 2: unreachable: ClientConnectorError"
    assert await two.client.action_server_status() == "2 of 2: unreachable: ClientConnectorError"
    await two.first.stop()
    assert await two.client.rasa_status() == ("1 of 2: unreachable: ClientConnectorError; "
                                              "2 of 2: unreachable: ClientConnectorError")


async def test_an_instance_that_answers_the_health_check_takes_turns_again_at_once(two: Two) -> None:
    await two.first.stop()
    await turns(two.client, 2)
    await two.first.start(two.first.port)
    assert (await two.client.statuses())["rasa"][two.urls[0]] == "ok"
    await turns(two.client, 2)
    assert len(two.first.received) == 1


async def test_one_instance_reports_as_before(tmp_path: Path) -> None:
    fake = FakeRasa()
    settings = make_settings(tmp_path, HAVN_RASA_URL=f"http://127.0.0.1:{free_port()}")
    await fake.start(int(settings.rasa_url.rsplit(":", 1)[1]))
    try:
        async with aiohttp.ClientSession() as http:
            client = RasaClient.for_settings(http, settings)
            assert await client.rasa_status() == "ok"
            assert await client.action_server_status() == "unreachable: ClientConnectorError"
    finally:
        await fake.stop()


def test_several_instances_are_configured_with_comma_separated_urls(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, HAVN_RASA_URLS="http://10.0.0.1:5005/, http://10.0.0.2:5005",
                             HAVN_ACTION_SERVER_URLS="http://10.0.0.1:5055,http://10.0.0.2:5055")
    assert settings.rasa_urls == ("http://10.0.0.1:5005", "http://10.0.0.2:5005")
    assert settings.action_server_urls == ("http://10.0.0.1:5055", "http://10.0.0.2:5055")


def test_one_instance_is_the_default(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, HAVN_RASA_URL="http://127.0.0.1:6005")
    assert settings.rasa_urls == ("http://127.0.0.1:6005",)
    assert settings.action_server_urls == (settings.action_server_url,)


async def test_an_outage_is_logged_once_naming_the_instance_by_its_number(two: Two,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.rasa_client")
    await two.first.stop()
    await turns(two.client, 2)
    two.clock.now += DOWN_SECONDS + 1
    await turns(two.client, 2)  # tried again, refused again: not logged again
    await two.first.start(two.first.port)
    two.clock.now += DOWN_SECONDS + 1
    await turns(two.client, 2)
    assert [record.getMessage() for record in caplog.records if record.name == "bot.rasa_client"] == [
        "Rasa 1 of 2 is unreachable (refused): its turns go to the others, it is tried again every 5 s",
        "Rasa 1 of 2 answers again"]


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A port whose connections never open: its accept queue is full, so the kernel drops new SYNs (a host that is
    gone looks the same)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = [socket.socket() for _ in range(3)]
    for filler in fillers:
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(listener.getsockname())
    try:
        yield listener.getsockname()[1]
    finally:
        for sock in (*fillers, listener):
            sock.close()


async def test_a_connection_not_open_in_time_goes_to_the_other_instance(two: Two,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    """Nothing was sent on a connection that never opened: the turn is safe to send elsewhere."""
    caplog.set_level(logging.WARNING, logger="bot.rasa_client")
    with unanswered_port() as port:
        async with aiohttp.ClientSession() as http:
            client = RasaClient(http, (f"http://127.0.0.1:{port}", two.urls[1]), TOKEN, two.action_urls,
                                timeout=30.0)
            assert await client.send("conversation", "hello", {}) != []
    assert len(two.second.received) == 1
    assert "Rasa 1 of 2 is unreachable (no connection in time)" in caplog.text
