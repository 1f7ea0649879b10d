"""A long loop on the event loop, taken in turns: every few milliseconds it lets the other tasks run (every
person's chat, /healthz), instead of holding them up until it ends.

For loops over many rows that must stay on the event loop because the rows come from the async engine (the
statistics' counting, handover/stats_counts.py). Work that is long in one piece goes to a thread instead
(handover/stats_publish.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

# The longest a loop holds the event loop at once: a person's message waits at most about this long for it.
TURN_SECONDS = 0.01

T = TypeVar("T")


async def in_turns(items: Iterable[T], turn_seconds: float | None = None) -> AsyncIterator[T]:
    """The items, one by one, with a pause for the other tasks whenever `turn_seconds` (TURN_SECONDS) have gone
    by."""
    turn_seconds = TURN_SECONDS if turn_seconds is None else turn_seconds
    turn_ends = time.monotonic() + turn_seconds
    for item in items:
        yield item
        if time.monotonic() >= turn_ends:
            await asyncio.sleep(0)
            turn_ends = time.monotonic() + turn_seconds
