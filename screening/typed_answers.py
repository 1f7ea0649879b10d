"""A typed answer to a yes/no question, in every language: `typed_answer("jaaa", "da")` is "yes", "nu știu" is
"unknown", "👎" is "no", and a long sentence is None so that free text still goes to Rasa's NLU.
`acknowledgement("ok thanks", "en")` is "okay": a yes to a request ("May I note this?"), but no answer to a
question about what happened ("Has anyone hit you?"); "thanks" alone is "polite", no answer at all.

The words are in content/screening/typed_answers.yml, which also explains the rules: a whole answer counts; so
does an answer followed by a punctuation mark and a few words ("Sure, he took it"), or by a few words when the
answer is marked "..." there ("yes he did"). A word that means something else in some language ("nu": no in
Romanian, now in Danish) counts only in a chat whose language has it as an answer.

Pure like the rest of the package: stdlib and PyYAML, Python 3.10.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import yaml

from screening.normalise import COMPACT, normalise
from screening.types import Answer

TYPED_ANSWERS = Path(__file__).resolve().parent.parent / "content" / "screening" / "typed_answers.yml"
ANSWERS: tuple[Answer, ...] = get_args(Answer)
OKAY = "okay"  # the list of acknowledgements in the file: read as "yes", and told apart by `acknowledgement`
Acknowledgement = Literal["okay", "polite"]
MAX_MORE_WORDS = 4  # "yes he took my passport" still is an answer; a longer message is free text
LEAD = "..."  # marks an answer that may be followed by a few words without a punctuation mark
# Where an answer ends: punctuation (not hyphens or apostrophes: "nu-mi", "don't"), or a space between Thai or
# Chinese letters, which is how those scripts pause ("ใช่ค่ะ เขาเอาไป").
_PAUSE = re.compile(rf"[,.!?;:…，。！？；：、،؛؟]+|(?<=[{COMPACT}])\s+(?=[{COMPACT}])")
_EMOJI_DRESS = re.compile("[\\s\ufe0f\u200d\u2640\u2642\U0001f3fb-\U0001f3ff]")  # variation, gender, skin tone
_COMPACT_CHAR = re.compile(f"[{COMPACT}]")


@dataclass(frozen=True)
class _Words:
    """What one language's chat reads: normalised phrase → answer, and the phrases' roles."""
    answers: Mapping[str, Answer]
    lead: frozenset[str]  # may be followed by a few words: "yes he did"
    okay: frozenset[str]  # acknowledgements ("ok", "d'accord"): answers "yes", but only to a request
    other: frozenset[str]  # never an answer here, and never "answer ..." when a message starts with one
    polite: tuple[str, ...]  # particles dropped around an answer, the longest first


@dataclass(frozen=True)
class _Vocabulary:
    languages: Mapping[str, _Words]
    shared: _Words  # the phrases with one meaning in every language: all a chat of unknown language reads
    emoji: Mapping[str, Answer]
    # Every language's answers, whatever they mean where: in a chat of unknown language none is mere politeness
    # (`acknowledgement`). Gathered once at load, not at every message.
    any_answer: frozenset[str]


def typed_answer(text: str, language: str | None = None, *, whole: bool = False) -> Answer | None:
    """"yes", "no" or "unknown" when `text` is a short typed answer (in `language` if given), else None. `whole`:
    only when the whole message is the answer ("yes", "Ja tak", "ใช่ค่ะ", "👍"), never an answer with more words
    after it: for a question whose yes cannot be undone (erasure)."""
    vocabulary = load_typed_answers()
    emoji = {vocabulary.emoji.get(char) for char in _EMOJI_DRESS.sub("", text)}
    if len(emoji) == 1 and None not in emoji:
        return emoji.pop()
    words = _words_for(vocabulary, language)
    message = normalise(text)
    if (phrase := _phrase(words, message)) is not None:
        return words.answers[phrase]
    if whole:
        return None
    parts = [part for part in _PAUSE.split(text) if normalise(part)]  # "Sure, he took it" → "Sure" + the rest
    if len(parts) > 1 and (head := _phrase(words, normalise(parts[0]))) is not None:
        return _with_rest(words, head, normalise(" ".join(parts[1:])))
    message = _unpolite(message, words.polite)
    starts = [phrase for phrase in (*words.answers, *words.other) if f"{message} ".startswith(f"{phrase} ")]
    lead = max(starts, key=len, default=None)  # "no idea …" is "no idea", not "no"; "no one …" is no answer
    if lead in words.lead:
        return _with_rest(words, lead, message[len(lead) + 1:])
    return None


def acknowledgement(text: str, language: str | None = None) -> Acknowledgement | None:
    """"okay" when the message only acknowledges ("ok", "Ok, thank you", "okay tak", "โอเคค่ะ"), "polite" when it is
    only polite words ("thanks", "tak", "merci beaucoup"), else None (an answer such as "ja tak" or "ค่ะ", or
    anything else). An acknowledgement is a yes to a request (may I ask, may I note this, is it safe to write now)
    and no answer to a question about what happened: "ok thanks" at "Has anyone hit you?" closes a turn."""
    vocabulary = load_typed_answers()
    words = _words_for(vocabulary, language)
    # In a chat of unknown language, a word that answers in any language is no mere politeness: "da" is the
    # Romanian yes before it is the Vietnamese "dạ" folded.
    answers = words.answers.keys() if language in vocabulary.languages else vocabulary.any_answer
    parts = [part for part in (normalise(part) for part in _PAUSE.split(text)) if part]
    if not parts:
        return None
    kinds: set[Acknowledgement] = set()
    for part in parts:
        if part in answers and part not in words.okay:  # "ja tak", "ค่ะ", "tak" in Polish: an answer
            return None
        if not _unpolite(part, words.polite, leave=False):
            kinds.add("polite")
        elif not _unpolite(part, _longest_first({*words.okay, *words.polite}), leave=False):
            kinds.add("okay")
        else:  # "ok yes", "thanks they took it": more than an acknowledgement
            return None
    return "okay" if "okay" in kinds else "polite"


def _phrase(words: _Words, message: str) -> str | None:
    """The answer the whole message is, as typed or without polite particles ("ใช่ค่ะ"), or None."""
    for candidate in (message, _unpolite(message, words.polite)):
        if candidate in words.answers:
            return candidate
    return None


def _with_rest(words: _Words, head: str, rest: str) -> Answer | None:
    """The head's answer when the rest is short and does not say otherwise ("yes no", "no, not sure")."""
    rest = _unpolite(rest, words.polite)
    size = sum(math.ceil(len(word) / 3) if _COMPACT_CHAR.match(word) else 1 for word in rest.split())
    answer = words.answers[head]
    padded = f" {rest} "
    for phrase, other in words.answers.items():
        if other != answer and (f" {phrase} " in padded or (_COMPACT_CHAR.match(phrase) and phrase in rest)):
            return None
    return answer if size <= MAX_MORE_WORDS else None


