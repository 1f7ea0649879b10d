"""Console events across app instances: Redis pub/sub (HAVN_REDIS_URL; unset, one instance needs no relay).

Each instance sends its hub's events (handover/hub.py) on one channel and hands the events of the other instances
to its own hub, which filters them per console exactly as its own. An event carries ids and states only, never
text. The hub delivers its own events locally at once; each message names the instance that sent it, so that an
instance skips its own echo and every console hears an event once.

Redis away: people are still answered (nothing a person sends waits for Redis). Events from other instances stop
arriving, so the hub tells its consoles to poll (handover/static/live.js then refreshes every few seconds) until
the relay is back; the relay reconnects by itself, waiting a little longer after each failed try. Events sent
while it is down are dropped, not kept for later: the consoles poll meanwhile and refresh everything when it is
back, so stale events would only make them fetch twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from core.vocabulary import EventType, Tier
from handover.hub import HubEvent

log = logging.getLogger(__name__)

CHANNEL = "havn:console-events"
FIRST_RETRY = 0.5  # seconds before the first reconnect; doubled after each failed one…
LAST_RETRY = 10.0  # …up to this
CONNECT_TIMEOUT = 2.0  # seconds: a Redis that does not answer counts as down
LISTEN_EVERY = 5.0  # seconds a read waits; between reads the connection is pinged now and then (a silent loss)
OUTGOING = 1000  # events waiting to be sent at most; more while Redis is slow are dropped (the consoles poll)

Deliver = Callable[[HubEvent], Awaitable[None]]  # to this instance's consoles only
StateChange = Callable[[bool], Awaitable[None]]  # the relay went up (True) or down (False)


class RedisRelay:
    def __init__(self, url: str) -> None:
        self._url = url
        self._origin = secrets.token_hex(8)  # this instance, for this run: its own echo is skipped
        self._outgoing: asyncio.Queue[str] = asyncio.Queue(OUTGOING)
        self._up = False
        self._problem = "not connected yet"

    @property
    def up(self) -> bool:
        """Subscribed: the other instances' events arrive."""
        return self._up

    def status(self) -> str:
        """For /healthz: 'ok', or why the events of other instances do not arrive now."""
        return "ok" if self._up else f"unreachable: {self._problem}"

    def send(self, event: HubEvent) -> None:
        """To the other instances, in the background: the caller (a person's turn) never waits for Redis."""
        if not self._up:
            return
        try:
            self._outgoing.put_nowait(json.dumps({"from": self._origin, **encode(event)}))
        except asyncio.QueueFull:
            log.warning("console events to other instances dropped: Redis does not keep up")

    async def run(self, deliver: Deliver, changed: StateChange) -> None:
        """Relay until cancelled (a task the app starts): subscribe, hand on, and reconnect after a failure."""
        delay = FIRST_RETRY
        while True:
            client = Redis.from_url(self._url, socket_connect_timeout=CONNECT_TIMEOUT,
                                    socket_timeout=CONNECT_TIMEOUT, health_check_interval=LISTEN_EVERY)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    delay = FIRST_RETRY
                    await self._became(True, changed)
                    await self._relay(client, pubsub, deliver)
            except (RedisError, OSError) as error:
                self._problem = type(error).__name__
            except Exception as error:  # not Redis's: logged whole, and the relay tries again all the same
                log.exception("the console event relay failed")
                self._problem = type(error).__name__
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await client.aclose()
            if self._up:
                log.warning("console events between instances stopped (%s): the consoles poll meanwhile",
                            self._problem)
            await self._became(False, changed)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY)

    async def _relay(self, client: Redis, pubsub: PubSub, deliver: Deliver) -> None:
        """Until the connection fails (raises then): the sender in the background, the listener here."""
        sender = asyncio.create_task(self._send(client))
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_EVERY)
                if message is not None and message.get("type") == "message":
                    await self._hand_on(message["data"], deliver)
        finally:
            sender.cancel()

    async def _send(self, client: Redis) -> None:
        while True:
            message = await self._outgoing.get()
            try:
                await client.publish(CHANNEL, message)
            except (RedisError, OSError) as error:  # Redis just went away: the listener notices and reconnects
                log.warning("a console event could not reach the other instances (%s)", type(error).__name__)

    async def _hand_on(self, data: bytes | str, deliver: Deliver) -> None:
        try:
            wire = json.loads(data)
            if wire.get("from") == self._origin:  # our own, already delivered here
                return
            event = decode(wire)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("a console event on Redis this instance cannot read was skipped")
            return
        try:
            await deliver(event)
        except Exception:  # one event this instance could not place must not stop the others
            log.exception("a console event from another instance could not be delivered")

    async def _became(self, up: bool, changed: StateChange) -> None:
        if up == self._up:
            return
        self._up = up
        if up:
            log.info("console events between instances: relayed through Redis")
        else:
            self._drain()
        try:
            await changed(up)
        except Exception:
            log.exception("the consoles could not be told about the relay's state")

    def _drain(self) -> None:
        """Down: what waits to be sent is dropped (see the module's docstring)."""
        while not self._outgoing.empty():
            self._outgoing.get_nowait()


def encode(event: HubEvent) -> dict[str, str | None]:
    return {"type": event.type, "conversation_id": event.conversation_id,
            "tier": event.tier, "reason": event.reason}


def decode(wire: dict[str, str | None]) -> HubEvent:
    """Raises ValueError (an unknown type or tier) or KeyError / TypeError (not an event)."""
    tier, conversation_id, reason = wire["tier"], wire["conversation_id"], wire["reason"]
    if not all(value is None or isinstance(value, str) for value in (tier, conversation_id, reason)):
        raise TypeError("not an event")
    return HubEvent(EventType(wire["type"]), conversation_id, Tier(tier) if tier is not None else None, reason)
