"""Rasa's tracker database, seen from the app: its address for Rasa, and `havn rotate-key` on its events.

Rasa's tracker store (rasa_plugins/tracker_store.py, inside the Rasa process) seals each event's `data` with
the app's keys. The app never imports Rasa, so re-sealing with a new key is done here on Rasa's table with
SQLAlchemy alone: `events(id, data)`, `data` a Fernet token (or JSON from before sealing existed, which gets
sealed now).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import bindparam, column, inspect, select, table, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.sealed import Sealer

EVENTS = table("events", column("id"), column("data"))
BATCH = 500
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def for_rasa(url: str) -> str:
    """The URL as Rasa's SQLAlchemy 1.4 reads it: the dialect's default driver (pysqlite, psycopg2)."""
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=False)


def for_app(url: str) -> str:
    """The same database through the app's async drivers (aiosqlite, asyncpg)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"HAVN_RASA_TRACKER_URL: only sqlite and postgresql are supported, not {backend!r}")
    return parsed.set(drivername=_ASYNC_DRIVERS[backend]).render_as_string(hide_password=False)


def sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    return parsed.database if parsed.get_backend_name() == "sqlite" else None


async def reseal_events(url: str, sealer: Sealer) -> int:
    """Re-seal every stored event with the sealer's first key; returns how many. A database Rasa has not made
    yet (no file, no table) has nothing to re-seal."""
    if _no_sqlite_file(url):
        return 0
    engine = create_async_engine(for_app(url))
    count = 0
    try:
        async with engine.begin() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("events")):
                return 0
            last = 0
            while True:
                rows = (await connection.execute(
                    select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.id > last, EVENTS.c.data.is_not(None))
                    .order_by(EVENTS.c.id).limit(BATCH))).all()
                if not rows:
                    return count
                await connection.execute(
                    update(EVENTS).where(EVENTS.c.id == bindparam("row_id")).values(data=bindparam("sealed")),
                    [{"row_id": row_id, "sealed": sealer.seal(_unseal(sealer, data))} for row_id, data in rows])
                count += len(rows)
                last = rows[-1][0]
    finally:
        await engine.dispose()


def _no_sqlite_file(url: str) -> bool:
    path = sqlite_file(url)
    return path is not None and not Path(path).exists()


def _unseal(sealer: Sealer, data: str) -> str:
    return data if data.startswith("{") else sealer.unseal(data)  # JSON from before sealing: seal it now
