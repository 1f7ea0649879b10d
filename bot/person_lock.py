"""One turn at a time per person, so that replies keep the order of the questions: on this instance, and, when
several `havn app` share a PostgreSQL database, on every instance (docs/scale.md "Instances").

`LocalLocks` is an asyncio.Lock per person, dropped when nobody holds or waits for it. `SharedLocks` keeps that
lock in front (one instance's waiters queue in memory: only the one whose turn it is asks Redis) and then takes
a lock in Redis: `SET key token NX PX ttl`, renewed while the turn lasts, released only by its holder (a
compare-and-delete script). Why Redis and not a PostgreSQL advisory lock: bench/person_lock.py measured both; an
advisory lock holds a database connection for the whole Rasa turn (0.1–1 s), and with as many people writing as
the pool has connections the turns themselves find no connection left (docs/scale.md has the figures).

A lock that cannot be taken (Redis away, or another instance's turn that lasts longer than `wait`) does not
lose the message: the turn goes ahead under the instance's own lock, and the log says so (never whose turn).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

PREFIX = "havn:person:"
# Only the holder's token releases or renews: a lock that expired and was taken by another instance is left alone.
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
         "else return 0 end")
FIRST_PAUSE = 0.002  # seconds between two tries while another instance holds the lock, doubled up to LAST_PAUSE
LAST_PAUSE = 0.05


class PersonLock(Protocol):
    def hold(self, key: str) -> AbstractAsyncContextManager[None]: ...


class LocalLocks:
    """One asyncio.Lock per key on this instance; a key nobody holds or waits for takes no memory."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    def __len__(self) -> int:
        """How many keys are held or waited for (none once every turn ended)."""
        return len(self._locks)


class SharedLocks:
    """The local lock, then the person's lock in Redis, shared by every instance."""

    def __init__(self, redis: Redis, *, ttl: float = 30.0, wait: float = 60.0) -> None:
        """`ttl`: how long a lock outlives an instance that died holding it (renewed every third of it while
        the turn lasts); `wait`: how long a turn waits for another instance's before it goes ahead anyway."""
        self._redis = redis
        self._local = LocalLocks()
        self._ttl_ms = int(ttl * 1000)
        self._wait = wait
        self._release = redis.register_script(RELEASE)
        self._renew = redis.register_script(RENEW)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self._local.hold(key):
            name, token = PREFIX + key, secrets.token_hex(16)
            if not await self._take(name, token):
                yield
                return
            renewing = asyncio.create_task(self._keep(name, token))
            try:
                yield
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
                await self._give_back(name, token)

    async def _take(self, name: str, token: str) -> bool:
        deadline, pause = time.monotonic() + self._wait, FIRST_PAUSE
        try:
            while not await self._redis.set(name, token, nx=True, px=self._ttl_ms):
                if time.monotonic() >= deadline:
                    log.warning("person lock still held by another instance after %g s: the turn goes ahead",
                                self._wait)
                    return False
                await asyncio.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE)
        except (RedisError, OSError) as error:
            log.warning("person lock not taken, the turn goes ahead on this instance's lock (%s)",
                        type(error).__name__)
            return False
        return True

    async def _keep(self, name: str, token: str) -> None:
        """Renew the lock while a long turn lasts (a slow Rasa), so that it never expires under its holder."""
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            try:
                await self._renew(keys=[name], args=[token, self._ttl_ms])
            except (RedisError, OSError) as error:
                log.warning("person lock not renewed (%s)", type(error).__name__)

    async def _give_back(self, name: str, token: str) -> None:
        try:
            await self._release(keys=[name], args=[token])
        except (RedisError, OSError) as error:  # it expires by itself after ttl
            log.warning("person lock not released, it expires by itself (%s)", type(error).__name__)
