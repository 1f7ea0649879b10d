"""Caseworker accounts, console logins and presence.

Passwords are hashed with argon2id; a login gives a random token of which only a SHA-256 hash is stored.
Presence is `caseworker.last_seen_at`, refreshed while a console is connected, so that every app instance
sees who is online and a claim whose holder went away can be given back to the queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.errors import Invalid
from core.models import Caseworker, ConsoleSession, as_utc

T = TypeVar("T")
ROLES = ("caseworker", "supervisor", "admin")
SESSION_LIFETIME = timedelta(hours=12)  # one working day; then log in again
ONLINE_WINDOW = timedelta(seconds=90)  # a console refreshes presence every 30 s
ACCOUNT_COLUMNS = (Caseworker.id, Caseworker.name, Caseworker.alias, Caseworker.role, Caseworker.language)
# Verified against when the name is unknown, so that a wrong name costs as long as a wrong password.
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(Invalid, ValueError):
    """A name taken, an unknown role, a short password: the reason is safe to show (400 through the API)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    alias: str
    role: str
    language: str | None = None  # the console's language they chose; None: their browser's

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "alias": self.alias, "role": self.role}

    @property
    def is_supervisor(self) -> bool:
        """Supervisors and admins see every conversation and the audit log."""
        return self.role in ("supervisor", "admin")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, engine: AsyncEngine, *, clock: Clock = SYSTEM_CLOCK, password_checks: int = 2) -> None:
        """`password_checks`: argon2 hashes computed at once (HAVN_LOGIN_CONCURRENCY). Each takes a core for tens
        of milliseconds and much memory; unbounded, a login flood would take every thread and core from the chat.
        More logins wait their turn here."""
        self._engine = engine
        self._clock = clock
        self._password_checks = asyncio.Semaphore(password_checks)
        # Threads of their own: argon2 never takes the default pool's threads, which the chat's work uses.
        self._argon2 = ThreadPoolExecutor(max_workers=password_checks, thread_name_prefix="argon2")

    async def add(self, name: str, password: str, role: str, alias: str | None = None) -> Account:
        name = name.strip()
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if not name or len(name) > 64:
            raise AccountError("the name must have 1 to 64 characters")
        if len(password) < 12:
            raise AccountError("the password must have at least 12 characters")
        password_hash = await self._in_turn(_HASHER.hash, password)
        alias = (alias or name).strip()[:64]
        try:
            async with self._engine.begin() as connection:
                account_id = await connection.scalar(insert(Caseworker).values(
                    name=name, alias=alias, password_hash=password_hash, role=role, active=True,
                    created_at=self._clock.now(),
                ).returning(Caseworker.id))
        except IntegrityError as error:
            raise AccountError(f"a caseworker called {name!r} exists already") from error
        return Account(account_id, name, alias, role)

    async def _in_turn(self, function: Callable[..., T], *args: Any) -> T:
        """`function` (an argon2 hash or check) in a thread, at most `password_checks` at once. The turn is held
        until the thread is done, even when the request that waited for it goes away meanwhile."""
        loop = asyncio.get_running_loop()
        await self._password_checks.acquire()
        try:
            work = self._argon2.submit(function, *args)
        except BaseException:
            self._password_checks.release()
            raise
        work.add_done_callback(lambda _: loop.call_soon_threadsafe(self._password_checks.release))
        return await asyncio.shield(asyncio.wrap_future(work))

    async def all(self) -> list[tuple[Account, bool]]:
        """Every active account with whether it is online now."""
        cutoff = self._clock.now() - ONLINE_WINDOW
        async with self._engine.connect() as connection:
            rows = await connection.execute(select(*ACCOUNT_COLUMNS, Caseworker.last_seen_at)
                                            .where(Caseworker.active).order_by(Caseworker.name))
            return [(self._account(row), row.last_seen_at is not None and as_utc(row.last_seen_at) >= cutoff)
                    for row in rows]

    async def get(self, account_id: int) -> Account | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(*ACCOUNT_COLUMNS).where(
                Caseworker.id == account_id, Caseworker.active))).first()
        return None if row is None else self._account(row)

    async def id_of(self, name: str) -> int | None:
        async with self._engine.connect() as connection:
            return await connection.scalar(select(Caseworker.id).where(Caseworker.name == name.strip()))

    async def login(self, name: str, password: str) -> tuple[Account, str] | None:
        """A new session token for the right name and password; None otherwise (same cost either way)."""
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(*ACCOUNT_COLUMNS, Caseworker.password_hash).where(
                Caseworker.name == name.strip(), Caseworker.active))).first()
        try:
            await self._in_turn(_HASHER.verify, row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._engine.begin() as connection:
            await connection.execute(insert(ConsoleSession).values(
                token_hash=token_hash(token), caseworker_id=row.id, created_at=now,
                expires_at=now + SESSION_LIFETIME))
            await connection.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
        return self._account(row), token

    async def session(self, token: str) -> Account | None:
        """The account a token belongs to, while the session lasts and the account is active."""
        lasting = await self.lasting(token_hash(token))
        return None if lasting is None else lasting[0]

    async def lasting(self, session_hash: str) -> tuple[Account, datetime] | None:
        """The account of a session (by its token's hash) and when the session ends; None once it has ended,
        was logged out, or its account is no longer active. The console's WebSocket asks this again and again
        (handover/hub.py)."""
        query = (select(*ACCOUNT_COLUMNS, ConsoleSession.expires_at)
                 .join(ConsoleSession, ConsoleSession.caseworker_id == Caseworker.id)
                 .where(ConsoleSession.token_hash == session_hash,
                        ConsoleSession.expires_at > self._clock.now(), Caseworker.active))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else (self._account(row), as_utc(row.expires_at))

    async def logout(self, token: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))

    async def seen(self, account_id: int) -> None:
        """A console of this caseworker is connected now."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Caseworker).where(Caseworker.id == account_id)
                                     .values(last_seen_at=self._clock.now()))

    async def choose_language(self, account_id: int, language: str) -> None:
        """The console's language this caseworker chose (checked against the console's languages by the API)."""
        async with self._engine.begin() as connection:
            await connection.execute(update(Caseworker).where(Caseworker.id == account_id).values(language=language))

    async def is_online(self, account_id: int) -> bool:
        """Whether a console of this caseworker is connected now (seen within ONLINE_WINDOW)."""
        async with self._engine.connect() as connection:
            seen = await connection.scalar(select(Caseworker.last_seen_at).where(Caseworker.id == account_id))
        return seen is not None and as_utc(seen) >= self._clock.now() - ONLINE_WINDOW

    async def online_count(self) -> int:
        async with self._engine.connect() as connection:
            return await connection.scalar(select(func.count()).select_from(Caseworker).where(
                Caseworker.active, Caseworker.last_seen_at >= self._clock.now() - ONLINE_WINDOW))

    @staticmethod
    def _account(row: Row[Any]) -> Account:
        return Account(row.id, row.name, row.alias, row.role, row.language)

