"""`rasa run`, with its auth token read from HAVN_RASA_TOKEN and its channel webhooks locked by the same token.

Run as `.venv-rasa/bin/python -m rasa_plugins.rasa_server run --enable-api …` (the Procfile): the arguments are
`rasa`'s own, without `--auth-token`. Two things change against plain `rasa run --auth-token $TOKEN`:

- the token never appears on the command line, so `ps` and /proc/<pid>/cmdline do not show it; it is handed
  to Rasa's parsed arguments in memory, through Rasa's own plugin hook `configure_commandline`;
- Rasa's `/webhooks/*` routes (the input channels: the REST channel the app calls) skip Rasa's token check,
  so anyone on the machine could post turns for any conversation id. A request middleware now refuses them
  (401) unless they carry the token as `Authorization: Bearer <token>` (what the app sends) or, as Rasa's
  own API takes it, `?token=<token>`.
"""

from __future__ import annotations

import argparse
from typing import Any

import pluggy
from sanic import Sanic
from sanic.request import Request

from rasa_plugins.locks import require, secret_from_environment, under

TOKEN_VARIABLE = "HAVN_RASA_TOKEN"
WEBHOOKS = "/webhooks/"

hookimpl = pluggy.HookimplMarker("rasa")


def presented(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    return request.args.get("token")


class LockedServer:
    """Rasa plugin: sets the auth token and adds the webhooks' lock when the server is built."""

    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def configure_commandline(self, cmdline_arguments: argparse.Namespace) -> None:
        cmdline_arguments.auth_token = self.token
        # rasa.api.run passes `server_listeners` on to rasa.core.run.serve_application.
        cmdline_arguments.server_listeners = [(self.lock_webhooks, "before_server_start")]

    async def lock_webhooks(self, app: Sanic, _loop: Any) -> None:
        require(app, under([WEBHOOKS]), presented, self.token)


def main() -> None:
    token = secret_from_environment(TOKEN_VARIABLE)
    from rasa.__main__ import main as rasa_main
    from rasa.plugin import plugin_manager

    plugin_manager().register(LockedServer(token))
    rasa_main()


if __name__ == "__main__":
    main()
