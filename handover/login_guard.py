"""Console logins under attack: wrong passwords counted per account and address, per address, and per account
(core/limits.py, so that every app instance counts together), with a growing wait and then a temporary lock.

Why the lock is per account *and address* (walk 3, item 18): a caseworker's alias is shown to every person they
join ("mette from the centre has joined"), and aliases default to the login name. A lock per account alone let
anyone a caseworker had talked to lock them out for half an hour with five wrong passwords. So:

- Pair lock: after `per_account` failures (HAVN_LOGIN_FAILURES_PER_ACCOUNT, default 5 in 15 minutes) for one
  account *from one address*, logins to that account from that address are refused with 429 and a sentence while
  the failures stay in the window, the right password too, and without checking it (no argon2 work for the
  trier). The caseworker's own machine, elsewhere, still logs in.
- Address lock: after `per_address` failures from one address (default 20 in 15 minutes), whatever the names,
  every login from it is refused: one address cannot try many accounts.
- Account slow-down: the account's failures are also counted across every address. They never refuse a login
  (that would hand the lock-out back to anyone with a few addresses); they set the wait after each wrong password,
  `delay` seconds doubled with each further failure of the account from anywhere (up to 8×). A right password is
  never held back by it.
  What bounds a guesser with many addresses is then `per_account` guesses per address (an IPv6 /64 counts as one,
  core/sources.py) per window, the wait, and the argon2 checks at once (HAVN_LOGIN_CONCURRENCY); with passwords of
  12 or more characters that is far from enough. Every failure is audited, so such an attack is seen.

- Every attempt is counted before its password is checked, so that a burst sent in parallel gets no more argon2
  checks than the limits allow; a right password takes its attempt back (below).
- Each wrong password is audited (`login_failed`, as before). A lock is audited once, when it starts
  (`login_locked`, detail "account" for a pair lock, "address"); the refused attempts are not, so that a flood
  cannot fill the audit log.
- An admin can open a locked account at once, from every address (`unlock`: the console API's
  POST /caseworkers/unlock, or `havn caseworker unlock NAME`), audited as `login_unlocked`.
- A successful login clears its own address's failures for that account; of the account's count and its
  address's count it takes back only its own attempt (an attacker who has one account must not be able to reset
  their address's count with it, and the owner's login must not wipe out the slow-down of someone guessing).

The name counts as typed (a keyed hash of it), whether an account has it or not: a locked name says nothing
about whether it exists. The address is the client's, as a keyed hash (core/sources.py). A pair's key is the
first half of each hash (rate_count keys hold 100 characters): 128 bits each.
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

PAIR = "login-pair"  # one account from one address: locks
ACCOUNT = "login-account"  # one account from every address: slows down, never locks
ADDRESS = "login-address"  # one address, every account: locks
HALF_HASH = 32
LONGEST_DELAY_FACTOR = 8


@dataclass(frozen=True)
class Attempt:
    """One login attempt, counted before its password is checked."""

    name_key: str
    source: str
    pair: Verdict
    account: Verdict
    address: Verdict


@dataclass(frozen=True)
class LoginGuard:
    limiter: Limiter
    audit: Audit
    name_key: Callable[[str], str]  # the keyed hash a login name counts by
    per_account: Limit  # failures of one account from one address, then that pair is locked
    per_address: Limit
    delay: float  # seconds after the first wrong password; doubled after each further one

    async def begin(self, name: str, source: str) -> Attempt:
        """Count the attempt before argon2 runs, so that a burst in parallel gets no more checks than the limit;
        TooMany (429, with a sentence) while the account is locked from this address, or the address is."""
        name_key = self.name_key(name.strip())
        pair = await self.limiter.hit(PAIR, _pair(name_key, source), self.per_account)
        account = await self.limiter.hit(ACCOUNT, name_key, self.per_account)  # its verdict only sets the wait
        address = await self.limiter.hit(ADDRESS, source, self.per_address)
        if not pair.allowed:
            raise TooMany(console_words().text("en", "error.account_locked", minutes=_minutes(pair)),
                          pair.retry_after)
        if not address.allowed:
            raise TooMany(console_words().text("en", "error.address_locked", minutes=_minutes(address)),
                          address.retry_after)
        return Attempt(name_key, source, pair, account, address)

    async def failed(self, attempt: Attempt, account_id: int | None) -> None:
        """Audit a wrong password (and a lock it starts), then wait before answering."""
        await self.audit.record(account_id, "login_failed")
        if _starts_lock(attempt.pair, self.per_account):
            await self.audit.record(account_id, "login_locked", detail="account")
        if _starts_lock(attempt.address, self.per_address):
            await self.audit.record(account_id, "login_locked", detail="address")
        failures = max(1, math.floor(attempt.account.estimate))  # the account's, from every address
        await sleep(self.delay * min(2 ** (failures - 1), LONGEST_DELAY_FACTOR))

    async def unlock(self, name: str, account_id: int, by: int | None) -> None:
        """An admin opens an account that wrong passwords locked, before its window ends (the owner called and
        the failures were theirs; `by`: the admin's account, None for `havn caseworker unlock`): from every
        address, and its slow-down ends. Audited; an address lock stays: that is the attacker's, not the account's."""
        name_key = self.name_key(name.strip())
        await self.limiter.reset_starting(PAIR, name_key[:HALF_HASH])
        await self.limiter.reset(ACCOUNT, name_key)
        await self.audit.record(by, "login_unlocked", detail=f"account {account_id}")

    async def succeeded(self, attempt: Attempt) -> None:
        """A right password: its account's failures from this address are forgotten; the account's and the
        address's counts give this attempt back."""
        await self.limiter.reset(PAIR, _pair(attempt.name_key, attempt.source))
        await self.limiter.undo(ACCOUNT, attempt.name_key, self.per_account)
        await self.limiter.undo(ADDRESS, attempt.source, self.per_address)


def login_name_key(pseudonymizer: Pseudonymizer) -> Callable[[str], str]:
    """The keyed hash a login name counts by: the app's and the `havn caseworker unlock` command's."""
    return lambda name: pseudonymizer.address_hash("login", name)


def _pair(name_key: str, source: str) -> str:
    """One account from one address: the first half of each keyed hash (the account's half first, so that an
    unlock finds every address's count by it)."""
    return name_key[:HALF_HASH] + source[:HALF_HASH]


def _starts_lock(verdict: Verdict, limit: Limit) -> bool:
    """This attempt filled the window (and failed): from now on, logins are refused."""
    return verdict.estimate > limit.count - 1


def _minutes(verdict: Verdict) -> int:
    """The wait in whole minutes, at least one; its words are the console's (plural by CLDR, core/texts.py)."""
    return max(1, math.ceil(verdict.retry_after / 60))
