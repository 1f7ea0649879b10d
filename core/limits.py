"""Rate limits whose state every app instance shares: counters in the app's database (table `rate_count`).

A limit is "at most `count` in `seconds`" (`Limit`, written "COUNT/SECONDS" in the configuration). It is counted
as a sliding window, approximated from two fixed windows: the current window's count plus the previous window's,
weighted by how much of it still lies within the last `seconds`. So a burst at a window's end is not forgiven at
the next window's start, and each check is one atomic upsert (its count comes back in the same statement, so two
instances never both see the same count) and one small read.

Keys are `scope:source`, where a source is already a keyed hash (core/sources.py): no address is stored in clear.
Old windows are deleted as the limiter goes (at most once a minute per instance).

Why the database and not Redis: every deployment has the database (SQLite embedded, PostgreSQL with several
instances), so the limits hold without one more server to run and secure; a check costs one write, which is small
beside what a message costs anyway (it is stored, sealed, and sent to Rasa).

When the database cannot be reached, a check allows (fails open) and says so in the log: a limit must never be
what stands between a person and an answer with 112.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import RateCount

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Limit:
    """At most `count` in any `seconds`."""

    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "30/600" → 30 in 600 seconds."""
        count, _, seconds = str(text).partition("/")
        try:
            limit = cls(int(count), float(seconds))
        except ValueError:
            raise ValueError("must be COUNT/SECONDS, e.g. 30/600") from None
        if limit.count < 1 or not limit.seconds > 0 or not math.isfinite(limit.seconds):
            raise ValueError("must be COUNT/SECONDS with a count of at least 1 and seconds above 0")
        return limit

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds:g}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    estimate: float  # events in the last `seconds`, this one included (when counted)
    retry_after: int  # seconds until one more would be allowed, if nothing else comes (0 when allowed)
    first_over: bool = False  # this very event took the count over the limit (a spike starts: alert once)


ALLOWED = Verdict(True, 0.0, 0)


class Limiter:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._clock = clock

    async def hit(self, scope: str, source: str, limit: Limit) -> Verdict:
        """Count one event of `source` in `scope` and say whether it is within `limit`."""
        now = self._clock.now()
        window, fraction = _window(now, limit)
        key = f"{scope}:{source}"

        async def count(connection: AsyncConnection) -> tuple[int, int]:
            current = await connection.scalar(_upsert(connection, key, window, now, limit))
            previous = await _count(connection, key, window - 1)
            return int(current), previous

        counted = await self._counted(scope, self._engine.begin(), count)
        if counted is None:
            return ALLOWED
        current, previous = counted
        estimate = current + previous * (1 - fraction)
        before = estimate - 1
        allowed = estimate <= limit.count
        return Verdict(allowed, estimate, 0 if allowed else _retry_after(current, previous, fraction, limit),
                       first_over=not allowed and before <= limit.count)

    async def peek(self, scope: str, source: str, limit: Limit) -> Verdict:
        """Whether one more event would be within `limit`, without counting it (a lock checked before a login)."""
        window, fraction = _window(self._clock.now(), limit)
        key = f"{scope}:{source}"

        async def count(connection: AsyncConnection) -> tuple[int, int]:
            return await _count(connection, key, window), await _count(connection, key, window - 1)

        counted = await self._counted(scope, self._engine.connect(), count)
        if counted is None:
            return ALLOWED
        current, previous = counted
        estimate = current + previous * (1 - fraction)
        allowed = estimate + 1 <= limit.count
        return Verdict(allowed, estimate,
                       0 if allowed else _retry_after(current, previous, fraction, limit))

    @staticmethod
    async def _counted(scope: str, connecting: AbstractAsyncContextManager[AsyncConnection],
                       count: Callable[[AsyncConnection], Awaitable[tuple[int, int]]]) -> tuple[int, int] | None:
        """This window's and the previous window's counts; None when the database could not be asked: the limit
        then allows (a person must never be refused because a counter is away), and says so in the log."""
        try:
            async with connecting as connection:
                return await count(connection)
        except (SQLAlchemyError, OSError) as error:
            log.warning("rate limit %s not checked, allowed (%s)", scope, type(error).__name__)
            return None

    async def undo(self, scope: str, source: str, limit: Limit) -> None:
        """Take back one event counted in this window (a login attempt that turned out right)."""
        window, _ = _window(self._clock.now(), limit)
        async with self._engine.begin() as connection:
            await connection.execute(update(RateCount).where(
                RateCount.key == f"{scope}:{source}", RateCount.slot == window, RateCount.count > 0,
            ).values(count=RateCount.count - 1))

    async def reset(self, scope: str, source: str) -> None:
        """Forget `source`'s events in `scope` (a successful login clears its account's failures)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(RateCount).where(RateCount.key == f"{scope}:{source}"))

    async def reset_starting(self, scope: str, prefix: str) -> None:
        """Forget the events in `scope` of every source that starts with `prefix` (an account's failures from
        every address, when an admin unlocks it)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(RateCount).where(
                RateCount.key.startswith(f"{scope}:{prefix}", autoescape=True)))

    async def purge(self) -> None:
        """Delete the windows no check reads any more (a leased periodic job: bot/periodic.py)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(RateCount).where(RateCount.expires_at < self._clock.now()))


def _window(now: datetime, limit: Limit) -> tuple[int, float]:
    """The fixed window `now` falls in, and how far into it `now` is (0 ≤ fraction < 1)."""
    position = now.timestamp() / limit.seconds
    window = math.floor(position)
    return window, position - window


def _upsert(connection: AsyncConnection, key: str, window: int, now: datetime, limit: Limit):  # type: ignore[no-untyped-def]
    """INSERT … ON CONFLICT DO UPDATE count = count + 1 RETURNING count: atomic on SQLite and PostgreSQL."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # A window is needed until the next one ends (it weighs in as the previous window).
    expires_at = now + timedelta(seconds=2 * limit.seconds)
    statement = dialect.insert(RateCount).values(key=key, slot=window, count=1, expires_at=expires_at)
    return statement.on_conflict_do_update(
        index_elements=[RateCount.key, RateCount.slot],
        set_={"count": RateCount.count + 1, "expires_at": expires_at},
    ).returning(RateCount.count)


async def _count(connection: AsyncConnection, key: str, window: int) -> int:
    value = await connection.scalar(select(RateCount.count).where(RateCount.key == key, RateCount.slot == window))
    return int(value or 0)


def _retry_after(current: int, previous: int, fraction: float, limit: Limit) -> int:
    """Seconds until one more event would be allowed, if nothing else comes (rounded up, at least 1)."""
    room = limit.count - current - 1  # what the previous window may still weigh for one more to fit
    if room >= 0 and previous > 0:  # within this window, as the previous one weighs less and less
        wait = (1 - room / previous - fraction) * limit.seconds
    else:  # in the next window, where this one is the previous one and one more is counted
        wait = (1 - fraction + max(0.0, 1 - (limit.count - 1) / current)) * limit.seconds
    return max(1, math.ceil(wait))
