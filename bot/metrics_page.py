"""GET /metrics: Prometheus' text format, for whoever runs the service, never for the internet.

Readable by a request from this machine (its TCP peer is a loopback address) that no proxy forwarded, or by one
that carries `Authorization: Bearer <HAVN_METRICS_TOKEN>`. A reverse proxy on the same machine connects from
loopback too, so a request that bears any forwarding header (X-Forwarded-For, Forwarded, X-Real-IP) needs the
token: a proxy that passes /metrics on by mistake does not publish it. A trusted proxy (HAVN_TRUSTED_PROXIES)
is trusted to name the client, not to read the figures.

What is counted in the process is in core/metrics.py; what the queue and the consoles look like is read from the
database at each scrape (every instance reports the same figures: take their max, not their sum). Only counts,
tiers and channels: no words, no ids, no languages (docs/operations.md).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.config import Settings
from core.vocabulary import Tier
from handover.app_keys import ACCOUNTS, HANDOVER
from handover.queue import Waiting

log = logging.getLogger(__name__)

PATH = "/metrics"
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
REFUSED = ("The metrics are read from this machine, or with the token HAVN_METRICS_TOKEN "
           "(Authorization: Bearer …).\n")
METRICS_TOKEN = web.AppKey("metrics_token", str)  # absent: only from this machine


@dataclass(frozen=True, eq=False)  # the registry keys its collectors by identity
class Snapshot(Collector):
    """The figures read from the database for one scrape; `queue` None when the database did not answer."""

    queue: Mapping[Tier, Waiting] | None
    online: int | None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("havn_database_up", "1 when the database answered this scrape's questions")
        up.add_metric([], 0 if self.queue is None else 1)
        yield up
        if self.queue is None or self.online is None:
            return
        waiting = GaugeMetricFamily("havn_queue_waiting", "Conversations waiting for a person, by tier",
                                    labels=["tier"])
        longest = GaugeMetricFamily("havn_queue_longest_wait_seconds",
                                    "How long the longest waiting conversation of each tier has waited",
                                    labels=["tier"])
        for tier in Tier:
            figures = self.queue.get(tier, Waiting(0, 0.0))
            waiting.add_metric([tier.value], figures.count)
            longest.add_metric([tier.value], figures.longest_seconds)
        online = GaugeMetricFamily("havn_caseworkers_online", "Caseworkers with a console open now")
        online.add_metric([], self.online)
        yield from (waiting, longest, online)


def readable(request: web.Request, token: str | None) -> bool:
    if token is not None:
        given = request.headers.get("Authorization", "").encode()
        if hmac.compare_digest(given, f"Bearer {token}".encode()):
            return True
    peer = request.transport.get_extra_info("peername") if request.transport else None
    try:
        local = peer is not None and ipaddress.ip_address(str(peer[0])).is_loopback
    except ValueError:  # a Unix socket's peer: no address
        local = False
    return local and not any(header in request.headers for header in FORWARDING_HEADERS)


async def snapshot(app: web.Application) -> Snapshot:
    try:
        return Snapshot(await app[HANDOVER].queue.waiting_by_tier(), await app[ACCOUNTS].online_count())
    except Exception as error:  # any driver error: the process's own figures are still worth reading
        log.warning("metrics: the database did not answer (%s)", type(error).__name__)
        return Snapshot(None, None)


async def metrics(request: web.Request) -> web.Response:
    if not readable(request, request.app.get(METRICS_TOKEN)):
        return web.Response(status=403, text=REFUSED)
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(await snapshot(request.app))
    return web.Response(body=generate_latest(REGISTRY) + generate_latest(scrape),
                        headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def add_route(app: web.Application, settings: Settings) -> None:
    if settings.metrics_token:
        app[METRICS_TOKEN] = settings.metrics_token
    app.router.add_get(PATH, metrics)