def _unpolite(message: str, polite: tuple[str, ...], *, leave: bool = True) -> str:
    """The message without polite particles at either end ("ใช่ค่ะ" → "ใช่", "dạ không" → "không"), unless
    nothing else is left (then "ค่ะ" is the answer itself); `leave` False: "" when nothing else is left."""
    changed = True
    while changed and message:
        changed = False
        for particle in polite:
            compact = bool(_COMPACT_CHAR.match(particle))
            if not leave and message == particle:
                message, changed = "", True
                break
            if message.endswith(particle) and len(message) > len(particle) and (
                    compact or message[-len(particle) - 1] == " "):
                message, changed = message[:-len(particle)].rstrip(), True
            elif message.startswith(particle) and len(message) > len(particle) and (
                    compact or message[len(particle)] == " "):
                message, changed = message[len(particle):].lstrip(), True
    return message


def _words_for(vocabulary: _Vocabulary, language: str | None) -> _Words:
    """A language's own words first, then the shared ones it does not use otherwise; without one, the shared."""
    own = vocabulary.languages.get(language or "")
    if own is None:
        return vocabulary.shared
    shared = vocabulary.shared
    answers = {phrase: answer for phrase, answer in shared.answers.items() if phrase not in own.other}
    answers.update(own.answers)
    lead = own.lead | {phrase for phrase in shared.lead if phrase not in own.answers}
    polite = [particle for particle in shared.polite if particle not in own.answers and particle not in own.other]
    okay = own.okay | {phrase for phrase in shared.okay if phrase not in own.answers and phrase not in own.other}
    return _Words(answers, frozenset(lead), okay, own.other, _longest_first({*own.polite, *polite}))


