"""What the load and queue benches start when they are not pointed at a running stack: a fresh PostgreSQL
database, `havn app` processes on it (as in production: each its own process), a private Redis, Rasa.

Every app started here trusts X-Forwarded-For from 127.0.0.1 (HAVN_TRUSTED_PROXIES): the benches give each
simulated person an address of their own in that header (198.18.0.0/15, the range set aside for benchmarks), so
the per-source limits (docs/limits.md) count people, as behind a real proxy, instead of one loopback address.
All instances share one set of secrets (as instances behind one proxy must), so any of them can read what
another wrote, and a bench can compute the keyed hashes it needs to count rows.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg

from core.config import Settings
from tests.conftest import free_port, make_settings
from tests.databases import POSTGRES_URL, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_NETWORK = ipaddress.ip_network("198.18.0.0/15")  # RFC 2544: addresses for benchmarks, never routed


def person_address(number: int) -> str:
    """The made-up client address of simulated person `number` (X-Forwarded-For), one per person."""
    return str(BENCH_NETWORK[1 + number % (BENCH_NETWORK.num_addresses - 2)])


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new PostgreSQL database on the test server (HAVN_TEST_POSTGRES_URL), dropped afterwards; its
    SQLAlchemy URL. The app migrates it when it starts."""
    admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        async with throwaway_database(admin, "havn_bench") as url:
            yield url
    finally:
        await admin.close()


def bench_settings(folder: Path, database_url: str, **overrides: str) -> Settings:
    """The settings every instance of one bench shares (tests' fixed secrets, a fresh encryption key)."""
    return make_settings(folder, HAVN_DATABASE_URL=database_url, **overrides)


@dataclass
class App:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def spawn_app(settings: Settings, folder: Path, name: str, **extra: str) -> App:
    """`havn app` as its own process on a free port, with `settings`' secrets and database; `extra` HAVN_*
    variables on top (HAVN_REDIS_URL, raised limits, a Telegram token: without one, web chat only)."""
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if name != "HAVN_TELEGRAM_TOKEN"},  # not this .env's
        "HAVN_VAR_DIR": str(folder / name),
        "HAVN_PORT": str(port),
        "HAVN_DATABASE_URL": settings.database_url,
        "HAVN_RASA_URL": settings.rasa_url,
        "HAVN_ACTION_SERVER_URL": settings.action_server_url,
        "HAVN_RASA_TOKEN": settings.rasa_token,
        "HAVN_ACTION_SERVER_TOKEN": settings.action_server_token,
        "HAVN_HASH_KEY": settings.hash_key,
        "HAVN_ENCRYPTION_KEYS": ",".join(settings.encryption_keys),
        "HAVN_TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret,
        "HAVN_TRUSTED_PROXIES": "127.0.0.1",
        "HAVN_DEVELOPMENT": "1",
        "HAVN_LOG_LEVEL": "WARNING",
        **extra,
    }
    log = folder / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "app"], cwd=ROOT, env=environment,
                                   stdout=out, stderr=subprocess.STDOUT)
    return App(name, process, f"http://127.0.0.1:{port}", log)


async def wait_serving(app: App, timeout: float = 120) -> None:
    """Until the app answers its page (it listens only once its database is migrated and its parts are up)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(timeout / 0.3)):
            if app.process.poll() is not None:
                raise RuntimeError(f"{app.name} exited with {app.process.returncode}; see {app.log}")
            try:
                async with http.get(f"{app.url}/") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError(f"{app.name} did not answer within {timeout:.0f} s; see {app.log}")


def stop_app(app: App) -> None:
    if app.process.poll() is None:
        app.process.terminate()
        try:
            app.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.process.kill()
            app.process.wait()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A private Redis on a free loopback port (no persistence), stopped afterwards; its URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is needed for the cross-instance part (Debian package 'redis-server')")
    port = free_port()
    data = folder / "redis"
    data.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(data)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait()


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Until something accepts on `port` (the apps connect to Redis as they start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"redis-server did not listen on port {port} within {timeout:.0f} s")
