"""Who a request counts against (core/sources.py) and how a limit is written (core/limits.py)."""

from __future__ import annotations

from unittest import mock

import pytest
from aiohttp.test_utils import make_mocked_request

from core.limits import Limit
from core.pseudonym import Pseudonymizer
from core.sources import Sources

PSEUDONYMIZER = Pseudonymizer("test-hash-key", ("ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",))


def request(peer: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    transport = mock.Mock()
    transport.get_extra_info.return_value = (peer, 40000)
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return make_mocked_request("POST", "/api/webchat/sessions", headers=headers, transport=transport)


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    ("192.0.2.1", None, (), "192.0.2.1"),
    ("192.0.2.1", "198.51.100.1", (), "192.0.2.1"),  # not from a trusted proxy: the header is not believed
    ("10.0.0.5", "198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
    ("10.0.0.5", "203.0.113.9, 198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),  # the left one is the client's word
    ("10.0.0.5", "198.51.100.1, 10.0.0.7", ("10.0.0.0/8",), "198.51.100.1"),  # two proxies of ours
    ("10.0.0.5", "not an address", ("10.0.0.0/8",), "10.0.0.5"),
    ("10.0.0.5", "", ("10.0.0.0/8",), "10.0.0.5"),
    ("2001:db8:1:2:3:4:5:6", None, (), "2001:db8:1:2::/64"),  # IPv6 by its /64
    ("::ffff:192.0.2.1", None, (), "192.0.2.1"),
    ("::1", "[2001:db8::1]:443", ("::1",), "2001:db8::/64"),
])
def test_the_client_address(peer: str, forwarded: str | None, trusted: tuple[str, ...], client: str) -> None:
    assert Sources(PSEUDONYMIZER, trusted).client_address(request(peer, forwarded)) == client


def test_a_source_is_a_keyed_hash_never_the_address() -> None:
    source = Sources(PSEUDONYMIZER).of(request("192.0.2.1"))
    assert "192.0.2.1" not in source and len(source) == 64
    assert source == Sources(PSEUDONYMIZER).of(request("192.0.2.1"))
    assert source != Sources(PSEUDONYMIZER).of(request("192.0.2.2"))


@pytest.mark.parametrize(("text", "limit"), [("30/600", Limit(30, 600)), ("1/0.5", Limit(1, 0.5))])
def test_a_limit_is_count_per_seconds(text: str, limit: Limit) -> None:
    assert Limit.parse(text) == limit


@pytest.mark.parametrize("text", ["30", "0/60", "5/0", "a/b", "5/-1", "5/inf", ""])
def test_a_wrong_limit_says_how_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match="COUNT/SECONDS"):
        Limit.parse(text)
