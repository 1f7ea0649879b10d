"""Nothing a person wrote is readable at rest (issue 14, item 1), with the real Rasa and action server.

A unique marker goes through every path a person's or a caseworker's words take: web chat text (to Rasa and
its tracker store), the screening's free text (the person's own words kept as evidence), a report's answers,
information added later with the reference code, a caseworker's reply and a note. Then it is in no file under
either var/ folder (the app's and Rasa's: databases, their journals, the processes' logs, read as bytes), in no
table of the SQLite databases, in no `pg_dump` of the app's and of Rasa's PostgreSQL databases, and not in the
app's log at DEBUG. Yet it is really stored, sealed: the console shows it and the app's key opens Rasa's
events. After the person's DELETE and the purge, not even the sealed rows are left. Every file is 0600 and
every folder 0700. `havn rotate-key` re-seals Rasa's events too.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import secrets
import sqlite3
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import ENGINE, GATEWAY, SETTINGS
from bot.rasa_tracker import for_app
from core.config import ROOT
from tests.conftest import AppClient, free_port, make_settings, start_app
from tests.console_client import Console, conversation_of, login
from tests.databases import fresh_postgres
from tests.harness import RasaStack
from tests.integration.conftest import app_settings

pytestmark = pytest.mark.rasa

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
CUE = "my boss keeps my passport and will not give it back to me"  # tests/data/screening.yml, English
SCREENING = ["/affirm", "/start_screening", "/inform_age:adult", "/inform_work:labour", "/deny", "/deny", "/affirm",
             "/affirm", "/stop_questions"]


@dataclass
class Backend:
    """Where the words rest: Rasa's stack (its var folder, its tracker database) and the app's database URL."""

    kind: str
    stack: RasaStack
    app_database: str | None  # None: SQLite in the test's own var folder

    @property
    def tracker_url(self) -> str:
        return self.stack.settings.rasa_tracker_url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Backend]:
    """SQLite: the session's Rasa stack (its tracker in its var folder). PostgreSQL: a Rasa stack of this
    module's own whose tracker store is a private PostgreSQL database, and another one for the app."""
    if request.param == "sqlite":
        yield Backend("sqlite", request.getfixturevalue("rasa_stack"), None)
        return
    async with fresh_postgres() as app_database, fresh_postgres() as tracker_database:
        folder = tmp_path_factory.mktemp("rasa-postgresql")
        settings = make_settings(folder, HAVN_RASA_URL=f"http://127.0.0.1:{free_port()}",
                                 HAVN_ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}",
                                 HAVN_RASA_TRACKER_URL=tracker_database)
        stack = RasaStack(settings, folder)
        stack.start("actions")
        stack.start("rasa")
        try:
            await asyncio.to_thread(stack.wait_ready)
            yield Backend("postgresql", stack, app_database)
        finally:
            stack.stop_all()


@pytest.fixture
async def app(backend: Backend, tmp_path: Path) -> AsyncIterator[AppClient]:
    overrides = {"HAVN_DATABASE_URL": backend.app_database} if backend.app_database else {}
    async for client in start_app(app_settings(backend.stack, tmp_path / "var", **overrides)):
        yield client


# What rests where ---------------------------------------------------------------------------------------------

def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def sqlite_rows(path: Path) -> str:
    """Every row of every table, as text."""
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"'))


def pg_dump(url: str) -> bytes:
    """The whole database as `pg_dump` writes it (schema and data)."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", plain], check=True, capture_output=True, timeout=60).stdout


def at_rest(backend: Backend, app: AppClient) -> dict[str, bytes]:
    """Everything stored, by where: each file under both var folders, each SQLite database's rows, and on
    PostgreSQL a dump of each database."""
    var_dirs = [app.app[SETTINGS].var_dir, backend.stack.folder]
    stored = {str(path): path.read_bytes() for folder in var_dirs for path in files_under(folder)}
    for path in [path for folder in var_dirs for path in files_under(folder) if path.suffix == ".db"]:
        stored[f"rows of {path}"] = sqlite_rows(path).encode()
    if backend.kind == "postgresql":
        stored["pg_dump of the app's database"] = pg_dump(backend.app_database or "")
        stored["pg_dump of Rasa's tracker database"] = pg_dump(backend.tracker_url)
    return stored


async def tracker_events(backend: Backend, conversation_ids: list[str]) -> list[str]:
    """The `data` column of Rasa's stored events for these conversations, as stored."""
    engine = create_async_engine(for_app(backend.tracker_url))  # not core.db's: no pragmas on Rasa's file
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT sender_id, data FROM events"))
            return [data for sender_id, data in rows if sender_id in conversation_ids]
    finally:
        await engine.dispose()


