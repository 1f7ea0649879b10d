"""core/sqlite_driver.py: the engine's SQLite connection does what aiosqlite's does, in one trip per statement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import create_engine
from core.sqlite_driver import OneTripConnection

METADATA = MetaData()
NOTE = Table("note", METADATA, Column("id", Integer, primary_key=True), Column("body", String, unique=True))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call handed to a connection's thread, by name."""
    seen: list[str] = []
    hand_over = OneTripConnection._execute

    async def counted(self: OneTripConnection, function, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(getattr(function, "__name__", "?"))
        return await hand_over(self, function, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    return seen


async def test_the_engine_connects_through_the_one_trip_driver(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)
        assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"  # the pragmas still apply
        assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1


async def test_rows_ids_counts_and_returning_come_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(insert(NOTE).values(body="one"))
        assert inserted.inserted_primary_key == (1,)
        await connection.execute(insert(NOTE), [{"body": "two"}, {"body": "three"}])  # executemany
        returned = await connection.scalar(insert(NOTE).values(body="four").returning(NOTE.c.id))
        assert returned == 4
        changed = await connection.execute(update(NOTE).where(NOTE.c.id > 2).values(body=NOTE.c.body + "!"))
        assert changed.rowcount == 2
    async with engine.connect() as connection:
        rows = (await connection.execute(select(NOTE.c.body).order_by(NOTE.c.id))).scalars().all()
        assert rows == ["one", "two", "three!", "four!"]
        assert await connection.scalar(select(func.count()).select_from(NOTE).where(NOTE.c.id > 99)) == 0
        empty = await connection.execute(select(NOTE).where(NOTE.c.id > 99))
        assert empty.all() == []


async def test_a_failed_transaction_is_rolled_back_and_a_committed_one_kept(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(NOTE).values(body="kept"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(insert(NOTE).values(body="taken back"))
            await connection.execute(insert(NOTE).values(body="kept"))  # unique: fails, the whole block rolls back
    async with engine.connect() as connection:
        assert (await connection.execute(select(NOTE.c.body))).scalars().all() == ["kept"]
    async with engine.connect() as connection:  # nothing left open on the pooled connection
        raw = await connection.get_raw_connection()
        assert not raw.driver_connection.sqlite.in_transaction


async def test_one_trip_per_statement_and_none_for_ending_nothing(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as connection:  # a read: no transaction to roll back when it is returned
        await connection.execute(select(NOTE))
    assert trips == ["run"]
    trips.clear()
    async with engine.begin() as connection:  # a write: the statement, then its commit
        await connection.execute(insert(NOTE).values(body="x"))
        await connection.execute(select(NOTE))
    assert trips == ["run", "run", "commit"]


async def test_a_streamed_result_reads_in_parts(engine: AsyncEngine) -> None:
    """SQLAlchemy's server-side cursor (stream, yield_per) reads with fetchmany."""
    async with engine.begin() as connection:
        await connection.execute(insert(NOTE), [{"body": f"n{number}"} for number in range(7)])
    async with engine.connect() as connection:
        streamed = await connection.stream(select(NOTE.c.body).order_by(NOTE.c.id))
        assert [row.body async for row in streamed] == [f"n{number}" for number in range(7)]
        streamed = await connection.stream(select(NOTE.c.body).order_by(NOTE.c.id))
        assert [len(part) async for part in streamed.partitions(3)] == [3, 3, 1]
