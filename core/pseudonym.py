"""Pseudonyms and sealed addresses: a channel's user or chat id never reaches the database in clear.

- `address_hash`: a keyed hash (HMAC-SHA256) to find a person's conversation again without knowing who
  they are; without the key, the hash cannot be tested against a list of known ids.
- `seal` / `unseal`: what is stored about a person, encrypted (Fernet, AES-128-CBC + HMAC); MultiFernet lets a
  new key be put first while old rows stay readable until they are re-encrypted. The database's sealed columns
  call them (core/sealed.py); nothing else needs to.
- `sign_session` / `check_session`: web chat session tokens carry their own signature, so the server
  stores nothing for a visitor who never writes, and refuses tokens it did not issue.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, MultiFernet


class Pseudonymizer:
    def __init__(self, hash_key: str, encryption_keys: tuple[str, ...]) -> None:
        if not encryption_keys:
            raise ValueError("at least one encryption key is needed (HAVN_ENCRYPTION_KEYS)")
        self._hash_key = hash_key.encode()
        self._fernet = MultiFernet([Fernet(key.encode()) for key in encryption_keys])

    def address_hash(self, channel: str, address: str) -> str:
        return hmac.new(self._hash_key, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()

    def code_hash(self, code: str) -> str:
        """A report's reference code, as stored: keyed, so a stolen database cannot be searched for codes."""
        return hmac.new(self._hash_key, f"report-code:{code}".encode(), hashlib.sha256).hexdigest()

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def unseal(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def sign_session(self) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._session_mac(nonce)}"

    def check_session(self, token: str) -> bool:
        nonce, _, mac = token.partition(".")
        # ASCII only: compare_digest refuses other text, and a lone surrogate cannot be encoded (500s: tests/fuzz).
        return (bool(nonce) and len(token) <= 128 and token.isascii()
                and hmac.compare_digest(mac, self._session_mac(nonce)))

    def _session_mac(self, nonce: str) -> str:
        return hmac.new(self._hash_key, f"webchat-session:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]

