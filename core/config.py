"""Configuration: HAVN_* environment variables, then `.env`, then secrets generated into var/.

`Settings` declares every setting once, with its type and default (pydantic-settings reads HAVN_<NAME> and
converts it); every variable is documented in `.env.example`. Secrets that are not set are generated once into
`var/secrets.env` (mode 0600) so that a newcomer needs to configure nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from dotenv import dotenv_values
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

from core.limits import Limit
from core.sources import parse_networks
from core.yaml_file import read_yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
PREFIX = "HAVN_"

# Secrets that must exist; each is generated on first run when it is not configured.
GENERATED_SECRETS = {
    "HAVN_RASA_TOKEN": lambda: secrets.token_urlsafe(32),
    "HAVN_HASH_KEY": lambda: secrets.token_urlsafe(32),
    "HAVN_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
    "HAVN_TELEGRAM_WEBHOOK_SECRET": lambda: secrets.token_urlsafe(32),
    "HAVN_ACTION_SERVER_TOKEN": lambda: secrets.token_urlsafe(32),
}
# Never echoed in an error (a Redis URL may hold a password).
SECRET_VARIABLES = frozenset({*GENERATED_SECRETS, "HAVN_TELEGRAM_TOKEN", "HAVN_RASA_LOCK_STORE_URL", "HAVN_REDIS_URL",
                              "HAVN_METRICS_TOKEN"})
# Settings that come from content/languages.yml, not from a variable.
FROM_CONTENT = frozenset({"languages", "default_language"})


class ConfigError(ValueError):
    """A HAVN_* variable the app cannot use; the message is one line that names it."""


def load_languages(content_dir: Path) -> tuple[tuple[str, ...], str]:
    """The supported languages (one line each in content/languages.yml) and the default one."""
    data = read_yaml(content_dir / "languages.yml")
    languages = tuple(str(code) for code in data["languages"])
    default = str(data["default"])
    if default not in languages:
        raise ValueError(f"content/languages.yml: default language {default!r} is not in the list")
    return languages, default


def _dotenv(path: Path) -> dict[str, str]:
    return {k: v for k, v in dotenv_values(path).items() if v is not None} if path.exists() else {}


def read_environment(root: Path = ROOT) -> tuple[Path, dict[str, str]]:
    """The var folder and the variables, highest priority last: generated secrets < .env < the process
    environment. The var folder (HAVN_VAR_DIR) is looked up first because the secrets are kept in it."""
    dotenv = _dotenv(root / ".env")
    process = {k: v for k, v in os.environ.items() if k.startswith(PREFIX)}
    var_dir = Path(process.get("HAVN_VAR_DIR") or dotenv.get("HAVN_VAR_DIR") or root / "var")
    return var_dir, {**_dotenv(var_dir / "secrets.env"), **dotenv, **process}


def ensure_secrets(var_dir: Path, environment: dict[str, str]) -> dict[str, str]:
    """Generate the missing secrets into var/secrets.env and return them merged into `environment`."""
    missing = {name: make() for name, make in GENERATED_SECRETS.items() if not environment.get(name)}
    if missing:
        var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # core/private_files.py: var/ is private
        secrets_file = var_dir / "secrets.env"
        fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            for name, value in missing.items():
                out.write(f"{name}={value}\n")
    return {**environment, **missing}


class _Variables(EnvSettingsSource):
    """pydantic-settings' reading of HAVN_* variables, from the mapping `Settings.load` assembled (or was
    given) instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str]) -> None:
        self._variables = variables
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._variables, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def _refuse(problem: str) -> Any:
    raise ValueError(problem)


def _split_commas(text: Any) -> Any:
    return tuple(part.strip() for part in text.split(",") if part.strip()) if isinstance(text, str) else text


# Types that say how a variable's text becomes the value.
Url = Annotated[str, AfterValidator(lambda url: url.rstrip("/"))]
CommaSeparated = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_commas), Field(min_length=1, repr=False)]
LogLevel = Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
                     BeforeValidator(lambda level: level.upper() if isinstance(level, str) else level)]
Secret = Annotated[str, Field(repr=False)]
Positive = Annotated[float, Field(gt=0)]
# "COUNT/SECONDS": at most COUNT in any SECONDS (core/limits.py).
Rate = Annotated[Limit, NoDecode, BeforeValidator(lambda text: Limit.parse(text) if isinstance(text, str) else text)]
UrlList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_commas),
                    AfterValidator(lambda urls: tuple(url.rstrip("/") for url in urls))]
