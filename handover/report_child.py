"""Whether information added to a report tells of someone under 18: `tells_of_a_child("today i saw a girl maybe 15
years old")`. Added with the reference code, it makes the report P1, as "yes" to "Did any of them look younger than
18?" does when the report is written (handover/report_flow.py `tier`). Found walking the chat (walk 3, item 8):
"a girl maybe 15" added later left the report P3.

An age counts only beside a word for a young person (content/report_child_words.yml), in any language: after it
within three words ("a girl maybe 15", "en pige på 15", "una niña de 14"), or before it with an age word ("a 15
year old boy", "15-årig pige", content/screening/age_words.yml `age`). A number alone ("they work 12 hours", "at 9")
is not read: added information is free text, not an answer to an age question.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from screening.age import ADULT, YOUNGEST, load_age_words, numbers_read
from screening.normalise import COMPACT
from screening.word_lists import load_word_lists

CHILD_WORDS = Path(__file__).resolve().parent.parent / "content" / "report_child_words.yml"
NEAR = 3  # words between the young person's word and the age
_NUMBER = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")


def tells_of_a_child(text: str) -> bool:
    """Whether `text` gives someone under 18 an age beside a word for a young person, in any language."""
    message, never = numbers_read(text)
    people = _people()
    aged = _aged(message)
    for match in _NUMBER.finditer(message):
        age, start = int(match.group(1)), match.start(1)
        if not YOUNGEST <= age < ADULT:
            continue
        before = message[max(0, start - 60):start]
        if start in never and not (start in aged and people["next"].search(before)):
            continue  # a time span ("12 hours"), unless an age word follows just after the word ("o fată de 15 ani")
        if people["before"].search(before):
            return True
        if start in aged and people["after"].match(message[match.end(1):match.end(1) + 60]):
            return True
    return False


def _aged(message: str) -> set[int]:
    """Where the numbers start that an age word of any language follows ("15 years", "15 år", "15岁")."""
    return {found.start(1) for phrases in load_age_words().values() for pattern in phrases.age
            for found in pattern.finditer(message)}


@cache
def _people(path: Path = CHILD_WORDS) -> dict[str, re.Pattern[str]]:
    """Patterns over a normalised message: a young person's word, then at most NEAR words (or one: `next`), then
    the end (of the text before an age); and the start (of the text after an age and its age word), at most NEAR
    words, then the word. A word counts with its endings; Thai and Chinese words anywhere."""
    words = {word for lists in load_word_lists(path, ("people",), required=("people",)).values()
             for word in lists["people"]}
    spaced = sorted((w for w in words if not re.search(f"[{COMPACT}]", w)), key=len, reverse=True)
    compact = sorted((w for w in words if re.search(f"[{COMPACT}]", w)), key=len, reverse=True)
    word = "|".join([rf"(?<!\w)(?:{'|'.join(map(re.escape, spaced))})\w*",
                     *(re.escape(w) for w in compact)])
    between = rf"(?:(?:\W+[^\W\d]+){{0,{NEAR}}}|[^\W\d]{{0,6}})\W*"  # words, or Thai or Chinese letters
    return {"before": re.compile(rf"(?:{word}){between}$"),
            "next": re.compile(rf"(?:{word})(?:\W+[^\W\d]+)?\W*$"),
            "after": re.compile(rf"\W*(?:(?:[^\W\d]+\W+){{0,{NEAR}}}?|[^\W\d]{{0,6}}?)(?:{word})")}
