"""aiosqlite with one trip to its thread per statement (SQLite, the embedded default).

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes four calls per statement
(open a cursor, execute, fetch, close) and one per commit or rollback, even when no transaction is open: 43 trips
for one web chat turn. Each trip wakes that thread and hands the GIL back and forth; on a busy 2-core machine the
trips were most of the gateway's own time (docs/scale.md, "The gateway's own cost"). Here a statement is opened,
executed, fetched and closed in one trip, and a commit or rollback with no transaction open is not sent at all
(sqlite3 would do nothing with it).

Writers take turns in the event loop. SQLite lets one connection write at a time; a second one that tries waits
in SQLite's busy handler, which sleeps in steps of up to 100 ms, so under load a few turns waited far longer
than the write before them took. The connections of one engine share an asyncio lock instead: a connection about
to write (any statement but a read) waits for it, in order and without sleeping, and gives it back when its
transaction ends. Reads never wait (WAL). Everything else is aiosqlite's own: its thread, its queue, its connect
and close. The engine uses it through SQLAlchemy's `async_creator` (core/db.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

Row = tuple[Any, ...]
# Statements that only read: they never wait for the writers' turn.
READS = ("select", "pragma", "explain")
# How long a writer waits for its turn before failing as SQLite would ("database is locked"): PRAGMA busy_timeout.
WRITE_WAIT_SECONDS = 5.0


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy's adapter uses. The rows are fetched in the statement's
    trip (the adapter fetches them all at once anyway) and the sqlite3 cursor is closed there too, so no open
    statement holds a read snapshot of the WAL between trips."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Row] = []
        self.description: tuple[tuple[Any, ...], ...] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> OneTripCursor:
        await self._in_one_trip(sql, lambda cursor: cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        await self._in_one_trip(sql, lambda cursor: cursor.executemany(sql, parameters))
        return self

    async def _in_one_trip(self, sql: str, statement: Callable[[sqlite3.Cursor], object]) -> None:
        if not sql.lstrip().lower().startswith(READS):
            await self._connection.writers_turn()

        def run() -> tuple[list[Row], Any, int, int | None]:
            cursor = self._connection.sqlite.cursor()
            try:
                statement(cursor)
                rows = cursor.fetchall() if cursor.description else []
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        try:
            self._rows, self.description, self.rowcount, self.lastrowid = await self._connection.in_thread(run)
        finally:
            self._connection.writing_done()

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], writers: asyncio.Lock) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._writers = writers  # shared by the engine's connections
        self._writing = False  # this connection has the writers' turn

    async def writers_turn(self) -> None:
        """Until this connection may write: at once when it already may, else after the writer before it."""
        if self._writing:
            return
        try:
            # asyncio.timeout, not wait_for: a cancellation lands inside acquire(), which then never keeps the lock.
            async with asyncio.timeout(WRITE_WAIT_SECONDS):
                await self._writers.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        self._writing = True

    def writing_done(self) -> None:
        """Gives the turn back once no transaction is open (committed, rolled back, or a write without one), or
        the connection is gone (closed or stopped inside a transaction: SQLite rolled it back)."""
        if self._writing and (self._connection is None or not self._connection.in_transaction):
            self._writing = False
            self._writers.release()

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The sqlite3 connection, used only inside the connection's thread."""
        return self._conn

    async def in_thread(self, function: Callable[[], Any]) -> Any:
        """`function` on the connection's thread, in one trip."""
        return await self._execute(function)

    def cursor(self) -> OneTripCursor:  # type: ignore[override]  # aiosqlite's is awaited; the adapter enters it
        return OneTripCursor(self)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            try:
                await super().commit()
            finally:
                self.writing_done()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            try:
                await super().rollback()
            finally:
                self.writing_done()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._give_up_turn()

    def stop(self) -> asyncio.Future[Any] | None:
        stopping = super().stop()
        self._give_up_turn()  # the thread closes the connection next, before anything else queued
        return stopping

    def _give_up_turn(self) -> None:
        if self._writing:
            self._writing = False
            self._writers.release()


def one_trip_connector(database_url: str) -> Callable[[], Any]:
    """The `async_creator` for `database_url` (sqlite+aiosqlite:///…): sqlite3 gets the arguments SQLAlchemy's
    own aiosqlite dialect would give it (the file, or a URI, and check_same_thread=False). Its connections take
    turns to write (one engine: one app instance, the only one on its SQLite file)."""
    arguments, keywords = SQLiteDialect_aiosqlite().create_connect_args(make_url(database_url))
    writers = asyncio.Lock()

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, *arguments, **keywords), writers)
        # As SQLAlchemy does for aiosqlite: a connection never closed cannot hold up the process's exit.
        connection._thread.daemon = True
        return await connection

    return connect
