"""The three processes: how Rasa is trained and how Rasa, the action server and the app are started.

The Procfile holds the commands (operators read it; supervisord runs it, bot/supervision.py); this module gives
them their environment, so that `havn run` and the integration tests start exactly the same processes.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.rasa_tracker import for_rasa
from core.config import ROOT, Settings
from core.private_files import UMASK

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "models" / "havn.tar.gz"
ENDPOINTS = "endpoints.yml"  # one Rasa: its in-memory lock store
SCALED_ENDPOINTS = "deploy/endpoints-scaled.yml"  # several Rasa on one tracker store: Redis lock store

# Rasa's own background traffic and noise: no telemetry (it would call out), quieter TensorFlow.
RASA_QUIET = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
}
# Rasa and the action server log at INFO whatever LOG_LEVEL the shell has: at DEBUG both log every message
# text and tracker (with a person's words) into their log.
RASA_LOG_LEVELS = {"LOG_LEVEL": "INFO", "LOG_LEVEL_LIBRARIES": "ERROR"}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def process_environment(settings: Settings) -> dict[str, str]:
    """Everything the Procfile's commands read, on top of the current environment. The encryption keys and
    the tracker database's URL (which may hold a password) go to Rasa here, never on its command line, where
    `ps` would show them."""
    rasa_port = urlsplit(settings.rasa_url).port or 5005
    action_port = urlsplit(settings.action_server_url).port or 5055
    return {
        **os.environ,
        **RASA_QUIET,
        **RASA_LOG_LEVELS,
        "HAVN_VAR_DIR": str(settings.var_dir),
        "HAVN_RASA_TOKEN": settings.rasa_token,  # read by rasa_plugins/rasa_server.py, never an argument
        "HAVN_ACTION_SERVER_TOKEN": settings.action_server_token,  # Rasa sends it, the action server checks it
        "HAVN_RASA_PORT": str(rasa_port),
        "HAVN_ACTION_SERVER_PORT": str(action_port),
        "HAVN_ACTION_ENDPOINT": f"{settings.action_server_url}/webhook",
        "HAVN_RASA_TRACKER_URL": for_rasa(settings.rasa_tracker_url),
        "HAVN_ENCRYPTION_KEYS": ",".join(settings.encryption_keys),  # Rasa seals its tracker's events with them
        **lock_store_environment(settings.rasa_lock_store_url),
    }


def lock_store_environment(url: str | None) -> dict[str, str]:
    """Which endpoints file Rasa reads, and for several instances (a Redis lock store configured) the lock
    store's address in the pieces Rasa's endpoints syntax wants, its password among them: by environment only."""
    if not url:
        return {"HAVN_RASA_ENDPOINTS": ENDPOINTS}
    parsed = urlsplit(url)
    return {
        "HAVN_RASA_ENDPOINTS": SCALED_ENDPOINTS,
        "HAVN_RASA_LOCK_STORE_HOST": parsed.hostname or "",
        "HAVN_RASA_LOCK_STORE_PORT": str(parsed.port or 6379),
        "HAVN_RASA_LOCK_STORE_DB": parsed.path.strip("/") or "1",
        "HAVN_RASA_LOCK_STORE_PASSWORD": unquote(parsed.password or ""),
    }


def run_environment(settings: Settings) -> dict[str, str]:
    """What `havn run` gives the three processes: as the tests', plus HAVN_DEVELOPMENT=1 when the app listens
    on a loopback address and nothing configured the setting. That is the embedded default: plain http on
    this machine, where a Secure cookie would not come back from every browser (Safari) and HSTS means nothing.
    Behind a TLS proxy, or on any other address, the app keeps HSTS and Secure cookies."""
    environment = process_environment(settings)
    if "development" not in settings.model_fields_set and _loopback(settings.host):
        environment["HAVN_DEVELOPMENT"] = "1"
    return environment


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: it may well be reached from elsewhere
        return False


def train(quiet: bool = False) -> None:
    """Train the Rasa model; Rasa's fingerprinting skips the work when nothing changed since the last model."""
    command = [str(RASA), "train", "--domain", "domain", "--data", "nlu_data", "--config", "config.yml",
               "--out", "models", "--fixed-model-name", "havn"]
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(command, cwd=ROOT, env={**os.environ, **RASA_QUIET}, check=True, stdout=output,
                   stderr=output)
    if not MODEL.exists():
        sys.exit("Rasa training finished without writing models/havn.tar.gz")


def start(name: str, environment: dict[str, str], log_file: Path | None = None) -> subprocess.Popen[bytes]:
    """Start one Procfile process on its own (the tests use this; `havn run` uses supervisord), with the app's umask:
    what it writes under var/ is private (core/private_files.py); its log file too."""
    output = (os.fdopen(os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") if log_file
              else subprocess.DEVNULL)
    return subprocess.Popen(["/bin/sh", "-c", procfile()[name]], cwd=ROOT, env=environment,
                            stdout=output, stderr=subprocess.STDOUT, start_new_session=True, umask=UMASK)
