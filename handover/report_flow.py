"""Reporting a suspicion, step by step, as a pure state machine: (details, step, answer) → what to ask next.

No I/O here (tests/unit/test_report_flow.py); bot/reporting.py keeps the state and files the report.

First: is this about the writer or about someone else? "About me" leaves the report for the help path
(bot/reporting.py): a person who needs help is never asked a bystander's questions, and no report is kept. Typed
words count too ("a friend", "not me", "mig selv": handover/report_about.py).

Then the questions come in the order a hotline asks them, each one can be skipped, and "Send the report now"
ends it at any step: danger first (it decides whether 112 comes at once); then what, where and when (with
the times or pattern when it happens again and again); the kind of place and how the writer knows it; the
people (how many, anyone under 18, what they look like, whether anyone asked for help); the details (signs,
vehicles, ads or phone numbers where the place is prostitution); who is writing; the police (do they know,
may the centre share the report with them: a police officer is not asked); and a way to contact the writer.

An answer is a button's choice or typed words; typed words are kept as written, for the caseworker. A button's
title typed is that button. A typed yes, no or don't know ("nope", "nej", "nu știu") is that button's choice
where the question has it, and whether anyone looked under 18 is also answered by an age typed ("she looks
15", "20-25"): then the words are kept beside the choice. Words that only acknowledge ("ok", "vale", "تمام",
"thanks") answer no question about what is so, and it is asked again (`acknowledges_only`). `details` maps a
step to {"choice": …}, {"words": …} or both; the signs step to {"choices": [...], "words": …}.

Danger now or anyone under 18 makes the report P1. Words with danger in them ("she is locked in") are heard by
the danger lexicon at every question (bot/safety.py) and make it P1 at once. Other words at the danger question
are no yes ("car wash in odense, workers sleep there"): they are what was noticed, given ahead, and the danger
question is asked once more (bot/reporting.py). At the under-18 question words are no yes either ("I think they
are adults"): the question is asked once more, and then the report goes on, the words kept for the caseworker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from core.vocabulary import Kind, Tier
from screening.age import ADULT
from screening.normalise import COMPACT, normalise
from screening.typed_answers import Acknowledgement

ABOUT = "about"  # the first question; its answer is not part of the report
STEPS = ("about", "danger", "noticed", "where", "when", "times", "place", "relation", "people", "minors",
         "looks", "asked_help", "signs", "vehicles", "ads", "who", "police_know", "police_share", "contact")
FIRST_QUESTION = "danger"  # of the report itself, once it is about someone else
AHEAD = "noticed"  # the question that may be answered before it is asked (bot/reporting.py)
# Answered with it: a Danish town named in what was noticed is the answer to "Where was it?" (handover/report_places.py)
AHEAD_WITH = "where"
MENUS = {"about": "report_about", "danger": "report_danger", "when": "report_when", "place": "report_place",
         "relation": "report_relation", "people": "report_people", "minors": "report_minors",
         "asked_help": "report_asked_help", "signs": "report_signs", "who": "report_who",
         "police_know": "report_police_know", "police_share": "report_police_share"}
PICK_STEPS = ("place", "relation", "who")  # a list of kinds, where one typed word may name a kind
URGENT_STEPS = {"danger": "report.danger", "minors": "report.minors"}  # "yes" here makes the report P1
YES_NO_STEPS = ("danger", "minors", "asked_help", "police_know", "police_share")  # menus with Yes and No
REQUEST_STEPS = ("police_share",)  # asks the writer's leave ("May the centre share your report with the police?")
PROFESSIONS = ("police", "ngo", "union", "health", "municipality", "tax", "other_work")
MAX_WORDS = 2000  # characters kept of one typed answer
SEVERAL_SIGNS = 2

Details = dict[str, dict[str, Any]]


class FlowMode(StrEnum):
    REPORT = "report"  # answering the report's questions
    CODE = "code"  # asked for a reference code
    ADDING = "adding"  # adding information to a report found by its code


@dataclass(frozen=True)
class Flow:
    """Where a conversation stands in a flow the app runs itself; kept sealed on the conversation (it holds
    the report's code)."""

    mode: FlowMode
    step: str | None = None  # with REPORT: the question being asked
    report_id: int | None = None  # with REPORT and ADDING
    code: str | None = None  # with REPORT: the code the writer gets when the report is sent
    # With REPORT: danger was heard and "Is it safe for you to write now?" asked; `step` waits, not yet shown
    # (or shown before the danger), until "Yes, go on" or the next words.
    paused: bool = False

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None and value is not False}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flow:
        return cls(FlowMode(data["mode"]), data.get("step"), data.get("report_id"), data.get("code"),
                   bool(data.get("paused", False)))


