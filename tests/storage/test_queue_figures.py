"""The queue in figures for /metrics (handover/queue.py `waiting_by_tier`), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import update

from core.clock import FakeClock
from core.db import create_engine, migrate_async
from core.models import Conversation
from core.pseudonym import Pseudonymizer
from core.vocabulary import State, Tier
from handover.queue import Queue, Waiting
from tests.databases import database_url
from tests.storage.test_queue_contention import fill_queue

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_count_and_longest_wait_per_tier(tmp_path: Path, kind: str) -> None:
    async with database_url(kind, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
        try:
            await fill_queue(engine, 4)
            rows = ((Tier.P2, 60, State.QUEUED), (Tier.P2, 300, State.QUEUED), (None, 10, State.QUEUED),
                    (Tier.P1, 900, State.ASSIGNED))  # held: not waiting any more
            async with engine.begin() as connection:
                for number, (tier, waited, state) in enumerate(rows):
                    await connection.execute(update(Conversation).where(Conversation.id == f"{number:032d}").values(
                        tier=tier, state=state, queued_at=NOW - timedelta(seconds=waited)))
            figures = await Queue(engine, clock=FakeClock(NOW)).waiting_by_tier()
        finally:
            await engine.dispose()
    assert set(figures) == {Tier.P2, Tier.P4}  # no tier yet counts as P4, as the queue shows it
    assert figures[Tier.P2] == Waiting(2, 300.0)
    assert figures[Tier.P4] == Waiting(1, 10.0)
