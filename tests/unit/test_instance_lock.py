"""A second `havn app` on one SQLite database is refused with a sentence (bot/instance_lock.py); PostgreSQL
takes any number."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.instance_lock import AlreadyRunning, hold_database
from core.config import ROOT


def test_the_second_hold_of_one_sqlite_database_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'havn.db'}"
    first = hold_database(url)
    assert first is not None
    with pytest.raises(AlreadyRunning) as refused:
        hold_database(url)
    assert str(refused.value) == (
        f"Another havn app is already using the SQLite database {tmp_path / 'var' / 'havn.db'}; several instances "
        "need PostgreSQL (HAVN_DATABASE_URL) and Redis (HAVN_REDIS_URL); see docs/scale.md.")
    assert hold_database(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}") is not None  # another database: free
    os.close(first)  # the first app ended
    assert hold_database(url) is not None


def test_postgresql_holds_nothing() -> None:
    assert hold_database("postgresql+asyncpg://postgres@127.0.0.1:5432/test") is None


def test_a_second_havn_app_process_exits_with_the_sentence(tmp_path: Path) -> None:
    first = hold_database(f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}")  # the first app, in this process
    environment = {**os.environ, "HAVN_VAR_DIR": str(tmp_path), "HAVN_DATABASE_URL": ""}
    second = subprocess.run([sys.executable, "-m", "bot.cli", "app"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert second.stderr.startswith("havn app: Another havn app is already using the SQLite database ")
    assert "see docs/scale.md" in second.stderr
    assert first is not None
    os.close(first)
