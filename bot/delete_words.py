"""A typed request to delete the chat, in any of our languages: `asks_to_delete("xoa cuoc tro chuyen")`,
`asks_to_delete("please delete everything")` and `asks_to_delete("ลบแชทค่ะ")` are True; "how do I delete my
facebook" and "they deleted my photos" are not.

The words are in content/delete_words.yml, which explains the rules: the whole message is a request, with
only words such as "please" or "I want to" before it and "now" or "ạ" after it; a question only with such
words first ("can you delete this chat?", not "do you delete messages?" in Romanian's "stergeti mesajele?").
The gateway (bot/gateway.py) answers such a message as it answers the web chat's Delete and Telegram's /delete:
with the question, never with the erasure itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from screening.normalise import COMPACT, normalise
from screening.word_lists import load_word_lists

DELETE_WORDS = Path(__file__).resolve().parent.parent / "content" / "delete_words.yml"
LISTS = ("requests", "before", "after")
_COMPACT_CHAR = re.compile(f"[{COMPACT}]")
QUESTION_MARKS = ("?", "？", "؟")


@dataclass(frozen=True)
class DeleteWords:
    """Every language's words, normalised: a chat's language may still be wrong after one short message."""

    requests: frozenset[str]
    before: tuple[str, ...]  # the longest first: "i want to" before "i want"
    after: tuple[str, ...]


def asks_to_delete(text: str, words: DeleteWords | None = None) -> bool:
    """Whether the whole message asks to delete the chat (see the module's docstring)."""
    words = words or load_delete_words()
    message = normalise(text)
    # "stergeti mesajele?" asks whether we delete messages (the NLU's ask_anonymous), "delete?" whether it is
    # gone: a question is a request only when it says so first ("can you delete my messages?").
    asking = text.rstrip().endswith(QUESTION_MARKS)
    framed = False
    while message not in words.requests:
        shorter = _without_before(message, words.before)
        framed = framed or shorter != message
        if shorter == message:
            shorter = _without_after(message, words.after)
        if shorter == message:
            return False
        message = shorter
    return framed or not asking


def _without_before(message: str, frames: tuple[str, ...]) -> str:
    """The message without the first of `frames` it starts with, as a whole word (or within Thai or Chinese)."""
    for frame in frames:
        if message.startswith(frame) and len(message) > len(frame) and (
                message[len(frame)] == " " or _compact_join(frame[-1], message[len(frame)])):
            return message[len(frame):].lstrip()
    return message


def _without_after(message: str, frames: tuple[str, ...]) -> str:
    for frame in frames:
        if message.endswith(frame) and len(message) > len(frame) and (
                message[-len(frame) - 1] == " " or _compact_join(message[-len(frame) - 1], frame[0])):
            return message[:-len(frame)].rstrip()
    return message


def _compact_join(left: str, right: str) -> bool:
    """Two letters of scripts written without spaces meet: "ลบแชท" + "ค่ะ", "我想" + "删除"."""
    return bool(_COMPACT_CHAR.match(left) and _COMPACT_CHAR.match(right))


@lru_cache(maxsize=2)
def load_delete_words(path: Path = DELETE_WORDS) -> DeleteWords:
    """Every language's lists, normalised (screening/word_lists.py); a mistake in the file stops the load with the
    place named."""
    languages = load_word_lists(path, LISTS, required=("requests",)).values()
    found = {name: {phrase for lists in languages for phrase in lists[name]} for name in LISTS}
    return DeleteWords(frozenset(found["requests"]), _longest_first(found["before"]), _longest_first(found["after"]))


def _longest_first(frames: set[str]) -> tuple[str, ...]:
    return tuple(sorted(frames, key=lambda frame: (-len(frame), frame)))
