"""Web chat session tokens: `<session id>.<issued at>.<signature>`, made and checked without any storage.

The session id is random and is the person's address in the web chat (what the gateway pseudonymises); the
issue time (Unix seconds) is signed with it, so that a token dies of old age whatever else happens
(bot/channels/webchat_sessions.py decides when). A token the server did not sign is refused before anything
is looked up.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

PURPOSE = "webchat-session:v2"
MAX_LENGTH = 128  # a real token is ~77 characters; anything much longer is not one of ours
_SIGNATURE_BYTES = 16


class Keyed(Protocol):
    """What tokens need of core.pseudonym.Pseudonymizer."""

    def keyed(self, purpose: str, value: str) -> bytes: ...


@dataclass(frozen=True)
class Token:
    session_id: str  # random, URL-safe base64: the person's web chat address
    issued_at: datetime


class SessionTokens:
    def __init__(self, keys: Keyed) -> None:
        self._keys = keys

    def issue(self, now: datetime) -> str:
        session_id = secrets.token_urlsafe(24)
        issued = str(int(now.timestamp()))
        return f"{session_id}.{issued}.{self._signature(session_id, issued)}"

    def parse(self, token: str | None) -> Token | None:
        """The token's content when we signed it; None for anything else (missing, malformed, forged)."""
        # ASCII only: a header may carry anything, and a lone surrogate cannot even be encoded (it must not be a 500).
        if not token or len(token) > MAX_LENGTH or not token.isascii() or token.count(".") != 2:
            return None
        session_id, issued, signature = token.split(".")
        if not session_id or not issued.isascii() or not issued.isdigit() or len(issued) > 12:
            return None
        if not hmac.compare_digest(signature.encode(), self._signature(session_id, issued).encode()):
            return None
        return Token(session_id, datetime.fromtimestamp(int(issued), UTC))

    def _signature(self, session_id: str, issued: str) -> str:
        return self._keys.keyed(PURPOSE, f"{session_id}.{issued}")[:_SIGNATURE_BYTES].hex()
