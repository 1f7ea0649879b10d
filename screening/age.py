"""The age in a typed answer to "How old are you?", in every language: `age_from_text("I came 2 years ago, I am 34")`
is 34, never 2.

The age is the number next to an age word of content/screening/age_words.yml: first a phrase of the writer's
own age ("I am {n}", "jeg er {n}", "мне {n}"), then a number with an age word ("{n} years", "{n} ani"). A number
in a time span, hours, children or money ("{n} years ago", "{n} hours") is never the age. With no age phrase
at all, a message that is only a number is the age (the question was "How old are you?"). Only 5 to 99 counts:
anything else is a slip or another number, and None lets the bot ask again.

Someone else's age, asked in a report ("Did any of them look younger than 18?"), is often typed without an age
word ("she looks 15", "20-25"): `ages_in_text` gives every number of the message that may be an age. A clock time
("at 9", "kl. 9", "à 9h", "la ora 9", "9:30") is never one, in any question: "i saw a girl at 9" names no child.

Pure like the rest of the package: stdlib and PyYAML, Python 3.10.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from screening.normalise import COMPACT, normalise

AGE_WORDS = Path(__file__).resolve().parent.parent / "content" / "screening" / "age_words.yml"
YOUNGEST, OLDEST = 5, 99  # a plausibility bound: "2" in "2 years" slipped through is not a person's age
ADULT = 18  # under it, a child
_NUMBER = r"(?<!\d)(\d{1,3})(?!\d)"
_SPACED_LETTER = re.compile(rf"[^\W\d_{COMPACT}]")  # a letter of a script with spaces between its words
# Hours and minutes in digits ("9:30", "kl. 9.30", "9h30"): a clock time in every language, taken out before the
# message is normalised (after it, "9:30" would be two numbers, as "20-25" is).
_HOURS_MINUTES = re.compile(r"(?<!\d)\d{1,2}[:.hH]\d{2}(?!\d)")
KINDS = ("me", "age", "not", "clock")

# Chinese numerals 1-99 ("十七" = 17, "二十五" = 25, "两" = 2), turned into digits before matching.
_HAN_DIGITS = {**{char: value for value, char in enumerate("〇一二三四五六七八九")}, "零": 0, "两": 2, "兩": 2}
_HAN_NUMBER = re.compile(f"[{''.join(_HAN_DIGITS)}十]+")


@dataclass(frozen=True)
class _Phrases:
    """One language's phrases, compiled: number group 1 is the age (or, for `never`, the number dropped)."""
    me: tuple[re.Pattern[str], ...]
    age: tuple[re.Pattern[str], ...]
    never: tuple[re.Pattern[str], ...]
    clock: tuple[re.Pattern[str], ...]


def age_from_text(text: str, language: str | None = None) -> int | None:
    """The age a person typed, or None; `language` (e.g. "da") is tried first, then every other language."""
    phrases = load_age_words()
    message = _numbers_read(text)
    never = _never(message)
    order = [language, *(code for code in phrases if code != language)] if language in phrases else list(phrases)
    for kind in ("me", "age"):
        for code in order:
            found = sorted((match.start(1), int(match.group(1))) for pattern in getattr(phrases[code], kind)
                           for match in pattern.finditer(message))
            for start, age in found:
                if start not in never and YOUNGEST <= age <= OLDEST:
                    return age
    if re.fullmatch(r"\d{1,3}", message) and YOUNGEST <= int(message) <= OLDEST:
        return int(message)
    return None


def ages_in_text(text: str, young_anywhere: bool = False) -> list[int]:
    """Every number in `text` that may be someone's age, in the order typed: 5 to 99, and not in any language's
    time span, hours, children or money ("3 years ago", "2 children"). For a question about other people's ages
    ("Did any of them look younger than 18?"), answered with or without an age word: "she looks 15",
    "about 16", "20-25", "cam 15 ani". `young_anywhere`: a number under 18 counts even where such a phrase
    caught it, because some ages read like spans ("o fată de 15 ani", a girl of 15, is "for 15 years" too): for
    that question a child missed costs more than a person reading a report sooner."""
    message = _numbers_read(text)
    never, clock = _never(message), _clock(message)
    return [int(match.group(1)) for match in re.finditer(_NUMBER, message)
            if (match.start(1) not in never or (young_anywhere and int(match.group(1)) < ADULT))
            and match.start(1) not in clock and YOUNGEST <= int(match.group(1)) <= OLDEST]


