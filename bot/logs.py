"""Logging: our own modules log events, never message text or ids.

Libraries log what they carry: httpx logs every Telegram URL (which holds the bot token) and PTB logs
whole updates at DEBUG. They are held at WARNING whatever our level is. As a second line, every record that
reaches a handler passes `RedactIds`, which masks anything shaped like an id: a chat or user id (a run of
digits), a conversation id or hash (a run of hex), a session or login token; in the message and in the text of
an exception or a stack the record carries (a library's exception can quote what a client sent).

A request aiohttp cannot parse (a header line over 8,190 bytes, a broken request line) was logged by
aiohttp.server at ERROR with a traceback whose text quotes the line's first 100 bytes: a console cookie or a web
chat session token (walk 3, item 5). That is a client's mistake or probe, not a fault of ours: `BadRequests` makes
it one line at INFO (DEBUG if aiohttp said DEBUG) with the kind of error and its status, and nothing the client
sent, not even its address.

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

from aiohttp.http_exceptions import HttpProcessingError

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
        if record.exc_info and not record.exc_text:
            # Formatted here, once, as the handler's formatter would (it keeps an exc_text it finds).
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = ID_SHAPES.sub("<id>", record.exc_text)
        if record.stack_info:
            record.stack_info = ID_SHAPES.sub("<id>", record.stack_info)
        return True


_PLAIN = logging.Formatter()


class BadRequests(logging.Filter):
    """On aiohttp.server: a request that could not be parsed is one line without its data (see above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, HttpProcessingError):
            return True
        record.msg = "a request that could not be read was refused (%s, %s)"
        record.args = (type(error).__name__, error.code)
        record.levelno = min(record.levelno, logging.INFO)
        record.levelname = logging.getLevelName(record.levelno)
        record.exc_info, record.exc_text = None, None
        return logging.getLogger(record.name).isEnabledFor(record.levelno)


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
        if record.exc_info or record.exc_text:
            text = record.exc_text or (self.formatException(record.exc_info) if record.exc_info else "")
            line["exception"] = ID_SHAPES.sub("<id>", text)
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
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(each, BadRequests) for each in server.filters):
        server.addFilter(BadRequests())
