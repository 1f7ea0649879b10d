"""A message cut into the statements it joins: `clauses("they took my passport and I cannot leave the house", "en")`
is ["they took my passport", "I cannot leave the house"], `clauses("mi-au luat pașaportul, nu mă lasă să ies",
"ro")` is ["mi-au luat pașaportul", "nu mă lasă să ies"]; a message of one statement ("they took my passport")
is [].

The words that join are in content/clause_words.yml, one list per language; punctuation joins in every language.
bot/assistant.py has the NLU read each statement alone, so that two things told in one message are both heard.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from screening.normalise import COMPACT, normalise

CLAUSE_WORDS = Path(__file__).resolve().parent.parent / "content" / "clause_words.yml"
# Where a statement ends in any script: punctuation (not hyphens or apostrophes: "mi-au", "don't") and line breaks.
_PUNCTUATION = re.compile(r"[,.!?;:…，。！？；：、،؛؟\n]+")
_COMPACT_CHAR = re.compile(f"[{COMPACT}]")
MIN_WORDS = 2  # fewer ("ok", "please", "and") is no statement of its own
MIN_COMPACT_LETTERS = 3  # the same in Thai and Chinese, which write no spaces
# The statements read at most: each costs the NLU a look-up before the turn, and a 4,096-letter message of commas
# would otherwise cost hundreds (one message from anyone, many times the work). Two things told in one breath are
# in the first few.
MAX_STATEMENTS = 4


def clauses(text: str, language: str | None) -> list[str]:
    """The first MAX_STATEMENTS statements of `text` as typed, in order, when it has two or more; else []."""
    joins = load_clause_words().get(language or "")
    parts = _PUNCTUATION.split(text)
    if joins is not None:
        parts = [piece for part in parts for piece in joins.split(part)]
    statements = [part.strip() for part in parts if _is_statement(part)]
    return statements[:MAX_STATEMENTS] if len(statements) > 1 else []


def _is_statement(part: str) -> bool:
    words = normalise(part)
    if _COMPACT_CHAR.search(words):
        return len(_COMPACT_CHAR.findall(words)) >= MIN_COMPACT_LETTERS or len(words.split()) >= MIN_WORDS
    return len(words.split()) >= MIN_WORDS


@lru_cache(maxsize=2)
def load_clause_words(path: Path = CLAUSE_WORDS) -> dict[str, re.Pattern[str]]:
    """Each language's joining words as one pattern (whole words; Thai and Chinese wherever they stand, the longest
    first); a mistake in the file stops the load with the place named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected one list per language")
    patterns = {}
    for code, entries in raw.items():
        if (
            not isinstance(entries, list)
            or not entries
            or not all(isinstance(entry, str) and normalise(entry) for entry in entries)
        ):
            raise ValueError(f"{path}: {code}: expected a list of texts, got {entries!r}")
        alternatives = [
            re.escape(entry) if _COMPACT_CHAR.search(entry) else rf"(?<!\w){re.escape(entry)}(?!\w)"
            for entry in sorted(entries, key=len, reverse=True)
        ]
        patterns[str(code)] = re.compile("|".join(alternatives), re.IGNORECASE)
    return patterns
