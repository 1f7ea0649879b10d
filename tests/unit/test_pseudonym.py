from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from cryptography.fernet import Fernet

from bot.channels.webchat_ids import MessageIds
from bot.channels.webchat_tokens import SessionTokens
from core.pseudonym import Pseudonymizer


def make(hash_key: str = "k1") -> Pseudonymizer:
    return Pseudonymizer(hash_key, (Fernet.generate_key().decode(),))


def test_address_hash_is_keyed_and_per_channel() -> None:
    one, other = make("k1"), make("k2")
    assert one.address_hash("telegram", "42") == one.address_hash("telegram", "42")
    assert one.address_hash("telegram", "42") != other.address_hash("telegram", "42")
    assert one.address_hash("telegram", "42") != one.address_hash("webchat", "42")
    assert "42" not in one.address_hash("telegram", "42")


def test_seal_round_trip_hides_the_address() -> None:
    sealer = make()
    sealed = sealer.seal("987654321")
    assert "987654321" not in sealed
    assert sealer.unseal(sealed) == "987654321"


def test_keyed_hashes_need_the_key_and_differ_by_purpose() -> None:
    one = make()
    assert one.keyed("webchat-session:v2", "abc") == one.keyed("webchat-session:v2", "abc")
    assert one.keyed("webchat-session:v2", "abc") != make("other").keyed("webchat-session:v2", "abc")
    assert one.keyed("webchat-session:v2", "abc") != one.keyed("webchat-message-ids", "abc")


def test_session_tokens_are_signed_with_their_issue_time() -> None:
    tokens = SessionTokens(make())
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    token = tokens.issue(now)
    parsed = tokens.parse(token)
    assert parsed is not None and parsed.issued_at == now and token.startswith(f"{parsed.session_id}.")
    assert SessionTokens(make("other")).parse(token) is None
    session_id, issued, mac = token.split(".")
    assert tokens.parse(f"{session_id}.{int(issued) + 1}.{mac}") is None  # the time cannot be moved
    assert tokens.parse(f"{session_id}x.{issued}.{mac}") is None
    for broken in (session_id, f"{session_id}.{mac}", "", None, f"{token}.x", f".{issued}.{mac}",
                   f"{session_id}.-1.{mac}", f"{session_id}.{'١' * 3}.{mac}", token + "0" * 100,
                   f"{session_id}\ud800.{issued}.{mac}", f"{session_id}.{issued}.{mac[:-1]}\ud800",
                   f"é.{issued}.{mac}"):
        assert tokens.parse(broken) is None, broken
    assert tokens.issue(now) != token  # a new random id each time


def test_message_ids_are_a_keyed_permutation_that_keeps_0() -> None:
    ids, other = MessageIds(b"one"), MessageIds(b"two")
    for message_id in [*range(1, 500), 2**40, 2**52 - 1]:
        shown = ids.hide(message_id)
        assert 0 < shown <= 2**52 and ids.reveal(shown) == message_id
    assert ids.hide(0) == 0 and ids.reveal(0) == 0
    assert [ids.hide(n) for n in range(1, 6)] != [other.hide(n) for n in range(1, 6)]
    shown = [ids.hide(n) for n in range(1, 50)]
    assert len(set(shown)) == len(shown) and shown != sorted(shown)
    assert min(abs(a - b) for a, b in pairwise(shown)) > 1  # neighbours are not neighbours
    for wrong in (-1, 2**52):
        with pytest.raises(ValueError):
            ids.hide(wrong)
    with pytest.raises(ValueError):
        ids.reveal(2**52 + 1)
