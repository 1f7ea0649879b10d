"""aiosqlite with one trip to its thread per statement (SQLite, the embedded default).

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's adapter makes four calls per statement
(open a cursor, execute, fetch, close) and one per commit or rollback, even when no transaction is open: 43 trips
for one web chat turn. Each trip wakes that thread and hands the GIL back and forth; on a busy 2-core machine the
trips were most of the gateway's own time (docs/scale.md, "The gateway's own cost"). Here a statement is opened,
executed, fetched and closed in one trip, and a commit or rollback with no transaction open is not sent at all
(sqlite3 would do nothing with it). Everything else is aiosqlite's own: its thread, its queue, its connect and
close. The engine uses it through SQLAlchemy's `async_creator` (core/db.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

Row = tuple[Any, ...]


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
        await self._in_one_trip(lambda cursor: cursor.execute(sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        await self._in_one_trip(lambda cursor: cursor.executemany(sql, parameters))
        return self

    async def _in_one_trip(self, statement: Callable[[sqlite3.Cursor], object]) -> None:
        def run() -> tuple[list[Row], Any, int, int | None]:
            cursor = self._connection.sqlite.cursor()
            try:
                statement(cursor)
                rows = cursor.fetchall() if cursor.description else []
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self._rows, self.description, self.rowcount, self.lastrowid = await self._connection.in_thread(run)

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
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def one_trip_connector(database_url: str) -> Callable[[], Any]:
    """The `async_creator` for `database_url` (sqlite+aiosqlite:///…): sqlite3 gets the arguments SQLAlchemy's
    own aiosqlite dialect would give it (the file, or a URI, and check_same_thread=False)."""
    arguments, keywords = SQLiteDialect_aiosqlite().create_connect_args(make_url(database_url))

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, *arguments, **keywords), iter_chunk_size=64)
        # As SQLAlchemy does for aiosqlite: a connection never closed cannot hold up the process's exit.
        connection._thread.daemon = True
        return await connection

    return connect
