"""Rasa's tracker database seen from the app: its URL for each side, and `havn rotate-key` on its events."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cryptography.fernet import Fernet

from bot.rasa_tracker import for_app, for_rasa, reseal_events
from core.pseudonym import Pseudonymizer


def test_each_side_gets_its_own_driver() -> None:
    assert for_rasa("postgresql+asyncpg://rasa:p%40ss@db:5432/rasa") == "postgresql://rasa:p%40ss@db:5432/rasa"
    assert for_app("postgresql://rasa:p%40ss@db/rasa") == "postgresql+asyncpg://rasa:p%40ss@db/rasa"
    assert for_rasa("sqlite:////srv/havn/var/rasa-tracker.db") == "sqlite:////srv/havn/var/rasa-tracker.db"
    assert for_app("sqlite:////srv/havn/var/rasa-tracker.db") == "sqlite+aiosqlite:////srv/havn/var/rasa-tracker.db"


def rasa_table(path: Path, rows: list[str]) -> None:
    """Rasa's `events` table as its SQLTrackerStore makes it."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                   "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                   "action_name VARCHAR(255), data TEXT)")
        db.executemany("INSERT INTO events (sender_id, type_name, data) VALUES ('c1', 'user', ?)",
                       [(row,) for row in rows])


async def test_rotate_key_reseals_every_event_and_seals_old_clear_ones(tmp_path: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    database = tmp_path / "rasa-tracker.db"
    clear = json.dumps({"event": "user", "text": "written before sealing"})
    rasa_table(database, [Fernet(old).encrypt(b'{"text": "sealed with the old key"}').decode(), clear, *["{}"] * 600])

    count = await reseal_events(f"sqlite:///{database}", Pseudonymizer("h", (new, old)))

    assert count == 602  # more than one batch
    rows = [data for (data,) in sqlite3.connect(database).execute("SELECT data FROM events ORDER BY id")]
    opened = [Fernet(new).decrypt(data.encode()).decode() for data in rows]  # the new key alone opens them all
    assert opened[:2] == ['{"text": "sealed with the old key"}', clear]
    assert b"written before sealing" not in database.read_bytes()


async def test_nothing_to_reseal_before_rasa_made_its_database(tmp_path: Path) -> None:
    sealer = Pseudonymizer("h", (Fernet.generate_key().decode(),))
    assert await reseal_events(f"sqlite:///{tmp_path / 'missing.db'}", sealer) == 0
    assert not (tmp_path / "missing.db").exists()
    sqlite3.connect(tmp_path / "empty.db").close()
    assert await reseal_events(f"sqlite:///{tmp_path / 'empty.db'}", sealer) == 0
