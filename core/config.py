"""Configuration: HAVN_* environment variables, then `.env`, then secrets generated into var/.

Every variable is documented in `.env.example`. Secrets that are not set are generated once into
`var/secrets.env` (mode 0600) so that a newcomer needs to configure nothing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cryptography.fernet import Fernet
from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"

# Secrets that must exist; each is generated on first run when it is not configured.
GENERATED_SECRETS = {
    "HAVN_RASA_TOKEN": lambda: secrets.token_urlsafe(32),
    "HAVN_HASH_KEY": lambda: secrets.token_urlsafe(32),
    "HAVN_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
    "HAVN_TELEGRAM_WEBHOOK_SECRET": lambda: secrets.token_urlsafe(32),
}


def _read_environment(root: Path, var_dir: Path) -> dict[str, str]:
    """Merge the sources, highest priority last: generated secrets < .env < the process environment."""
    merged: dict[str, str] = {}
    secrets_file = var_dir / "secrets.env"
    if secrets_file.exists():
        merged.update({k: v for k, v in dotenv_values(secrets_file).items() if v is not None})
    dotenv_file = root / ".env"
    if dotenv_file.exists():
        merged.update({k: v for k, v in dotenv_values(dotenv_file).items() if v is not None})
    merged.update({k: v for k, v in os.environ.items() if k.startswith("HAVN_")})
    return merged


def ensure_secrets(var_dir: Path, environment: dict[str, str]) -> dict[str, str]:
    """Generate the missing secrets into var/secrets.env and return them merged into `environment`."""
    missing = {name: make() for name, make in GENERATED_SECRETS.items() if not environment.get(name)}
    if missing:
        var_dir.mkdir(parents=True, exist_ok=True)
        secrets_file = var_dir / "secrets.env"
        fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            for name, value in missing.items():
                out.write(f"{name}={value}\n")
    return {**environment, **missing}


def load_languages(content_dir: Path) -> tuple[tuple[str, ...], str]:
    """The supported languages (one line each in content/languages.yml) and the default one."""
    data = yaml.safe_load((content_dir / "languages.yml").read_text(encoding="utf-8"))
    languages = tuple(str(code) for code in data["languages"])
    default = str(data["default"])
    if default not in languages:
        raise ValueError(f"content/languages.yml: default language {default!r} is not in the list")
    return languages, default


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    var_dir: Path = ROOT / "var"
    database_url: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout: float = 10.0
    hash_key: str = ""
    encryption_keys: tuple[str, ...] = ()
    telegram_token: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str = ""
    telegram_api_url: str | None = None
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"
    language_backend: str | None = None
    log_level: str = "INFO"
    quick_exit_url: str = "https://www.google.com/"
    content_dir: Path = field(default=CONTENT_DIR)
    claim_grace_minutes: float = 5.0
    queue_wait_limit_minutes: float = 10.0
    queue_sweep_seconds: float = 30.0
    retention_days: float = 30.0
    wrong_codes_per_minute: int = 30

    @classmethod
    def load(cls, root: Path = ROOT, environ: dict[str, str] | None = None) -> Settings:
        """Read the configuration; generate missing secrets into var/ unless `environ` is given."""
        if environ is None:
            var_dir = Path(os.environ.get("HAVN_VAR_DIR") or root / "var")
            env = ensure_secrets(var_dir, _read_environment(root, var_dir))
        else:
            env = environ
            var_dir = Path(env.get("HAVN_VAR_DIR") or root / "var")
        content_dir = Path(env.get("HAVN_CONTENT_DIR") or CONTENT_DIR)
        languages, default_language = load_languages(content_dir)
        return cls(
            host=env.get("HAVN_HOST", "127.0.0.1"),
            port=int(env.get("HAVN_PORT", "8080")),
            var_dir=var_dir,
            database_url=env.get("HAVN_DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'havn.db'}",
            rasa_url=env.get("HAVN_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=env["HAVN_RASA_TOKEN"],
            action_server_url=env.get("HAVN_ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
            rasa_timeout=float(env.get("HAVN_RASA_TIMEOUT", "10")),
            hash_key=env["HAVN_HASH_KEY"],
            encryption_keys=tuple(k.strip() for k in env["HAVN_ENCRYPTION_KEYS"].split(",") if k.strip()),
            telegram_token=env.get("HAVN_TELEGRAM_TOKEN") or None,
            telegram_webhook_url=env.get("HAVN_TELEGRAM_WEBHOOK_URL") or None,
            telegram_webhook_secret=env["HAVN_TELEGRAM_WEBHOOK_SECRET"],
            telegram_api_url=env.get("HAVN_TELEGRAM_API_URL") or None,
            languages=languages,
            default_language=default_language,
            language_backend=env.get("HAVN_LANGUAGE_BACKEND") or None,
            log_level=env.get("HAVN_LOG_LEVEL", "INFO").upper(),
            quick_exit_url=env.get("HAVN_QUICK_EXIT_URL", "https://www.google.com/"),
            content_dir=content_dir,
            claim_grace_minutes=float(env.get("HAVN_CLAIM_GRACE_MINUTES", "5")),
            queue_wait_limit_minutes=float(env.get("HAVN_QUEUE_WAIT_LIMIT_MINUTES", "10")),
            queue_sweep_seconds=float(env.get("HAVN_QUEUE_SWEEP_SECONDS", "30")),
            retention_days=float(env.get("HAVN_RETENTION_DAYS", "30")),
            wrong_codes_per_minute=int(env.get("HAVN_WRONG_CODES_PER_MINUTE", "30")),
        )
