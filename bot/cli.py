"""The `havn` command: a thin entry point over the app's parts.

Imports sit inside the commands so that `havn screen` or `havn detect-language` start without loading the
web server, Telegram or the database.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from core.config import ROOT, ConfigError, Settings


def cmd_run(_args: argparse.Namespace) -> int:
    """Train if needed, then run Rasa, the action server and the app under supervisord, which restarts the one
    that dies while the others keep serving (bot/supervision.py); Ctrl-C stops all three."""
    from bot import services, supervision
    from core.private_files import make_private

    settings = Settings.load()
    make_private(settings.var_dir)  # supervisord, Rasa, the action server and the app inherit the umask
    print("havn: checking the Rasa model (trains only when the data changed)…", flush=True)
    services.train()
    print(f"havn: starting Rasa, the action server and the app on http://{settings.host}:{settings.port}",
          flush=True)
    environment = services.run_environment(settings)
    if environment.get("HAVN_DEVELOPMENT") == "1" and not settings.development:
        print("havn: HAVN_DEVELOPMENT=1 (plain http on this machine: no HSTS, cookies without Secure); "
              "set HAVN_DEVELOPMENT=0 when a TLS proxy serves it", flush=True)
    configuration = supervision.write_config(services.procfile(), ROOT, settings.var_dir)
    supervisord = Path(sys.executable).parent / "supervisord"
    os.chdir(ROOT)
    os.execve(supervisord, [str(supervisord), "--nodaemon", "--configuration", str(configuration)], environment)


def cmd_run_scaled(_args: argparse.Namespace) -> int:
    """The scaled stack on this machine: PostgreSQL, Redis, two Rasa, two action servers, two apps, HAProxy
    (bot/scaled_stack.py; docs/scale.md)."""
    from bot.private_servers import PrivateServerError
    from bot.scaled_stack import run

    try:
        return run()
    except PrivateServerError as error:
        print(f"havn run-scaled: {error}", file=sys.stderr)
        return 2


def cmd_app(_args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.app import create_app
    from bot.instance_lock import AlreadyRunning, hold_database
    from bot.logs import configure_logging

    settings = Settings.load()
    try:
        hold_database(settings.database_url)  # SQLite: this process's alone until it ends
    except AlreadyRunning as error:
        print(f"havn app: {error}", file=sys.stderr)
        return 1
    configure_logging(settings.log_level, log_format=settings.log_format)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log=None)
    return 0


def cmd_train(_args: argparse.Namespace) -> int:
    from bot import services

    services.train()
    return 0


def cmd_detect_language(_args: argparse.Namespace) -> int:
    """One text per stdin line → one ISO 639-1 code per stdout line, `und` when unsure."""
    from bot.app import build_detector

    detector = build_detector(Settings.load())
    for line in sys.stdin:
        detection = detector.detect(line.rstrip("\n"))
        print(detection.language or "und", flush=True)
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from screening.scoring import ScreeningInputError, screen_file

    try:
        result = screen_file(args.file)
    except ScreeningInputError as error:
        print(f"havn screen: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def read_password(prompt: str = "Password (at least 12 characters): ") -> str:
    """From a prompt without echo on a terminal, else the first line of stdin: never an argument, which
    would end up in the shell's history and the process list."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass(prompt)
        if getpass.getpass("The same password again: ") != password:
            raise ValueError("the two passwords differ")
        return password
    return sys.stdin.readline().rstrip("\n")


