"""The database engine and migrations (Alembic owns the schema from the first table)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from alembic import command
from core.sealed import Sealer, attach_sealer
from core.sqlite_driver import one_trip_connector

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(database_url: str) -> None:
    """Bring the schema to the newest revision. Blocking: call it from a thread inside an event loop."""
    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")


async def migrate_async(database_url: str) -> None:
    await asyncio.to_thread(migrate, database_url)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers work while a writer writes; foreign keys make ON DELETE CASCADE real;
    # busy_timeout waits for a lock instead of failing at once under concurrent writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(database_url: str, sealer: Sealer | None = None) -> AsyncEngine:
    """The app's engine. `sealer` (a core.pseudonym.Pseudonymizer) encrypts and decrypts its sealed columns
    (core/sealed.py); an engine without one refuses to read or write them."""
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, async_creator=one_trip_connector(database_url))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(database_url, pool_pre_ping=True)
    if sealer is not None:
        attach_sealer(engine, sealer)
    return engine
