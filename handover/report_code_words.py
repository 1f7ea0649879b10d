"""The main menu's "I have a reference code" typed in words, in every language: `says_has_code("I got a code from
you", "en")`, "jeg har en kode", "am un cod de referinta" and "มีรหัสอ้างอิงค่ะ" are True; a person's own story
("the boss has a code for the door", "they gave me a code for the phone") is False. The app then asks for the
code as the button does (bot/reporting.py `code_in_words`).

The words are in content/report_code_words.yml, which explains the rules: the code's own name ("reference code",
"รหัสอ้างอิง") counts anywhere in a message; the other ways of saying it ("i have a code") only as the whole
message, after a lead ("hi") and before an end ("please", "from you"). Matched on the screening's normalised text
(screening/normalise.py): case, accents, apostrophes and punctuation do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.config import CONTENT_DIR
from screening.normalise import COMPACT, cut_word, normalise
from screening.word_lists import load_word_lists

CODE_WORDS = CONTENT_DIR / "report_code_words.yml"
LISTS = ("term", "says", "lead", "end")
# A `says` phrase this short counts only in its own language's chat: Romanian "cod", Polish and Russian "код".
SHORTEST_SHARED = 4
# Longer than this, a message is a story, not "I have a code" said with a greeting: only a term counts in it.
LONGEST_SAYING = 120
_COMPACT_WORD = re.compile(f"[{COMPACT}]+")  # Thai, Chinese: no space between words


@dataclass(frozen=True)
class _Words:
    """What one chat reads, normalised: the names of the code, the whole messages, what may come around them."""
    terms: frozenset[str]
    says: frozenset[str]
    leads: frozenset[str]
    ends: frozenset[str]


@dataclass(frozen=True)
class _Vocabulary:
    languages: dict[str, _Words]
    shared: _Words  # every language's words; a short `says` only in its own language


def says_has_code(text: str, language: str | None = None) -> bool:
    """Whether `text` says "I have a reference code" (in `language`'s words or any other's), whether or not a
    code is in it: the caller looks for the code itself."""
    vocabulary = load_code_words()
    message = normalise(text)
    if not message:
        return False
    own = vocabulary.languages.get(language or "")
    return any(_names_code(message, words) or _is_saying(message, words)
               for words in (*([own] if own else []), vocabulary.shared))


def only_about_code(text: str) -> bool:
    """A short message that says "I have a reference code", in any language: words about a report, which the
    danger net does not judge (bot/safety.py: "I got a code" and "me dieron un código" were danger to it). A long
    one is judged all the same: a story may name the code too."""
    return len(normalise(text)) <= LONGEST_SAYING and says_has_code(text)


def _names_code(message: str, words: _Words) -> bool:
    """The code's name anywhere in the message, as whole words (within Thai or Chinese text, anywhere)."""
    padded = f" {message} "
    return any((term in message) if _COMPACT_WORD.fullmatch(term) else (f" {term} " in padded)
               for term in words.terms)


def _is_saying(message: str, words: _Words) -> bool:
    """The whole message is one of the sayings, once leads at its start and ends at its end are taken off."""
    return len(message) <= LONGEST_SAYING and not words.says.isdisjoint(_cores(message, words))


def _cores(message: str, words: _Words) -> set[str]:
    """The message with any number of leads taken off its start and ends off its end ("hi, yes, i have a code
    from you, thanks" → "i have a code"), each step a shorter text."""
    found: set[str] = set()
    waiting = [message]
    while waiting:
        each = waiting.pop()
        if each in found:
            continue
        found.add(each)
        waiting.extend(cut for lead in words.leads if (cut := cut_word(each, lead, end=False)))
        waiting.extend(cut for end in words.ends if (cut := cut_word(each, end, end=True)))
    return found


@lru_cache(maxsize=4)
def load_code_words(path: Path = CODE_WORDS) -> _Vocabulary:
    """Every language's words, normalised (screening/word_lists.py: each list needed, with a text at least); a
    mistake in the file stops the load with the place named."""
    languages = {code: _Words(*(frozenset(lists[name]) for name in LISTS))
                 for code, lists in load_word_lists(path, LISTS, required=LISTS).items()}
    every = languages.values()
    shared = _Words(_union(words.terms for words in every),
                    frozenset(phrase for words in every for phrase in words.says if len(phrase) >= SHORTEST_SHARED),
                    _union(words.leads for words in every), _union(words.ends for words in every))
    return _Vocabulary(languages, shared)


def _union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets)