def numbers_read(text: str) -> tuple[str, set[int]]:
    """The normalised text with Chinese numerals as digits, and where the numbers start in it that a `not` or a
    `clock` phrase of any language catches (never an age): for readings of an age beside other words
    (handover/report_child.py)."""
    message = _numbers_read(text)
    return message, _never(message)


def _numbers_read(text: str) -> str:
    """The normalised text with Chinese numerals as digits, and without hours and minutes in digits."""
    return _HAN_NUMBER.sub(_han_to_digits, normalise(_HOURS_MINUTES.sub(" ", text)))


def _never(message: str) -> set[int]:
    """Where the numbers start that a `not` or a `clock` phrase of any language catches: they are out, whichever
    language's age phrase found them."""
    return {match.start(1) for each in load_age_words().values() for pattern in each.never
            for match in pattern.finditer(message)} | _clock(message)


def _clock(message: str) -> set[int]:
    """Where the numbers start that a `clock` phrase of any language catches ("at 9", "kl 9", "la ora 9"), unless
    an age word follows the number ("at 15 years old"): out even where a child missed would cost more
    (`ages_in_text`'s `young_anywhere`), since no age reads like them."""
    phrases = load_age_words().values()
    aged = {match.start(1) for each in phrases for pattern in each.age for match in pattern.finditer(message)}
    return {match.start(1) for each in phrases for pattern in each.clock
            for match in pattern.finditer(message)} - aged


def _han_to_digits(match: re.Match[str]) -> str:
    """A run of Chinese numerals as digits when it is a number from 0 to 99, else left as it is."""
    run = match.group()
    tens, ten, ones = run.partition("十")
    if not ten:
        return str(_HAN_DIGITS[run]) if len(run) == 1 else run
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return run
    return str((_HAN_DIGITS[tens] if tens else 1) * 10 + (_HAN_DIGITS[ones] if ones else 0))


def _compile(phrase: str) -> re.Pattern[str]:
    """"i am {n}" as a regex over a normalised message; the space next to the number may be missing."""
    before, after = (normalise(part) for part in phrase.split("{n}"))
    regex = _NUMBER
    if before:
        # whole words only ("him 34" is not "im 34"), except in Thai and Chinese, written without spaces
        regex = ("(?<!\\w)" if _SPACED_LETTER.match(before[0]) else "") + re.escape(before) + " ?" + regex
    if after:
        regex += " ?" + re.escape(after) + ("(?!\\w)" if _SPACED_LETTER.match(after[-1]) else "")
    return re.compile(regex)


@lru_cache(maxsize=4)
def load_age_words(path: Path = AGE_WORDS) -> Mapping[str, _Phrases]:
    """The phrases of every language, compiled; a mistake in the file stops the load with the place named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{path}: expected languages, each with me / age / not / clock")
    phrases = {}
    for code, kinds in raw.items():
        if not isinstance(kinds, dict) or not set(kinds) <= set(KINDS):
            raise ValueError(f"{path}: {code}: expected the lists me, age, not and clock")
        compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
        for kind in KINDS:
            entries = kinds.get(kind) or []
            bad = [entry for entry in entries if not isinstance(entry, str) or entry.count("{n}") != 1]
            if not isinstance(entries, list) or bad:
                raise ValueError(f"{path}: {code}.{kind}: each phrase is a text with {{n}} once: {bad}")
            compiled[kind] = tuple(_compile(entry) for entry in entries)
        phrases[str(code)] = _Phrases(compiled["me"], compiled["age"], compiled["not"], compiled["clock"])
    return phrases
