"""The JSON endpoints' plumbing, for the console API, the web chat API and the Telegram webhook alike: one JSON
parser, one error middleware, request bodies and queries read through pydantic models, responses written from them.

The one parser (`parse_json`, used by `read_json` and `read_body`) is pydantic's own (jiter), with limits: text
that is not UTF-8, a lone surrogate ("\\ud800"), nesting deeper than about 200, an integer of more than 4,300 digits,
NaN or Infinity, and the character U+0000 in any string are all refused with a 400 and a sentence. Refused, not
repaired: no client of ours sends them (a browser's JSON.stringify and Telegram write surrogate pairs whole), so
they only come from someone probing; and a string that reaches the handlers is always one that every later step
(the language detector, the danger lexicon, sealing, Rasa, PostgreSQL's text columns) can take.

Every error of a JSON endpoint is `{"error": "<a sentence a person can read>"}`: a ServiceError (core/errors.py)
with its own status, aiohttp's own 404 and 405 under /api/, a body or query that does not fit its model (400, or
413 when a text is too long), and anything unexpected (500, logged with its kind and place only: an exception's
message may hold what a person wrote, or an id).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import from_json
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.errors import Invalid, NotFound, NotJson, ServiceError, TooLarge, TooMany

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
# The largest id the database holds: ids are INTEGER columns (PostgreSQL's int4). A bigger one in a query or body is
# a 400, not a 500 from the driver (found by `make fuzz FUZZ_DATABASE=postgresql`).
MAX_ID = 2**31 - 1
# The paths whose errors are JSON (the app adds its Telegram webhook); elsewhere aiohttp's own pages stay.
JSON_PATHS = web.AppKey("json_paths", tuple[str, ...])
NOT_JSON_TEXT = "Please send valid JSON (UTF-8, nested at most 200 deep, numbers of at most 4,300 digits)."
NUL_TEXT = "Text must not contain the character U+0000."
INTERNAL = "Something went wrong on our side. Please try again in a moment."
CLIENT_GONE = "The request was cut off before all of it arrived. Please send it again."  # read by nobody, usually
# The database away (restarting, the network to it cut): nothing was written, the person may simply send again.
# No texts here to say it in the person's language (the page shows its own words for a 5xx); 112 is the same
# number in every language this chat speaks (content/facts.yml).
DATABASE_AWAY = ("We cannot reach our records for a moment. Nothing you wrote is lost: please send it again in a "
                 "minute. In danger now? Call 112.")
# PoolTimeout: every connection of this instance in use for longer than the pool waits (seen with 200 people on
# `make run-scaled`): to the person it is the same moment's wait, not a fault.
DATABASE_AWAY_ERRORS = (OperationalError, InterfaceError, DisconnectionError, ConnectionError, PoolTimeout)
# What a database driver raises, below SQLAlchemy, while its server is away: an OSError while connecting (a stopped
# PostgreSQL's Unix socket is gone: FileNotFoundError) and asyncpg's own "shutting down / starting up" errors.
DRIVERS = ("asyncpg", "aiosqlite", "sqlalchemy")
HTTP_SENTENCES = {
    404: "There is nothing at this address.",
    405: "This address does not take {method} requests.",
    413: "The request is too large.",
}
_NOT_AN_OBJECT = {"json_invalid", "json_type", "model_type", "model_attributes_type", "dict_type"}

M = TypeVar("M", bound=BaseModel)
B = TypeVar("B", bound="Body")
Q = TypeVar("Q", bound="Query")


class ErrorBody(BaseModel):
    """What every JSON endpoint answers when something is wrong."""

    error: str = Field(description="a sentence for a person: what happened and, where it helps, what to do")


class Body(BaseModel):
    """A request body: one JSON object, strictly typed (a number is no string, "5" is no number).

    INVALID is the sentence for any body that does not fit (one sentence saying how to send it right); without
    it the sentence names the first field that is wrong. TOO_LONG is the 413 sentence for a text over its limit.
    """

    model_config = ConfigDict(strict=True, extra="ignore")
    INVALID: ClassVar[str | None] = None
    NOT_JSON: ClassVar[str] = "Please send a JSON object."
    TOO_LONG: ClassVar[str] = '"{field}" is longer than {limit} characters.'


class Query(BaseModel):
    """Query parameters: text in the URL, so "5" is the number 5."""

    model_config = ConfigDict(extra="ignore")
    INVALID: ClassVar[str | None] = None


class After(Query):
    """Messages after the one with this id, to fetch what came since (the web chat and the console alike)."""

    INVALID: ClassVar[str | None] = "after must be a message id (a whole number)."
    after: int = Field(0, ge=0, le=MAX_ID, description="a message id; 0 for all")


def parse_json(raw: bytes, sentence: str = NOT_JSON_TEXT) -> Any:
    """The one JSON parser of every endpoint: the value, or Invalid(sentence) for anything the module's docstring
    lists (bad UTF-8, lone surrogates, deep nesting, huge numbers, NaN, U+0000)."""
    try:
        value = from_json(raw, allow_inf_nan=False)
    except ValueError:  # jiter's errors: not UTF-8, not JSON, a lone surrogate, too deep, a number too long
        raise Invalid(sentence) from None
    if _has_nul(value):
        raise Invalid(NUL_TEXT)
    return value


async def read_json(request: web.Request, sentence: str = NOT_JSON_TEXT) -> Any:
    """The request's body as JSON: NotJson (415) unless it says application/json, Invalid (400) unless it is."""
    raw = await request.read()  # aiohttp's own size limit applies (413)
    if raw and request.content_type != "application/json":
        raise NotJson
    return parse_json(raw or b"null", sentence)


