"""Configuration: where each value comes from, how it is converted, and what a bad value looks like."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import FROM_CONTENT, GENERATED_SECRETS, PREFIX, ROOT, ConfigError, Settings

SECRETS = {"HAVN_RASA_TOKEN": "t", "HAVN_HASH_KEY": "h", "HAVN_ENCRYPTION_KEYS": "k",
           "HAVN_TELEGRAM_WEBHOOK_SECRET": "w", "HAVN_ACTION_SERVER_TOKEN": "a"}


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment without the developer's own HAVN_* variables."""
    for name in list(os.environ):
        if name.startswith(PREFIX):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_environment_beats_dotenv_which_beats_generated_secrets(
        tmp_path: Path, clean_environment: pytest.MonkeyPatch) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "secrets.env").write_text("HAVN_HASH_KEY=from-secrets\nHAVN_RASA_TOKEN=from-secrets\n"
                                         "HAVN_HOST=from-secrets\nHAVN_PORT=1111\n")
    (tmp_path / ".env").write_text(f"HAVN_VAR_DIR={var_dir}\nHAVN_RASA_TOKEN=from-dotenv\nHAVN_HOST=from-dotenv\n"
                                   "HAVN_PORT=2222\n")
    clean_environment.setenv("HAVN_HOST", "from-environment")
    settings = Settings.load(root=tmp_path)
    assert settings.host == "from-environment"
    assert settings.port == 2222 and settings.rasa_token == "from-dotenv"
    assert settings.hash_key == "from-secrets"
    assert settings.var_dir == var_dir  # HAVN_VAR_DIR from .env also decides where the secrets are kept


def test_missing_secrets_are_generated_once_into_a_private_file(
        tmp_path: Path, clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("HAVN_VAR_DIR", str(tmp_path / "var"))
    clean_environment.setenv("HAVN_HASH_KEY", "configured")
    first = Settings.load(root=tmp_path)
    secrets_file = tmp_path / "var" / "secrets.env"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700  # var/ is private from the start
    written = dict(line.split("=", 1) for line in secrets_file.read_text().splitlines())
    assert set(written) == set(GENERATED_SECRETS) - {"HAVN_HASH_KEY"}
    again = Settings.load(root=tmp_path)
    assert again.rasa_token == first.rasa_token and again.encryption_keys == first.encryption_keys
    assert first.hash_key == "configured"
    # nothing generated the second time
    assert secrets_file.read_text().count("\n") == len(GENERATED_SECRETS) - 1


def test_a_given_environ_is_all_that_is_read(tmp_path: Path, clean_environment: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("HAVN_PORT=2222\n")
    clean_environment.setenv("HAVN_HOST", "from-environment")
    settings = Settings.load(root=tmp_path, environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path / "var")})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert not (tmp_path / "var").exists()  # no secrets generated either


def test_values_are_converted_and_empty_means_the_default(tmp_path: Path) -> None:
    settings = Settings.load(environ={
        **SECRETS, "HAVN_VAR_DIR": str(tmp_path), "HAVN_ENCRYPTION_KEYS": " new , old,", "HAVN_PORT": "9000",
        "HAVN_RASA_URL": "http://127.0.0.1:5999/", "HAVN_LOG_LEVEL": "debug", "HAVN_RETENTION_DAYS": "7.5",
        "HAVN_TELEGRAM_TOKEN": "", "HAVN_HOST": ""})
    assert settings.encryption_keys == ("new", "old")
    assert settings.port == 9000 and settings.retention_days == 7.5
    assert settings.rasa_url == "http://127.0.0.1:5999" and settings.log_level == "DEBUG"
    assert settings.telegram_token is None and settings.host == "127.0.0.1"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}"
    assert settings.default_language in settings.languages and len(settings.languages) > 1


def test_a_bad_value_is_one_line_that_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.load(environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path), "HAVN_PORT": "abc"})
    message = str(raised.value)
    assert message.startswith("HAVN_PORT: ") and "'abc'" in message and "\n" not in message


def test_a_bad_redis_url_is_named_but_not_echoed_since_it_may_hold_a_password(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.load(environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path), "HAVN_REDIS_URL": "10.0.0.5:6379:secret"})
    assert str(raised.value).startswith("HAVN_REDIS_URL: ") and "secret" not in str(raised.value)
    assert Settings.load(environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path),
                                  "HAVN_REDIS_URL": "redis://:secret@10.0.0.5:6379/0"}).redis_url.startswith("redis")
    assert "secret" not in repr(Settings.load(environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path),
                                                       "HAVN_REDIS_URL": "redis://:secret@10.0.0.5:6379/0"}))


def test_the_command_reports_a_bad_value_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "detect-language"], input="", capture_output=True,
                            text=True, cwd=ROOT, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HAVN_VAR_DIR": str(tmp_path), "HAVN_PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("havn: HAVN_PORT: ")


def test_every_setting_is_documented_in_env_example_and_nothing_else() -> None:
    documented = set(re.findall(r"^(HAVN_\w+)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    fields = {PREFIX + name.upper() for name in Settings.model_fields if name not in FROM_CONTENT}
    assert sorted(fields - documented) == [], "not in .env.example"
    assert sorted(documented - fields) == [], "in .env.example but not a setting"


def test_a_short_metrics_token_is_refused_without_echoing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.load(environ={**SECRETS, "HAVN_VAR_DIR": str(tmp_path), "HAVN_METRICS_TOKEN": "short-secret"})
    assert str(error.value).startswith("HAVN_METRICS_TOKEN: ") and "short-secret" not in str(error.value)


def test_the_log_format_is_text_or_json(tmp_path: Path) -> None:
    environ = {**SECRETS, "HAVN_VAR_DIR": str(tmp_path)}
    assert Settings.load(environ=environ).log_format == "text"
    assert Settings.load(environ={**environ, "HAVN_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ConfigError, match="HAVN_LOG_FORMAT"):
        Settings.load(environ={**environ, "HAVN_LOG_FORMAT": "xml"})
