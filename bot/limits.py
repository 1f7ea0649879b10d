"""The person's side of the rate limits (core/limits.py, docs/limits.md): which limit a web chat session or a
message counts against, and what a person over a limit is told instead of an answer.

A person over a limit is never left with an error page: they get, in their language, that their last message
was not read and not kept (or that nothing was deleted yet) and to send it again in a few minutes, followed by
the safety line with 112 and the hotline (content/texts `limited*`; core/texts.py adds the line). The message
itself is not stored and does not reach Rasa, the danger lexicon or the queue: storing it would let a flood
fill the database all the same. The web chat page puts the text back into the input box (bot/static/webchat.js)
so that nothing typed is lost; on Telegram the message stays in the person's own chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.limits import Limit, Limiter, Verdict
from core.messages import Message
from core.texts import Texts
from core.vocabulary import Command, Sender

MESSAGES = "message"
SESSIONS = "session"
ERASURES = "erasure"


class Limited(Exception):  # a result the channels answer, like a ServiceError
    """A person over a limit: `replies` is what they are told (not stored), `verdict` says for how long."""

    def __init__(self, replies: list[Message], verdict: Verdict) -> None:
        super().__init__("rate limited")
        self.replies = replies
        self.verdict = verdict


@dataclass(frozen=True)
class ChannelLimits:
    limiter: Limiter
    texts: Texts
    sessions: Limit  # new web chat sessions per source
    messages: Limit  # web chat messages per source
    telegram_messages: Limit  # Telegram messages per chat
    erasures: Limit  # confirmed erasures per source

    async def session(self, source: str) -> Verdict:
        return await self.limiter.hit(SESSIONS, source, self.sessions)

    async def erasure(self, source: str) -> Verdict:
        return await self.limiter.hit(ERASURES, source, self.erasures)

    async def message(self, channel: str, source: str, payload: str | None) -> tuple[Verdict, str]:
        """The verdict for one message, and the text key to answer with when it is refused."""
        limit = self.telegram_messages if channel == "telegram" else self.messages
        verdict = await self.limiter.hit(MESSAGES, source, limit)
        if verdict.allowed and payload == Command.DELETE_CONFIRMED:
            return await self.erasure(source), "limited.delete"
        return verdict, "limited"

    def reply(self, key: str, language: str, now: datetime) -> Message:
        """What a limited person is told, with the safety line; sent, never stored (id 0)."""
        return self.texts.reply(key, language).stored(Sender.SYSTEM, 0, now)
