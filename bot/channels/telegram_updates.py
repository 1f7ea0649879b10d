"""Telegram updates already taken in, by their update_id, in the database every instance shares: Telegram posts
an update again when our answer to its webhook was slow or lost, maybe to another instance; it is answered once.

Only the number and when it came are kept, for a day (Telegram gives up on an update long before), and the
leased clean-up (bot/periodic.py) forgets older ones.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import TelegramUpdate

KEPT = timedelta(days=1)


class SeenUpdates:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._clock = clock

    async def first_time(self, update_id: int) -> bool:
        """Note `update_id`; True when no instance had noted it before (INSERT … ON CONFLICT DO NOTHING)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = (dialect.insert(TelegramUpdate).values(update_id=update_id, received_at=self._clock.now())
                     .on_conflict_do_nothing(index_elements=[TelegramUpdate.update_id])
                     .returning(TelegramUpdate.update_id))
        async with self._engine.begin() as connection:
            return await connection.scalar(statement) is not None

    async def forget_old(self) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(TelegramUpdate).where(
                TelegramUpdate.received_at < self._clock.now() - KEPT))
