"""Periodic jobs run by one instance at a time: a lease in the database (docs/scale.md "Instances").

Every `havn app` on one database runs the same loops; before each round an instance takes or renews the job's
lease in `job_lease` with one statement (INSERT … ON CONFLICT DO UPDATE … WHERE it is ours or has expired),
atomic on PostgreSQL and on SQLite. Only the holder works; it renews the lease while a long round lasts. An
instance that dies keeps its lease until it expires (`ttl`), then another takes it at its next try; one that
stops gives it back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import SYSTEM_CLOCK, Clock
from core.models import JobLease

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class Leases:
    def __init__(self, engine: AsyncEngine, *, ttl: float = 60.0, holder: str | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        """`ttl` seconds: how long a dead holder keeps its jobs; the lease is tried or renewed every third of it."""
        self._engine = engine
        self._clock = clock
        self._ttl = timedelta(seconds=ttl)
        self.check = ttl / 3
        self.holder = holder or secrets.token_hex(8)  # this process; drawn anew at every start

    async def take(self, name: str) -> bool:
        """Take the lease `name`, or renew it when it is ours; False while another holder's has not expired."""
        now = self._clock.now()
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(JobLease).values(name=name, holder=self.holder, expires_at=now + self._ttl)
        statement = statement.on_conflict_do_update(
            index_elements=[JobLease.name], set_={"holder": self.holder, "expires_at": now + self._ttl},
            where=or_(JobLease.holder == self.holder, JobLease.expires_at < now),
        ).returning(JobLease.holder)
        async with self._engine.begin() as connection:
            return await connection.scalar(statement) == self.holder

    async def give_back(self, name: str) -> None:
        """Let another instance take `name` at its next try (this one stops)."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(JobLease).where(JobLease.name == name, JobLease.holder == self.holder))

    async def run(self, name: str, every: float, job: Job, *, at_start: bool = False) -> None:
        """`job` every `every` seconds on whichever instance holds `name` (forever: a task the app starts). A
        failed round is logged and the next one runs; the first round runs at once when `at_start`, or when
        this instance takes over from one that stopped."""
        loop = asyncio.get_running_loop()
        due = loop.time() + (0 if at_start else every)
        try:
            while True:
                if await self._held(name) and loop.time() >= due:
                    await self._round(name, job)
                    due = loop.time() + every
                await asyncio.sleep(max(0.0, min(self.check, due - loop.time())))
        finally:
            await self._give_back_quietly(name)

    async def lead(self, name: str, start: Job, stop: Job) -> None:
        """`start()` when this instance takes `name`, `stop()` when it loses it or ends (Telegram's polling:
        one instance at a time may ask Telegram for updates)."""
        leading = False
        try:
            while True:
                held = await self._held(name)
                if held != leading:
                    try:
                        await (start if held else stop)()
                        leading = held
                    except Exception:  # Telegram away: tried again at the next check, the lease still held
                        log.exception("lease %s: could not %s", name, "start" if held else "stop")
                await asyncio.sleep(self.check)
        finally:
            if leading:
                await stop()
            await self._give_back_quietly(name)

    async def _held(self, name: str) -> bool:
        try:
            return await self.take(name)
        except (SQLAlchemyError, OSError) as error:  # the database is away: nobody can be sure, nobody works
            log.warning("lease %s not checked (%s)", name, type(error).__name__)
            return False

    async def _round(self, name: str, job: Job) -> None:
        """One round of `job`, the lease renewed while it lasts (a long purge outlives one `ttl`)."""
        working = asyncio.ensure_future(job())
        try:
            while True:
                done, _ = await asyncio.wait({working}, timeout=self.check)
                if done:
                    working.result()
                    return
                if not await self._held(name):
                    log.warning("lease %s lost during a round; the round finishes", name)
        except asyncio.CancelledError:
            working.cancel()
            raise
        except Exception:  # one bad round must not stop the ones after it
            log.exception("periodic job %s failed", name)

    async def _give_back_quietly(self, name: str) -> None:
        with contextlib.suppress(SQLAlchemyError, OSError):  # it then expires by itself
            await self.give_back(name)