async def read_body(request: web.Request, model: type[B]) -> B:
    """The request's JSON body as `model`; Invalid or TooLarge (with a sentence) when it does not fit."""
    value = await read_json(request, model.NOT_JSON)
    try:
        # Strict: what JSON itself would give (a number is no string, "5" is no number, true is no 1).
        return model.model_validate(value, strict=True)
    except ValidationError as error:
        raise _body_problem(model, error) from None


def read_query(request: web.Request, model: type[Q]) -> Q:
    query = dict(request.query)  # "%ff" arrives as U+FFFD; "%00" as U+0000, which no query of ours takes
    if _has_nul(query):
        raise Invalid(NUL_TEXT)
    try:
        return model.model_validate(query)
    except ValidationError as error:
        raise Invalid(model.INVALID or _sentence(error.errors(include_url=False)[0])) from None


def respond(body: BaseModel, status: int = 200) -> web.Response:
    """A JSON response from a response model: only what the model declares goes out."""
    return web.Response(text=body.model_dump_json(), status=status, content_type="application/json")


def error_response(status: int, sentence: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=ErrorBody(error=sentence).model_dump_json(), status=status,
                        content_type="application/json", headers=headers)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place where errors become responses (installed on the whole app)."""
    try:
        if "\x00" in "".join(request.match_info.values()):  # "%00" in a path: no id of ours has it
            raise NotFound(HTTP_SENTENCES[404])
        return await handler(request)
    except ServiceError as error:
        wait = error.retry_after if isinstance(error, TooMany) else None
        return error_response(error.status, error.sentence, {"Retry-After": str(wait)} if wait else None)
    except web.HTTPException as error:
        if error.status < 400 or not request.path.startswith(request.app.get(JSON_PATHS, (API_PREFIX,))):
            raise
        sentence = HTTP_SENTENCES.get(error.status, f"{error.reason}.").format(method=request.method)
        allow = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        return error_response(error.status, sentence, allow)
    except Exception as error:  # the last line: the caller gets a sentence, the log gets no words or ids
        if client_gone(request, error):  # nobody is left to answer, and nothing of ours failed
            log.info("%s %s: the client went away before its request was read", request.method, _route(request))
            return _failure(request, 400, CLIENT_GONE)
        if database_away(error):  # 503: try again; /healthz says "down" meanwhile (bot/app.py)
            log.error("%s %s: database unreachable: %s", request.method, _route(request), type(error).__name__)
            return _failure(request, 503, DATABASE_AWAY, {"Retry-After": "30"})
        log.error("%s %s failed: %s", request.method, _route(request), _where(error))
        return _failure(request, 500, INTERNAL)


def client_gone(request: web.Request, error: Exception) -> bool:
    """The client closed its connection while its request was read (a body cut off short of its Content-Length):
    a ConnectionResetError, like a database's, but with this request's own connection closed."""
    transport = request.transport
    return isinstance(error, ConnectionResetError) and (transport is None or transport.is_closing())


def database_away(error: Exception) -> bool:
    """The database cannot be reached (restarting, the network cut), as opposed to a fault of ours."""
    if isinstance(error, DATABASE_AWAY_ERRORS):
        return True
    if isinstance(error, OSError) or type(error).__name__ in ("CannotConnectNowError", "AdminShutdown",
                                                               "ConnectionDoesNotExistError"):
        frames = traceback.extract_tb(error.__traceback__)
        return any(_package(frame.filename) in DRIVERS for frame in frames)
    return False


def _package(filename: str) -> str:
    """The top-level package a frame's file belongs to ("asyncpg" for …/site-packages/asyncpg/connect_utils.py)."""
    parts = Path(filename).parts
    return parts[parts.index("site-packages") + 1] if "site-packages" in parts[:-1] else ""


