"""Sealed columns (core/sealed.py), on SQLite and PostgreSQL: every statement seals and unseals through the column
type, each engine with its own keys, the schema is the migrations' (TEXT), and `havn rotate-key` leaves every
value readable with the new key alone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from alembic import command
from core.db import alembic_config, create_engine, migrate_async
from core.models import Base, Caseworker, Contact, Conversation, MessageRecord, Note, Report, ReportAddition
from core.pseudonym import Pseudonymizer
from core.vocabulary import Sender, State
from handover.store import Store, sealed_columns
from tests.databases import database_url

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SCREENING = {"assessment": "trafficking_indicated", "answers": {"CD-01": "yes"},
             "evidence": {"CD-01": "the boss in Nørrebro keeps my passport"}}
FLOW = {"mode": "report", "step": "danger", "report_id": 1, "code": "K7M2-9XQP"}
BODY = {"text": "I sleep in the garage", "payload": None, "buttons": [["Yes", "yes"]]}
DETAILS = {"noticed": {"words": "Workers sleep in the barn"}}
FILE_ID = "AgACAgQAAxkBAAIBarnPhoto"  # Telegram's reference to a photo the person sent
# Every sealed value fill() writes: (table, column, what it holds in clear).
CLEAR = [("contact", "reply_address", "731234567"), ("conversation", "screening", SCREENING),
         ("conversation", "flow", FLOW), ("message", "body", BODY), ("message", "media_file", FILE_ID),
         ("note", "body", "called the police"),
         ("report", "details", DETAILS), ("report_addition", "body", "More came today")]


def key() -> str:
    return Fernet.generate_key().decode()


def sealer(*keys: str) -> Pseudonymizer:
    return Pseudonymizer("test-hash-key", keys)


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as database:
        await migrate_async(database)
        yield database


def engine_for(url: str, *keys: str) -> AsyncEngine:
    return create_engine(url, sealer(*keys) if keys else None)


async def fill(engine: AsyncEngine) -> None:
    """One value in each sealed column, written the ways the stores write: insert().values(), update().values(),
    and an executemany insert."""
    async with engine.begin() as connection:
        contact_id = await connection.scalar(insert(Contact).values(
            channel="telegram", address_hash="a" * 64, reply_address="731234567", created_at=NOW,
        ).returning(Contact.id))
        await connection.execute(insert(Conversation).values(
            id="c" * 32, contact_id=contact_id, channel="telegram", state=State.BOT, kind="help", language="en",
            language_chosen=False, alias="Visitor 1", created_at=NOW, updated_at=NOW, flow=FLOW))
        await connection.execute(update(Conversation).where(Conversation.id == "c" * 32).values(screening=SCREENING))
        await connection.execute(insert(MessageRecord), [
            {"conversation_id": "c" * 32, "sender": Sender.USER, "body": BODY, "created_at": NOW,
             "media_kind": "photo", "media_file": FILE_ID}])
        caseworker_id = await connection.scalar(insert(Caseworker).values(
            name="anna", alias="Anna", password_hash="x", role="caseworker", active=True, created_at=NOW,
        ).returning(Caseworker.id))
        await connection.execute(insert(Note).values(
            conversation_id="c" * 32, caseworker_id=caseworker_id, body="called the police", created_at=NOW))
        report_id = await connection.scalar(insert(Report).values(
            conversation_id="c" * 32, code_hash="b" * 64, details=DETAILS, empty=False, created_at=NOW,
            updated_at=NOW).returning(Report.id))
        await connection.execute(insert(ReportAddition).values(
            report_id=report_id, body="More came today", created_at=NOW))


async def stored(engine: AsyncEngine, table: str, column: str) -> str:
    """The value as the database holds it, bypassing the column type."""
    async with engine.connect() as connection:
        return await connection.scalar(text(f"SELECT {column} FROM {table}"))


async def read(engine: AsyncEngine, table: str, column: str) -> object:
    """The value read through the column type (Core, from the table's own column)."""
    async with engine.connect() as connection:
        return await connection.scalar(select(Base.metadata.tables[table].c[column]))


def test_the_sealed_columns_are_the_documented_ones() -> None:
    assert sorted(f"{column.table.name}.{column.name}" for column in sealed_columns()) == sorted(
        f"{table}.{column}" for table, column, _ in CLEAR)


async def test_values_are_sealed_on_the_way_in_and_unsealed_on_the_way_out(url: str) -> None:
    first = key()
    engine = engine_for(url, first)
    try:
        await fill(engine)
        for table, column, clear in CLEAR:
            token = await stored(engine, table, column)
            plain = Fernet(first.encode()).decrypt(token.encode()).decode()
            assert plain == clear if isinstance(clear, str) else json.loads(plain) == clear
            assert "Nørrebro" not in token and "barn" not in token and "731234567" not in token
            assert "Barn" not in token
            assert await read(engine, table, column) == clear
        async with engine.connect() as connection:  # a whole row, and a column of the mapped class
            [row] = await connection.execute(select(Conversation))
            assert (row.screening, row.flow) == (SCREENING, FLOW)
            assert await connection.scalar(select(MessageRecord.body)) == BODY
            await connection.execute(update(Conversation).values(flow=None))
            assert await connection.scalar(select(Conversation.flow)) is None
            assert await connection.scalar(text("SELECT flow FROM conversation")) is None  # NULL, not sealed
    finally:
        await engine.dispose()


async def test_each_engine_seals_with_its_own_keys(url: str) -> None:
    mine, theirs = engine_for(url, key()), engine_for(url, key())
    try:
        await fill(mine)
        assert await read(mine, "contact", "reply_address") == "731234567"
        with pytest.raises(InvalidToken):
            await read(theirs, "contact", "reply_address")
        async with theirs.begin() as connection:
            await connection.execute(update(Contact).values(reply_address="555"))
        assert await read(theirs, "contact", "reply_address") == "555"
        with pytest.raises(InvalidToken):
            await read(mine, "contact", "reply_address")
    finally:
        await mine.dispose()
        await theirs.dispose()


async def test_an_engine_without_keys_refuses_sealed_columns_only(url: str) -> None:
    sealing, keyless = engine_for(url, key()), engine_for(url)
    try:
        await fill(sealing)
        async with keyless.connect() as connection:
            assert await connection.scalar(select(Contact.channel)) == "telegram"
            with pytest.raises(RuntimeError, match="no sealer"):
                await connection.scalar(select(Contact.reply_address))
        with pytest.raises(StatementError, match="no sealer"):  # SQLAlchemy wraps errors of a bound value
            async with keyless.begin() as connection:
                await connection.execute(update(Note).values(body="in clear?"))
        assert await read(sealing, "note", "body") == "called the police"
    finally:
        await sealing.dispose()
        await keyless.dispose()


async def test_rotate_key_reseals_every_value_with_the_new_key(url: str) -> None:
    old, new = key(), key()
    engines = {name: engine_for(url, *keys)
               for name, keys in {"old": (old,), "both": (new, old), "new": (new,)}.items()}
    try:
        await fill(engines["old"])
        before = [await stored(engines["old"], table, column) for table, column, _ in CLEAR]
        for table, column, clear in CLEAR:  # sealed with the old key: the app with both keys reads it
            assert await read(engines["both"], table, column) == clear
            with pytest.raises(InvalidToken):
                await read(engines["new"], table, column)
        assert await Store(engines["both"]).reseal_all() == len(CLEAR)
        for (table, column, clear), token in zip(CLEAR, before, strict=True):
            assert await read(engines["new"], table, column) == clear
            assert await stored(engines["new"], table, column) != token
            with pytest.raises(InvalidToken):
                await read(engines["old"], table, column)
    finally:
        for engine in engines.values():
            await engine.dispose()


async def test_the_schema_is_the_migrations_sealed_columns_are_text(url: str) -> None:
    await asyncio.to_thread(command.check, alembic_config(url))  # raises when the models and migrations differ
    engine = engine_for(url)
    try:
        async with engine.connect() as connection:
            types = await connection.run_sync(lambda sync: {
                (table, column["name"]): str(column["type"])
                for table in ("contact", "conversation", "message", "note", "report", "report_addition")
                for column in inspect(sync).get_columns(table)})
        assert {types[(table, column)] for table, column, _ in CLEAR} == {"TEXT"}
    finally:
        await engine.dispose()
