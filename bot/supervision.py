"""`havn run`'s process supervisor: supervisord runs the Procfile's processes and restarts the one that died.

Under honcho, one process exiting stopped the other two: a crashed Rasa took the web chat down with it, and a
person got "connection refused" instead of the fallback with 112. supervisord (a maintained supervisor) starts
each Procfile line as its own program with a restart policy: whatever exits is started again after a short
back-off while the rest keep serving; Ctrl-C (or SIGTERM) stops all of them.

The configuration is written under var/ at every start, from the Procfile, so the Procfile stays the one list
of processes that operators read. It holds no secret: the processes inherit supervisord's environment
(services.run_environment), never a value written to a file.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from configparser import ConfigParser
from pathlib import Path

from core.private_files import UMASK

CONFIG_NAME = "supervisord.conf"
SOCKET_NAME = "supervisor.sock"
# A process that stays up this long counts as started; one that dies sooner is retried this many times, with
# a back-off that grows by a second per try, before supervisord gives up on it (state FATAL, logged).
START_SECONDS = 3
START_RETRIES = 20
STOP_WAIT_SECONDS = 10  # SIGTERM first (Rasa and the app close their connections), then SIGKILL


def config(programs: Mapping[str, str], root: Path, var_dir: Path,
           environments: Mapping[str, Mapping[str, str]] | None = None) -> ConfigParser:
    """supervisord's configuration for the given Procfile lines (name → shell command); `environments` adds
    variables of a program's own (its port, say: never a secret, this file is on disk) to what it inherits."""
    parser = ConfigParser(interpolation=None)
    socket = var_dir / SOCKET_NAME
    parser["supervisord"] = {
        "nodaemon": "true",  # in the foreground, as honcho was: the terminal shows the output, Ctrl-C stops
        "silent": "false",
        "logfile": "/dev/null",  # its own events go to standard output below; no rotating file under var/
        "logfile_maxbytes": "0",
        "pidfile": str(var_dir / "supervisord.pid"),
        "umask": f"{UMASK:03o}",
        "directory": str(root),
        "loglevel": "info",  # "exited unexpectedly", "spawned": states only, never a message
    }
    parser["unix_http_server"] = {"file": str(socket), "chmod": "0700"}  # for `supervisorctl`: this user only
    parser["rpcinterface:supervisor"] = {
        "supervisor.rpcinterface_factory": "supervisor.rpcinterface:make_main_rpcinterface"}
    parser["supervisorctl"] = {"serverurl": f"unix://{socket}"}
    for name, command in programs.items():
        parser[f"program:{name}"] = {
            # As honcho did: the line through /bin/sh, which expands its $VARIABLES from the environment.
            "command": f"/bin/sh -c {_quoted(command)}",
            "directory": str(root),
            "autostart": "true",
            "autorestart": "true",
            "startsecs": str(START_SECONDS),
            "startretries": str(START_RETRIES),
            "stopsignal": "TERM",
            "stopwaitsecs": str(STOP_WAIT_SECONDS),
            "stopasgroup": "true",  # the shell's child (Rasa, the app) gets the signal too
            "killasgroup": "true",
            "redirect_stderr": "true",
            "stdout_logfile": "/dev/stdout",
            "stdout_logfile_maxbytes": "0",
        }
        if environments and environments.get(name):
            parser[f"program:{name}"]["environment"] = _environment(environments[name])
    return parser


def write_config(programs: Mapping[str, str], root: Path, var_dir: Path,
                 environments: Mapping[str, Mapping[str, str]] | None = None) -> Path:
    path = var_dir / CONFIG_NAME
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        config(programs, root, var_dir, environments).write(handle)
    return path


def _environment(variables: Mapping[str, str]) -> str:
    """supervisord's `environment` value: KEY="value" pairs, %(name)s expansion escaped."""
    if any('"' in value or "\n" in value for value in variables.values()):
        raise ValueError("a program's variable holds a quote or a line break")
    return ",".join(f'{name}="{value}"'.replace("%", "%%") for name, value in variables.items())


def _quoted(command: str) -> str:
    """One argument for supervisord, which splits `command` with shlex and expands %(name)s in it."""
    return shlex.quote(command).replace("%", "%%")
