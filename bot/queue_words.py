"""A typed answer to "Nobody from the centre can answer right now… keep waiting, or leave a message?", in any of
our languages: `queue_answer("jeg venter")`, `queue_answer("ok I'll wait, thanks")` and `queue_answer("ฉันจะรอค่ะ")`
are the "I will wait" button's command, `queue_answer("las un mesaj")` the "I will leave a message" one;
"wait, they took my passport" is neither.

The words are in content/queue_words.yml, which explains the rules: the whole message is an answer, with only
words such as "ok" or "thanks" around it. The gateway (bot/gateway.py) reads it only right after that question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from core.vocabulary import Command
from screening.normalise import cut_word, normalise

QUEUE_WORDS = Path(__file__).resolve().parent.parent / "content" / "queue_words.yml"
ANSWERS = {"wait": Command.QUEUE_WAIT, "message": Command.QUEUE_MESSAGE}
LISTS = (*ANSWERS, "around")


@dataclass(frozen=True)
class QueueWords:
    """Every language's words, normalised: a chat's language may still be wrong after one short message."""

    answers: dict[str, Command]  # phrase → the button's command
    around: tuple[str, ...]  # the longest first: "thank you" before "thank"


def queue_answer(text: str, words: QueueWords | None = None) -> Command | None:
    """The command of the button the whole message answers with (see the module's docstring), or None."""
    words = words or load_queue_words()
    message = normalise(text)
    while message not in words.answers:
        shorter = next(
            (rest for frame in words.around for end in (False, True) if (rest := cut_word(message, frame, end))), None
        )
        if shorter is None:
            return None
        message = shorter
    return words.answers[message]


@lru_cache(maxsize=2)
def load_queue_words(path: Path = QUEUE_WORDS) -> QueueWords:
    """Every language's lists, normalised; a mistake in the file stops the load with the place named."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected one section per language")
    answers: dict[str, Command] = {}
    around: set[str] = set()
    for code, lists in raw.items():
        if not isinstance(lists, dict) or set(lists) != set(LISTS):
            raise ValueError(f"{path}: {code}: expected the lists {', '.join(LISTS)}")
        for name, entries in lists.items():
            if not isinstance(entries, list) or not all(
                isinstance(entry, str) and normalise(entry) for entry in entries
            ):
                raise ValueError(f"{path}: {code}.{name}: expected a list of texts, got {entries!r}")
            phrases = {normalise(entry) for entry in entries}
            if name == "around":
                around |= phrases
                continue
            for phrase in phrases:  # "wait" and "leave a message" never share a phrase, in any languages
                if answers.setdefault(phrase, ANSWERS[name]) != ANSWERS[name]:
                    raise ValueError(f"{path}: {code}: {phrase!r} is in both lists (here or in another language)")
    return QueueWords(answers, tuple(sorted(around, key=lambda frame: (-len(frame), frame))))
