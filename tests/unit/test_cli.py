"""The `havn` command's contracts from the brief, run as a person would run them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from core.config import ROOT
from core.db import create_engine
from handover.accounts import Accounts

HAVN = [sys.executable, "-m", "bot.cli"]


def run(*args: str, stdin: str = "", tmp: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"HAVN_VAR_DIR": str(tmp)} if tmp else {}
    return subprocess.run([*HAVN, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**environment, "PATH": "/usr/bin:/bin"})


def test_detect_language_prints_one_code_per_line(tmp_path: Path) -> None:
    lines = ["hej med dig, jeg har brug for hjælp", "hello", "ok", "+45 70 20 25 50",
             "они забрали мой паспорт", "老板拿走了我的护照"]
    result = run("detect-language", stdin="\n".join(lines) + "\n", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["da", "en", "und", "und", "ru", "zh"]


def test_screen_prints_the_documented_json(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": None, "exploitation": "labour", "immediate_danger": False,
                                   "answers": {"CD-01": "yes", "CD-02": "yes"}}))
    result = run("screen", str(answers))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["dimensions"]["CD"] is True and output["tier"] == "P2"
    assert set(output) == {"dimensions", "assessment", "tier", "indicators"}


def test_screen_refuses_an_unknown_indicator_with_one_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": {"CD-99": "yes"}}))
    result = run("screen", str(answers))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "CD-99" in result.stderr


def test_caseworker_add_reads_the_password_from_stdin_and_the_account_can_log_in(tmp_path: Path) -> None:
    result = run("caseworker", "add", "anna", "--role", "supervisor", "--alias", "Anna",
                 stdin="a long enough password\n", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "added supervisor 'anna' (shown to people as 'Anna')"
    account = asyncio.run(login(tmp_path / "havn.db", "anna", "a long enough password"))
    assert account is not None and account.role == "supervisor"
    again = run("caseworker", "add", "anna", stdin="a long enough password\n", tmp=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == "havn caseworker add: a caseworker called 'anna' exists already"


def test_caseworker_add_refuses_a_short_password_and_an_unknown_role(tmp_path: Path) -> None:
    short = run("caseworker", "add", "ben", stdin="short\n", tmp=tmp_path)
    assert short.returncode == 2
    assert short.stderr.strip() == "havn caseworker add: the password must have at least 12 characters"
    role = run("caseworker", "add", "ben", "--role", "boss", stdin="a long enough password\n", tmp=tmp_path)
    assert role.returncode == 2 and "invalid choice: 'boss'" in role.stderr


def test_caseworker_unlock_lets_a_locked_account_log_in_again(tmp_path: Path) -> None:
    """The only admin locked out by wrong passwords (or a caseworker before their shift) is opened from the server."""
    assert run("caseworker", "add", "anna", stdin="a long enough password\n", tmp=tmp_path).returncode == 0
    asyncio.run(lock(tmp_path, "anna"))
    unknown = run("caseworker", "unlock", "nobody", tmp=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "havn caseworker unlock: no account is called 'nobody'"
    assert asyncio.run(lock(tmp_path, "anna", failures=0)) is False  # still locked
    result = run("caseworker", "unlock", "anna", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unlocked 'anna': it can log in again now"
    assert asyncio.run(lock(tmp_path, "anna", failures=0)) is True


async def lock(var_dir: Path, name: str, failures: int = 5) -> bool:
    """`failures` wrong passwords for `name` through the app's own guard; whether a login may be tried now."""
    import os

    from core.config import Settings
    from core.errors import TooMany
    from core.limits import Limiter
    from core.pseudonym import Pseudonymizer
    from handover.audit import Audit
    from handover.login_guard import LoginGuard, login_name_key

    os.environ["HAVN_VAR_DIR"] = str(var_dir)
    try:
        settings = Settings.load()
    finally:
        del os.environ["HAVN_VAR_DIR"]
    engine = create_engine(settings.database_url)
    guard = LoginGuard(Limiter(engine), Audit(engine),
                       login_name_key(Pseudonymizer(settings.hash_key, settings.encryption_keys)),
                       settings.login_failures_per_account, settings.login_failures_per_address, 0)
    try:
        for _ in range(failures):
            await guard.failed(await guard.begin(name, "test"), None)
        try:
            await guard.begin(name, "test")
        except TooMany:
            return False
        return True
    finally:
        await engine.dispose()


async def login(database: Path, name: str, password: str):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        result = await Accounts(engine).login(name, password)
    finally:
        await engine.dispose()
    return result[0] if result else None


def test_stats_prints_csv_and_json_with_small_numbers_hidden(tmp_path: Path) -> None:
    csv_result = run("stats", "--from", "2026-01-01", "--to", "2026-12-31", "--group-by", "year", tmp=tmp_path)
    assert csv_result.returncode == 0, csv_result.stderr
    lines = csv_result.stdout.splitlines()
    assert lines[0] == "table,value,period,count" and "contacts,,2026,<5" in lines  # nobody yet: 0 is below 5
    json_result = run("stats", "--format", "json", tmp=tmp_path)
    assert json_result.returncode == 0, json_result.stderr
    assert json.loads(json_result.stdout)["contacts"] == {"all": "<5"}
    refused = run("stats", "--from", "2026-12-31", "--to", "2026-01-01", tmp=tmp_path)
    assert refused.returncode == 2 and "after" in refused.stderr


def test_stats_refuses_a_mistyped_year_and_too_many_days_in_the_apis_words(tmp_path: Path) -> None:
    """The window and limits of GET /api/console/stats (handover/stats_range.py): year 1 to 9999 ran past the
    last date Python knows (a traceback), 1900 to now by day took minutes."""
    refused = run("stats", "--from", "0001-01-01", "--to", "9999-12-31", "--group-by", "day", tmp=tmp_path)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("havn stats: Please choose days between 2020-01-01 and "), refused.stderr
    refused = run("stats", "--from", "2020-01-01", "--to", "2022-12-31", "--group-by", "day", tmp=tmp_path)
    assert refused.returncode == 2 and "at most 366 days" in refused.stderr
    answered = run("stats", "--from", "2020-01-01", "--to", "2022-12-31", "--group-by", "month", tmp=tmp_path)
    assert answered.returncode == 0 and "contacts,,2022-12,<5" in answered.stdout.splitlines()
