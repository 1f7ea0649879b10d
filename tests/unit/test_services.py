"""What Rasa and the action server are given: keys and the tracker's address in their environment only, a log
level that never writes a person's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import services
from tests.conftest import make_settings


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
