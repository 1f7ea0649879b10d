"""Console logins under attack (issue 14, item 3; docs/limits.md): wrong passwords counted per account from one
address and per address, then a temporary lock (429 with a sentence) that refuses even the right password, and per
account from every address, a growing wait that never refuses (walk 3, item 18: anyone a caseworker joined could
lock them out); each failure and each lock audited; argon2 checks bounded by a semaphore so that a login flood
cannot starve the chat.

The loopback peer is a trusted proxy here, so that a test can log in from several addresses (X-Forwarded-For).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import handover.accounts
import handover.login_guard
from tests.conftest import AppClient, isolated_settings, start_app
from tests.console_client import PASSWORD, add_caseworker, login
from tests.databases import database_url

HOME, AWAY = "198.51.100.10", "203.0.113.20"  # documentation addresses (RFC 5737)


async def app_with(tmp_path: Path, **overrides: str) -> AsyncIterator[AppClient]:
    settings = isolated_settings(tmp_path, **{"HAVN_TRUSTED_PROXIES": "127.0.0.1", "HAVN_LOGIN_FAILURE_DELAY": "0",
                                              **overrides})
    async for client in start_app(settings):
        yield client


@pytest.fixture(params=["sqlite", "postgresql"])
async def account_lock(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppClient]:
    """The counters are in the database: on SQLite and on a fresh PostgreSQL database."""
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async for client in app_with(tmp_path, HAVN_LOGIN_FAILURES_PER_ACCOUNT="3/900", HAVN_DATABASE_URL=url):
            yield client


@pytest.fixture
async def address_lock(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for client in app_with(tmp_path, HAVN_LOGIN_FAILURES_PER_ACCOUNT="100/900",
                                 HAVN_LOGIN_FAILURES_PER_ADDRESS="3/900"):
        yield client


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits after wrong passwords, in order: recorded instead of slept, so that the tests run at once."""
    recorded: list[float] = []

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(handover.login_guard, "sleep", sleep)
    return recorded


async def log_in(client: AppClient, name: str, password: str, address: str) -> tuple[int, dict[str, Any], Any]:
    async with client.http.post(client.url("/api/console/login"), json={"username": name, "password": password},
                                headers={"X-Forwarded-For": address}) as response:
        return response.status, await response.json(), response.headers


async def audit_actions(client: AppClient) -> list[tuple[str, str | None, str | None]]:
    supervisor = await login(client, "sofie", "supervisor")
    items = (await supervisor.call("GET", "/audit"))["items"]
    return [(item["action"], item["caseworker"], item["detail"]) for item in reversed(items)
            if item["action"] in ("login_failed", "login_locked")]


async def test_wrong_passwords_lock_the_account_even_against_the_right_one_and_are_audited(
        account_lock: AppClient) -> None:
    client = account_lock
    await add_caseworker(client, "anna")
    await add_caseworker(client, "bob")
    for _ in range(3):
        status, body, _ = await log_in(client, "anna", "wrong password!", HOME)
        assert (status, body) == (401, {"error": "Wrong name or password."})
    status, body, headers = await log_in(client, "anna", PASSWORD, HOME)
    assert status == 429
    assert body["error"].startswith("Too many wrong passwords for this account. It is locked for about ")
    assert int(headers["Retry-After"]) >= 60
    # Another account from the same address is not locked (nor this one from another address: the next test).
    assert (await log_in(client, "bob", PASSWORD, HOME))[0] == 200
    assert await audit_actions(client) == [("login_failed", "anna", None)] * 3 + [("login_locked", "anna", "account")]
    client.clock.advance(timedelta(minutes=31))  # the failures have left the window
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200


async def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another(
        account_lock: AppClient) -> None:
    """Walk 3, item 18: a person the caseworker joined knows their alias (the login name by default). Their wrong
    passwords lock that account from their own address only; the caseworker's machine still logs in."""
    client = account_lock
    await add_caseworker(client, "anna")
    for _ in range(3):
        assert (await log_in(client, "anna", "wrong password!", AWAY))[0] == 401
    status, body, _ = await log_in(client, "anna", PASSWORD, AWAY)
    assert status == 429 and body["error"].startswith("Too many wrong passwords for this account.")
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200
    assert (await log_in(client, "anna", PASSWORD, AWAY))[0] == 429  # the owner's login opens nothing for AWAY
    assert await audit_actions(client) == [("login_failed", "anna", None)] * 3 + [("login_locked", "anna", "account")]


async def test_the_accounts_failures_from_every_address_slow_it_down_but_never_lock_it(
        tmp_path: Path, waits: list[float]) -> None:
    """Guesses spread over many addresses: each address stays under its lock, but the wait after a wrong password
    grows with the account's failures from all of them; the right password is let in at once, from anywhere."""
    async for client in app_with(tmp_path, HAVN_LOGIN_FAILURE_DELAY="0.5", HAVN_LOGIN_FAILURES_PER_ACCOUNT="3/900"):
        await add_caseworker(client, "anna")
        for n in range(8):
            assert (await log_in(client, "anna", "wrong password!", f"192.0.2.{n + 1}"))[0] == 401
        assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200
        assert (await log_in(client, "anna", PASSWORD, "192.0.2.1"))[0] == 200  # one failure there: not locked
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0]  # the account's count, not the address's


