"""Outreach links: which card or poster brought a person to the chat, in which language (docs/outreach.md).

A link names a language and a source ("farm-lolland"): the web chat's `/?lang=pl&src=farm-lolland`, or the
Telegram bot's deep link `t.me/<bot>?start=pl_farm-lolland` (Telegram allows 64 characters of A-Z, a-z, 0-9, _
and - there; a source has no "_", so the first "_" splits the two). The source is counted by month and channel
(handover/outreach_counts.py) and never stored with a person or a conversation. Pure: no database, no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

SOURCE_MAX = 40
# Lowercase letters and digits, single hyphens between them: "farm-lolland", "clinic-2".
SOURCE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SOURCE_RULE = (f"A source is 1 to {SOURCE_MAX} lowercase letters (a-z) and digits, with single hyphens between "
               "them, like farm-lolland.")
START_SEPARATOR = "_"
START_MAX = 64  # Telegram's limit for a deep link's start parameter


class OutreachError(ValueError):
    """A language or source a card cannot be made for; the message is a sentence for the person who asked."""


def valid_source(source: str | None) -> bool:
    return bool(source) and len(source or "") <= SOURCE_MAX and SOURCE_PATTERN.fullmatch(source or "") is not None


def check_source(source: str) -> str:
    if not valid_source(source):
        raise OutreachError(SOURCE_RULE)
    return source


def check_language(language: str, languages: tuple[str, ...]) -> str:
    if language not in languages:
        raise OutreachError(f"The language {language!r} is not one the chat speaks. Known languages: "
                            f"{', '.join(languages)}.")
    return language


def web_link(public_url: str, language: str, source: str) -> str:
    """The web chat in `language`, counted for `source`: what the card's QR code opens."""
    return f"{public_url.rstrip('/')}/?{urlencode({'lang': language, 'src': source})}"


def start_parameter(language: str, source: str) -> str:
    return f"{language}{START_SEPARATOR}{source}"


def telegram_link(bot_username: str, language: str, source: str) -> str:
    return f"https://t.me/{bot_username}?start={start_parameter(language, source)}"


def parse_start(parameter: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """(language, source) from a deep link's start parameter; None when it is not one of ours."""
    if len(parameter) > START_MAX or START_SEPARATOR not in parameter:
        return None
    language, source = parameter.split(START_SEPARATOR, 1)
    if language not in languages or not valid_source(source):
        return None
    return language, source