def cmd_caseworker_add(args: argparse.Namespace) -> int:
    from handover.accounts import AccountError, Accounts
    from handover.audit import Audit

    try:
        password = read_password()
    except ValueError as error:
        print(f"havn caseworker add: {error}", file=sys.stderr)
        return 2

    async def add(engine, _store, _settings) -> str:  # type: ignore[no-untyped-def]
        account = await Accounts(engine).add(args.name, password, args.role, args.alias)
        await Audit(engine).record(None, "caseworker_add", detail=f"{account.name} ({account.role}) by command")
        return f"added {account.role} {account.name!r} (shown to people as {account.alias!r})"

    try:
        print(_with_store(add))
    except AccountError as error:
        print(f"havn caseworker add: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_caseworker_unlock(args: argparse.Namespace) -> int:
    """An account that wrong passwords locked, opened at once (handover/login_guard.py); the admin's way in when
    the only admin is the one locked out."""
    from core.limits import Limiter
    from core.pseudonym import Pseudonymizer
    from handover.accounts import Accounts
    from handover.audit import Audit
    from handover.login_guard import LoginGuard, login_name_key

    async def unlock(engine, _store, settings) -> str | None:  # type: ignore[no-untyped-def]
        account_id = await Accounts(engine).id_of(args.name)
        if account_id is None:
            return None
        guard = LoginGuard(Limiter(engine), Audit(engine),
                           login_name_key(Pseudonymizer(settings.hash_key, settings.encryption_keys)),
                           settings.login_failures_per_account, settings.login_failures_per_address,
                           settings.login_failure_delay)
        await guard.unlock(args.name, account_id, None)
        return f"unlocked {args.name.strip()!r}: it can log in again now"

    unlocked = _with_store(unlock)
    if unlocked is None:
        print(f"havn caseworker unlock: no account is called {args.name.strip()!r}", file=sys.stderr)
        return 2
    print(unlocked)
    return 0


def _with_store(work):  # type: ignore[no-untyped-def]
    """Run `work(engine, store, settings)` on the configured database, migrated first."""
    import asyncio

    from core.db import create_engine, migrate
    from core.pseudonym import Pseudonymizer
    from handover.store import Store

    settings = Settings.load()
    migrate(settings.database_url)

    async def run():  # type: ignore[no-untyped-def]
        engine = create_engine(settings.database_url, Pseudonymizer(settings.hash_key, settings.encryption_keys))
        try:
            return await work(engine, Store(engine), settings)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def cmd_rotate_key(_args: argparse.Namespace) -> int:
    """Re-encrypt everything sealed with the first key of HAVN_ENCRYPTION_KEYS (docs/data-protection.md): the
    app's sealed columns and the events in Rasa's tracker store."""
    async def rotate(_engine, store, settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        from bot.rasa_tracker import reseal_events
        from core.pseudonym import Pseudonymizer

        sealer = Pseudonymizer(settings.hash_key, settings.encryption_keys)
        return await store.reseal_all(), await reseal_events(settings.rasa_tracker_url, sealer)

    values, events = _with_store(rotate)
    print(f"re-encrypted {values} values and {events} Rasa tracker events with the first key of "
          "HAVN_ENCRYPTION_KEYS; the other keys can now be removed")
    return 0


def cmd_purge(_args: argparse.Namespace) -> int:
    """Delete what is older than HAVN_RETENTION_DAYS now (the app also does it daily)."""
    async def purge(engine, store, settings):  # type: ignore[no-untyped-def]
        import aiohttp

        from bot.rasa_client import RasaClient
        from handover.audit import Audit
        from handover.retention import Retention

        async with aiohttp.ClientSession() as http:
            rasa = RasaClient.for_settings(http, settings)
            return await Retention(engine, store, rasa, Audit(engine), settings.retention_days).purge()

    report = _with_store(purge)
    print(f"purged {report.conversations} conversations; {report.trackers_pending} Rasa trackers still to empty "
          "(retried at the next purge)" if report.trackers_pending else
          f"purged {report.conversations} conversations; every Rasa tracker emptied")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """The anonymous statistics of a period on stdout, small numbers hidden: what GET /api/console/stats gives."""
    from datetime import date

    try:
        first = date.fromisoformat(args.first) if args.first else None
        last = date.fromisoformat(args.last) if args.last else None
    except ValueError:
        print("havn stats: --from and --to are days, YYYY-MM-DD", file=sys.stderr)
        return 2
    if first and last and first > last:
        print("havn stats: --from is after --to", file=sys.stderr)
        return 2

    async def publish(engine, _store, settings):  # type: ignore[no-untyped-def]
        from core.hours import Hours
        from handover.stats_counts import StatisticsSource
        from handover.stats_publish import StatisticsPublisher

        source = StatisticsSource(engine, Hours.load(settings.content_dir / "hours.yml"))
        return await StatisticsPublisher(source).publish(first, last, args.group_by)

    from core.errors import Invalid
    from handover.stats_export import as_csv, as_json

    try:  # the API's window and limits (handover/stats_range.py), in the API's words
        published = _with_store(publish)
    except Invalid as error:
        print(f"havn stats: {error.sentence}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(as_csv(published))
    else:
        print(json.dumps(as_json(published), ensure_ascii=False, indent=1))
    return 0


def cmd_outreach_card(args: argparse.Namespace) -> int:
    """A printable card (PNG and PDF) whose QR code opens the chat in a language, counted for a source."""
    from core.outreach import OutreachError
    from core.texts import Texts
    from handover.outreach_card import card_for

    settings = Settings.load()
    texts = Texts(settings.content_dir, settings.languages, settings.default_language)
    try:
        card = card_for(texts, args.language, args.source, settings.public_url, settings.telegram_bot_username)
    except OutreachError as error:
        print(f"havn outreach card: {error}", file=sys.stderr)
        return 2
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"card-{args.language}-{args.source}"
    (folder / f"{name}.png").write_bytes(card.png)
    (folder / f"{name}.pdf").write_bytes(card.pdf)
    print(f"wrote {folder / name}.png and .pdf; the QR code opens {card.link}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="havn", description="havn help chat")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="train if needed and start Rasa, the action server and the app").set_defaults(
        func=cmd_run)
    commands.add_parser("run-scaled", help="the scaled stack: PostgreSQL, Redis, 2 Rasa, 2 action servers, 2 apps, "
                        "HAProxy on HAVN_PORT").set_defaults(func=cmd_run_scaled)
    commands.add_parser("app", help="start the app process only (web chat, Telegram, API)").set_defaults(
        func=cmd_app)
    commands.add_parser("train", help="train the Rasa model if the data changed").set_defaults(func=cmd_train)
    commands.add_parser("detect-language", help="stdin lines → language codes").set_defaults(
        func=cmd_detect_language)
    screen = commands.add_parser("screen", help="screening answers (JSON file) → assessment (JSON)")
    screen.add_argument("file")
    screen.set_defaults(func=cmd_screen)
    caseworker = commands.add_parser("caseworker", help="console accounts").add_subparsers(
        dest="action", required=True)
    add = caseworker.add_parser("add", help="add an account; the password is read from a prompt or stdin")
    add.add_argument("name", help="the login name")
    add.add_argument("--role", choices=("caseworker", "supervisor", "admin"), default="caseworker")
    add.add_argument("--alias", help="the name people in the chat see (default: the login name)")
    add.set_defaults(func=cmd_caseworker_add)
    unlock = caseworker.add_parser("unlock", help="let an account that wrong passwords locked log in again now")
    unlock.add_argument("name", help="the login name")
    unlock.set_defaults(func=cmd_caseworker_unlock)
    commands.add_parser("purge", help="delete what is older than HAVN_RETENTION_DAYS now").set_defaults(
        func=cmd_purge)
    stats = commands.add_parser("stats", help="anonymous statistics of a period (small numbers hidden) on stdout")
    stats.add_argument("--from", dest="first", help="first day, YYYY-MM-DD (UTC); default: from the start")
    stats.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (UTC), included; default: up to now")
    stats.add_argument("--group-by", choices=("day", "week", "month", "year"), default="month")
    stats.add_argument("--format", choices=("csv", "json"), default="csv")
    stats.set_defaults(func=cmd_stats)
    outreach = commands.add_parser("outreach", help="outreach links and cards (docs/outreach.md)").add_subparsers(
        dest="action", required=True)
    card = outreach.add_parser("card", help="a printable card (PNG and PDF) with a QR code that opens the chat in "
                               "a language, counted for a source (HAVN_PUBLIC_URL, HAVN_TELEGRAM_BOT_USERNAME)")
    card.add_argument("--language", required=True, help="the card's language, e.g. ro (one of content/languages.yml)")
    card.add_argument("--source", required=True, help="where the card is handed out, e.g. farm-lolland (a-z, 0-9, -)")
    card.add_argument("--output", default=".", help="the folder for card-<language>-<source>.png/.pdf (default: .)")
    card.set_defaults(func=cmd_outreach_card)
    commands.add_parser("rotate-key", help="re-encrypt stored data with the first key of HAVN_ENCRYPTION_KEYS"
                        ).set_defaults(func=cmd_rotate_key)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as error:  # a bad HAVN_* value: one line that names it, not a traceback
        print(f"havn: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
