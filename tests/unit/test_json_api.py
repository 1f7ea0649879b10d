"""core/json_api.py: the one error middleware and reading bodies and queries through models, on a small app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar, get_args

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.errors import KINDS, Conflict, Invalid, ServiceError
from core.json_api import (
    API_PREFIX,
    DATABASE_AWAY,
    INTERNAL,
    JSON_PATHS,
    After,
    Body,
    database_away,
    json_errors,
    parse_json,
    read_body,
    read_query,
)
from handover.accounts import ROLES
from handover.api_models import Role


class Greeting(Body):
    TOO_LONG: ClassVar[str] = "Say it in up to {limit} characters."
    text: str = Field(min_length=1, max_length=5)
    count: int = 1


async def fail_as(request: web.Request) -> web.Response:
    raise {kind.__name__: kind for kind in KINDS}[request.match_info["kind"]]("A sentence for a person.")


async def crash(request: web.Request) -> web.Response:
    raise RuntimeError(f"secret words of {request.match_info['id']}")


async def greet(request: web.Request) -> web.Response:
    body = await read_body(request, Greeting)
    return web.json_response({"text": body.text, "after": read_query(request, After).after})


@pytest.fixture
async def http() -> AsyncIterator[TestClient]:
    app = web.Application(middlewares=[json_errors])
    app.router.add_get("/api/fail/{kind}", fail_as)
    app.router.add_get("/api/crash/{id}", crash)
    app.router.add_get("/api/database-away", refused)
    app.router.add_get("/page/database-away", refused)
    app.router.add_get("/page/crash/{id}", crash)
    app.router.add_post("/api/greet", greet)
    async with TestClient(TestServer(app)) as client:
        yield client


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
async def test_each_kind_of_error_has_its_status_and_sentence(http: TestClient, kind: type[ServiceError]) -> None:
    response = await http.get(f"/api/fail/{kind.__name__}")
    assert response.status == kind.status
    assert await response.json() == {"error": "A sentence for a person."}


async def refused(_request: web.Request) -> web.Response:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))


async def test_the_database_away_is_a_503_with_a_sentence_and_112_never_a_500(http: TestClient) -> None:
    response = await http.get("/api/database-away")
    assert (response.status, response.headers["Retry-After"]) == (503, "30")
    assert await response.json() == {"error": DATABASE_AWAY} and "112" in DATABASE_AWAY
    page = await http.get("/page/database-away")
    assert page.status == 503 and await page.text() == DATABASE_AWAY


async def test_an_os_error_is_the_database_away_only_when_the_driver_raised_it(tmp_path: Path) -> None:
    """A stopped PostgreSQL's Unix socket is gone: asyncpg raises FileNotFoundError, which SQLAlchemy lets through
    (found by tests/api/test_database_restart.py). The same error from our own code is a fault of ours."""
    with pytest.raises(FileNotFoundError) as from_driver:
        await asyncpg.connect(host=str(tmp_path), user="nobody", database="none", timeout=2)
    assert database_away(from_driver.value)
    with pytest.raises(FileNotFoundError) as ours:
        (tmp_path / "missing.yml").read_text()
    assert not database_away(ours.value)
    assert not database_away(RuntimeError("ours"))
    # Every connection of the pool in use for longer than it waits: a wait, as for the database away.
    assert database_away(PoolTimeout("QueuePool limit of size 5 overflow 10 reached"))


def test_the_statuses_of_the_kinds() -> None:
    assert {kind.__name__: kind.status for kind in KINDS} == {
        "Invalid": 400, "Unauthenticated": 401, "Forbidden": 403, "NotFound": 404, "Conflict": 409, "Gone": 410,
        "TooLarge": 413, "NotJson": 415, "TooMany": 429, "Unavailable": 503}
    assert Conflict().sentence == "This cannot be done right now."  # a kind without a sentence has its own


async def test_an_unexpected_error_is_a_sentence_and_is_logged_without_words_or_ids(
        http: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="core.json_api"):
        response = await http.get("/api/crash/conversation-1234")
    assert response.status == 500
    assert await response.json() == {"error": INTERNAL}
    assert "RuntimeError" in caplog.text and "/api/crash/{id}" in caplog.text and "crash" in caplog.text
    assert "secret" not in caplog.text and "1234" not in caplog.text
    page = await http.get("/page/crash/1")  # not the API: a plain sentence
    assert page.status == 500 and page.content_type == "text/plain" and await page.text() == INTERNAL


@pytest.mark.parametrize(("body", "status", "sentence"), [
    (b"not json", 400, "Please send a JSON object."),
    (b"[1]", 400, "Please send a JSON object."),
    (b"", 400, "Please send a JSON object."),
    (b"{}", 400, '"text" is missing.'),
    (b'{"text": ""}', 400, '"text" must be a non-empty string.'),
    (b'{"text": 5}', 400, '"text" must be a non-empty string.'),
    (b'{"text": "hi", "count": "2"}', 400, '"count" must be a whole number.'),  # strict: "2" is no number
    (b'{"text": "hello there"}', 413, "Say it in up to 5 characters."),
])
async def test_a_body_that_does_not_fit_gets_a_sentence(http: TestClient, body: bytes, status: int,
                                                        sentence: str) -> None:
    response = await http.post("/api/greet", data=body, headers={"Content-Type": "application/json"})
    assert response.status == status
    assert await response.json() == {"error": sentence}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_that_is_not_declared_json_is_a_415(http: TestClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await http.post("/api/greet", data=b'{"text": "hi"}', headers=headers)
    assert response.status == 415
    assert await response.json() == {"error": "Please send JSON, with the header Content-Type: application/json."}


async def test_a_body_and_query_that_fit(http: TestClient) -> None:
    response = await http.post("/api/greet?after=7", json={"text": "hi", "unknown": "ignored"})
    assert await response.json() == {"text": "hi", "after": 7}
    response = await http.post("/api/greet?after=seven", json={"text": "hi"})
    assert response.status == 400
    assert await response.json() == {"error": "after must be a message id (a whole number)."}


def test_the_console_models_know_the_roles_accounts_know() -> None:
    assert get_args(Role) == ROLES


@pytest.mark.parametrize("raw", [
    b'"\\ud800"', b'"\\udc00\\ud800"', b'"caf\xe9"', b"[" * 202 + b"]" * 202, b"9" * 4301, b"NaN", b"-Infinity",
    b'{"a": "\\u0000"}', b'{"\\u0000": 1}', b'[["a\\u0000"]]', b"", b"{",
])
def test_the_one_parser_refuses_what_no_later_step_could_take(raw: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        parse_json(raw)
    assert refused.value.status == 400 and refused.value.sentence.endswith(".")


def test_the_one_parser_takes_what_clients_really_send() -> None:
    assert parse_json(b'{"text": "\\ud83d\\ude00 hj\\u00e6lp", "n": 12}') == {"text": "😀 hjælp", "n": 12}
    assert parse_json(b"[" * 150 + b"]" * 150) is not None and parse_json(b"9" * 4000) == int("9" * 4000)


async def test_the_paths_the_app_names_get_json_errors_too() -> None:
    app = web.Application(middlewares=[json_errors])
    app[JSON_PATHS] = (API_PREFIX, "/hook")
    app.router.add_get("/hook/{id}", crash)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/hook/1")
        assert response.status == 500 and await response.json() == {"error": INTERNAL}
        response = await client.post("/hook/1")
        assert response.status == 405 and (await response.json())["error"]
