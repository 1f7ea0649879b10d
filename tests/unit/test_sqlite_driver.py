"""core/sqlite_driver.py: the engine's SQLite connection does what aiosqlite's does, in one trip per statement, and
its connections take turns to write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from core import sqlite_driver
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


async def test_writers_take_turns_and_readers_never_wait(engine: AsyncEngine, trips: list[str]) -> None:
    """A second writer waits for the first one's transaction to end in the event loop: its statement is not
    handed to its thread (where SQLite's busy handler would sleep) until then. A reader goes on meanwhile."""
    first_wrote, second_done = asyncio.Event(), asyncio.Event()
    order: list[str] = []
    async with engine.connect(), engine.connect(), engine.connect():  # three connections set up beforehand
        pass
    trips.clear()

    async def first() -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(NOTE).values(body="first"))
            first_wrote.set()
            async with engine.connect() as reader:  # reads the last committed state, at once
                assert (await reader.execute(select(NOTE.c.body))).scalars().all() == []
            await asyncio.sleep(0.05)
            assert not second_done.is_set()
            assert trips == ["run", "run"]  # this insert and the read; the second writer's insert waits its turn
            order.append("first")

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as connection:
            await connection.execute(insert(NOTE).values(body="second"))
            order.append("second")
        second_done.set()

    await asyncio.gather(first(), second())
    assert order == ["first", "second"]
    async with engine.connect() as connection:
        assert (await connection.execute(select(NOTE.c.body).order_by(NOTE.c.id))).scalars().all() == [
            "first", "second"]


async def test_the_turn_comes_back_after_a_failed_write_and_a_write_without_a_transaction(
        engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(NOTE).values(body="taken"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(insert(NOTE).values(body="taken"))
    async with engine.connect() as connection:  # DDL outside a transaction: its turn ends with it
        await connection.exec_driver_sql("CREATE TABLE other (x INTEGER)")
    async with asyncio.timeout(1):  # the turn is free: not the 5 s wait of a turn never given back
        async with engine.begin() as connection:
            await connection.execute(insert(NOTE).values(body="after"))


async def test_a_writer_kept_waiting_too_long_fails_as_sqlite_would(engine: AsyncEngine,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_driver, "WRITE_WAIT_SECONDS", 0.1)
    async with engine.begin() as holder:
        await holder.execute(insert(NOTE).values(body="held"))
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as connection:
                await connection.execute(insert(NOTE).values(body="too late"))
    async with engine.begin() as connection:  # the turn is free again, for the one that waited too
        await connection.execute(insert(NOTE).values(body="later"))
    async with engine.connect() as connection:
        assert (await connection.execute(select(NOTE.c.body).order_by(NOTE.c.id))).scalars().all() == [
            "held", "later"]


async def test_a_streamed_result_reads_in_parts(engine: AsyncEngine) -> None:
    """SQLAlchemy's server-side cursor (stream, yield_per) reads with fetchone and fetchmany."""
    async with engine.begin() as connection:
        await connection.execute(insert(NOTE), [{"body": f"n{number}"} for number in range(7)])
    async with engine.connect() as connection:
        streamed = await connection.stream(select(NOTE.c.body).order_by(NOTE.c.id))
        assert [row.body async for row in streamed] == [f"n{number}" for number in range(7)]
        streamed = await connection.stream(select(NOTE.c.body).order_by(NOTE.c.id))
        assert [len(part) async for part in streamed.partitions(3)] == [3, 3, 1]
        streamed = await connection.stream(select(NOTE.c.body).order_by(NOTE.c.id))
        assert (await streamed.fetchone()).body == "n0"
        await streamed.close()
