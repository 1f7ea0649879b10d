"""Logging: our own modules log events, never message text or ids.

Libraries log what they carry: httpx logs every Telegram URL (which holds the bot token) and PTB logs
whole updates at DEBUG. They are held at WARNING whatever our level is. As a second line, every record that
reaches a handler passes `RedactIds`, which masks anything shaped like an id: a chat or user id (a run of
digits), a conversation id or hash (a run of hex), a session or login token.
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

CHATTY_LIBRARIES = ("httpx", "httpcore", "telegram", "aiohttp.access", "aiosqlite", "sqlalchemy.engine")
ID_SHAPES = re.compile(
    r"[A-Za-z0-9_\-]{20,}(?:\.[0-9a-f]{16,})?"  # session and login tokens, hex ids and hashes
    r"|(?<![\w.])-?\d{5,}(?![\w.])"  # Telegram chat and user ids
)


class RedactIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = ID_SHAPES.sub("<id>", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True,
                        stream=stream)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactIds())
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
