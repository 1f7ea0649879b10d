"""The console API's route table: each endpoint once, with its method and path, a summary, the models of what it
takes and answers, and the errors it can give. The table registers the routes with aiohttp, and
handover/openapi.py describes exactly this table.

Every endpoint's wrapper does what all of them do, so that a handler only does its own job: it checks the
session and role (handover/console_auth.py), reads the body and the query through their models, and writes the
response model the handler returns with the endpoint's status. Errors are raised (core/errors.py) and become
JSON in one middleware (core/json_api.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from core.json_api import Body, Query, read_body, read_query, respond
from handover.app_keys import ACCOUNTS
from handover.console_auth import authenticate

Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    handler: Handler
    body: type[Body] | None = None
    query: type[Query] | None = None
    response: type[BaseModel] | None = None  # None: the handler answers itself (a WebSocket, this document, a file)
    media_types: tuple[str, ...] = ()  # what a handler that answers with a file (not JSON) may send
    status: int = 200
    errors: tuple[int, ...] = ()  # besides the ones that follow from the rest (see `error_statuses`)
    role: str | None = None  # "supervisor" or "admin"; None: anyone logged in
    public: bool = False  # no session needed

    @property
    def error_statuses(self) -> list[int]:
        """400 for a body or query that does not fit, 415 for a body that is not declared JSON; 401 without a
        session; 403 below the role, or for a change from the page without the CSRF header."""
        statuses = set(self.errors)
        if self.body or self.query:
            statuses.add(400)
        if self.body:
            statuses.add(415)
        if not self.public:
            statuses.add(401)
            if self.role or self.method != "GET":
                statuses.add(403)
        return sorted(statuses)

    @property
    def description(self) -> str | None:
        return self.handler.__doc__


class ApiTable:
    """Endpoints declared with decorators, like aiohttp's RouteTableDef; `add_to` registers them."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.endpoints: list[Endpoint] = []

    def get(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, summary, **options)

    def post(self, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, summary, **options)

    def route(self, method: str, path: str, summary: str, **options: Any) -> Callable[[Handler], Handler]:
        def declare(handler: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, self.prefix + path, summary, handler, **options))
            return handler
        return declare

    def add_to(self, app: web.Application) -> None:
        for endpoint in self.endpoints:
            if endpoint.method == "GET":  # with HEAD, as aiohttp's add_get
                app.router.add_get(endpoint.path, _serve(endpoint))
            else:
                app.router.add_route(endpoint.method, endpoint.path, _serve(endpoint))


def _serve(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler of an endpoint: handler(request[, account][, body=…][, query=…])."""
    async def serve(request: web.Request) -> web.StreamResponse:
        arguments: list[Any] = [request]
        if not endpoint.public:
            arguments.append(await authenticate(request, request.app[ACCOUNTS], endpoint.role))
        options: dict[str, Any] = {}
        if endpoint.body is not None:
            options["body"] = await read_body(request, endpoint.body)
        if endpoint.query is not None:
            options["query"] = read_query(request, endpoint.query)
        result = await endpoint.handler(*arguments, **options)
        return respond(result, endpoint.status) if isinstance(result, BaseModel) else result
    serve.__name__ = endpoint.handler.__name__
    return serve
