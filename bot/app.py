"""The app process: one aiohttp server for the web chat, the caseworker console and its API, the Telegram
webhook and the health check."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta

import aiohttp
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import periodic
from bot.assistant import Assistant
from bot.channels import webchat
from bot.channels.telegram import CHANNEL as CHANNEL_TELEGRAM
from bot.channels.telegram import WEBHOOK_PATH, TelegramChannel
from bot.channels.telegram_media import TelegramMedia
from bot.channels.telegram_updates import SeenUpdates
from bot.channels.webchat_sessions import WebSessions
from bot.conversation_language import ConversationLanguage
from bot.danger import DangerLexicon
from bot.danger_net import DangerNet
from bot.gateway import Gateway
from bot.language import LanguageDetector
from bot.limits import ChannelLimits
from bot.memory import release_freed
from bot.metrics_page import add_route as add_metrics_route
from bot.not_found import page_not_found
from bot.person_lock import SharedLocks
from bot.rasa_client import RasaClient
from bot.reporting import Reporting
from bot.safety import Safety
from core.clock import SYSTEM_CLOCK, Clock
from core.config import Settings
from core.db import create_engine, migrate_async
from core.http_headers import add_security_headers
from core.json_api import API_PREFIX, JSON_PATHS, json_errors
from core.leases import Leases
from core.limits import Limiter
from core.private_files import make_private
from core.pseudonym import Pseudonymizer
from core.sources import SOURCES, Sources
from core.texts import Texts
from handover import console
from handover.accounts import Accounts
from handover.app_keys import CARDS, LOGIN_GUARD, MEDIA, QUEUE_LINES, READ_MARKS, REPORT_LOOKUP, STATISTICS
from handover.audit import Audit
from handover.canned import CannedResponses, load_canned
from handover.delivery import DeliveryWorker
from handover.hub import Hub
from handover.hub_relay import RedisRelay
from handover.login_guard import LoginGuard, login_name_key
from handover.media import ConsoleMedia
from handover.oncall import OnCall
from handover.outbox import Outbox
from handover.outbox_rows import OutboxRows
from handover.outreach_card import OutreachCards
from handover.outreach_counts import OutreachCounter
from handover.queue import Queue
from handover.queue_lines import QueueLines
from handover.read_marks import ReadMarks
from handover.report_lookup import ReportLookup
from handover.reports import Reports
from handover.requests import HandoverRequests, RequestLimits
from handover.retention import Retention
from handover.service import Handover
from handover.stats_counts import StatisticsSource
from handover.stats_publish import StatisticsPublisher
from handover.store import Store
from handover.waiting import WaitingRoom

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
RASA = web.AppKey("rasa", RasaClient)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
ENGINE = web.AppKey("engine", AsyncEngine)
OUTBOX = web.AppKey("outbox", Outbox)
RELAY = web.AppKey("relay", RedisRelay)  # only with HAVN_REDIS_URL
GATEWAY = webchat.GATEWAY
# Each of /healthz's checks gets this long; HAProxy waits for the whole answer longer (bot/haproxy.py).
HEALTH_CHECK_SECONDS = 1.5


def build_detector(settings: Settings) -> LanguageDetector:
    if settings.language_backend:
        return LanguageDetector(settings.languages, backend=settings.language_backend)
    return LanguageDetector(settings.languages)


def create_app(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> web.Application:
    # The console's error sentences in the caseworker's language, inside the one that writes them as JSON.
    # A page that is not there: a kind page in the browser's language, outside the JSON paths (bot/not_found.py).
    app = web.Application(client_max_size=64 * 1024,
                          middlewares=[json_errors, console.errors_in_language, page_not_found])
    app[SETTINGS] = settings
    add_security_headers(app, settings.development)
    app[JSON_PATHS] = (API_PREFIX, WEBHOOK_PATH)  # errors in JSON here, with a sentence (core/json_api.py)
    texts = Texts(settings.content_dir, settings.languages, settings.default_language)
    pseudonymizer = Pseudonymizer(settings.hash_key, settings.encryption_keys)
    app[SOURCES] = Sources(pseudonymizer, settings.trusted_proxies)  # who a request counts against (limits)
    detector = build_detector(settings)
    lexicon = DangerLexicon.load(settings.content_dir / "danger")
    net = DangerNet.load(settings.content_dir / "danger_net.json")

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        make_private(settings.var_dir)  # before the database is opened: var/ 0700, its files 0600, the umask
        await asyncio.gather(migrate_async(settings.database_url), asyncio.to_thread(detector.warm_up))
        release_freed()  # what loading the models and the migrations freed, back to the system (bot/memory.py)
        engine = create_engine(settings.database_url, pseudonymizer)
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        rasa = RasaClient.for_settings(http, settings)
        queue, audit = Queue(engine, clock=clock), Audit(engine, clock=clock)
        accounts = Accounts(engine, clock=clock, password_checks=settings.login_concurrency)
        limiter = Limiter(engine, clock=clock)  # every limit's counters, in the database (docs/limits.md)
        app[LOGIN_GUARD] = LoginGuard(limiter, audit, login_name_key(pseudonymizer),
                                      settings.login_failures_per_account, settings.login_failures_per_address,
                                      settings.login_failure_delay)
        store = Store(engine, clock=clock)
        relay = RedisRelay(settings.redis_url) if settings.redis_url else None
        hub = Hub(store.whereabouts, clock=clock, relay=relay)
        reports = Reports(engine, pseudonymizer, settings.wrong_codes_per_minute, clock=clock)
        waiting = WaitingRoom(queue, accounts, texts)
        on_call = (OnCall(http, settings.oncall_webhook_url, settings.console_url, clock=clock)
                   if settings.oncall_webhook_url else None)
        requests = HandoverRequests(store, hub, waiting, on_call, RequestLimits(
            limiter, settings.limit_handover_requests, settings.limit_p1_per_source, settings.p1_spike, audit))
        outbox_rows = OutboxRows(engine, clock=clock)
        delivery = DeliveryWorker(outbox_rows, hub, clock=clock)
        outbox = Outbox(store, outbox_rows, hub, delivery, pushing=(CHANNEL_TELEGRAM,))
        retention = Retention(engine, store, rasa, audit, settings.retention_days, clock=clock, hours=texts.hours,
                              hub=hub)
        reporting = Reporting(store, reports, texts, requests, hub)
        # Each person's order across instances (docs/scale.md); SQLite is one instance (bot/instance_lock.py).
        redis = Redis.from_url(settings.redis_url) if settings.redis_url and engine.dialect.name != "sqlite" else None
        if redis is None and engine.dialect.name != "sqlite":
            log.warning("PostgreSQL without HAVN_REDIS_URL: each person's order is kept on this instance only")
        safety = Safety(lexicon, net, texts, requests, reporting, hub)
        gateway = Gateway(store, pseudonymizer, ConversationLanguage(detector, texts, store), safety,
                          Assistant(rasa, texts, store, requests, reporting), reporting, texts, retention, hub,
                          outbox,
                          controller=settings.controller_name,
                          limits=ChannelLimits(limiter, texts, settings.limit_sessions, settings.limit_messages,
                                               settings.limit_telegram_messages, settings.limit_erasures),
                          outreach=OutreachCounter(engine, clock=clock), locks=SharedLocks(redis) if redis else None)
        webchat.setup_gateway(app, gateway, WebSessions(
            engine, pseudonymizer, timedelta(minutes=settings.webchat_idle_minutes),
            timedelta(hours=settings.webchat_max_age_hours), clock=clock))
        handover = Handover(outbox, store, reports, queue, texts, waiting, audit, hub, reporting,
                            abandon_after=timedelta(minutes=settings.claim_grace_minutes),
                            unanswered_after=timedelta(minutes=settings.queue_wait_limit_minutes))
        canned = CannedResponses(engine)
        await canned.replace_all(load_canned(settings.content_dir, texts))
        console.setup(app, handover, accounts, canned)
        app[REPORT_LOOKUP] = ReportLookup(reports, audit, limiter)
        app[READ_MARKS] = ReadMarks(engine)
        app[QUEUE_LINES] = QueueLines(store, reports, lexicon.heard,
                                      {code: texts.own_name(code) for code in texts.languages})
        app[STATISTICS] = StatisticsPublisher(StatisticsSource(engine, texts.hours), clock=clock)
        app[CARDS] = OutreachCards(texts, settings.public_url, settings.telegram_bot_username)
        app[RASA] = rasa
        app[ENGINE] = engine
        app[OUTBOX] = outbox
        updates = SeenUpdates(engine, clock=clock)
        telegram = await start_telegram(app, settings, gateway, outbox, updates)
        # What a person sent on Telegram, fetched for the caseworker who holds the chat (503 without Telegram).
        app[MEDIA] = ConsoleMedia(store, audit, TelegramMedia(telegram.application.bot) if telegram else None)
        delivery.start()  # what was queued before a restart goes at once
        # Leases on the system's clock, whatever clock the tests give the app: they are between processes.
        background = [*periodic.start(Leases(engine, ttl=settings.lease_seconds),
                                      sweep_every=settings.queue_sweep_seconds, handover=handover,
                                      retention=retention, limiter=limiter, updates=updates, telegram=telegram),
                      asyncio.create_task(hub.run_session_checks(accounts.lasting,
                                                                 settings.console_session_check_seconds))]
        if relay:
            app[RELAY] = relay
            background.append(asyncio.create_task(hub.run_relay()))
        yield
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await delivery.stop()
        await hub.close()
        if on_call:
            await on_call.close()
        if telegram:
            await telegram.stop()
        if redis:
            await redis.aclose()
        await http.close()
        await engine.dispose()

    app.cleanup_ctx.append(lifecycle)
    webchat.add_routes(app, settings.quick_exit_url, settings.page_title)
    console.add_routes(app)
    app.router.add_get("/healthz", healthz)
    add_metrics_route(app, settings)  # Prometheus, from this machine or with HAVN_METRICS_TOKEN
    if settings.telegram_token and settings.telegram_webhook_url:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    return app


async def start_telegram(app: web.Application, settings: Settings, gateway: Gateway,
                         outbox: Outbox, updates: SeenUpdates) -> TelegramChannel | None:
    if not settings.telegram_token:
        log.info("Telegram is off: HAVN_TELEGRAM_TOKEN is not set")
        return None
    telegram = TelegramChannel(settings, gateway, updates, outbox)
    await telegram.start()
    outbox.add_channel(CHANNEL_TELEGRAM, telegram.deliver)
    app[TELEGRAM] = telegram
    return telegram


async def telegram_webhook(request: web.Request) -> web.Response:
    return await request.app[TELEGRAM].webhook(request)


async def healthz(request: web.Request) -> web.Response:
    """"ok": every part answers. "degraded", still 200: Rasa, the action server or Redis is away, or a part is
    slow to answer, yet people are answered (the fallback with 112, the queue) and the consoles work (polling
    without Redis), so a load balancer keeps sending people here. "down", 503: the database refuses, and without
    it this instance cannot serve at all. The checks say which part and why (docs/scale.md).

    The checks run side by side, each given HEALTH_CHECK_SECONDS: under a heavy load an answer must still come
    before the load balancer's own timeout, or it takes out every busy instance at once and nobody is answered
    (seen with 200 people on `make run-scaled`). A database that is only slow (every connection in use) is
    "busy", not "down": this instance still answers, later."""
    app = request.app
    database, rasa, action_server = await asyncio.gather(
        _within(_database_status(app), "busy"), _within(app[RASA].rasa_status(), "slow"),
        _within(app[RASA].action_server_status(), "slow"))
    checks = {"database": database, "rasa": rasa, "action_server": action_server}
    if RELAY in app:
        checks["redis"] = app[RELAY].status()
    serving = not database.startswith("error")
    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded" if serving else "down"
    return web.json_response({"status": status, "checks": checks}, status=200 if serving else 503)


async def _within(check: Awaitable[str], late: str) -> str:
    try:
        return await asyncio.wait_for(check, HEALTH_CHECK_SECONDS)
    except TimeoutError:
        return f"{late}: no answer within {HEALTH_CHECK_SECONDS:g} s"


async def _database_status(app: web.Application) -> str:
    try:
        async with app[ENGINE].connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the database is not usable
        return f"error: {type(error).__name__}"
    return "ok"
