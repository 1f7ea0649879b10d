"""Pseudonyms and sealed addresses: a channel's user or chat id never reaches the database in clear.

- `address_hash`: a keyed hash (HMAC-SHA256) to find a person's conversation again without knowing who
  they are; without the key, the hash cannot be tested against a list of known ids.
- `seal` / `unseal`: what is stored about a person, encrypted (Fernet, AES-128-CBC + HMAC); MultiFernet lets a
  new key be put first while old rows stay readable until they are re-encrypted. The database's sealed columns
  call them (core/sealed.py); nothing else needs to.
- `keyed`: a keyed hash for one named purpose; the web chat signs its session tokens with it
  (bot/channels/webchat_tokens.py), so the server stores nothing for a visitor who never writes and refuses
  tokens it did not issue.
"""

from __future__ import annotations

import hashlib
import hmac

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

    def keyed(self, purpose: str, value: str) -> bytes:
        """A keyed hash of `value` for one purpose (a web chat session's signature, its message-id key…): without
        the hash key it can be neither made nor tested, and one purpose's hash says nothing about another's."""
        return hmac.new(self._hash_key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
