"""Logging: our own modules log events, never message text or ids.

Libraries log what they carry: httpx logs every Telegram URL (which holds the bot token) and PTB logs
whole updates at DEBUG. They are held at WARNING whatever our level is.
"""

from __future__ import annotations

import logging

CHATTY_LIBRARIES = ("httpx", "httpcore", "telegram", "aiohttp.access", "aiosqlite", "sqlalchemy.engine")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
