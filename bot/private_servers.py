"""A private PostgreSQL cluster and a private Redis server for `havn run-scaled`, when none is configured.

PostgreSQL: a cluster of its own under var/scaled/postgres (initdb, pg_ctl), listening on no TCP port at all: only
on a Unix socket in var/scaled/run, a folder only this user may enter (var/ is private, core/private_files.py), so
trust authentication there lets in nobody else. It keeps its data between runs; one already running is used as
it is (and left running). PostgreSQL refuses to run as root: started by root, the cluster runs as the system's
`postgres` user, in a folder of that user's home named after this one (var/ stays root's alone), with its data
and socket folders 0700 and owned by `postgres`, so again only that user and root get in.

Redis: a fresh server for each run on a loopback port, with a random password that it reads from its standard
input, as its whole configuration: the password is never in a file or on a command line (`ps`). It keeps nothing
(no snapshot, no append-only file): the console's events and Rasa's locks only live while the stack runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import pwd
import secrets
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import redis

POSTGRES_BIN = Path("/usr/local/bin")  # initdb and pg_ctl (PostgreSQL's own programs)
SUPERUSER = "havn"
SYSTEM_USER = "postgres"  # who runs the cluster when root starts it
DATABASES = ("havn", "rasa")  # the app's, Rasa's tracker store
READY_SECONDS = 30


class PrivateServerError(RuntimeError):
    """A private server cannot be started; the message says what to do instead."""


def _home_of(user: str) -> Path:
    try:
        return Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        raise PrivateServerError(f"PostgreSQL refuses to run as root and this machine has no `{user}` user: run "
                                 "`make run-scaled` as another user, or set HAVN_DATABASE_URL and "
                                 "HAVN_RASA_TRACKER_URL to PostgreSQL databases") from None


def _program(name: str, folder: Path | None = None) -> str:
    found = shutil.which(name, path=str(folder)) if folder else shutil.which(name)
    if not found:
        raise PrivateServerError(f"{name} was not found{f' in {folder}' if folder else ''}: install it, or "
                                 "configure the server's URL (docs/scale.md)")
    return found


class PrivatePostgres:
    def __init__(self, folder: Path, programs: Path = POSTGRES_BIN) -> None:
        self.as_user = SYSTEM_USER if os.geteuid() == 0 else None
        if self.as_user:
            named_after = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
            folder = _home_of(self.as_user) / f"havn-{named_after}"
        self.folder = folder
        self.data = folder / "postgres"
        self.sockets = folder / "run"
        self.log = folder / "postgres.log"
        self.programs = programs

    def _run(self, arguments: list[str], **options: object) -> subprocess.CompletedProcess[bytes]:
        """One of PostgreSQL's programs, as the system's `postgres` user when we are root."""
        prefix = [_program("runuser"), "-u", self.as_user, "--"] if self.as_user else []
        return subprocess.run([*prefix, *arguments], **options)  # type: ignore[call-overload, no-any-return]

    def _make_folders(self) -> None:
        for folder in (self.folder, self.sockets):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.as_user:
                account = pwd.getpwnam(self.as_user)
                os.chown(folder, account.pw_uid, account.pw_gid)

    def url(self, database: str, driver: str = "asyncpg") -> str:
        """A database's URL by the Unix socket (libpq and asyncpg read the folder from `host`)."""
        return f"postgresql+{driver}://{SUPERUSER}@/{database}?host={self.sockets}"

    def running(self) -> bool:
        return self.data.exists() and self._run(
            [_program("pg_ctl", self.programs), "status", "-D", str(self.data)], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0

    def start(self) -> None:
        self._make_folders()
        if not (self.data / "PG_VERSION").exists():
            self._run([_program("initdb", self.programs), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                       "-E", "UTF8", "--no-instructions"], check=True, stdout=subprocess.DEVNULL)
        self.start_server()
        asyncio.run(self._create_databases())

    def start_server(self) -> None:
        """The server alone, on a cluster that exists (also: back after `stop`, as after a restart)."""
        options = f"-c listen_addresses='' -k {shlex.quote(str(self.sockets))}"
        self._run([_program("pg_ctl", self.programs), "start", "-w", "-D", str(self.data), "-l", str(self.log),
                   "-o", options], check=True, stdout=subprocess.DEVNULL,
                  start_new_session=True)  # Ctrl-C in the terminal is for supervisord; this one stops last

    def stop(self) -> None:
        self._run([_program("pg_ctl", self.programs), "stop", "-w", "-m", "fast", "-D", str(self.data)],
                  check=True, stdout=subprocess.DEVNULL)

    async def _create_databases(self) -> None:
        connection = await asyncpg.connect(host=str(self.sockets), user=SUPERUSER, database="postgres")
        try:
            existing = {row[0] for row in await connection.fetch("SELECT datname FROM pg_database")}
            for name in DATABASES:
                if name not in existing:
                    await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()


@contextlib.contextmanager
def private_postgres(folder: Path) -> Iterator[PrivatePostgres]:
    """The private cluster, started unless it already runs; stopped afterwards only if started here."""
    cluster = PrivatePostgres(folder)
    if cluster.running():
        yield cluster
        return
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@contextlib.contextmanager
def private_redis(folder: Path, port: int) -> Iterator[str]:
    """A Redis server on 127.0.0.1:`port` for as long as the block runs; yields its URL (with the password)."""
    password = secrets.token_urlsafe(32)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    configuration = "\n".join([f"port {port}", "bind 127.0.0.1", f"requirepass {password}", 'save ""',
                               "appendonly no", f'dir "{folder}"', "loglevel warning", ""])
    with (folder / "redis.log").open("ab") as log:
        server = subprocess.Popen([_program("redis-server"), "-"], stdin=subprocess.PIPE, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    assert server.stdin is not None
    server.stdin.write(configuration.encode())
    server.stdin.close()
    try:
        _wait_for_redis(server, port, password)
        yield f"redis://:{password}@127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_redis(server: subprocess.Popen[bytes], port: int, password: str) -> None:
    client = redis.Redis(host="127.0.0.1", port=port, password=password, socket_timeout=1)
    deadline = time.monotonic() + READY_SECONDS
    try:
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise PrivateServerError(f"Redis did not start on port {port} (see its log under "
                                             "var/scaled/)") from error
                time.sleep(0.2)
    finally:
        client.close()
