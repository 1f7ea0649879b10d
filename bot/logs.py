"""Logging: our own modules log events, never message text or ids.

Libraries log what they carry: httpx logs every Telegram URL (which holds the bot token) and PTB logs
whole updates at DEBUG. They are held at WARNING whatever our level is. As a second line, every record that
reaches a handler passes `RedactIds`, which masks anything shaped like an id: a chat or user id (a run of
digits), a conversation id or hash (a run of hex), a session or login token.

Two formats (HAVN_LOG_FORMAT): `text`, one readable line per event, for a terminal; `json`, one JSON object per
line (`JsonLines`) for a log collector, with the same fields on every line and nothing else: no record
attribute a library might have filled with a person's words is copied.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timezone
from typing import Literal, TextIO

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


class JsonLines(logging.Formatter):
    """{"time", "level", "logger", "message", "service", "pid"} and, for an error with a traceback,
    "exception" (its id-shaped parts masked too): one line each, whatever the message holds."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": "havn",
            "pid": os.getpid(),
        }
        if record.exc_info:
            line["exception"] = ID_SHAPES.sub("<id>", self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str, stream: TextIO | None = None,
                      log_format: Literal["text", "json"] = "text") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True,
                        stream=stream)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactIds())
        if log_format == "json":
            handler.setFormatter(JsonLines())
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
