"""What the simulated people of bench/load.py type: the typed lines of the tests' data, in many languages.

Each person writes in one language (taken in turn, so every language of the data is in the mix): the three
questions of tests/data/conversations.yml and the short chat lines of tests/data/chat_messages/<lang>.txt,
shuffled per person. Every fifth person also presses "Talk to a person" (the main menu's `/talk_to_person`) at
some point, so the handover path (queue, ring, limits for requests) is part of the load.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
ASK_FOR_PERSON = "/talk_to_person"
ASKING_SHARE = 5  # one person in this many asks for a person


@dataclass(frozen=True)
class Line:
    """One thing a person sends: typed text, or a button's payload."""

    text: str | None = None
    payload: str | None = None

    def body(self) -> dict[str, str]:
        return {"payload": self.payload} if self.payload is not None else {"text": self.text or ""}


def typed_lines() -> dict[str, list[str]]:
    """Per language, every typed line of the two data sets."""
    lines: dict[str, list[str]] = {}
    conversations = yaml.safe_load((DATA / "conversations.yml").read_text(encoding="utf-8"))
    for language, entries in conversations.items():
        lines.setdefault(language, []).extend(str(entry[0]) for entry in entries)
    for path in sorted((DATA / "chat_messages").glob("*.txt")):
        typed = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines.setdefault(path.stem, []).extend(typed)
    return lines


class Scripts:
    def __init__(self, seed: int = 17) -> None:
        self._lines = typed_lines()
        self._languages = sorted(self._lines)
        self._seed = seed

    @property
    def languages(self) -> list[str]:
        return self._languages

    def for_person(self, number: int) -> tuple[str, list[Line]]:
        """Person `number`'s language and lines, the same on every run (seeded)."""
        chance = random.Random(self._seed * 1_000_003 + number)
        language = self._languages[number % len(self._languages)]
        lines = [Line(text=text) for text in self._lines[language]]
        chance.shuffle(lines)
        if number % ASKING_SHARE == 0:
            lines.insert(chance.randrange(1, 6), Line(payload=ASK_FOR_PERSON))
        return language, lines
