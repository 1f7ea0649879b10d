"""Benchmark of the outbox (handover/outbox.py, handover/delivery.py): what storing first and sending from the
delivery worker costs against sending straight from the request, on Telegram's path.

    python bench/outbox.py [--postgres URL] [--messages 40] [--conversations 20] [--per-conversation 10]

Against the fake Bot API (tests/fakes/bot_api.py) on 127.0.0.1, through python-telegram-bot's real Bot:
1. latency, one message at a time: from the call (a direct `send_message`; `Outbox.send`, which stores the
   message and its outbox row in one transaction and wakes the worker) to the moment the fake Bot API received
   it. The direct path stores the message too (as the app did before), so that the difference is the outbox's own
   cost: the outbox row, the wake-up, the claim, and marking it sent. Median and 95th percentile, in ms.
2. throughput: `--conversations` conversations with `--per-conversation` messages each, all queued at once;
   the direct path sends each conversation's in order, the conversations side by side. Messages per second.
SQLite (a file in a temporary folder) by default; --postgres runs the same on a PostgreSQL database (empty).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from telegram import Bot  # noqa: E402

from bot.channels.telegram_refusals import refused_as_delivery  # noqa: E402
from core.db import create_engine, migrate_async  # noqa: E402
from core.messages import Message  # noqa: E402
from core.pseudonym import Pseudonymizer  # noqa: E402
from core.vocabulary import Sender  # noqa: E402
from handover.delivery import DeliveryWorker  # noqa: E402
from handover.hub import Hub  # noqa: E402
from handover.outbox import Outbox  # noqa: E402
from handover.outbox_rows import OutboxRows  # noqa: E402
from handover.ports import Send  # noqa: E402
from handover.store import Store  # noqa: E402
from tests.fakes.bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:BENCH-token"
CHANNEL = "telegram"


async def nobody(_conversation_id: str) -> None:  # the hub's question: no console is connected here
    return None


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"


class Bench:
    def __init__(self, url: str, bot_api: FakeBotApi, bot: Bot) -> None:
        self.url, self.bot_api, self.bot = url, bot_api, bot
        self.engine = create_engine(url, Pseudonymizer("bench-hash-key", (Fernet.generate_key().decode(),)))
        self.store = Store(self.engine)
        hub = Hub(nobody)
        rows = OutboxRows(self.engine)
        self.worker = DeliveryWorker(rows, hub)
        self.outbox = Outbox(self.store, rows, hub, self.worker, (CHANNEL,))
        self.outbox.add_channel(CHANNEL, self.deliver)
        self.chats = 0

    async def deliver(self, chat_id: str, message: Message) -> list[Send]:
        return [lambda: refused_as_delivery(self.bot.send_message(chat_id, message.text))]

    async def conversation(self) -> tuple[str, str]:
        self.chats += 1
        chat_id = str(10_000 + self.chats)
        state = await self.store.receive(CHANNEL, f"bench {chat_id}", chat_id, "en", Message("hello"))
        return state.id, chat_id

    async def arrival(self, chat_id: str, text: str, since: int) -> float:
        [call] = await self.bot_api.wait_for("sendMessage", chat_id=int(chat_id), since=since)
        assert call.params["text"] == text
        return call.at

    async def latency(self, count: int) -> tuple[list[float], list[float]]:
        direct, queued = [], []
        for n in range(count):
            conversation_id, chat_id = await self.conversation()
            text = f"direct {n}"
            since = len(self.bot_api.calls)
            start = time.perf_counter()
            await self.store.add_messages(conversation_id, Sender.CASEWORKER, [Message(text)])
            await self.bot.send_message(chat_id, text)
            direct.append(await self.arrival(chat_id, text, since) - start)
            text = f"outbox {n}"
            since = len(self.bot_api.calls)
            start = time.perf_counter()
            await self.outbox.send(conversation_id, Sender.CASEWORKER, [Message(text)])
            queued.append(await self.arrival(chat_id, text, since) - start)
        return direct, queued

    async def throughput(self, conversations: int, each: int) -> tuple[float, float]:
        chats = [await self.conversation() for _ in range(conversations)]
        total = conversations * each

        async def in_order(conversation_id: str, chat_id: str) -> None:
            for k in range(each):
                await self.store.add_messages(conversation_id, Sender.BOT, [Message(f"d{k}")])
                await self.bot.send_message(chat_id, f"d{k}")

        start = time.perf_counter()
        await asyncio.gather(*(in_order(*chat) for chat in chats))
        direct = total / (time.perf_counter() - start)

        since = len(self.bot_api.calls)
        start = time.perf_counter()
        for conversation_id, _ in chats:
            await self.outbox.send(conversation_id, Sender.BOT, [Message(f"q{k}") for k in range(each)])
        await self.bot_api.wait_for("sendMessage", count=total, since=since, timeout=300)
        queued = total / (time.perf_counter() - start)
        return direct, queued


async def run(url: str, args: argparse.Namespace) -> None:
    await migrate_async(url)
    bot_api = FakeBotApi()
    await bot_api.start()
    bot = Bot(TOKEN, base_url=f"{bot_api.url}/bot")
    await bot.initialize()
    bench = Bench(url, bot_api, bot)
    bench.worker.start()
    try:
        await bench.latency(5)  # warm-up: connections, the first statements
        direct, queued = await bench.latency(args.messages)
        print(f"latency, one message at a time ({args.messages} each):")
        print(f"  direct send (stored, then sent)   {ms(direct)}")
        print(f"  outbox (stored+queued, worker)    {ms(queued)}")
        added = statistics.median(queued) - statistics.median(direct)
        print(f"  added by the outbox: {added * 1000:.2f} ms at the median")
        direct_rate, queued_rate = await bench.throughput(args.conversations, args.per_conversation)
        print(f"throughput, {args.conversations} conversations x {args.per_conversation} messages, in order each:")
        print(f"  direct send: {direct_rate:7.1f} messages/s")
        print(f"  outbox:      {queued_rate:7.1f} messages/s")
    finally:
        await bench.worker.stop()
        await bot.shutdown()
        await bot_api.stop()
        await bench.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL URL (postgresql+asyncpg://…) of an empty database")
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--per-conversation", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite+aiosqlite:///{folder}/bench.db"
        print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
        asyncio.run(run(url, args))


if __name__ == "__main__":
    main()
