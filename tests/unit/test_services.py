"""How `havn run` and the tests start Rasa, the action server and the app: secrets, keys and the tracker's
address travel by environment only, at a log level that never writes a person's words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import services
from core.config import ROOT
from tests.conftest import make_settings


def test_the_procfile_names_no_secret() -> None:
    """supervisord runs each line with /bin/sh -c: a `$HAVN_RASA_TOKEN` there would land in the process's argv."""
    commands = services.procfile()
    assert set(commands) == {"rasa", "actions", "app"}
    for command in commands.values():
        assert "TOKEN" not in command and "SECRET" not in command and "--auth-token" not in command


def test_the_secrets_reach_the_processes_by_environment(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    environment = services.process_environment(settings)
    assert environment["HAVN_RASA_TOKEN"] == settings.rasa_token
    assert environment["HAVN_ACTION_SERVER_TOKEN"] == settings.action_server_token


@pytest.mark.parametrize(("host", "development"), [("127.0.0.1", "1"), ("localhost", "1"), ("::1", "1"),
                                                   ("0.0.0.0", None), ("10.0.0.5", None), ("havn.example", None)])
def test_havn_run_is_development_only_on_a_loopback_address(tmp_path: Path, host: str,
                                                            development: str | None) -> None:
    settings = make_settings(tmp_path, HAVN_HOST=host)
    assert settings.development is False  # the app alone (`havn app`) is never in development by default
    assert services.run_environment(settings).get("HAVN_DEVELOPMENT") == development


@pytest.mark.parametrize("configured", ["0", "1"])
def test_a_configured_development_setting_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        configured: str) -> None:
    """Configured in .env (read by each process itself): `havn run` adds nothing, even on 127.0.0.1."""
    monkeypatch.delenv("HAVN_DEVELOPMENT", raising=False)
    settings = make_settings(tmp_path, HAVN_DEVELOPMENT=configured)
    assert settings.development is (configured == "1")
    assert "HAVN_DEVELOPMENT" not in services.run_environment(settings)


def test_rasa_gets_the_keys_and_its_database_in_its_environment_and_logs_at_info(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")  # a developer's shell: Rasa would log every text at DEBUG
    settings = make_settings(tmp_path, HAVN_ENCRYPTION_KEYS="new-key,old-key",
                             HAVN_RASA_TRACKER_URL="postgresql+asyncpg://rasa:secret@db:5432/rasa")
    environment = services.process_environment(settings)
    assert environment["LOG_LEVEL"] == "INFO"
    assert environment["HAVN_ENCRYPTION_KEYS"] == "new-key,old-key"  # the first seals, all unseal, as in the app
    assert environment["HAVN_RASA_TRACKER_URL"] == "postgresql://rasa:secret@db:5432/rasa"  # Rasa's psycopg2


def test_the_tracker_defaults_to_sqlite_in_var(tmp_path: Path) -> None:
    environment = services.process_environment(make_settings(tmp_path))
    assert environment["HAVN_RASA_TRACKER_URL"] == f"sqlite:///{tmp_path / 'rasa-tracker.db'}"


def test_no_key_and_no_database_address_on_a_command_line() -> None:
    for command in services.procfile().values():
        assert "ENCRYPTION" not in command and "TRACKER" not in command and "LOG_LEVEL" not in command


def test_one_rasa_reads_endpoints_yml_without_redis(tmp_path: Path) -> None:
    environment = services.process_environment(make_settings(tmp_path))
    assert environment["HAVN_RASA_ENDPOINTS"] == "endpoints.yml"
    assert not any(name.startswith("HAVN_RASA_LOCK_STORE") for name in environment)


def test_several_rasa_get_the_redis_lock_store_by_environment(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, HAVN_RASA_LOCK_STORE_URL="redis://:p%40ss@10.0.0.7:6380/3")
    environment = services.process_environment(settings)
    assert environment["HAVN_RASA_ENDPOINTS"] == "deploy/endpoints-scaled.yml"
    assert (environment["HAVN_RASA_LOCK_STORE_HOST"], environment["HAVN_RASA_LOCK_STORE_PORT"],
            environment["HAVN_RASA_LOCK_STORE_DB"], environment["HAVN_RASA_LOCK_STORE_PASSWORD"]) == (
        "10.0.0.7", "6380", "3", "p@ss")
    assert "PASSWORD" not in " ".join(services.procfile().values())


def test_the_scaled_endpoints_keep_the_sealed_tracker_store_and_lock_with_redis() -> None:
    embedded = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    scaled = yaml.safe_load((ROOT / services.SCALED_ENDPOINTS).read_text(encoding="utf-8"))
    assert "lock_store" not in embedded
    assert {name: scaled[name] for name in embedded} == embedded  # the same action server and tracker store
    assert scaled["lock_store"]["type"] == "redis"
    names = {value.strip("${}") for value in scaled["lock_store"].values() if str(value).startswith("${")}
    assert names <= set(services.lock_store_environment("redis://h"))
