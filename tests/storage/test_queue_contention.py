"""Many caseworkers pressing "take the next one" at once: every waiting conversation is claimed exactly once.

PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED): 20 concurrent claimers, 500 queued conversations, as the issue
asks. SQLite (guarded update and retry): 5 claimers, 100 conversations, so that the retry path runs too.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, insert, select

from core.db import create_engine, migrate_async
from core.models import Assignment, Contact, Conversation
from core.pseudonym import Pseudonymizer
from core.vocabulary import Kind, State, Tier
from handover.accounts import Accounts
from handover.queue import Queue
from tests.databases import database_url


async def fill_queue(engine, conversations: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    tiers = random.Random(7).choices(list(Tier), k=conversations)
    async with engine.begin() as connection:
        await connection.execute(insert(Contact), [
            {"id": n + 1, "channel": "webchat", "address_hash": secrets.token_hex(32), "reply_address": f"chat {n}",
             "created_at": now} for n in range(conversations)])
        await connection.execute(insert(Conversation), [
            {"id": f"{n:032d}", "contact_id": n + 1, "channel": "webchat", "state": State.QUEUED, "tier": tier,
             "kind": Kind.HELP, "language": "en", "language_chosen": False, "alias": f"Visitor {n}",
             "created_at": now, "updated_at": now, "queued_at": now - timedelta(seconds=n)}
            for n, tier in enumerate(tiers)])


@pytest.mark.parametrize(("kind", "claimers", "conversations"), [("postgresql", 20, 500), ("sqlite", 5, 100)])
async def test_every_conversation_is_claimed_exactly_once(tmp_path: Path, kind: str, claimers: int,
                                                          conversations: int) -> None:
    async with database_url(kind, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        await migrate_async(url)
        engine = create_engine(url, Pseudonymizer("test-hash-key", (Fernet.generate_key().decode(),)))
        try:
            await fill_queue(engine, conversations)
            accounts = Accounts(engine)
            ids = [(await accounts.add(f"caseworker{n}", "a long enough password", "caseworker")).id
                   for n in range(claimers)]
            queue = Queue(engine)

            async def claimer(caseworker_id: int) -> list[str]:
                claimed = []
                while (conversation_id := await queue.claim_next(caseworker_id)) is not None:
                    claimed.append(conversation_id)
                return claimed

            results = await asyncio.gather(*(claimer(caseworker_id) for caseworker_id in ids))
            claimed = [conversation_id for result in results for conversation_id in result]
            assert len(claimed) == conversations and len(set(claimed)) == conversations
            assert sum(1 for result in results if result) > 1  # the claimers really ran side by side
            async with engine.connect() as connection:
                per_conversation = Counter(await connection.scalars(select(Assignment.conversation_id)))
                left = await connection.scalar(select(func.count()).select_from(Conversation).where(
                    Conversation.state == State.QUEUED))
            assert set(per_conversation.values()) == {1} and len(per_conversation) == conversations
            assert left == 0
        finally:
            await engine.dispose()
