"""PostgreSQL restarted under the app (issue 17, item 5), two ways: a private cluster (initdb, pg_ctl; as root it
runs as the `postgres` user) really stopped and started again, and a TCP relay to this machine's server that the
test cuts (every connection reset, new ones refused) and restores. While the database is away a person gets a kind
sentence, never a 500; /healthz says "down" (503) so a load balancer stops sending people here; afterwards the
app recovers by itself (no restart) and nothing the person wrote is stored twice."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bot.app import ENGINE
from bot.private_servers import PrivatePostgres, private_postgres
from core.models import MessageRecord
from core.vocabulary import Sender
from tests.api.test_instances import instance
from tests.conftest import AppClient, free_port, isolated_settings, webchat_session
from tests.databases import fresh_postgres
from tests.fakes.rasa import serving


class CuttableRelay:
    """127.0.0.1:<port> → the real server; `cut()` resets every connection and refuses new ones."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.port = free_port()
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, as a server going away does
        self._writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self._writers -= {writer, upstream_writer}


@pytest.fixture
async def relayed_database() -> AsyncIterator[tuple[str, CuttableRelay]]:
    async with fresh_postgres() as url:
        address = urlsplit(url)
        relay = CuttableRelay(address.hostname or "127.0.0.1", address.port or 5432)
        await relay.start()
        try:
            yield url.replace(f"{address.hostname}:{address.port}", f"127.0.0.1:{relay.port}"), relay
        finally:
            with contextlib.suppress(AssertionError):
                await relay.cut()


async def post_message(client: AppClient, session: str, text: str) -> tuple[int, dict]:
    async with client.http.post(client.url("/api/webchat/messages"), json={"text": text},
                                headers=webchat_session(session)) as response:
        return response.status, await response.json()


async def health(client: AppClient) -> tuple[int, dict]:
    async with client.http.get(client.url("/healthz")) as response:
        return response.status, await response.json()


@pytest.fixture
def private_cluster(tmp_path: Path) -> Iterator[PrivatePostgres]:
    with private_postgres(tmp_path / "cluster") as cluster:
        yield cluster
    shutil.rmtree(cluster.folder, ignore_errors=True)  # as root it lives in the postgres user's home


async def test_a_real_postgresql_restart_gives_a_kind_error_then_the_app_recovers_by_itself(
        private_cluster: PrivatePostgres, tmp_path: Path) -> None:
    async def stop() -> None:
        await asyncio.to_thread(private_cluster.stop)

    async def start() -> None:
        await asyncio.to_thread(private_cluster.start_server)

    await database_away_and_back(private_cluster.url("havn"), stop, start, tmp_path)


async def test_a_cut_connection_gives_a_kind_error_then_the_app_recovers_by_itself(
        relayed_database: tuple[str, CuttableRelay], tmp_path: Path) -> None:
    url, relay = relayed_database
    await database_away_and_back(url, relay.cut, relay.start, tmp_path)


async def database_away_and_back(url: str, away: Callable[[], Awaitable[None]], back: Callable[[], Awaitable[None]],
                                 tmp_path: Path) -> None:
    settings = isolated_settings(tmp_path, HAVN_DATABASE_URL=url)
    async with serving(settings.rasa_url, {"hello": [{"custom": {"text": "greet", "menu": "main"}}]}):
        async with instance(settings) as client:
            session = await client.new_session()
            assert (await client.say(session, "hello"))["messages"]

            await away()
            status, body = await post_message(client, session, "are you there")
            assert status == 503, body  # not a 500: the database is away, and the person is told so
            assert body.get("error") and "112" in str(body), body  # a sentence, with the safety line
            status, body = await health(client)
            assert (status, body["status"]) == (503, "down")

            await back()  # the server is back: no restart of the app
            for _ in range(100):
                if (await health(client))[0] == 200:
                    break
                await asyncio.sleep(0.1)
            assert (await health(client))[1]["checks"]["database"] == "ok"  # (no action server here: degraded)
            assert (await client.say(session, "hello again"))["messages"]

            async with client.app[ENGINE].connect() as connection:
                said = list(await connection.scalars(
                    select(MessageRecord.body).where(MessageRecord.sender == Sender.USER)
                    .order_by(MessageRecord.id)))
            # Stored once each; the message sent during the cut was refused before anything was written.
            assert [body["text"] for body in said] == ["hello", "hello again"]


async def test_the_relay_really_cuts(relayed_database: tuple[str, CuttableRelay]) -> None:
    """The test above means something only if the cut is seen by a client of the database."""
    url, relay = relayed_database
    port = urlsplit(url).port
    await relay.cut()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)