def _longest_first(phrases: set[str]) -> tuple[str, ...]:
    return tuple(sorted(phrases, key=lambda phrase: (-len(phrase), phrase)))


@lru_cache(maxsize=4)
def load_typed_answers(path: Path = TYPED_ANSWERS) -> _Vocabulary:
    """The answers of every language, normalised; a mistake in the file stops the load with the place named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("emoji"), dict):
        raise ValueError(f"{path}: expected `emoji` and the languages")
    emoji = {_EMOJI_DRESS.sub("", entry): answer for answer in ANSWERS
             for entry in _strings(path, f"emoji.{answer}", raw["emoji"].get(answer), words=False)}
    languages = {str(code): _language(path, str(code), entries) for code, entries in raw.items() if code != "emoji"}
    meanings: dict[str, set[Answer]] = {}
    for words in languages.values():
        for phrase, answer in words.answers.items():
            meanings.setdefault(phrase, set()).add(answer)
    others = {phrase for words in languages.values() for phrase in words.other}
    shared = {phrase: min(answers) for phrase, answers in meanings.items() if len(answers) == 1
              and phrase not in others}
    # "answer ..." is shared only when every language that has the phrase marks it so ("да" is not in Bulgarian).
    lead = {phrase for phrase in shared if all(phrase in words.lead for words in languages.values()
                                               if phrase in words.answers)}
    # An acknowledgement in one language is no answer to what happened in any: "ok" is "okay" wherever it is shared.
    okay = {phrase for phrase in shared if any(phrase in words.okay for words in languages.values())}
    polite = {particle for words in languages.values() for particle in words.polite}
    return _Vocabulary(languages, _Words(shared, frozenset(lead), frozenset(okay), frozenset(others),
                                         _longest_first(polite)), emoji, frozenset(meanings))


def _language(path: Path, code: str, entries: object) -> _Words:
    if not isinstance(entries, dict) or not set(entries) <= {*ANSWERS, OKAY, "other", "polite"}:
        raise ValueError(f"{path}: {code}: expected the lists yes, no, unknown, okay, other and polite")
    answers: dict[str, Answer] = {}
    listed: dict[str, str] = {}  # phrase → the list it is in
    lead = set()
    for key, answer in (*((answer, answer) for answer in ANSWERS), (OKAY, "yes")):
        for entry in _strings(path, f"{code}.{key}", entries.get(key)):
            phrase = normalise(entry.removesuffix(LEAD))
            if listed.setdefault(phrase, key) != key:
                raise ValueError(f"{path}: {code}: {entry!r} is listed as {listed[phrase]!r} and {key!r}")
            answers[phrase] = answer
            if entry.endswith(LEAD):
                lead.add(phrase)
    okay = {phrase for phrase, key in listed.items() if key == OKAY}
    other = {normalise(entry) for entry in _strings(path, f"{code}.other", entries.get("other"))}
    polite = {normalise(entry) for entry in _strings(path, f"{code}.polite", entries.get("polite"))}
    return _Words(answers, frozenset(lead), frozenset(okay), frozenset(other), _longest_first(polite))


def _strings(path: Path, where: str, value: object, words: bool = True) -> list[str]:
    """A list of texts, with words in them unless they are emoji (quoted: YAML reads a bare yes as a boolean)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, str) and (normalise(entry) or not words)
                                              for entry in value):
        raise ValueError(f"{path}: {where}: expected a list of quoted texts, got {value!r}")
    return value
