"""`havn run-scaled` (`make run-scaled`): the scaled stack on this machine, as bot/scaled_layout.py describes it.

In order: the model is trained if needed (as `havn run`); PostgreSQL and Redis are the configured ones
(HAVN_DATABASE_URL with HAVN_RASA_TRACKER_URL, HAVN_REDIS_URL) or private ones under var/scaled/
(bot/private_servers.py); the app's schema is migrated once, before two apps start; then supervisord runs two
Rasa, two action servers, two apps and HAProxy, restarting whatever dies (bot/supervision.py). Ctrl-C or SIGTERM
stops supervisord's programs, then the private servers started here. Generated files (supervisord's and HAProxy's
configuration) are under var/scaled/ and hold no secret: the secrets reach the processes by environment.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

from bot import services, supervision
from bot.private_servers import PrivateServerError, private_postgres, private_redis
from bot.rasa_tracker import for_app, for_rasa
from bot.scaled_layout import Layout, free_ports, haproxy_config, programs, variables
from core.config import ROOT, Settings, ensure_secrets, read_environment
from core.db import migrate
from core.private_files import make_private
from core.texts import Texts

HAPROXY = "haproxy"  # Debian's package (the Makefile installs it); in /usr/sbin, which a user's PATH may lack


def run() -> int:
    var_dir, configured = read_environment()
    configured = ensure_secrets(var_dir, configured)
    base = Settings.load(environ=configured)  # a bad variable is reported before anything starts
    make_private(base.var_dir)
    folder = base.var_dir / "scaled"
    folder.mkdir(mode=0o700, exist_ok=True)
    haproxy = shutil.which(HAPROXY) or shutil.which(HAPROXY, path="/usr/sbin:/usr/local/sbin")
    if not haproxy:
        raise PrivateServerError("HAProxy was not found: install the Debian package 'haproxy' (make run-scaled does)")
    print("havn: checking the Rasa model (trains only when the data changed)…", flush=True)
    services.train()
    layout = Layout.on_free_ports(base.port)
    with contextlib.ExitStack() as servers:
        database_url, tracker_url = databases(configured, folder, servers)
        redis_url = configured.get("HAVN_REDIS_URL") or servers.enter_context(
            private_redis(folder / "redis", free_ports(1)[0]))
        shared = variables(layout, database_url, tracker_url, redis_url, configured)
        settings = Settings.load(environ={**configured, **shared})
        print("havn: migrating the database once, before the two apps start…", flush=True)
        migrate(settings.database_url)
        environment = {**services.run_environment(settings), **shared}
        texts = Texts(settings.content_dir, settings.languages, settings.default_language)
        configuration = write_configuration(folder, layout, settings.host, haproxy, texts, settings.page_title)
        print(f"havn: starting 2 Rasa, 2 action servers, 2 apps and HAProxy on http://{settings.host}:{layout.front}"
              f" (apps on ports {', '.join(map(str, layout.apps))}; `.venv/bin/supervisorctl -c {configuration} "
              "status`)", flush=True)
        return supervise(configuration, environment)


def databases(configured: Mapping[str, str], folder: Path, servers: contextlib.ExitStack) -> tuple[str, str]:
    """The app's database (asyncpg) and Rasa's tracker store (psycopg2): both configured, or a private cluster."""
    app, tracker = configured.get("HAVN_DATABASE_URL", ""), configured.get("HAVN_RASA_TRACKER_URL", "")
    if not app and not tracker:
        cluster = servers.enter_context(private_postgres(folder))
        return cluster.url("havn"), for_rasa(cluster.url("rasa"))
    if not app or not tracker or any(make_url(url).get_backend_name() != "postgresql" for url in (app, tracker)):
        raise PrivateServerError("the scaled stack shares its databases between processes: set both "
                                 "HAVN_DATABASE_URL and HAVN_RASA_TRACKER_URL to PostgreSQL databases, or neither "
                                 "(then a private cluster runs under var/scaled/)")
    return for_app(app), for_rasa(tracker)


def write_configuration(folder: Path, layout: Layout, host: str, haproxy: str, texts: Texts,
                        page_title: str | None = None) -> Path:
    """HAProxy's and supervisord's configuration under `folder` (private files); returns supervisord's."""
    haproxy_path = folder / "haproxy.cfg"
    descriptor = os.open(haproxy_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(haproxy_config(layout, host, texts, page_title))
    commands, environments = programs(services.procfile(), layout, haproxy, haproxy_path)
    return supervision.write_config(commands, ROOT, folder, environments)


def supervise(configuration: Path, environment: dict[str, str]) -> int:
    """supervisord in the foreground until it stops; Ctrl-C and SIGTERM reach it from here (it runs in a session
    of its own, so that the private servers are stopped only after it)."""
    supervisord = Path(sys.executable).parent / "supervisord"
    process = subprocess.Popen([supervisord, "--nodaemon", "--configuration", str(configuration)], cwd=ROOT,
                               env=environment, start_new_session=True)

    def forward(signum: int, _frame: object) -> None:
        process.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    return process.wait()
