"""The scaled stack's shape on one machine (`havn run-scaled`; docs/scale.md, "The scaled stack"): which processes,
on which loopback ports, with which variables. Pure: bot/scaled_stack.py starts what this describes.

Two of each: app instances (`havn app`), Rasa servers, action servers; each Rasa with its own action server, all
Rasa on one tracker store (PostgreSQL) with Rasa's Redis lock store, every app on one database and one Redis, and
HAProxy in front on HAVN_PORT (8080). The Procfile's lines are the commands, as for `havn run`: only their ports
differ, given to each program in supervisord's configuration (no secret there: those come by environment).
"""

from __future__ import annotations

import shlex
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot import haproxy
from core.texts import Texts

INSTANCES = 2
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Layout:
    front: int  # HAProxy's port
    apps: tuple[int, ...]
    rasa: tuple[int, ...]
    actions: tuple[int, ...]

    @classmethod
    def on_free_ports(cls, front: int, instances: int = INSTANCES) -> Layout:
        ports = free_ports(3 * instances)
        return cls(front, ports[:instances], ports[instances:2 * instances], ports[2 * instances:])


def free_ports(count: int) -> tuple[int, ...]:
    """Ports the kernel hands out now, all different (held open together until every one is known)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((LOOPBACK, 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def urls(ports: tuple[int, ...]) -> str:
    return ",".join(f"http://{LOOPBACK}:{port}" for port in ports)


def lock_store_url(redis_url: str) -> str:
    """Rasa's locks on the same Redis as the app's events, in a database of their own (1; the app uses 0)."""
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, "/1", "", ""))


def variables(layout: Layout, database_url: str, tracker_url: str, redis_url: str,
              configured: Mapping[str, str]) -> dict[str, str]:
    """The HAVN_* variables every process of the stack reads, on top of what is configured. Some hold a
    password: they travel by environment only."""
    shared = {
        "HAVN_DATABASE_URL": database_url,
        "HAVN_RASA_TRACKER_URL": tracker_url,
        "HAVN_REDIS_URL": redis_url,
        "HAVN_RASA_LOCK_STORE_URL": configured.get("HAVN_RASA_LOCK_STORE_URL") or lock_store_url(redis_url),
        "HAVN_RASA_URLS": urls(layout.rasa),
        "HAVN_ACTION_SERVER_URLS": urls(layout.actions),
        # The single URLs too: what reads only them (`havn purge`, the defaults) finds the first instance.
        "HAVN_RASA_URL": f"http://{LOOPBACK}:{layout.rasa[0]}",
        "HAVN_ACTION_SERVER_URL": f"http://{LOOPBACK}:{layout.actions[0]}",
    }
    if not configured.get("HAVN_TRUSTED_PROXIES"):
        shared["HAVN_TRUSTED_PROXIES"] = f"{LOOPBACK}/32"  # HAProxy: its X-Forwarded-For names the client
    return shared


def programs(procfile: Mapping[str, str], layout: Layout, haproxy_program: str,
             haproxy_config: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """supervisord's programs (name → command) and each one's own variables (its port)."""
    commands: dict[str, str] = {}
    environments: dict[str, dict[str, str]] = {}
    for number, (app, rasa, actions) in enumerate(zip(layout.apps, layout.rasa, layout.actions, strict=True), 1):
        commands[f"rasa-{number}"] = procfile["rasa"]
        environments[f"rasa-{number}"] = {"HAVN_RASA_PORT": str(rasa),
                                          "HAVN_ACTION_ENDPOINT": f"http://{LOOPBACK}:{actions}/webhook"}
        commands[f"actions-{number}"] = procfile["actions"]
        environments[f"actions-{number}"] = {"HAVN_ACTION_SERVER_PORT": str(actions)}
        commands[f"app-{number}"] = procfile["app"]
        # Behind HAProxy, on loopback; HAVN_HOST and HAVN_PORT themselves say where HAProxy listens.
        environments[f"app-{number}"] = {"HAVN_HOST": LOOPBACK, "HAVN_PORT": str(app)}
    # -W: HAProxy's master process, which stays in the foreground (-db) for supervisord and stops its worker.
    commands["haproxy"] = f"exec {shlex.quote(haproxy_program)} -W -db -f {shlex.quote(str(haproxy_config))}"
    return commands, environments


def haproxy_config(layout: Layout, host: str, texts: Texts, page_title: str | None = None) -> str:
    return haproxy.config(f"{host}:{layout.front}",
                          [(f"app{number}", f"{LOOPBACK}:{port}") for number, port in enumerate(layout.apps, 1)],
                          texts, page_title=page_title)
