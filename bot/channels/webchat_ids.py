"""Message ids as a web chat visitor sees them: opaque, and different in every session.

The database numbers messages for the whole service; a visitor who saw those numbers could watch how many
people write (send a message now, another in an hour, subtract). Each session therefore sees its messages'
ids through a keyed permutation of its own (a four-round Feistel network over 52 bits, HMAC-SHA256 as the
round function): the same message id always looks the same to that session, so `after=<id>` still works, but
the numbers neither count nor order anything, and another session's key gives other numbers. 52 bits keep
every id a safe integer in JavaScript. 0 stays 0 ("from the start", and a message that is not stored).
"""

from __future__ import annotations

import hashlib
import hmac

BITS = 52
LIMIT = 2**BITS  # the largest id a visitor can see or send is LIMIT (see `hide`)
_HALF = BITS // 2
_MASK = (1 << _HALF) - 1
_ROUNDS = 4


class MessageIds:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def hide(self, message_id: int) -> int:
        """The id this session sees, in 1..LIMIT (0 for 0)."""
        if message_id == 0:
            return 0
        if not 0 < message_id < LIMIT:
            raise ValueError("message id out of range")
        left, right = message_id >> _HALF, message_id & _MASK
        for step in range(_ROUNDS):
            left, right = right, left ^ self._round(step, right)
        return ((left << _HALF) | right) + 1  # + 1: nothing real is shown as 0

    def reveal(self, shown: int) -> int:
        """The message id behind an id this session was shown (0 for 0)."""
        if shown == 0:
            return 0
        if not 0 < shown <= LIMIT:
            raise ValueError("shown id out of range")
        value = shown - 1
        left, right = value >> _HALF, value & _MASK
        for step in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(step, left), left
        return (left << _HALF) | right

    def _round(self, step: int, half: int) -> int:
        digest = hmac.new(self._key, bytes([step]) + half.to_bytes(4, "big"), hashlib.sha256).digest()
        return int.from_bytes(digest[:4], "big") & _MASK
