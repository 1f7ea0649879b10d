"""Web chat sessions on the server's side: a token is refused when it is old, idle or ended.

A token (bot/channels/webchat_tokens.py) is signed, so nothing is stored for a visitor who never writes. Once a
session writes, one row of `webchat_session` remembers when it was last used; the person's Delete marks it
ended. A token is refused (401) when
- it was issued longer ago than the maximum age, whatever happens (a stolen token dies with it);
- it has not been used for the idle time (a tab left open polls, so a person who waits keeps it alive; a token
  copied from somewhere stops working once its owner is gone);
- it was ended: the erasure removes every trace of the person, but the token itself is still correctly signed,
  so the row stays (a keyed hash, no id in clear) until the token would have died of old age anyway.
Deleting is the one thing a quiet or old (but not ended) token may still do: it shows nothing, and it is the
person's right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.webchat_ids import MessageIds
from bot.channels.webchat_tokens import Keyed, SessionTokens
from core.clock import SYSTEM_CLOCK, Clock
from core.errors import Unauthenticated
from core.models import WebchatSession, as_utc

ROW_PURPOSE = "webchat-session-row"
IDS_PURPOSE = "webchat-message-ids"
SEEN_EVERY = timedelta(minutes=1)  # `seen_at` is refreshed at most this often: one write a minute per open tab
ENDED = ("This chat session has ended: it was deleted, or quiet for too long, or it is too old. This keeps what "
         "you wrote safe. Please start a new chat (reload the page).")
MISSING = "This chat needs a session. Please start a new chat (reload the page)."


class SessionEnded(Unauthenticated, default=ENDED):
    """A token that was ours but is refused now (deleted, idle, old) or was never ours: the web chat's API says
    so in the person's language (bot/channels/webchat.py); ENDED is the sentence where nobody asked for one."""


class SessionMissing(Unauthenticated, default=MISSING):
    """A request that names no session at all: said in the person's language too (bot/channels/webchat.py)."""


@dataclass(frozen=True)
class WebSession:
    """A token that was accepted: the person's address and what this session needs to answer them."""

    session_id: str  # the address the gateway pseudonymises; never stored in clear
    key_hash: str
    issued_at: datetime
    seen_at: datetime | None  # None: it has never written
    ids: MessageIds


class WebSessions:
    def __init__(self, engine: AsyncEngine, keys: Keyed, idle: timedelta, max_age: timedelta, *,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self._engine = engine
        self._keys = keys
        self._tokens = SessionTokens(keys)
        self.idle = idle
        self.max_age = max_age
        self._clock = clock

    def issue(self) -> str:
        return self._tokens.issue(self._clock.now())

    async def open(self, token: str | None, *, erasing: bool = False) -> WebSession:
        """The session of this token; Unauthenticated (401, with a sentence) when it is missing or refused.

        `erasing`: erasure is the person's right even after their session went quiet or old (a tab that comes
        back after a night): a token we signed that was not ended yet may still delete, and only delete."""
        if not token:
            raise SessionMissing
        parsed = self._tokens.parse(token)
        if parsed is None:
            raise SessionEnded
        now = self._clock.now()
        if now - parsed.issued_at > self.max_age and not erasing:
            raise SessionEnded
        key_hash = self._keys.keyed(ROW_PURPOSE, parsed.session_id).hex()
        async with self._engine.connect() as connection:
            row = (await connection.execute(select(WebchatSession.seen_at, WebchatSession.ended)
                                            .where(WebchatSession.key_hash == key_hash))).first()
        seen_at = None if row is None else as_utc(row.seen_at)
        idle = now - max(parsed.issued_at, seen_at or parsed.issued_at) > self.idle
        if (row is not None and row.ended) or (idle and not erasing):
            raise SessionEnded
        return WebSession(parsed.session_id, key_hash, parsed.issued_at, seen_at,
                          MessageIds(self._keys.keyed(IDS_PURPOSE, parsed.session_id)))

    async def used(self, session: WebSession, *, wrote: bool) -> None:
        """The session was just used: the first message makes its row; after that a message or a poll refreshes
        it at most once a minute (idle time is counted to within a minute: one write fewer for most messages),
        and a visitor who never writes leaves nothing."""
        now = self._clock.now()
        if session.seen_at is None and not wrote:
            return
        if session.seen_at is not None and now - session.seen_at < SEEN_EVERY:
            return
        await self._save(session, now, ended=False)

    async def end(self, session: WebSession) -> None:
        """Refuse this token from now on (the person deleted the conversation)."""
        await self._save(session, self._clock.now(), ended=True)

    async def _save(self, session: WebSession, now: datetime, *, ended: bool) -> None:
        values = {"seen_at": now, **({"ended": True} if ended else {})}
        async with self._engine.begin() as connection:
            # An ended session stays ended, whatever a request that was already under way writes after it.
            changed = await connection.execute(update(WebchatSession).where(
                WebchatSession.key_hash == session.key_hash, WebchatSession.ended.is_(False)).values(values))
            if changed.rowcount:
                return
            # Rows of tokens that have died of old age go as new ones come: no sweep of its own is needed.
            await connection.execute(delete(WebchatSession).where(WebchatSession.expires_at < now))
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(WebchatSession).values(
                    key_hash=session.key_hash, seen_at=now, expires_at=session.issued_at + self.max_age,
                    ended=ended))
        except IntegrityError:  # the row exists (ended, or made by a request at the same moment)
            if ended:
                async with self._engine.begin() as connection:
                    await connection.execute(update(WebchatSession).where(
                        WebchatSession.key_hash == session.key_hash).values(values))