def _failure(request: web.Request, status: int, sentence: str,
             headers: dict[str, str] | None = None) -> web.Response:
    if request.path.startswith(request.app.get(JSON_PATHS, (API_PREFIX,))):
        return error_response(status, sentence, headers)
    return web.Response(status=status, text=sentence, headers=headers)  # a page: our sentence, never aiohttp's


def _has_nul(value: Any) -> bool:
    """Whether U+0000 is in any string of a parsed value (keys too); nesting is bounded by the parser."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _body_problem(model: type[Body], error: ValidationError) -> ServiceError:
    problems = error.errors(include_url=False)
    first = problems[0]
    if first["type"] in _NOT_AN_OBJECT and not first["loc"]:
        return Invalid(model.NOT_JSON)
    if all(problem["type"] == "string_too_long" for problem in problems):
        return TooLarge(model.TOO_LONG.format(field=_field(first), limit=first["ctx"]["max_length"]))
    return Invalid(model.INVALID or _sentence(first))


def _field(problem: Any) -> str:
    return ".".join(str(part) for part in problem["loc"]) or "the body"


def _sentence(problem: Any) -> str:
    """One problem in words; never the value that was sent (it may be a password or what a person wrote)."""
    field, kind, context = _field(problem), problem["type"], problem.get("ctx") or {}
    if kind == "missing":
        return f'"{field}" is missing.'
    if kind in ("string_type", "string_too_short"):
        return f'"{field}" must be a non-empty string.'
    if kind.startswith("int_"):
        return f'"{field}" must be a whole number.'
    if kind in ("literal_error", "enum"):
        return f'"{field}" must be one of {context.get("expected", "the listed values")}.'
    return f'"{field}" is not valid: {problem["msg"]}.'


def _route(request: web.Request) -> str:
    """The route's pattern (`/api/webchat/sessions/{session}`), never the path with its ids."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "(no route)"


def _where(error: BaseException) -> str:
    """The exception's kinds and the last frames (file, line, function): no message, no values."""
    kinds, cause = [], error
    while cause is not None and len(kinds) < 4:
        kinds.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    frames = traceback.extract_tb(error.__traceback__)[-6:]
    where = " < ".join(f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in reversed(frames))
    return f"{' from '.join(kinds)} at {where}"
