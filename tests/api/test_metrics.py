"""GET /metrics: Prometheus' figures for both channels, Rasa's failures, the queue and the consoles, readable
from this machine or with HAVN_METRICS_TOKEN only, and never a word or an id in them (bot/metrics_page.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from bot.app import ENGINE, SETTINGS
from bot.metrics_page import readable
from handover.accounts import Accounts
from handover.app_keys import HANDOVER
from tests.conftest import AppClient, isolated_settings, start_app, webchat_address
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import serving

CHAT = 731234567
TOKEN = "a-metrics-token-of-32-characters"
WORDS = "my boss Kasem keeps my passport"  # what a person writes: never in the figures
PERSON = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2"}}}]
ALLOWED_LABELS = {"channel", "tier", "outcome", "le"}  # "le": a histogram's buckets


@pytest.fixture
async def client(tmp_path: Path, bot_api: FakeBotApi) -> AsyncIterator[AppClient]:
    """The app with Telegram on the fake Bot API, and a metrics token."""
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                 HAVN_METRICS_TOKEN=TOKEN)
    async for app_client in start_app(settings):
        yield app_client


async def scrape(client: AppClient, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with client.http.get(client.url("/metrics"), headers=headers or {}) as response:
        return response.status, await response.text()


async def figures(client: AppClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape from this machine: (name, labels) → value."""
    status, text = await scrape(client)
    assert status == 200, text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def test_read_from_this_machine_without_a_token(client: AppClient) -> None:
    status, text = await scrape(client)
    assert status == 200
    assert 'havn_turns_total{channel="webchat",outcome="answered"}' in text
    assert "process_resident_memory_bytes" in text  # the process's own figures (item 7: memory)


async def test_a_forwarded_request_needs_the_token(client: AppClient) -> None:
    """A reverse proxy on this machine connects from loopback: what it forwards is refused without the token."""
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, text = await scrape(client, {header: "203.0.113.9"})
        assert status == 403, header
        assert "HAVN_METRICS_TOKEN" in text and "havn_turns_total" not in text
    status, _ = await scrape(client, {"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {TOKEN}x"})
    assert status == 403
    status, text = await scrape(client, {"X-Forwarded-For": "203.0.113.9", "Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and "havn_turns_total" in text


def request_from(address: str, **headers: str):  # type: ignore[no-untyped-def]
    transport = mock.Mock()
    peers = {"peername": (address, 40000)}
    transport.get_extra_info.side_effect = lambda name, default=None: peers.get(name, default)
    return make_mocked_request("GET", "/metrics", headers=headers, transport=transport)


@pytest.mark.parametrize(("address", "token", "headers", "allowed"), [
    ("127.0.0.1", None, {}, True),
    ("::1", None, {}, True),
    ("127.0.0.1", None, {"X-Forwarded-For": "127.0.0.1"}, False),
    ("203.0.113.5", None, {}, False),
    ("10.0.0.4", None, {}, False),  # a private network is not this machine
    ("203.0.113.5", TOKEN, {}, False),
    ("203.0.113.5", TOKEN, {"Authorization": "Bearer wrong"}, False),
    ("203.0.113.5", TOKEN, {"Authorization": TOKEN}, False),  # the scheme is part of it
    ("203.0.113.5", TOKEN, {"Authorization": f"Bearer {TOKEN}"}, True),
    ("203.0.113.5", None, {"Authorization": "Bearer "}, False),  # no token configured: no bearer opens it
])
def test_who_may_read(address: str, token: str | None, headers: dict[str, str], allowed: bool) -> None:
    assert readable(request_from(address, **headers), token) is allowed


async def test_turns_of_both_channels_rasa_failures_and_the_queue(client: AppClient, bot_api: FakeBotApi) -> None:
    before = await figures(client)
    session = await client.new_session()
    await client.say(session, "hello")  # no Rasa yet: the fallback with the hotline
    await client.say(session, payload="/no_such_button", expect=400)
    async with serving(client.app[SETTINGS].rasa_url, {WORDS: PERSON}):
        await client.say(session, WORDS)  # asks for a person: queued at P2
        await bot_api.push(bot_api.user_update(CHAT, "hello"))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)
    client.clock.advance(timedelta(minutes=7))
    accounts = Accounts(client.app[ENGINE], clock=client.clock)
    await accounts.seen((await accounts.add("anna", "correct horse battery", "caseworker")).id)
    after = await figures(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("havn_turns_total", channel="webchat", outcome="answered") == 2
    assert grew("havn_turns_total", channel="webchat", outcome="invalid") == 1
    assert grew("havn_turns_total", channel="telegram", outcome="answered") == 1
    assert grew("havn_turn_seconds_count", channel="webchat") == 3
    assert grew("havn_turn_seconds_count", channel="telegram") == 1
    assert grew("havn_rasa_failures_total", outcome="unavailable") == 1
    assert grew("havn_handover_requests_total", tier="P2") == 1
    assert value(after, "havn_queue_waiting", tier="P2") == 1
    assert value(after, "havn_queue_waiting", tier="P1") == 0
    assert value(after, "havn_queue_longest_wait_seconds", tier="P2") >= 7 * 60
    assert value(after, "havn_caseworkers_online") == 1
    assert value(after, "havn_database_up") == 1


async def test_no_words_ids_or_languages_in_the_figures(client: AppClient, bot_api: FakeBotApi) -> None:
    session = await client.new_session()
    async with serving(client.app[SETTINGS].rasa_url, {WORDS: PERSON}):
        await client.say(session, WORDS)
        await bot_api.push(bot_api.user_update(CHAT, WORDS))
        await bot_api.wait_for("sendMessage", chat_id=CHAT, count=2)  # the queue's notice, the privacy notice
    queued = await client.app[HANDOVER].queue.items()
    assert len(queued) == 2  # one from each channel
    status, text = await scrape(client)
    assert status == 200
    for secret in (WORDS, "Kasem", str(CHAT), session, webchat_address(session),
                   *(item.conversation_id for item in queued), *(item.alias for item in queued)):
        assert secret not in text, secret
    for family in text_string_to_metric_families(text):
        if family.name.startswith("havn_"):
            for sample in family.samples:
                assert set(sample.labels) <= ALLOWED_LABELS, sample
                assert "language" not in sample.name


async def test_the_process_figures_still_come_when_the_database_does_not_answer(client: AppClient) -> None:
    queue = client.app[HANDOVER].queue
    failing = mock.AsyncMock(side_effect=OperationalError("SELECT", {}, Exception("gone")))
    with mock.patch.object(queue, "waiting_by_tier", failing):
        samples = await figures(client)
    assert value(samples, "havn_database_up") == 0
    assert ("havn_queue_waiting", (("tier", "P1"),)) not in samples
    assert value(samples, "havn_turns_total", channel="webchat", outcome="answered") >= 0
