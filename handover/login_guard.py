"""Console logins under attack: wrong passwords counted per account and per address (core/limits.py, so that
every app instance counts together), with a growing wait and then a temporary lock.

- Every attempt is counted before its password is checked, so that a burst sent in parallel gets no more argon2
  checks than the limit allows; a right password takes its attempt back (below).
- Each wrong password waits `delay` seconds, doubled with each further failure of that account (up to 8×), and is
  audited (`login_failed`, as before).
- After `per_account` failures (default 5 in 15 minutes) the account is locked while they stay in the window:
  every login to it is refused with 429 and a sentence, the right password too, and without checking it (no
  argon2 work for an attacker). Likewise every login from an address after `per_address` failures from it
  (default 20 in 15 minutes): one address cannot try many accounts. A lock is audited once, when it starts
  (`login_locked`, detail "account" or "address"); the refused attempts are not, so that a flood cannot fill
  the audit log.
- An admin can open a locked account at once (`unlock`: the console API's POST /caseworkers/unlock, or
  `havn caseworker unlock NAME`), audited as `login_unlocked`.
- A successful login clears its account's failures; of its address's count it takes back only its own attempt
  (an attacker who has one account must not be able to reset their address's count with it).

The name counts as typed (a keyed hash of it), whether an account has it or not: a locked name says nothing
about whether it exists. The address is the client's, as a keyed hash (core/sources.py).
"""

from __future__ import annotations

import math
from asyncio import sleep
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import TooMany
from core.limits import Limit, Limiter, Verdict
from core.pseudonym import Pseudonymizer
from handover.audit import Audit
from handover.console_words import console_words

ACCOUNT = "login-account"
ADDRESS = "login-address"
LONGEST_DELAY_FACTOR = 8


@dataclass(frozen=True)
class Attempt:
    """One login attempt, counted before its password is checked."""

    name_key: str
    source: str
    account: Verdict
    address: Verdict


@dataclass(frozen=True)
class LoginGuard:
    limiter: Limiter
    audit: Audit
    name_key: Callable[[str], str]  # the keyed hash a login name counts by
    per_account: Limit
    per_address: Limit
    delay: float  # seconds after the first wrong password; doubled after each further one

    async def begin(self, name: str, source: str) -> Attempt:
        """Count the attempt before argon2 runs, so that a burst in parallel gets no more checks than the limit;
        TooMany (429, with a sentence) while the account or the address is locked."""
        name_key = self.name_key(name.strip())
        account = await self.limiter.hit(ACCOUNT, name_key, self.per_account)
        address = await self.limiter.hit(ADDRESS, source, self.per_address)
        if not account.allowed:
            raise TooMany(console_words().text("en", "error.account_locked", minutes=_minutes(account)),
                          account.retry_after)
        if not address.allowed:
            raise TooMany(console_words().text("en", "error.address_locked", minutes=_minutes(address)),
                          address.retry_after)
        return Attempt(name_key, source, account, address)

    async def failed(self, attempt: Attempt, account_id: int | None) -> None:
        """Audit a wrong password (and a lock it starts), then wait before answering."""
        await self.audit.record(account_id, "login_failed")
        if _starts_lock(attempt.account, self.per_account):
            await self.audit.record(account_id, "login_locked", detail="account")
        if _starts_lock(attempt.address, self.per_address):
            await self.audit.record(account_id, "login_locked", detail="address")
        failures = max(1, math.floor(attempt.account.estimate))
        await sleep(self.delay * min(2 ** (failures - 1), LONGEST_DELAY_FACTOR))

    async def unlock(self, name: str, account_id: int, by: int | None) -> None:
        """An admin opens an account that wrong passwords locked, before its window ends (the owner called and
        the failures were theirs; `by`: the admin's account, None for `havn caseworker unlock`). Audited; an
        address lock stays: that is the attacker's, not the account's."""
        await self.limiter.reset(ACCOUNT, self.name_key(name.strip()))
        await self.audit.record(by, "login_unlocked", detail=f"account {account_id}")

    async def succeeded(self, attempt: Attempt) -> None:
        """A right password: its account's failures are forgotten; the address's count gives this attempt back."""
        await self.limiter.reset(ACCOUNT, attempt.name_key)
        await self.limiter.undo(ADDRESS, attempt.source, self.per_address)


def login_name_key(pseudonymizer: Pseudonymizer) -> Callable[[str], str]:
    """The keyed hash a login name counts by: the app's and the `havn caseworker unlock` command's."""
    return lambda name: pseudonymizer.address_hash("login", name)


def _starts_lock(verdict: Verdict, limit: Limit) -> bool:
    """This attempt filled the window (and failed): from now on, logins are refused."""
    return verdict.estimate > limit.count - 1


def _minutes(verdict: Verdict) -> int:
    """The wait in whole minutes, at least one; its words are the console's (plural by CLDR, core/texts.py)."""
    return max(1, math.ceil(verdict.retry_after / 60))
