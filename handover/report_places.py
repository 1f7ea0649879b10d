"""A Danish town named in what a bystander noticed ("car wash in odense, workers sleep there", "i byen aarhus",
"en Copenhague"): the report's "Where was it?" is then answered already (bot/reporting.py), with the town as typed.

The towns are in content/report_places.yml; only a whole name counts ("Odense", "Kongens Lyngby", "Høje-Taastrup"),
matched on the screening's normalised text (screening/normalise.py): case, accents and punctuation do not matter,
and æ, ø, å may be typed ae, o, a ("kobenhavn", "arhus"). A name in Thai or Chinese, written without spaces, counts
anywhere in the message. No name found: None, and the question is asked as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from core.config import CONTENT_DIR
from core.yaml_file import read_yaml_strings
from screening.normalise import COMPACT, normalise

PLACES = CONTENT_DIR / "report_places.yml"
WHERE = "where"  # the report's question it answers (handover/report_flow.py)
_WORD = re.compile(r"[^\W_]+")
_COMPACT = re.compile(f"[{COMPACT}]")


@lru_cache(maxsize=4)
def load_towns(path: Path = PLACES) -> tuple[frozenset[str], tuple[str, ...], int]:
    """The normalised names in spaced scripts, the names in Thai and Chinese as written, and the most words in one
    name."""
    names = [str(name) for name in (read_yaml_strings(path) or {}).get("towns") or []]
    spaced = frozenset(filter(None, (normalise(name) for name in names if not _COMPACT.search(name))))
    compact = tuple(name for name in names if _COMPACT.search(name))
    if not spaced and not compact:
        raise ValueError(f"{path}: no towns")
    return spaced, compact, max((len(name.split()) for name in spaced), default=1)


def town_in(text: str | None) -> str | None:
    """The first town named in `text`, as it was typed there ("Odense", "i byen aarhus" → "aarhus"), or None."""
    if not text:
        return None
    spaced, compact, longest = load_towns()
    words = list(_WORD.finditer(text))
    for first in range(len(words)):
        for count in range(min(longest, len(words) - first), 0, -1):  # the longest name first: "Kongens Lyngby"
            typed = text[words[first].start():words[first + count - 1].end()]
            if normalise(typed) in spaced:
                return typed
    return next((name for name in compact if name in text), None)


def with_town(details: dict[str, dict[str, str]], words: str | None) -> dict[str, dict[str, str]]:
    """`details` with the town named in `words` as the answer to "Where was it?", unless that is answered already
    (or no town is named)."""
    town = None if WHERE in details else town_in(words)
    return details if town is None else {**details, WHERE: {"words": town}}
