"""Headers on every response (issue "Hold under attack", item 8): nosniff everywhere, no-store on the JSON API,
HSTS and Secure cookies unless HAVN_DEVELOPMENT says plain http on this machine, no aiohttp version in Server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import SETTINGS
from tests.conftest import AppClient, isolated_settings, own_app, start_app, webchat_session
from tests.console_client import PASSWORD, add_caseworker
from tests.fakes.rasa import FakeRasa, serving

client = pytest.fixture(own_app, name="client")  # SQLite, production settings (HAVN_DEVELOPMENT unset)


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {}) as fake:
        yield fake


@pytest.fixture
async def development(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_DEVELOPMENT="1")):
        yield app_client


# Every kind of response: pages, static files, the web chat and console APIs, their errors (404, 405, 415, 401,
# 410), the health check (503 here: Rasa is faked without an action server).
RESPONSES = [
    ("GET", "/", None), ("GET", "/console", None), ("GET", "/static/webchat.js", None),
    ("GET", "/console/static/main.js", None), ("POST", "/api/webchat/sessions", None),
    ("GET", "/api/console/openapi.json", None), ("GET", "/api/console/queue", None),
    ("GET", "/api/nothing-here", None), ("DELETE", "/api/console/login", None),
    ("POST", "/api/console/login", "not json"), ("GET", "/healthz", None), ("GET", "/no-such-page", None),
    ("GET", "/api/webchat/messages", None), ("GET", "/api/webchat/sessions/old-form/messages", None),  # 401, 410
    ("GET", "/metrics", None),
]


async def fetch(client: AppClient, method: str, path: str, data: str | None) -> aiohttp.ClientResponse:
    async with client.http.request(method, client.url(path), data=data,
                                   headers={"Content-Type": "text/plain"} if data else {}) as response:
        await response.read()
        return response


@pytest.mark.parametrize(("method", "path", "data"), RESPONSES)
async def test_every_response_says_nosniff_and_no_version(client: AppClient, rasa: FakeRasa, method: str,
                                                          path: str, data: str | None) -> None:
    response = await fetch(client, method, path, data)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "havn"
    assert "aiohttp" not in str(response.headers).lower() and "python" not in str(response.headers).lower()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(("method", "path", "data"), [r for r in RESPONSES if r[1].startswith("/api/")])
async def test_the_api_is_never_cached(client: AppClient, rasa: FakeRasa, method: str, path: str,
                                       data: str | None) -> None:
    response = await fetch(client, method, path, data)
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_transcript_is_never_cached(client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")
    async with client.http.get(client.url("/api/webchat/messages"), headers=webchat_session(session)) as response:
        assert response.status == 200 and (await response.json())["messages"]
        assert response.headers["Cache-Control"] == "no-store"
    for page in ("/", "/console"):  # the pages that show a conversation set it themselves
        assert (await fetch(client, "GET", page, None)).headers["Cache-Control"] == "no-store"


async def test_static_files_may_be_cached(client: AppClient) -> None:
    response = await fetch(client, "GET", "/static/webchat.js", None)
    assert response.status == 200 and "no-store" not in response.headers.get("Cache-Control", "")


async def test_the_console_cookie_is_secure_even_over_plain_http(client: AppClient) -> None:
    """Behind a TLS proxy the app sees http: the cookie must still be Secure."""
    await add_caseworker(client, "anna")
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "anna", "password": PASSWORD}) as response:
        assert response.status == 200
        cookie = response.cookies["havn_console"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_the_websocket_handshake_carries_them_too(client: AppClient) -> None:
    async with client.http.get(client.url("/api/console/ws")) as response:  # refused: nobody logged in
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Server"] == "havn"


async def logged_in_over_plain_http(app: AppClient, browser: aiohttp.ClientSession) -> aiohttp.ClientResponse:
    """anna logs in with a browser on plain http that does not count 127.0.0.1 as secure."""
    await add_caseworker(app, "anna")
    async with browser.post(app.url("/api/console/login"), json={"username": "anna", "password": PASSWORD}) as response:
        assert response.status == 200
        return response


def plain_http_browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: the app is on an IP address


async def test_development_drops_hsts_and_secure_but_nothing_else(development: AppClient) -> None:
    async with plain_http_browser() as browser:
        response = await logged_in_over_plain_http(development, browser)
        assert not response.cookies["havn_console"]["secure"]
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Server"] == "havn"
        async with browser.get(development.url("/api/console/me")) as response:  # the cookie alone logs it in
            assert response.status == 200


async def test_without_development_plain_http_keeps_the_cookie_back(client: AppClient) -> None:
    """The same browser against the production settings: the Secure cookie is not sent over plain http."""
    async with plain_http_browser() as browser:
        await logged_in_over_plain_http(client, browser)
        async with browser.get(client.url("/api/console/me")) as response:
            assert response.status == 401


@pytest.mark.parametrize("raw", [b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                                 b"\x00\x01 not http\r\n\r\n"])
async def test_a_request_aiohttp_cannot_parse_shows_no_version_either(client: AppClient, raw: bytes) -> None:
    """aiohttp answers these (400) before the app sees them, so no hook of ours runs."""
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(raw)
    await writer.drain()
    head = (await asyncio.wait_for(reader.read(4096), 10)).split(b"\r\n\r\n")[0].decode()
    writer.close()
    assert head.startswith("HTTP/1.") and " 400 " in head.splitlines()[0]
    assert "Server: havn" in head.splitlines() and "aiohttp" not in head.lower()