async def test_a_locked_name_that_has_no_account_looks_the_same(account_lock: AppClient) -> None:
    for _ in range(3):
        assert (await log_in(account_lock, "nobody", "wrong password!", HOME))[0] == 401
    status, body, _ = await log_in(account_lock, "nobody", PASSWORD, HOME)
    assert status == 429 and "locked" in body["error"]


async def test_a_right_password_clears_the_accounts_failures(account_lock: AppClient) -> None:
    client = account_lock
    await add_caseworker(client, "anna")
    for _ in range(2):
        assert (await log_in(client, "anna", "wrong password!", HOME))[0] == 401
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200
    for _ in range(2):
        assert (await log_in(client, "anna", "wrong password!", HOME))[0] == 401
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200  # 2 + 2 failures, never 3 in a row


async def test_wrong_passwords_from_one_address_lock_that_address_only(address_lock: AppClient) -> None:
    client = address_lock
    await add_caseworker(client, "bob")
    for name in ("admin", "root", "anna"):  # trying names, one password each
        assert (await log_in(client, name, "wrong password!", HOME))[0] == 401
    status, body, _ = await log_in(client, "bob", PASSWORD, HOME)
    assert status == 429
    assert body["error"].startswith("Too many wrong passwords from this address.")
    assert (await log_in(client, "bob", PASSWORD, AWAY))[0] == 200  # bob from elsewhere: not locked
    assert await audit_actions(client) == [("login_failed", None, None)] * 3 + [("login_locked", None, "address")]


async def test_a_burst_of_wrong_passwords_in_parallel_gets_no_more_checks_than_the_limit(
        account_lock: AppClient) -> None:
    """The issue's attack: 50 wrong passwords at once, then the right one. Attempts are counted before argon2."""
    client = account_lock
    await add_caseworker(client, "anna")
    statuses = await asyncio.gather(*(log_in(client, "anna", f"wrong password {n}", HOME) for n in range(20)))
    assert sorted(status for status, _, _ in statuses) == [401] * 3 + [429] * 17
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 429


async def test_each_wrong_password_waits_longer(tmp_path: Path, waits: list[float]) -> None:
    async for client in app_with(tmp_path, HAVN_LOGIN_FAILURE_DELAY="0.5", HAVN_LOGIN_FAILURES_PER_ACCOUNT="9/900"):
        await add_caseworker(client, "anna")
        for _ in range(6):
            assert (await log_in(client, "anna", "wrong password!", HOME))[0] == 401
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # doubled each time, at most 8× the first


class CountingHasher:
    """argon2's hasher, slowed down and watched: how many checks run at the same moment."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def verify(self, hashed: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.15)
            return self.real.verify(hashed, password)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password: str) -> str:
        return self.real.hash(password)


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_password_checks_run_at_most_the_configured_number_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, concurrency: int) -> None:
    hasher = CountingHasher(handover.accounts._HASHER)
    monkeypatch.setattr(handover.accounts, "_HASHER", hasher)
    # (Nine logins at once to one account would otherwise meet its limit: attempts are counted before the check.)
    async for client in app_with(tmp_path, HAVN_LOGIN_CONCURRENCY=str(concurrency),
                                 HAVN_LOGIN_FAILURES_PER_ACCOUNT="100/900"):
        await add_caseworker(client, "anna")
        started = time.monotonic()
        statuses = await asyncio.gather(*(log_in(client, "anna", PASSWORD, HOME) for _ in range(9)))
        took = time.monotonic() - started
    assert [status for status, _, _ in statuses] == [200] * 9
    assert hasher.most == concurrency  # never more; and as many as allowed (they do run side by side)
    assert took >= 9 / concurrency * 0.15 * 0.9


async def test_an_admin_unlocks_a_locked_account_at_once_and_it_is_audited(account_lock: AppClient) -> None:
    """The lock's sentence says "ask an admin": the admin can (POST /caseworkers/unlock); nobody else can."""
    client = account_lock
    await add_caseworker(client, "anna")
    for address in (HOME, AWAY):  # the owner, at their desk and at home
        for _ in range(3):
            assert (await log_in(client, "anna", "wrong password!", address))[0] == 401
        assert (await log_in(client, "anna", PASSWORD, address))[0] == 429
    caseworker = await login(client, "bob")
    await caseworker.call("POST", "/caseworkers/unlock", {"name": "anna"}, expect=403)
    admin = await login(client, "adam", "admin")
    assert (await admin.call("POST", "/caseworkers/unlock", {"name": "nobody"}, expect=404))["error"]
    unlocked = await admin.call("POST", "/caseworkers/unlock", {"name": "anna"})
    assert (unlocked["name"], unlocked["role"]) == ("anna", "caseworker")
    assert (await log_in(client, "anna", PASSWORD, HOME))[0] == 200
    assert (await log_in(client, "anna", PASSWORD, AWAY))[0] == 200  # opened from every address
    supervisor = await login(client, "sofie", "supervisor")
    actions = [(item["action"], item["caseworker"]) for item in (await supervisor.call("GET", "/audit"))["items"]]
    assert ("login_unlocked", "adam") in actions
