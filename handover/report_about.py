"""A typed answer to a report's first question, "Is this about you, or about someone else?", in every language:
`typed_about("a friend", "en")` is "other", "mig selv" is "me", "คนอื่นค่ะ" is "other", and words that are
neither ("skip", "my boss keeps my passport") are None: the question is asked again (bot/reporting.py).
`describes_others("there is a car wash where the workers sleep", "en")` is True: a sentence about other people
("they", "the workers", "there is …", and no "I", "me", "my") answers "someone else" and is what was noticed.

The words are in content/report_about.yml, which explains the rules: only a whole short answer counts, after a
lead ("about my sister") and before a polite particle. Matched on the screening's normalised text
(screening/normalise.py): case, accents, apostrophes and punctuation do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from core.config import CONTENT_DIR
from screening.normalise import COMPACT, cut_word, normalise
from screening.word_lists import load_word_lists

ABOUT_WORDS = CONTENT_DIR / "report_about.yml"
About = Literal["me", "other"]  # the choices of the first question ("report_about:me")
CHOICES: tuple[About, ...] = get_args(About)
LISTS = ("lead", "polite", "self", "others", "there")  # content/report_about.yml's other lists
# Shorter words count only in their own language's chat: they mean other things elsewhere (Polish "ja" is "me",
# Danish "ja" is "yes"; Lithuanian "man" is "me", English "man" is someone else).
SHORTEST_SHARED = 4
SHORTEST_DESCRIPTION = 3  # words: "workers sleep there"; "idk", "the workers" alone are no description
_COMPACT = re.compile(f"[{COMPACT}]")
FALLBACK = "en"  # a description in English counts in every chat, when the chat's own words say nothing


@dataclass(frozen=True)
class _Words:
    """What one chat reads: normalised phrase → choice, and the words that may come around an answer."""
    choices: Mapping[str, About]
    leads: frozenset[str]  # before the answer: "about", "it is about"
    polite: frozenset[str]  # after it: "please", "ค่ะ"
    own: frozenset[str] = frozenset()  # the writer in a sentence: "i", "my", "we"
    others: frozenset[str] = frozenset()  # other people in a sentence: "they", "the workers"
    there: frozenset[str] = frozenset()  # a description's opening: "there is"


@dataclass(frozen=True)
class _Vocabulary:
    languages: Mapping[str, _Words]
    shared: _Words  # the phrases with one meaning in every language, long enough not to be a word of another


def typed_about(text: str, language: str | None = None) -> About | None:
    """"me" or "other" when `text` is a short typed answer to whom a report is about (in `language`'s words
    first, then in the shared ones), else None."""
    vocabulary = load_about_words()
    own = vocabulary.languages.get(language or "")
    message = normalise(text)
    for words in (*([own] if own else []), vocabulary.shared):
        for candidate in _candidates(message, words):
            if candidate in words.choices:
                return words.choices[candidate]
    # An apostrophe typed as a space: "quelqu un d autre" is "quelqu'un d'autre" (found walking the chat: the
    # question came again nine times). Compared without spaces, as the file's apostrophes are dropped.
    for words in (*([own] if own else []), vocabulary.shared):
        joined = {_joined(phrase): choice for phrase, choice in words.choices.items()}
        for candidate in _candidates(message, words):
            if len(candidate) >= SHORTEST_SHARED and _joined(candidate) in joined:
                return joined[_joined(candidate)]
    return None


def describes_others(text: str, language: str | None = None) -> bool:
    """Whether `text` is a sentence about other people, not about the writer: three words or more (in Thai and
    Chinese, as many letters), with a word for others ("they", "the workers") or a description's opening ("there
    is", "der er") and no word of the writer ("i", "me", "my", "we"). Conservative: a first-person sentence
    ("my boss keeps my passport", "i saw workers") is not; it may be the person's own story. In the chat's
    language; when its words say nothing either way, in English ("they sleep at the car wash" in a Danish chat).
    A language's short words are never read in another's: Danish "i" is "in", Spanish "he" is "I have"."""
    vocabulary = load_about_words()
    message = normalise(text)
    compact = _COMPACT.search(message) is not None
    if len(message.replace(" ", "") if compact else message.split()) < SHORTEST_DESCRIPTION:
        return False
    for code in dict.fromkeys([language or FALLBACK, FALLBACK]):
        words = vocabulary.languages.get(code)
        if words is None:
            continue
        if any(_holds(message, word) for word in words.own):
            return False
        if any(_holds(message, word) for word in words.others) or any(
                cut_word(message, opening, end=False) for opening in words.there):
            return True
    return False


def _holds(message: str, word: str) -> bool:
    """`word` (or phrase) in `message` as whole words; Thai and Chinese ones anywhere."""
    return word in message if _COMPACT.match(word) else f" {word} " in f" {message} "


def _joined(phrase: str) -> str:
    """Without spaces, normalised again: the letters that met are doubled no more ("quelqu un" = "quelqun")."""
    return normalise(phrase.replace(" ", ""))


def _candidates(message: str, words: _Words) -> list[str]:
    """The message, then without a polite particle at its end, then each of those without a lead at its start."""
    bare = [message, *filter(None, (cut_word(message, particle, end=True) for particle in words.polite))]
    return [*bare, *filter(None, (cut_word(each, lead, end=False) for each in bare for lead in words.leads))]


@lru_cache(maxsize=4)
def load_about_words(path: Path = ABOUT_WORDS) -> _Vocabulary:
    """Every language's words, normalised (screening/word_lists.py); a mistake in the file stops the load with the
    place named."""
    languages = {code: _language(path, code, lists)
                 for code, lists in load_word_lists(path, (*CHOICES, *LISTS)).items()}
    meanings: dict[str, set[About]] = {}
    for words in languages.values():
        for phrase, choice in words.choices.items():
            meanings.setdefault(phrase, set()).add(choice)
    shared = {phrase: min(choices) for phrase, choices in meanings.items()
              if len(choices) == 1 and len(phrase) >= SHORTEST_SHARED}
    leads = frozenset(lead for words in languages.values() for lead in words.leads)
    polite = frozenset(particle for words in languages.values() for particle in words.polite)
    return _Vocabulary(languages, _Words(shared, leads, polite))


def _language(path: Path, code: str, lists: dict[str, tuple[str, ...]]) -> _Words:
    choices: dict[str, About] = {}
    for choice in CHOICES:
        for phrase in lists[choice]:
            if choices.setdefault(phrase, choice) != choice:
                raise ValueError(f"{path}: {code}: {phrase!r} is listed as {choices[phrase]!r} and {choice!r}")
    named = {name: frozenset(lists[name]) for name in LISTS}
    return _Words(choices, named["lead"], named["polite"], named["self"], named["others"], named["there"])
