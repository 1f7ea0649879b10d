"""The shared secret that locks Rasa's webhooks and the action server, for both Sanic servers (Sanic 21.12 in
.venv-rasa): read from the environment, never from the command line (which every local user sees in `ps`),
and checked in constant time on every request to the guarded paths."""

from __future__ import annotations

import hmac
import os
import sys
from collections.abc import Callable, Sequence

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

REFUSED = "This server answers only the havn app: the token is missing or wrong."


def secret_from_environment(name: str) -> str:
    """The secret in `name`; the process stops when it is missing, instead of starting unlocked."""
    secret = os.environ.get(name, "")
    if not secret:
        sys.exit(f"{name} is not set: refusing to start without it (havn run and the tests set it).")
    return secret


def matches(given: str | None, secret: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), secret.encode())


def require(app: Sanic, guarded: Callable[[str], bool], presented: Callable[[Request], str | None],
            secret: str) -> None:
    """Refuse (401) every request to a path `guarded` accepts unless `presented` gives the secret."""

    async def lock(request: Request) -> HTTPResponse | None:
        if guarded(request.path) and not matches(presented(request), secret):
            return response.json({"status": "failure", "reason": "NotAuthenticated", "message": REFUSED,
                                  "code": 401}, status=401)
        return None

    app.register_middleware(lock, "request")


def under(prefixes: Sequence[str]) -> Callable[[str], bool]:
    return lambda path: any(path.startswith(prefix) for prefix in prefixes)
