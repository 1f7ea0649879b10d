"""The delivery worker: sends what the outbox holds (handover/outbox_rows.py) on the channels that push, one
task in the app (docs/outbox.md).

Woken at once when a message is queued, so that a reply waits for no poll; otherwise it sleeps until the next
retry is due (or a few seconds, for what another app instance left behind). Each row is claimed before it is
sent and sent once; the messages of one conversation go in order, those of different conversations side by
side. A refusal the channel may get over (a 5xx, the network, Telegram's flood control with its retry_after) is
tried again later, with a growing wait, a bounded number of times; one it will not (the person blocked the bot)
fails at once. Each change of a message's state is told to the consoles (EventType.DELIVERY): they show it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from core.clock import SYSTEM_CLOCK, Clock
from core.metrics import OUTBOX_FAILED, OUTBOX_RETRIES
from core.vocabulary import Delivery, EventType
from handover.hub import Hub, HubEvent
from handover.outbox_rows import Claimed, OutboxRows
from handover.ports import Deliver, DeliveryFailed

log = logging.getLogger(__name__)

IN_FLIGHT = 16  # conversations sent to side by side (each gets its messages one at a time)
LEASE = timedelta(minutes=2)  # a claim's life: longer than any attempt (python-telegram-bot times out in seconds)
LOOK_AGAIN = 10.0  # seconds: the longest sleep, for rows another instance left (its lease ended) or queued
MAX_ATTEMPTS = 10  # then failed: about a quarter of an hour of waits in all
FIRST_WAIT, LONGEST_WAIT = 2.0, 300.0  # seconds before a retry: doubled at each attempt, up to the longest
STOP_GRACE = 5.0  # seconds the sends under way get to finish when the app stops


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th attempt failed."""
    return timedelta(seconds=min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT))


class DeliveryWorker:
    def __init__(self, rows: OutboxRows, hub: Hub, *, clock: Clock = SYSTEM_CLOCK,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        self._rows = rows
        self._hub = hub
        self._clock = clock
        self._max_attempts = max_attempts
        self._channels: dict[str, Deliver] = {}
        self._woken = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    def add_channel(self, channel: str, deliver: Deliver) -> None:
        self._channels[channel] = deliver
        self.wake()  # what waited for this channel (queued while it was off) goes now

    def wake(self) -> None:
        self._woken.set()

    @property
    def sending(self) -> frozenset[str]:
        """The channels this worker sends on now: none while it is stopped."""
        return frozenset(self._channels) if self._task is not None else frozenset()

    def hand(self, row: Claimed) -> None:
        """A row claimed as it was queued (handover/outbox_rows.py `Queueing`, only on a channel in `sending`):
        sent at once, without a claim of its own."""
        self._start(row)

    def _start(self, row: Claimed) -> None:
        task = asyncio.create_task(self._deliver(row))
        self._in_flight.add(task)
        task.add_done_callback(self._done)

    def start(self) -> None:
        """Runs until `stop`; at once it sends what is pending from before (a restart, a crash)."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._in_flight:  # a send cut off now would come again after its lease: let it finish if it can
            _, late = await asyncio.wait(self._in_flight, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            try:
                await self._round()
            except Exception:  # the database away for a moment: the next round tries again
                log.exception("delivery round failed")
                await self._sleep(LOOK_AGAIN)

    async def _round(self) -> None:
        self._woken.clear()  # before the claim: a message queued during it wakes the next round
        free = IN_FLIGHT - len(self._in_flight)
        if not (free and self._channels):
            await self._sleep(LOOK_AGAIN)  # a send that ends wakes it; so does a channel added
            return
        claimed = await self._rows.claim(free, self._channels, LEASE)
        for row in claimed:
            self._start(row)
        if len(claimed) == free:
            return  # there may be more due: look again at once
        due = await self._rows.next_due(self._channels)
        wait = LOOK_AGAIN if due is None else (due - self._clock.now()).total_seconds()
        # Never a busy loop: something due but not claimable waits for a send to end, which wakes this.
        await self._sleep(min(LOOK_AGAIN, max(wait, 0.05)))

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery failed: %s", type(task.exception()).__name__)
        self.wake()  # the conversation's next message, if any, can go now

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), seconds)

    async def _deliver(self, row: Claimed) -> None:
        attempts, parts = row.attempts + 1, row.parts_sent
        try:
            sends = await self._channels[row.channel](row.address, row.message)
            for send in sends[parts:]:
                await send()
                parts += 1
        except DeliveryFailed as failure:
            state = await self._refused(row, attempts, parts, failure)
        except Exception as error:  # anything unforeseen is tried again like a network error: never dropped
            log.error("delivery attempt raised %s", type(error).__name__)
            state = await self._refused(row, attempts, parts, DeliveryFailed("error", retry=True))
        else:
            await self._rows.sent(row.id)
            state = Delivery.SENT
        if state != row.state:
            await self._hub.publish(HubEvent(EventType.DELIVERY, row.conversation_id))

    async def _refused(self, row: Claimed, attempts: int, parts: int, failure: DeliveryFailed) -> Delivery:
        # Only the kind and the attempt are logged: never an address, an id or a text.
        if failure.retry and attempts < self._max_attempts:
            wait = timedelta(seconds=failure.after) if failure.after is not None else backoff(attempts)
            await self._rows.retry(row.id, attempts, parts, failure.kind, wait)
            OUTBOX_RETRIES.labels(row.channel).inc()
            log.warning("delivery refused (%s), attempt %d: retried in %.0f s", failure.kind, attempts,
                        wait.total_seconds())
            return Delivery.RETRYING
        await self._rows.failed(row.id, attempts, parts, failure.kind)
        OUTBOX_FAILED.labels(row.channel).inc()
        log.warning("delivery failed (%s) after %d attempt(s)", failure.kind, attempts)
        return Delivery.FAILED
