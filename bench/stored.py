"""Whether every message a bench sent was stored exactly once: rows counted in the app's database.

A person's messages are sealed, so rows are counted, not compared by text: for each web chat session, the rows
the person wrote (sender 'user', in any of that contact's conversations) against the messages the app accepted
(answered 200 without "limited"). A session is found by its keyed address hash, HMAC(HAVN_HASH_KEY,
"webchat:<the token's random part>"), as the gateway computes it (core/pseudonym.py): no id in clear anywhere.
A message whose request failed in transport may or may not have been stored: its session is reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import create_async_engine

from core.pseudonym import Pseudonymizer

CHANNEL = "webchat"
BATCH = 500


@dataclass
class Sent:
    """What one session sent: messages the app accepted, and messages whose fate is unknown (transport error)."""

    accepted: int = 0
    unknown: int = 0


@dataclass(frozen=True)
class Check:
    sessions: int
    accepted: int
    stored: int
    exact: int  # sessions whose rows equal what was accepted
    missing: int  # rows fewer than accepted, summed over sessions
    extra: int  # rows more than accepted (duplicates), summed over sessions with no unknown message
    uncertain: int  # sessions with a transport error whose rows are within [accepted, accepted + unknown]

    @property
    def exactly_once(self) -> bool:
        return self.missing == 0 and self.extra == 0


def async_url(url: str) -> str:
    """postgresql://… → postgresql+asyncpg://…; sqlite:///… → sqlite+aiosqlite:///…; others as they are."""
    for plain, driver in (("postgresql://", "postgresql+asyncpg://"), ("sqlite:///", "sqlite+aiosqlite:///")):
        if url.startswith(plain):
            return driver + url.removeprefix(plain)
    return url


async def check(database_url: str, hash_key: str, sent: dict[str, Sent]) -> Check:
    """`sent` by session address (the token's random part, before the first dot)."""
    # Hashing needs no encryption key; the constructor wants one, so a throwaway key that seals nothing.
    hashing = Pseudonymizer(hash_key, (Fernet.generate_key().decode(),))
    by_hash = {hashing.address_hash(CHANNEL, address): counts for address, counts in sent.items()}
    stored: dict[str, int] = {}
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.connect() as connection:
            hashes = list(by_hash)
            for start in range(0, len(hashes), BATCH):
                rows = await connection.execute(text(
                    "SELECT contact.address_hash, COUNT(message.id) FROM contact "
                    "JOIN conversation ON conversation.contact_id = contact.id "
                    "JOIN message ON message.conversation_id = conversation.id "
                    "WHERE message.sender = 'user' AND contact.address_hash IN :hashes "
                    "GROUP BY contact.address_hash").bindparams(bindparam("hashes", expanding=True)),
                    {"hashes": hashes[start:start + BATCH]})
                stored.update({row[0]: int(row[1]) for row in rows})
    finally:
        await engine.dispose()
    exact = missing = extra = uncertain = 0
    for address_hash, counts in by_hash.items():
        rows = stored.get(address_hash, 0)
        if counts.unknown and counts.accepted <= rows <= counts.accepted + counts.unknown:
            uncertain += 1
        elif rows == counts.accepted:
            exact += 1
        elif rows < counts.accepted:
            missing += counts.accepted - rows
        else:
            extra += rows - counts.accepted - counts.unknown
    return Check(len(by_hash), sum(c.accepted for c in by_hash.values()), sum(stored.values()), exact, missing,
                 extra, uncertain)