@dataclass(frozen=True)
class Ask:
    """A text to send: its key, the menu under it, and whether the steps' Skip/Send buttons follow."""

    key: str
    menu: str | None = None
    steps_menu: bool = False


def is_urgent(details: Details, step: str) -> bool:
    """"Yes" to danger now or to anyone under 18. Danger words alone, without a choice, count as a yes: reports
    written before words at the danger question became what was noticed (bot/reporting.py) hold them so, and a
    person reads them before anyone decides it was not urgent. Words at the under-18 question do not: "I think
    they are adults" is no child alarm, and is kept for the caseworker."""
    answer = details.get(step, {})
    if "choice" in answer:
        return bool(answer["choice"] == "yes")
    return step == "danger" and "words" in answer


def tier(details: Details) -> Tier:
    """Danger now or anyone under 18 → P1; several signs → P2; otherwise P3."""
    if any(is_urgent(details, step) for step in URGENT_STEPS):
        return Tier.P1
    if len(details.get("signs", {}).get("choices", [])) >= SEVERAL_SIGNS:
        return Tier.P2
    return Tier.P3


def kind(details: Details) -> Kind:
    """A professional's report is a partner referral."""
    return Kind.PARTNER if details.get("who", {}).get("choice") in PROFESSIONS else Kind.REPORT


def question(step: str, details: Details) -> Ask:
    if step == ABOUT:  # no report yet: nothing to skip or send
        return Ask("report.ask_about", MENUS[ABOUT])
    if step == "contact":
        if kind(details) == Kind.PARTNER:
            return Ask("report.ask_contact_partner", steps_menu=True)
        if details.get("police_share", {}).get("choice") == "ask_first":  # asking first needs a way to ask
            return Ask("report.ask_contact_ask_first", "report_contact")
        return Ask("report.ask_contact", "report_contact")
    return Ask(f"report.ask_{step}", MENUS.get(step), steps_menu=True)


def applies(step: str, details: Details) -> bool:
    """Whether `step` is asked, given the answers so far. Times only when it happens again and again; an ad or
    a phone number only where the place is prostitution (on the street or online), where ads are the trace the
    police can follow, and where asking at a farm or a car wash would only lengthen the report; the police
    questions not to a police officer."""
    if step == "times":
        return details.get("when", {}).get("choice") == "repeats"
    if step == "ads":
        return details.get("place", {}).get("choice") == "prostitution"
    if step in ("police_know", "police_share"):
        return details.get("who", {}).get("choice") != "police"
    return True


def next_step(step: str, details: Details) -> str | None:
    """The next question that applies after `step`, or None at the end. A question answered ahead is not asked:
    what was noticed, typed at whom the report is about or at the danger question (bot/reporting.py); where,
    when what was noticed named a town; and whether anyone looked under 18, when someone under 18 was named
    before it (`with_child`): a "no" or "I do not know" there would take the child back."""
    for following in STEPS[STEPS.index(step) + 1:]:
        if applies(following, details) and not answered_ahead(following, details):
            return following
    return None


def answered_ahead(step: str, details: Details) -> bool:
    return (step in (AHEAD, AHEAD_WITH) and step in details) or (step == "minors" and is_urgent(details, step))


def record(details: Details, step: str, choice: str | None, words: str | None) -> Details:
    """The answer to `step` added to a copy of `details`: a choice in place of an earlier one, words beside any
    typed there before (the under-18 question asked again); a sign is added to the ones already chosen, or taken
    back when it was chosen already."""
    details = {name: dict(value) for name, value in details.items()}
    words = (words or "").strip()[:MAX_WORDS] or None
    if step == "signs" and (choice or words):
        signs = details.setdefault("signs", {"choices": []})
        if choice:  # a sign tapped again is taken back: the list shows its marks, so a slip can be undone
            chosen = signs["choices"]
            signs["choices"] = [c for c in chosen if c != choice] if choice in chosen else [*chosen, choice]
        if words:
            signs["words"] = f"{signs['words']}\n{words}" if signs.get("words") else words
        if signs == {"choices": []}:
            del details["signs"]
    elif choice or words:
        answer = details.setdefault(step, {})
        if choice:
            answer["choice"] = choice
        if words:
            answer["words"] = f"{answer['words']}\n{words}" if answer.get("words") else words
    return details


