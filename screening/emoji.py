"""Messages of emoji alone: `emoji_only("😭😭")` is True, `emoji_only("?")` (a mark, no picture) and
`emoji_only("help 🆘")` (words) are not; `looks_like_danger("🔪😱")` is True (content/screening/emoji.yml).

Pure like the rest of the package: stdlib and PyYAML, Python 3.10.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from screening.normalise import normalise

EMOJI = Path(__file__).resolve().parent.parent / "content" / "screening" / "emoji.yml"
_DRESS = "\ufe0f\u200d"  # the emoji variation mark and the joiner: "🗡️" is "🗡"


def emoji_only(text: str) -> bool:
    """No word at all, and at least one picture (Unicode's "other symbol": emoji, ❤, ☎)."""
    return not normalise(text) and any(unicodedata.category(char) == "So" for char in text)


def looks_like_danger(text: str) -> bool:
    """Emoji alone, one of them of danger ("🔪😱", "🆘🆘")."""
    return emoji_only(text) and any(char in load_danger_emoji() for char in text)


@lru_cache(maxsize=1)
def load_danger_emoji(path: Path = EMOJI) -> frozenset[str]:
    """The danger emoji, each one character; a mistake in the file stops the load with the place named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw.get("danger") if isinstance(raw, dict) else None
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(entry, str) and len(entry.strip(_DRESS)) == 1 and emoji_only(entry) for entry in entries)
    ):
        raise ValueError(f"{path}: danger: expected a list of single emoji, got {entries!r}")
    return frozenset(entry.strip(_DRESS) for entry in entries)
