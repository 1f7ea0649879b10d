"""`havn app` logs one JSON object per line with HAVN_LOG_FORMAT=json, readable lines otherwise (bot/logs.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

import bot.app
from bot import cli


@pytest.fixture
def havn_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """`havn app` as far as its logging: the server logs one line instead of starting; logging restored after."""
    monkeypatch.setenv("HAVN_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("HAVN_LOG_FORMAT", raising=False)
    monkeypatch.setattr(bot.app, "create_app", lambda settings: web.Application())
    monkeypatch.setattr(web, "run_app", lambda app, **options: logging.getLogger("bot.test").warning(
        "started for chat %s", 731234567))
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    yield
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_json_lines_when_asked(havn_app: None, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HAVN_LOG_FORMAT", "json")
    assert cli.main(["app"]) == 0
    [line] = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert set(record) == {"time", "level", "logger", "message", "service", "pid"}
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "bot.test", "started for chat <id>")
    assert record["time"].endswith("+00:00")


def test_readable_lines_by_default(havn_app: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["app"]) == 0
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(" WARNING bot.test: started for chat <id>")