RedisUrl = Annotated[str, AfterValidator(lambda url: url if urlsplit(url).scheme == "redis" and urlsplit(url).hostname
                                         else _refuse("should be redis://[:password@]host[:port][/db]"))]
Networks = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_commas),
                     AfterValidator(lambda entries: (parse_networks(entries), entries)[1])]


class Settings(BaseSettings):
    """Each field is read from HAVN_<FIELD NAME>; an empty variable counts as not set (the default)."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    var_dir: Path = ROOT / "var"
    database_url: str = Field("", validate_default=True)  # empty: SQLite in var_dir (see the validator)
    # Rasa's tracker store (its events are sealed with encryption_keys: rasa_plugins/tracker_store.py); empty:
    # SQLite in var_dir. A PostgreSQL URL may hold a password: it reaches Rasa through its environment only.
    rasa_tracker_url: str = Field("", validate_default=True, repr=False)
    rasa_url: Url = "http://127.0.0.1:5005"
    rasa_token: Secret
    action_server_url: Url = "http://127.0.0.1:5055"
    action_server_token: Secret  # Rasa sends it to the action server in a header (rasa_plugins/action_server.py)
    rasa_timeout: Positive = 10.0
    # Several Rasa instances sharing one tracker store and a Redis lock store (docs/scale.md, "The scaled stack"):
    # the app spreads the turns over HAVN_RASA_URLS (comma-separated) and checks every action server of
    # HAVN_ACTION_SERVER_URLS. Empty: HAVN_RASA_URL and HAVN_ACTION_SERVER_URL alone.
    rasa_urls: UrlList = Field((), validate_default=True)
    action_server_urls: UrlList = Field((), validate_default=True)
    # Rasa's Redis lock store, redis://[:password@]host[:port][/db]: needed when several Rasa instances share the
    # tracker store (a conversation's turns then wait for each other across instances). Empty: Rasa's in-memory
    # lock store, right for one instance. It may hold a password: it reaches Rasa through its environment only.
    rasa_lock_store_url: RedisUrl | None = Field(None, repr=False)
    hash_key: Secret
    encryption_keys: CommaSeparated  # the first encrypts, all decrypt
    telegram_token: str | None = Field(None, repr=False)
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: Secret
    telegram_api_url: Url | None = None
    # Outreach cards (docs/outreach.md): the web chat's public address their QR code opens, and the Telegram bot's
    # username for a deep link on the card (none: the card shows the web link only).
    public_url: Url = "http://127.0.0.1:8080"
    telegram_bot_username: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{4,31}$")] | None = None
    language_backend: str | None = None
    log_level: LogLevel = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line for a log collector (bot/logs.py)
    # GET /metrics from elsewhere than this machine with `Authorization: Bearer` this (bot/metrics_page.py).
    metrics_token: str | None = Field(None, min_length=16, repr=False)
    quick_exit_url: str = "https://www.google.com/"
    # The web chat's title (tab, history, first heading) in every language; unset: web.page_title in the page's
    # language. Neutral either way: someone else may read the phone's history (bot/channels/webchat_page.py).
    page_title: str | None = Field(None, max_length=100)
    content_dir: Path = CONTENT_DIR
    languages: Annotated[tuple[str, ...], NoDecode] = Field((), validate_default=True)  # from languages.yml
    default_language: str = Field("", validate_default=True)  # from content_dir/languages.yml too
    claim_grace_minutes: Positive = 5.0
    queue_wait_limit_minutes: Positive = 10.0
    queue_sweep_seconds: Positive = 30.0
    # Several `havn app` on one PostgreSQL database (docs/scale.md): Redis keeps each person's messages in order
    # across them (bot/person_lock.py) and carries the consoles' live events (handover/hub_relay.py), e.g.
    # redis://10.0.0.5:6379/0. Empty: one instance, no Redis. May hold a password. A dead instance's periodic
    # jobs (the sweep, the purge, Telegram's polling) pass to another after lease_seconds.
    redis_url: str | None = Field(None, repr=False, pattern=r"^(rediss?|unix)://.+$")
    lease_seconds: Positive = 60.0
    # How often a console's WebSocket is checked against its session (logged out elsewhere, account made
    # inactive, role changed); logging out here and the session's end by the clock close it at once anyway.
    console_session_check_seconds: Positive = 10.0
    retention_days: Positive = 30.0
    wrong_codes_per_minute: int = Field(30, ge=1)
    oncall_webhook_url: str | None = None  # POSTed when a P1 comes while nobody can answer (handover/oncall.py)
    console_url: Url = "http://127.0.0.1:8080/console"  # how the on-call worker reaches the console
    # A web chat session ends when it is unused (no message, no poll) this long, and at this age whatever happens.
    webchat_idle_minutes: Positive = 240.0
    webchat_max_age_hours: Positive = 24.0
    # Plain http on this machine: no HSTS, cookies without Secure (core/http_headers.py). `havn run` sets it
    # when the app listens on a loopback address and nothing else was configured.
    development: bool = False
    # Who is responsible for the data (the GDPR controller), named in the privacy notice every person gets.
    controller_name: str = Field("Center mod Menneskehandel", min_length=1)
    # Rate limits (core/limits.py, docs/limits.md): per source, the client's address (core/sources.py).
    trusted_proxies: Networks = ()  # peers whose X-Forwarded-For is believed
    limit_sessions: Rate = Limit(20, 600)  # new web chat sessions
    limit_messages: Rate = Limit(60, 60)  # web chat messages
    limit_telegram_messages: Rate = Limit(30, 60)  # Telegram messages, per chat (no address there)
    limit_handover_requests: Rate = Limit(20, 3600)  # asking for a person
    limit_erasures: Rate = Limit(10, 3600)  # "delete this conversation"
    limit_p1_per_source: Rate = Limit(5, 3600)  # more P1s from one source queue at P3, without ringing
    p1_spike: Rate = Limit(10, 600)  # more P1s, service-wide: still P1, one alert instead of ringing for each
    login_failures_per_account: Rate = Limit(5, 900)  # from one address; then locked from there for the window
    login_failures_per_address: Rate = Limit(20, 900)  # then logins from that address are
    login_failure_delay: Annotated[float, Field(ge=0, le=10)] = 1.0  # seconds, doubled with each failure (≤ 8×)
    login_concurrency: int = Field(2, ge=1, le=64)  # argon2 checks at once (CPU bound)

    @classmethod
    def load(cls, root: Path = ROOT, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the configuration; generate missing secrets into var/ unless `environ` is given, in which
        case only `environ` is read (no .env, no process environment). Raises ConfigError."""
        if environ is None:
            var_dir, variables = read_environment(root)
            environ = ensure_secrets(var_dir, variables)
        try:
            return cls(**_Variables(cls, environ)())
        except ValidationError as error:
            raise ConfigError(_one_line(error)) from None

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: Any,
                                   **_others: Any) -> tuple[Any, ...]:
        """Only the values `load` passes: it reads the files and the environment itself, in its order."""
        return (init_settings,)

    @field_validator("database_url")
    @classmethod
    def _sqlite_in_var_dir(cls, url: str, info: ValidationInfo) -> str:
        if url or "var_dir" not in info.data:  # a bad HAVN_VAR_DIR is reported on its own
            return url
        return f"sqlite+aiosqlite:///{info.data['var_dir'] / 'havn.db'}"

    @field_validator("rasa_urls", "action_server_urls")
    @classmethod
    def _one_instance_by_default(cls, urls: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        single = info.field_name.removesuffix("s")  # rasa_url, action_server_url
        if urls or single not in info.data:  # a bad single URL is reported on its own
            return urls
        return (info.data[single],)

    @field_validator("rasa_tracker_url")
    @classmethod
    def _rasa_tracker_in_var_dir(cls, url: str, info: ValidationInfo) -> str:
        if url or "var_dir" not in info.data:
            return url
        return f"sqlite:///{info.data['var_dir'] / 'rasa-tracker.db'}"

    @field_validator(*FROM_CONTENT, mode="before")  # whatever a variable says: languages.yml decides
    @classmethod
    def _from_languages_yml(cls, value: Any, info: ValidationInfo) -> Any:
        if "content_dir" not in info.data:  # a bad HAVN_CONTENT_DIR is reported on its own
            return value
        try:
            languages, default = load_languages(info.data["content_dir"])
        except OSError as error:
            raise ValueError(f"HAVN_CONTENT_DIR: cannot read {error.filename}") from None
        return languages if info.field_name == "languages" else default


def _one_line(error: ValidationError) -> str:
    """'HAVN_PORT: Input should be a valid integer, … (got 'abc')'; several problems joined with '; '."""
    problems = []
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else ""
        if field in FROM_CONTENT:
            problems.append(str(problem["msg"]).removeprefix("Value error, "))
            continue
        name = f"{PREFIX}{field.upper()}"
        given = problem["input"]
        shown = f" (got {given!r})" if isinstance(given, str) and name not in SECRET_VARIABLES else ""
        problems.append(f"{name}: {problem['msg']}{shown}")
    return "; ".join(dict.fromkeys(problems))  # a bad content folder troubles two fields
