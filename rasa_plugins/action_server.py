"""`rasa run actions`, locked: every request but `/health` must carry the header
`X-Havn-Action-Token: <HAVN_ACTION_SERVER_TOKEN>`, which Rasa sends (endpoints.yml, `action_endpoint.headers`).

Without it anyone on the machine could run the custom actions for any conversation (rasa-sdk checks nothing).
Run as `.venv-rasa/bin/python -m rasa_plugins.action_server --port N --actions actions` (the Procfile); the
arguments are the action server's own. The secret comes from the environment only, and the lock is attached
through rasa-sdk's own plugin hook `attach_sanic_app_extensions`.
"""

from __future__ import annotations

import pluggy
from sanic import Sanic
from sanic.request import Request

from rasa_plugins.locks import require, secret_from_environment

TOKEN_VARIABLE = "HAVN_ACTION_SERVER_TOKEN"
HEADER = "X-Havn-Action-Token"
OPEN = frozenset({"/health"})  # the app's health check probes it without the secret; it tells nothing

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class LockedActionServer:
    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        require(app, lambda path: path not in OPEN, self.presented, self.token)

    @staticmethod
    def presented(request: Request) -> str | None:
        return request.headers.get(HEADER)


def main() -> None:
    token = secret_from_environment(TOKEN_VARIABLE)
    from rasa_sdk.__main__ import main as sdk_main
    from rasa_sdk.plugin import plugin_manager

    plugin_manager().register(LockedActionServer(token))
    sdk_main()


if __name__ == "__main__":
    main()
