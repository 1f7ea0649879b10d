"""GET /api/console/stats on SQLite and PostgreSQL: supervisors and admins only, JSON and CSV, small numbers
hidden, bad periods refused; and nothing personal in an export of 50 conversations in 5 languages."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import ENGINE
from tests.conftest import AppClient, isolated_settings, start_app
from tests.console_client import login
from tests.databases import database_url

WORDS = {"en": "my boss keeps my passport in the drawer", "da": "min chef tager mit pas hver morgen",
         "uk": "роботодавець забрав мій паспорт учора", "th": "นายจ้างเก็บพาสปอร์ตของฉันไว้",
         "ar": "صاحب العمل أخذ جواز سفري"}


@pytest.fixture(params=["sqlite", "postgresql"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppClient]:
    """The shared app, with room for fifty web chat sessions from one address."""
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async for app_client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=url,
                                                            HAVN_LIMIT_SESSIONS="100/600")):
            yield app_client


async def test_only_supervisors_and_admins_read_the_statistics(client: AppClient) -> None:
    anna, sofia = await login(client, "anna"), await login(client, "sofia", "supervisor")
    admin = await login(client, "adam", "admin")
    await anna.call("GET", "/stats", expect=403)
    empty = await sofia.call("GET", "/stats")
    assert empty["contacts"] == {"all": "<5"} and "not identifications" in empty["label"]
    await admin.call("GET", "/stats?from=2026-01-01&to=2026-12-31&group_by=year")
    await sofia.call("GET", "/stats?from=2026-12-31&to=2026-01-01", expect=400)
    await sofia.call("GET", "/stats?from=yesterday", expect=400)
    await sofia.call("GET", "/stats?group_by=hour", expect=400)
    async with client.http.get(client.url("/api/console/stats")) as response:
        assert response.status == 401


async def test_fifty_conversations_export_without_words_aliases_or_ids(client: AppClient) -> None:
    for number in range(50):
        language = list(WORDS)[number % 5]
        session = await client.new_session()
        await client.say(session, f"{WORDS[language]} {number}")
    async with client.app[ENGINE].connect() as connection:
        rows = list(await connection.execute(text("SELECT id, alias FROM conversation")))
    assert len(rows) == 50
    sofia = await login(client, "sofia", "supervisor")
    exported = await sofia.call("GET", "/stats?group_by=day")
    assert exported["contacts"]["all"] == 50
    day = exported["periods"][0]
    async with client.http.get(client.url("/api/console/stats?format=csv&group_by=week"),
                               headers={"Authorization": f"Bearer {sofia.token}"}) as response:
        assert response.status == 200 and response.content_type == "text/csv"
        table = await response.text()
    lines = list(csv.reader(io.StringIO(table)))
    assert lines[0] == ["table", "value", "period", "count"] and ["contacts", "", "all", "50"] in lines
    for export in (str(exported), table):
        for conversation_id, alias in rows:
            assert conversation_id not in export and alias not in export
            own = alias.split()[-1]  # the alias's own part ("Visitor 3F2A"); "2026" could be a year
            assert own.isdigit() or own not in export
        for words in WORDS.values():
            for word in words.split():  # the labels' own short words ("in", "my") are not the person's
                assert len(word) < 5 or word not in export, word
    assert len(day) == 10  # a day, never a time of day (hours only as the hour-of-day table's 00 to 23)
