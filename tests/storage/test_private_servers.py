"""`havn run-scaled`'s private servers (bot/private_servers.py) and its choice of databases (bot/scaled_stack.py):
a private Redis that lets in only who has its password and is gone afterwards; a private PostgreSQL cluster on a
Unix socket only (PostgreSQL refuses to run as root: started by root, it runs as the `postgres` user)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import redis

from bot.private_servers import PrivatePostgres, PrivateServerError, private_postgres, private_redis
from bot.scaled_layout import free_ports
from bot.scaled_stack import databases

ROOT_USER = os.geteuid() == 0


def test_the_private_redis_wants_its_password_and_is_gone_afterwards(tmp_path: Path) -> None:
    port = free_ports(1)[0]
    with private_redis(tmp_path / "redis", port) as url:
        assert redis.Redis.from_url(url).ping()
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=port).ping()
        password = redis.Redis.from_url(url).connection_pool.connection_kwargs["password"]
    with pytest.raises(redis.ConnectionError):
        redis.Redis(host="127.0.0.1", port=port, password=password, socket_timeout=2).ping()
    assert password not in "".join(path.read_text(errors="replace") for path in (tmp_path / "redis").iterdir()
                                   if path.is_file())


@pytest.fixture
def cluster_folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    shutil.rmtree(PrivatePostgres(tmp_path).folder, ignore_errors=True)  # as root: in the postgres user's home


def test_the_private_postgres_cluster_serves_both_databases_on_its_socket_only(cluster_folder: Path) -> None:
    with private_postgres(cluster_folder) as cluster:
        assert cluster.running()

        async def names() -> set[str]:
            connection = await asyncpg.connect(host=str(cluster.sockets), user="havn", database="havn")
            try:
                return {row[0] for row in await connection.fetch("SELECT datname FROM pg_database")}
            finally:
                await connection.close()

        assert {"havn", "rasa"} <= asyncio.run(names())
        settings = (cluster.data / "postmaster.opts").read_text()
        assert "listen_addresses=" in settings  # no TCP port at all
        for folder in (cluster.sockets, cluster.data):
            assert oct(folder.stat().st_mode & 0o777) == "0o700"
            assert folder.stat().st_uid == (pwd.getpwnam("postgres").pw_uid if ROOT_USER else os.geteuid())
    assert not PrivatePostgres(cluster_folder).running()  # started here: stopped here


@pytest.mark.skipif(not ROOT_USER, reason="only root's cluster runs as another user")
def test_started_by_root_the_cluster_lives_in_the_postgres_users_home_not_in_var(cluster_folder: Path) -> None:
    cluster = PrivatePostgres(cluster_folder)
    assert cluster.folder.parent == Path(pwd.getpwnam("postgres").pw_dir)
    assert PrivatePostgres(cluster_folder).folder == cluster.folder  # the same checkout finds its data again
    assert PrivatePostgres(cluster_folder / "other").folder != cluster.folder


def test_the_configured_databases_must_both_be_postgresql(tmp_path: Path) -> None:
    with contextlib.ExitStack() as servers:
        app, tracker = databases({"HAVN_DATABASE_URL": "postgresql://u:p@db/havn",
                                  "HAVN_RASA_TRACKER_URL": "postgresql+asyncpg://u:p@db/rasa"}, tmp_path, servers)
        assert (app, tracker) == ("postgresql+asyncpg://u:p@db/havn", "postgresql://u:p@db/rasa")
        for configured in ({"HAVN_DATABASE_URL": "postgresql://u@db/havn"},
                           {"HAVN_DATABASE_URL": "postgresql://u@db/havn", "HAVN_RASA_TRACKER_URL": "sqlite:///x.db"}):
            with pytest.raises(PrivateServerError, match="set both"):
                databases(configured, tmp_path, servers)
