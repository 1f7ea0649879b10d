"""HTTP client to the Rasa servers and the action servers (on a private network, never exposed).

One Rasa instance by default (HAVN_RASA_URL). With several (HAVN_RASA_URLS), all sharing one tracker store and
a Redis lock store (docs/scale.md), any instance can take any turn: the client gives each turn to the instance
with the fewest turns in flight (in turn among equals), and skips for a few seconds an instance it could not
connect to, then tries it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from core.config import Settings
from handover.ports import AssistantUnavailable

log = logging.getLogger(__name__)

# An instance that refused a connection is left alone this long; the next turn after that tries it again (and,
# should it still refuse, goes to another instance at once: a refused connection costs no waiting).
DOWN_SECONDS = 5.0
CONNECT_SECONDS = 2.0  # a connection not open by then will not open (a host that is gone drops the packets)


class RasaUnavailable(AssistantUnavailable):
    """Rasa did not answer in time or at all; the caller tells the user and keeps the message."""


# The request surely never reached Rasa: the TCP connection was refused, or was not open in time. Only then is a
# turn sent again to another instance. Any later failure (a timeout while Rasa was working, the connection
# dropped after the request was written, an HTTP error) may come after Rasa processed the turn, saved it in the
# shared tracker and ran its actions (a handover request, a screening answer): sending it again would run the
# turn twice for the person. Those turns get the fallback with 112 instead.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


@dataclass
class Instance:
    url: str
    number: int  # what the log names it by: its URL's port would be masked as an id (bot/logs.py)
    in_flight: int = 0
    down_until: float = 0.0  # monotonic seconds; 0: not known to be down
    reported: bool = False  # its being down was logged (once, not at every try)


class RasaClient:
    def __init__(self, http: aiohttp.ClientSession, rasa_urls: Sequence[str], token: str,
                 action_server_urls: Sequence[str], timeout: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not rasa_urls:
            raise ValueError("at least one Rasa URL is needed")
        self._http = http
        self._instances = [Instance(url, number) for number, url in enumerate(rasa_urls, 1)]
        self._token = token
        self._action_server_urls = tuple(action_server_urls)
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, CONNECT_SECONDS))
        self._probe_timeout = aiohttp.ClientTimeout(total=min(timeout, 3.0))
        self._clock = clock
        self._next = 0  # where the turn-taking among equally busy instances goes on

    @classmethod
    def for_settings(cls, http: aiohttp.ClientSession, settings: Settings) -> RasaClient:
        return cls(http, settings.rasa_urls, settings.rasa_token, settings.action_server_urls,
                   settings.rasa_timeout)

    async def send(self, sender_id: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One user turn through Rasa's REST channel; returns the bot's replies in order.

        Rasa itself skips its token on `/webhooks/*`; our launcher (rasa_plugins/rasa_server.py) requires it
        there, as a Bearer header so that it shows in no URL. The sender id is the pseudonymous conversation id.
        """
        body = {"sender": sender_id, "message": message, "metadata": metadata}
        last: BaseException | None = None
        for instance in self._in_order():
            instance.in_flight += 1
            try:
                async with self._http.post(f"{instance.url}/webhooks/rest/webhook", json=body,
                                           headers={"Authorization": f"Bearer {self._token}"},
                                           timeout=self._timeout) as response:
                    if response.status != 200:
                        raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                    replies = await response.json()
            except NOT_SENT as error:
                self._mark_down(instance, error)
                last = error
                continue  # nothing reached this instance: the next one takes the turn
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                raise RasaUnavailable(type(error).__name__) from error
            finally:
                instance.in_flight -= 1
            self._mark_up(instance)
            return replies if isinstance(replies, list) else []
        raise RasaUnavailable(type(last).__name__) from last

    async def intent(self, text: str) -> tuple[str, float] | None:
        """What the NLU makes of `text` alone (Rasa's `/model/parse`: no turn, nothing kept in any tracker): the
        intent's name and confidence, or None when no instance answered. Nothing is kept by parsing, so unlike a
        turn this is tried on the next instance after any failure."""
        for instance in self._in_order():
            try:
                async with self._http.post(f"{instance.url}/model/parse", params={"token": self._token},
                                           json={"text": text}, timeout=self._timeout) as response:
                    if response.status != 200:
                        continue
                    parsed = await response.json()
            except NOT_SENT as error:
                self._mark_down(instance, error)
                continue
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                continue
            self._mark_up(instance)
            intent = parsed.get("intent") if isinstance(parsed, dict) else None
            if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
                return None
            return intent["name"], float(intent.get("confidence") or 0.0)
        return None

    async def erase_tracker(self, sender_id: str) -> None:
        """Replace the conversation's tracker with an empty one (Rasa has no delete endpoint). The tracker store
        is shared, so any instance will do; emptying a tracker twice changes nothing, so unlike a turn this is
        tried on the next instance after any failure."""
        last: BaseException | None = None
        for instance in self._in_order():
            try:
                async with self._http.put(f"{instance.url}/conversations/{sender_id}/tracker/events",
                                          params={"token": self._token}, json=[],
                                          timeout=self._timeout) as response:
                    if response.status == 200:
                        self._mark_up(instance)
                        return
                    last = RasaUnavailable(f"Rasa answered HTTP {response.status}")
            except NOT_SENT as error:
                self._mark_down(instance, error)
                last = error
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                last = error
        raise RasaUnavailable(str(last) if isinstance(last, RasaUnavailable) else type(last).__name__) from last

    async def statuses(self) -> dict[str, dict[str, str]]:
        """Every instance's state by its URL, probed at once: {"rasa": {url: "ok" | "unreachable: …" | "error:
        …"}, "action_server": {url: …}}. A Rasa that answers is taken back into the turns at once."""
        rasa = await asyncio.gather(*(self._rasa_status(instance) for instance in self._instances))
        actions = await asyncio.gather(*(self._action_server_status(url) for url in self._action_server_urls))
        return {"rasa": dict(zip((instance.url for instance in self._instances), rasa, strict=True)),
                "action_server": dict(zip(self._action_server_urls, actions, strict=True))}

    async def rasa_status(self) -> str:
        """'ok' when every Rasa answers with a model loaded; else which ones do not, by number."""
        return _summary(list((await self.statuses())["rasa"].values()))

    async def action_server_status(self) -> str:
        return _summary(await asyncio.gather(*(self._action_server_status(url) for url in self._action_server_urls)))

    def _in_order(self) -> list[Instance]:
        """The live instances, least busy first (in turn among equals), then those known to be down, soonest
        back first: when every instance looks down they are still tried, a refused connection costs nothing."""
        now = self._clock()
        count = len(self._instances)
        rotated = [self._instances[(self._next + step) % count] for step in range(count)]
        self._next = (self._next + 1) % count
        live = sorted((instance for instance in rotated if instance.down_until <= now),
                      key=lambda instance: instance.in_flight)
        down = sorted((instance for instance in rotated if instance.down_until > now),
                      key=lambda instance: instance.down_until)
        return live + down

    def _mark_down(self, instance: Instance, error: BaseException) -> None:
        if not instance.reported:
            reason = "no connection in time" if isinstance(error, aiohttp.ConnectionTimeoutError) else "refused"
            log.warning("Rasa %d of %d is unreachable (%s): its turns go to the others, it is tried again every "
                        "%.0f s", instance.number, len(self._instances), reason, DOWN_SECONDS)
            instance.reported = True
        instance.down_until = self._clock() + DOWN_SECONDS

    def _mark_up(self, instance: Instance) -> None:
        if instance.reported:
            log.warning("Rasa %d of %d answers again", instance.number, len(self._instances))
            instance.reported = False
        instance.down_until = 0.0

    async def _rasa_status(self, instance: Instance) -> str:
        try:
            async with self._http.get(f"{instance.url}/status", params={"token": self._token},
                                      timeout=self._probe_timeout) as response:
                if response.status != 200:
                    return f"error: HTTP {response.status}"
                status = await response.json()
        except NOT_SENT as error:
            self._mark_down(instance, error)
            return f"unreachable: {type(error).__name__}"
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            return f"unreachable: {type(error).__name__}"
        if not status.get("model_file"):
            return "error: no model loaded"
        self._mark_up(instance)
        return "ok"

    async def _action_server_status(self, url: str) -> str:
        try:
            async with self._http.get(f"{url}/health", timeout=self._probe_timeout) as response:
                return "ok" if response.status == 200 else f"error: HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return f"unreachable: {type(error).__name__}"


def _summary(states: list[str]) -> str:
    """'ok' when every instance is; else each one that is not, by its number ("2 of 2: unreachable: …"), never
    by its address: /healthz may be read through the load balancer. One instance down makes the app "degraded",
    still 200 (bot/app.py healthz): the turns go to the others, and the load balancer keeps the app in."""
    if all(state == "ok" for state in states):
        return "ok"
    if len(states) == 1:
        return states[0]
    return "; ".join(f"{number} of {len(states)}: {state}" for number, state in enumerate(states, 1)
                     if state != "ok")