def command_line_of(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def assert_private(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_symlink():
            continue
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"


# The marker through every path ------------------------------------------------------------------------------

async def screened_and_answered(app: AppClient, marker: str) -> tuple[str, str, Console]:
    """Web chat text to Rasa, the screening with the person's own words, a caseworker's reply and note."""
    session = await app.new_session()
    await app.say(session, f"hello, my name is {marker}")
    replies = (await app.say(session, f"{CUE}, he is called {marker}"))["messages"]
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["danger", "/affirm", "/deny"]  # may I note this?
    for payload in SCREENING:
        assert (await app.say(session, payload=payload))["messages"], payload
    conversation_id = await conversation_of(app, session)
    screening = await app.app[GATEWAY].store.screening(conversation_id)
    assert screening is not None and marker in screening["evidence"]["CD-01"]  # their words, for the caseworker
    anna = await login(app, "anna", "supervisor")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": f"Anna here, {marker}"},
                    expect=201)
    await anna.call("POST", f"/conversations/{conversation_id}/notes", {"text": f"Note: {marker}"}, expect=201)
    return session, conversation_id, anna


async def reported_and_added(app: AppClient, marker: str) -> list[str]:
    """A report whose noticed words and place carry the marker, then information added with its code."""
    reporter = await app.new_session()
    await app.say(reporter, payload="lang:en")
    await app.say(reporter, payload="report")
    await app.say(reporter, payload="report_about:other")  # about someone else
    await app.say(reporter, payload="report_skip")  # danger now
    await app.say(reporter, f"workers sleep in the barn of {marker}")  # what they noticed
    replies = (await app.say(reporter, f"Vestergade 3, {marker}"))["messages"]  # where
    for _ in range(20):  # skip the other questions, up to the reference code
        if CODE.search(replies[-1]["text"]):
            break
        replies = (await app.say(reporter, payload="report_skip"))["messages"]
    code = CODE.search(replies[-1]["text"]).group(0)
    adder = await app.new_session()
    await app.say(adder, payload="lang:en")
    await app.say(adder, payload="report_code")
    await app.say(adder, code)
    await app.say(adder, f"more came today with {marker}")
    return [await conversation_of(app, reporter), await conversation_of(app, adder)]


def assert_nowhere(marker: str, stored: dict[str, bytes], log: str) -> None:
    for where, content in stored.items():
        for form in (marker, marker.lower()):
            assert form.encode() not in content, f"the marker is readable in {where}"
    assert marker not in log and marker.lower() not in log


async def test_a_marker_through_every_path_is_nowhere_at_rest_and_gone_after_erasure(
        backend: Backend, log_output: io.StringIO, app: AppClient) -> None:
    marker = f"Qx{secrets.token_hex(5)}Zv"
    session, screened, anna = await screened_and_answered(app, marker)
    reports = await reported_and_added(app, marker)

    # It was kept, sealed: the console reads it back, and the app's key opens Rasa's events.
    shown = await anna.call("GET", f"/conversations/{screened}")
    assert f"Anna here, {marker}" in [message["text"] for message in shown["messages"]]
    assert [note["text"] for note in shown["notes"]] == [f"Note: {marker}"]
    [report] = (await anna.call("GET", f"/conversations/{reports[0]}"))["reports"]
    assert marker in repr(report)
    events = await tracker_events(backend, [screened])
    key = Fernet(backend.stack.settings.encryption_keys[0])
    assert any(marker in key.decrypt(data.encode()).decode() for data in events)

    stored = at_rest(backend, app)
    assert any("rasa-tracker.db" in where or "Rasa's tracker" in where for where in stored)
    logging.getLogger("bot.test").debug("the log is written at DEBUG")
    assert "DEBUG bot.test: the log is written at DEBUG" in log_output.getvalue()
    assert_nowhere(marker, stored, log_output.getvalue())
    for folder in (app.app[SETTINGS].var_dir, backend.stack.folder):
        assert_private(folder)
    for process in backend.stack.processes.values():  # the keys reach Rasa in its environment, not in `ps`
        command_line = command_line_of(process.pid)
        assert backend.stack.settings.encryption_keys[0].encode() not in command_line
        assert b"rasa-tracker" not in command_line and b"postgresql" not in command_line

    # The person's DELETE: their conversation's sealed events go from Rasa's store too.
    await app.delete_session(session)
    assert await tracker_events(backend, [screened]) == []
    # The purge: the reports, once resolved and older than the retention period.
    for conversation_id in reports:  # the report waits for a person: resolved first; the bot held the other
        async with app.app[ENGINE].connect() as connection:
            state = await connection.scalar(text("SELECT state FROM conversation WHERE id = :id"),
                                            {"id": conversation_id})
        if state == "queued":
            await anna.call("POST", f"/conversations/{conversation_id}/claim")
            await anna.call("POST", f"/conversations/{conversation_id}/resolve")
    app.clock.advance(timedelta(days=31))
    purged = await app.app[GATEWAY].retention.purge()
    assert (purged.conversations, purged.trackers_pending) == (2, 0)
    assert await tracker_events(backend, [screened, *reports]) == []
    async with app.app[ENGINE].connect() as connection:
        for table in ("message", "note", "report", "report_addition"):
            assert await connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) == 0, table
    assert_nowhere(marker, at_rest(backend, app), log_output.getvalue())


