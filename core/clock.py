"""Time, from one place: the stores ask a clock instead of the system, so that tests can move time on.

`SystemClock` is the real time in UTC. `FakeClock` stands still until a test moves it (`advance`, `set`);
with a `tick` it also moves that much at every reading, so that rows written one after another still get
times in that order (the queue's order and "the newest conversation" rely on it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


class FakeClock:
    """A clock for tests: starts at `start` (default: the real time now); moves by `tick` at every reading and
    otherwise only when told."""

    def __init__(self, start: datetime | None = None, tick: timedelta = timedelta(0)) -> None:
        self._now = datetime.now(UTC)
        self._tick = tick
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        moment = self._now
        self._now += self._tick
        return moment

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a FakeClock needs a timezone-aware time")
        self._now = moment.astimezone(UTC)