def with_danger(details: Details, words: str | None) -> Details:
    """Danger heard while a report is written: "yes" to danger now, and the words (if any) added to those
    kept there before, never put in place of them."""
    details = {name: dict(value) for name, value in details.items()}
    kept = "\n".join(filter(None, [details.get("danger", {}).get("words"), (words or "").strip()[:MAX_WORDS]]))
    details["danger"] = {"choice": "yes", **({"words": kept} if kept else {})}
    return details


def with_child(details: Details, step: str, words: str | None) -> Details:
    """Someone under 18 named in words typed at `step` (the danger lexicon heard an age: "en pige på 15"): "yes" to
    whether anyone looked under 18, and the words kept as the answer to `step`; at the danger question as what
    was noticed (words there are no yes to danger, bot/reporting.py), so that danger is still asked."""
    return record(record(details, AHEAD if step == "danger" else step, None, words), "minors", "yes", None)


def is_choice(step: str, choice: str, menus: dict[str, list[dict[str, str]]]) -> bool:
    """Whether `choice` is one of the buttons of `step` (a stale or crafted button is not)."""
    menu = MENUS.get(step)
    return menu is not None and f"report_{step}:{choice}" in {item["payload"] for item in menus[menu]}


def typed_choice(step: str, words: str, titles: Iterable[dict[str, str]]) -> str | None:
    """A typed answer that is a button's title ("no", "Nej"): that button's choice. `titles` map each choice
    of the step to its title, one map per language, the person's first."""
    typed = words.strip().strip(".!").casefold()
    return next((choice for titled in titles for choice, title in titled.items() if title.casefold() == typed), None)


def typed_word_choice(step: str, words: str, titled: dict[str, str]) -> str | None:
    """At a list of kinds, one typed word that begins a word of exactly one title (in the person's language) is
    that kind: "massage" → "Massage parlour", "masaj" → "Salon de masaj", "hotel", "landlord". Found walking the
    chat: a reporter who typed "massage" at the kind of place had it kept as words only, and the caseworker's
    line said nothing of the place. Thai and Chinese titles, written without spaces, may hold the word anywhere
    ("นวด" in "ร้านนวด"). A word of fewer than four letters ("or", "de") or one in several titles names none."""
    typed = normalise(words).strip()
    if step not in PICK_STEPS or not typed or " " in typed:
        return None
    unspaced = _UNSPACED.search(typed) is not None
    if len(typed) < (2 if unspaced else 4):
        return None
    found = {choice for choice, title in titled.items()
             if (typed in normalise(title) if unspaced
                 else any(word.startswith(typed) for word in normalise(title).split()))}
    return found.pop() if len(found) == 1 else None


_UNSPACED = re.compile(f"[{COMPACT}]")  # Thai and Chinese letters


def acknowledges_only(step: str, acknowledgement: Acknowledgement | None) -> bool:
    """Whether typed words that only acknowledge (`acknowledgement` of screening/typed_answers.py: "okay" for "ok",
    "vale", "تمام", "polite" for "thanks") are no answer to `step`. To a yes/no question about what is so ("Did
    any of them look younger than 18?") they answer nothing: found walking the chat, "ok" there was a yes, and
    the report a child's. At a request for leave an "ok" gives it, as in the screening ("May I note this?");
    thanks alone say nothing anywhere."""
    if step not in YES_NO_STEPS or acknowledgement is None:
        return False
    return acknowledgement == "polite" or step not in REQUEST_STEPS


def typed_answer_choice(step: str, answer: str | None, ages: Iterable[int],
                        menus: dict[str, list[dict[str, str]]]) -> str | None:
    """The choice of typed words that are not a button's title: a typed yes, no or don't know (`answer`, from
    screening/typed_answers.py) where `step` has that button. Whether anyone looked under 18 is also answered by
    the `ages` typed: a yes or anyone under 18 is "yes" (the youngest counts: "one 25, one 16"), ages of 18 or
    more alone are "no"."""
    if step == "minors":
        estimates = [age for age in ages if age != ADULT]  # "under 18" or "over 18" typed is no one's age
        if answer == "yes" or any(age < ADULT for age in estimates):
            return "yes"
        if estimates:
            return "no"
    return answer if answer is not None and is_choice(step, answer, menus) else None


def asks_again(step: str, before: Details, choice: str | None, words: str | None) -> bool:
    """Whether the under-18 question is asked once more: words that are neither an answer nor an age ("they look
    very young") are kept, but make nothing urgent alone; after a second time without an answer the report goes
    on (`before`: the details before these words)."""
    return step == "minors" and choice is None and bool((words or "").strip()) and step not in before


def chosen_signs(details: Details) -> list[str]:
    return list(details.get("signs", {}).get("choices", []))
