"""The app's periodic jobs, each run by one instance at a time however many share the database (core/leases.py,
docs/scale.md "Instances"): the queue's sweep, the daily retention purge (with the day-old wrong reference codes),
the clean-up of expired rate-limit windows and of day-old Telegram update ids, and Telegram's polling."""

from __future__ import annotations

import asyncio

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_updates import SeenUpdates
from core.leases import Leases
from core.limits import Limiter
from handover.retention import Retention
from handover.service import Handover

DAY = 24 * 3600.0
CLEANUP_EVERY = 60.0  # seconds; expired rate-limit windows are only rows no check reads


def start(leases: Leases, *, sweep_every: float, handover: Handover, retention: Retention, limiter: Limiter,
          updates: SeenUpdates, telegram: TelegramChannel | None) -> list[asyncio.Task[None]]:
    async def clean_up() -> None:
        await limiter.purge()
        await updates.forget_old()

    jobs = [leases.run("queue_sweep", sweep_every, handover.sweep),
            leases.run("retention", DAY, retention.purge_logged, at_start=True),
            leases.run("cleanup", CLEANUP_EVERY, clean_up)]
    if telegram is not None and telegram.polls:
        jobs.append(leases.lead("telegram_polling", telegram.start_polling, telegram.stop_polling))
    return [asyncio.create_task(job) for job in jobs]
