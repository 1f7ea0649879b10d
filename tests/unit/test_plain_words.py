"""Plain words: every English text is short sentences in everyday words (content/plain_words.yml).

English is the source every translation follows, so the check runs on English only: on every key
core.texts.load_language_texts finds, the topic files (content/texts/<topic>/en.yml) included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.config import CONTENT_DIR
from core.texts import COUNT, load_language_texts

RULES: dict[str, Any] = yaml.safe_load((CONTENT_DIR / "plain_words.yml").read_text(encoding="utf-8"))
MAX_WORDS: int = RULES["max_words"]
HARD = re.compile(r"\b(" + "|".join(map(re.escape, RULES["hard_words"])) + r")\b", re.IGNORECASE)
NAMES = re.compile("|".join(map(re.escape, RULES["names"])), re.IGNORECASE)
REVIEWED: dict[str, str] = RULES.get("reviewed") or {}
# A sentence ends at . ! or ? before a space (or at a line break): "Call 112. Our hotline: …" is two.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[\w{}]")  # a token with a letter, a digit or a placeholder is a word; "–" is not


def english() -> dict[str, Any]:
    texts = load_language_texts(CONTENT_DIR, "en")
    texts.pop("_meta", None)
    return texts


def origin(key: str) -> str:
    """The file a key lives in, for the test's id: a failing topic key says where to fix it."""
    for path in sorted((CONTENT_DIR / "texts").glob("*/en.yml")):
        if key in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            return str(path.relative_to(CONTENT_DIR / "texts"))
    return "en.yml"


def forms(value: Any) -> list[str]:
    """A text's wordings: the string, or each form of a plural text."""
    if isinstance(value, Mapping):
        return [str(form) for category, form in value.items() if category != COUNT]
    return [str(value)]


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def word_count(sentence: str) -> int:
    return sum(1 for token in sentence.split() if WORD.search(token))


def problems(text: str) -> list[str]:
    """What makes a text hard to read: each long sentence and each hard word (proper names aside)."""
    found = [f"{word_count(sentence)} words: {sentence!r}" for sentence in sentences(text)
             if word_count(sentence) > MAX_WORDS]
    found += [f"hard word {match.group(0)!r}" for match in HARD.finditer(NAMES.sub("", text))]
    return found


ENGLISH = english()


@pytest.mark.parametrize("key", [pytest.param(key, id=f"{origin(key)}::{key}") for key in sorted(ENGLISH)])
def test_every_english_text_is_in_plain_words(key: str) -> None:
    if key in REVIEWED:
        return  # kept as it is on purpose: the reason is in content/plain_words.yml
    found = [problem for form in forms(ENGLISH[key]) for problem in problems(form)]
    assert not found, f"{key}: {found} (shorten it, or list the key under reviewed: in content/plain_words.yml)"


def test_every_reviewed_key_exists_and_says_why() -> None:
    for key, reason in REVIEWED.items():
        assert key in ENGLISH, f"content/plain_words.yml reviews {key!r}, which is no English text"
        assert str(reason or "").strip(), f"content/plain_words.yml: say why {key!r} may keep a hard word"


@pytest.mark.parametrize(("text", "expected"), [
    ("Call 112. Our hotline: {hotline}.", []),
    ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
     "seventeen eighteen nineteen twenty.", []),
    ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
     "seventeen eighteen nineteen twenty twenty-one.", ["21 words"]),
    ("Short line\none two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
     "sixteen seventeen eighteen nineteen twenty", []),
    ("Help – now.", []),
    ("If someone exploits you, call.", ["hard word 'exploits'"]),
    ("Talks are Confidential.", ["hard word 'Confidential'"]),
    ("The Danish Centre against Human Trafficking helps.", []),
    ("Trafficking is a crime.", ["hard word 'Trafficking'"]),
    ("He exploited nobody; exploitative is not listed.", ["hard word 'exploited'"]),
])
def test_the_check_finds_long_sentences_and_hard_words(text: str, expected: list[str]) -> None:
    found = problems(text)
    assert len(found) == len(expected) and all(found[i].startswith(expected[i]) for i in range(len(expected)))


def test_the_rules_file_is_where_the_test_reads_it() -> None:
    assert Path(CONTENT_DIR / "plain_words.yml").is_file() and MAX_WORDS == 20
