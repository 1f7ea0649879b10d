"""Each message from a person counted and timed (core/metrics.py), whatever became of it: around
`Gateway.handle`, the one way every message travels, so that the web chat and Telegram are measured alike."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from core.metrics import TURN_SECONDS, TURNS


class _Inbound(Protocol):
    channel: str


T = TypeVar("T")
Handle = Callable[[Any, Any], Awaitable[list[T]]]


def measured(outcomes: Mapping[type[BaseException], str]) -> Callable[[Handle[T]], Handle[T]]:
    """`outcomes`: the exceptions that are an expected end of a turn (over a limit, an unknown button) and the
    outcome each counts as; any other exception counts as "error". Replies are "answered", none "held"."""

    def decorate(handle: Handle[T]) -> Handle[T]:
        @functools.wraps(handle)
        async def timed(self: Any, inbound: _Inbound) -> list[T]:
            started = time.perf_counter()
            outcome = "error"
            try:
                replies = await handle(self, inbound)
                outcome = "answered" if replies else "held"
                return replies
            except tuple(outcomes) as error:
                outcome = next(name for kind, name in outcomes.items() if isinstance(error, kind))
                raise
            finally:
                TURNS.labels(inbound.channel, outcome).inc()
                TURN_SECONDS.labels(inbound.channel).observe(time.perf_counter() - started)

        return timed

    return decorate
