"""The clocks the stores read: the system's in UTC, and the tests' that moves when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.clock import SYSTEM_CLOCK, FakeClock


def test_the_system_clock_gives_aware_utc_times() -> None:
    before = datetime.now(UTC)
    now = SYSTEM_CLOCK.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0) and before <= now <= datetime.now(UTC)


def test_a_fake_clock_stands_still_until_moved() -> None:
    start = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    assert clock.now() == clock.now() == start
    clock.advance(timedelta(days=31))
    assert clock.now() == start + timedelta(days=31)
    clock.set(datetime(2025, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == start and clock.now().tzinfo == UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2025, 3, 1, 12, 0))


def test_a_ticking_fake_clock_gives_each_reading_a_later_time() -> None:
    clock = FakeClock(datetime(2025, 3, 1, tzinfo=UTC), tick=timedelta(milliseconds=1))
    first, second = clock.now(), clock.now()
    assert second - first == timedelta(milliseconds=1)