def rotate_key(app: AppClient, backend: Backend, keys: list[str]) -> str:
    """`havn rotate-key` as an operator runs it, with these keys (the first seals)."""
    settings = app.app[SETTINGS]
    environment = {**{name: value for name, value in os.environ.items() if not name.startswith("HAVN_")},
                   "HAVN_VAR_DIR": str(settings.var_dir), "HAVN_DATABASE_URL": settings.database_url,
                   "HAVN_RASA_TRACKER_URL": backend.tracker_url, "HAVN_ENCRYPTION_KEYS": ",".join(keys),
                   "HAVN_HASH_KEY": settings.hash_key, "HAVN_RASA_TOKEN": settings.rasa_token,
                   "HAVN_TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "rotate-key"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_rotate_key_reseals_rasas_events(backend: Backend, app: AppClient) -> None:
    marker = f"Qx{secrets.token_hex(5)}Zv"
    session = await app.new_session()
    await app.say(session, f"hello, my name is {marker}")
    conversation_id = await conversation_of(app, session)
    old = backend.stack.settings.encryption_keys[0]
    new = Fernet.generate_key().decode()

    output = rotate_key(app, backend, [new, old])
    assert re.search(r"and [1-9]\d* Rasa tracker events", output), output
    sealed = await tracker_events(backend, [conversation_id])
    assert any(marker in Fernet(new).decrypt(data.encode()).decode() for data in sealed)  # the new key alone
    with pytest.raises(InvalidToken):
        Fernet(old).decrypt(sealed[0].encode())

    # Back to the key the running Rasa has (it would need a restart with the new one), and it reads on.
    rotate_key(app, backend, [old, new])
    assert (await app.say(session, "is this chat anonymous?"))["messages"]
    assert all(Fernet(old).decrypt(data.encode()) for data in await tracker_events(backend, [conversation_id]))


PLUGIN_CHECK = """
import asyncio, json, os, sqlite3, sys
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_plugins.tracker_store import ErasableSQLTrackerStore

path, marker = sys.argv[1], sys.argv[2]
domain = Domain.load("domain")
keys = os.environ.pop("HAVN_ENCRYPTION_KEYS")
try:
    ErasableSQLTrackerStore(domain=domain, host=f"sqlite:///{path}")
    sys.exit("a store without the keys")
except RuntimeError:
    pass
os.environ["HAVN_ENCRYPTION_KEYS"] = keys
store = ErasableSQLTrackerStore(domain=domain, host=f"sqlite:///{path}")
tracker = DialogueStateTracker("c1", domain.slots)
for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered(f"I am {marker}", {"name": "greet"}, parse_data={"intent": {"name": "greet"}}),
              UserUttered(marker, {"name": marker}, parse_data={"intent": {"name": marker}}),
              SlotSet(marker, marker), ActionExecuted("utter_" + marker)):
    tracker.update(event)
asyncio.run(store.save(tracker))
read = asyncio.run(store.retrieve("c1"))
print(json.dumps({
    "rows": sqlite3.connect(path).execute("SELECT type_name, intent_name, action_name FROM events").fetchall(),
    "texts": [event.text for event in read.events if event.type_name == "user"],
}))
"""


def test_the_tracker_store_seals_every_event_and_keeps_only_the_domains_names(tmp_path: Path) -> None:
    """Rasa's side alone (no model needed): sealed on the way in, opened on the way out, names a person could
    have chosen (an intent forced with "/…", a slot or an action the domain does not know) written as NULL,
    and no store at all without the keys."""
    marker = f"Qx{secrets.token_hex(5)}Zv"
    database = tmp_path / "tracker.db"
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", PLUGIN_CHECK, str(database), marker],
                          cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HAVN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                               "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["texts"] == [f"I am {marker}", marker]
    assert result["rows"] == [["action", None, "action_session_start"], ["session_started", None, None],
                              ["action", None, "action_listen"], ["user", "greet", None], ["user", None, None],
                              ["slot", None, None], ["action", None, None]]
    assert marker.encode() not in database.read_bytes()
