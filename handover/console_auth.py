"""Who is calling the console API: the session token, the CSRF header, roles, and logging in and out.

Authentication is a session token, as a Bearer header (scripts) or an HttpOnly SameSite=Strict cookie (the
page); a state-changing request that relies on the cookie must also carry the header `X-Havn-Console: 1`, which
a page on another site cannot send without our consent (CSRF). Roles: everyone logged in sees the queue and may
claim; supervisors (and admins) open every conversation and read the audit log; only admins manage accounts.
"""

from __future__ import annotations

from aiohttp import web

from core.errors import Forbidden, Unauthenticated
from handover.accounts import Account, Accounts
from handover.audit import Audit
from handover.login_guard import LoginGuard

COOKIE = "havn_console"
CSRF_HEADER = "X-Havn-Console"
COOKIE_MAX_AGE = 12 * 3600  # seconds: the session's lifetime (handover/accounts.py SESSION_LIFETIME)
SAFE_METHODS = ("GET", "HEAD")


def token_of(request: web.Request) -> tuple[str | None, bool]:
    """The session token and whether it came from the cookie."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip(), False
    return request.cookies.get(COOKIE), True


async def authenticate(request: web.Request, accounts: Accounts, role: str | None = None) -> Account:
    """The caller's account; Unauthenticated without a valid session, Forbidden without the CSRF header on a
    change that relies on the cookie, or below `role` ("supervisor": supervisors and admins; "admin")."""
    token, from_cookie = token_of(request)
    account = await accounts.session(token) if token else None
    if account is None:
        raise Unauthenticated("Please log in.")
    if from_cookie and request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != "1":
        raise Forbidden(f"Requests from the console page must carry the header {CSRF_HEADER}: 1.")
    if not allowed(account, role):
        raise Forbidden("Your role does not allow this.")
    return account


def allowed(account: Account, role: str | None) -> bool:
    if role == "admin":
        return account.role == "admin"
    return role != "supervisor" or account.is_supervisor


async def log_in(accounts: Accounts, audit: Audit, name: str, password: str, guard: LoginGuard,
                 source: str) -> tuple[Account, str]:
    """The account and a new session token; Unauthenticated (after a growing delay, audited) for a wrong name or
    password; TooMany (429) while the account or the address `source` is locked (handover/login_guard.py)."""
    # Counted before argon2: a locked account costs an attacker's flood nothing, and a burst no more checks.
    attempt = await guard.begin(name, source)
    result = await accounts.login(name, password)
    if result is None:
        # The account it was for, if any; never what was typed: a password typed into the name field
        # must not end up in the audit log.
        await guard.failed(attempt, await accounts.id_of(name))  # audited, a growing wait
        raise Unauthenticated("Wrong name or password.")
    account, token = result
    await guard.succeeded(attempt)
    await audit.record(account.id, "login")
    return account, token


def keep_session(response: web.StreamResponse, request: web.Request, token: str) -> None:
    """The page's cookie: HttpOnly (no script reads it), SameSite=Strict, Secure behind HTTPS."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/", secure=request.secure,
                        max_age=COOKIE_MAX_AGE)


def end_session(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")
