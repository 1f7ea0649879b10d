from __future__ import annotations

from cryptography.fernet import Fernet

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


def test_session_tokens_are_signed() -> None:
    sealer = make()
    token = sealer.sign_session()
    assert sealer.check_session(token)
    assert not make("other").check_session(token)
    nonce, _, mac = token.partition(".")
    assert not sealer.check_session(f"{nonce}x.{mac}")
    assert not sealer.check_session(nonce)
    assert not sealer.check_session("")
