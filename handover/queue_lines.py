"""The queue's line about a conversation, so that a caseworker picks the most urgent one first.

The line (`summary`), most important first: "danger now", "self-harm", "under 18"; then the report's buttons,
the strongest indicators by name (content/indicators.yml), and the assessment. "no indicators" is said only of
a finished screening with nothing else to say: never under a danger flag or a P1.

Where the flags come from: what the danger lexicon heard in the person's messages (bot/danger.py, the same
net that made the bot answer with 112 and ask for a P1; the gateway keeps it with each message, sealed) and the
"I am in danger now" button; the screening's immediate_danger, self_harm and age band; a report's danger and
under-18 answers.

Beside the line, the person's own key words (`key_words`): the words the danger lexicon matched, a report's
typed danger answer, and the words the person agreed to note for the strongest indicators, a few words each.
Earlier this line never quoted the person. Issue 16 changed that: a P1 "he will kill me" read "no indicators"
and hid the most urgent conversation. The console is only for signed-in caseworkers, who can open the
transcript anyway, and the words help them choose whom to answer first. The lexicon's words are kept inside
the message's sealed body (no clear-text column, gone with the message), because running the lexicon again over
every waiting conversation at each queue refresh costs milliseconds per message; a message stored before they
were kept is heard again when the console asks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from babel import Locale, UnknownLocaleError

from core.messages import Message
from core.vocabulary import Command, Kind, Tier
from handover.console_words import ConsoleWords, console_words
from handover.ports import DangerWords
from handover.queue import QueueItem
from handover.report_flow import is_urgent
from handover.reports import Reports
from handover.store import Store, confirmed_indicators
from screening.catalogue import Catalogue, load_catalogue
from screening.types import ScreeningSummary

# What the danger lexicon's cues (bot/danger.py Cue), and the same flags from the screening and a report, read
# as (content/console/<code>.yml `line.<flag>`), in the order they lead the line.
FLAGS = ("danger", "self_harm", "child")
WEIGHT_ORDER = {"S": 0, "M": 1, "W": 2}
Say = Callable[..., str]  # a console text by key, in the line's language (ConsoleWords.text)
SHOWN_INDICATORS = 3  # the strongest ones by name; "+2 more" for the rest (the panel lists them all)
SHOWN_KEY_WORDS = 3
KEY_WORDS_LENGTH = 8  # words of one quote; a longer one is cut with "…"
KEY_WORDS_CHARACTERS = 60


@dataclass(frozen=True)
class Line:
    summary: str
    key_words: list[str]


class QueueLines:
    def __init__(self, store: Store, reports: Reports, danger_words: DangerWords,
                 own_names: Mapping[str, str], catalogue: Catalogue | None = None,
                 words: ConsoleWords | None = None) -> None:
        """`own_names`: each language's name in itself (content/texts/<code>.yml)."""
        self._store = store
        self._reports = reports
        self._danger_words = danger_words
        self._own_names = own_names
        self._catalogue = catalogue or load_catalogue()
        self._words = words or console_words()

    def language_name(self, code: str, console: str = "en") -> str:
        """"Romanian (Română)", "Rumænsk (Română)": the name in the console's language a caseworker reads, and
        the name the person chose it by."""
        try:
            named = Locale.parse(console).languages.get(code)
        except (UnknownLocaleError, ValueError):
            named = None
        named = named[:1].upper() + named[1:] if named else None  # Danish names are lower case in a sentence
        own = self._own_names.get(code)
        if named is None:
            return own or code
        return named if own in (None, named) else f"{named} ({own})"

    async def line(self, item: QueueItem, language: str = "en") -> Line:
        """The line in the console's `language` (da or en)."""
        say = partial(self._words.text, language)
        flags: dict[str, None] = {}  # ordered set
        key_words: list[str] = []
        for message in await self._store.said_by_person(item.conversation_id):
            self._flag_message(message, flags, key_words)

        screening = await self._store.screening(item.conversation_id)
        if screening:
            flags.update(dict.fromkeys(screening_flags(screening)))

        parts: list[str] = []
        if item.kind != Kind.HELP:
            reports = await self._reports.of_conversation(item.conversation_id)
            if reports:
                details = reports[-1]["details"]
                flags.update(dict.fromkeys(flag for flag, step in (("danger", "danger"), ("child", "minors"))
                                           if is_urgent(details, step)))
                # The words at the danger question when they made it urgent; beside a typed "no" ("nope, all
                # calm") they stay in the report, not in the line.
                if is_urgent(details, "danger") and (typed := details.get("danger", {}).get("words")):
                    key_words.append(str(typed))
            parts.append(report_line(reports, say))

        indicators = self._strongest(screening) if screening else []
        if screening:
            parts += self._screening_parts(screening, indicators, say, urgent=bool(flags) or item.tier == Tier.P1)
        elif item.kind == Kind.HELP and not flags:
            parts.append(say("line.no_screening"))
        evidence = (screening or {}).get("evidence") or {}
        key_words += [str(evidence[question]) for ident in indicators for question in sorted(evidence)
                      if question.split(".", 1)[0] == ident]
        flagged = [say(f"line.{flag}") for flag in FLAGS if flag in flags]
        if flagged and item.tier != Tier.P1:
            # Every flag asks for P1: below it, the per-source cap queued it lower (handover/requests.py). Said, so
            # that a red "danger now" on a P3 is not taken for a slip, nor the P3 for a judgement.
            flagged.append(say("line.capped"))
        return Line(" · ".join([*flagged, *parts]), _shortened(key_words))

    async def heard(self, conversation_id: str) -> list[str]:
        """The flags the danger lexicon and the danger button heard in the person's messages, in FLAGS order. A
        conversation can be P1 for danger from them while the screening's own questions heard none: the console's
        screening panel says so rather than "Immediate danger: no"."""
        flags: dict[str, None] = {}
        for message in await self._store.said_by_person(conversation_id):
            self._flag_message(message, flags, [])
        return [flag for flag in FLAGS if flag in flags]

    def _flag_message(self, message: Message, flags: dict[str, None], key_words: list[str]) -> None:
        """The same two nets as bot/safety.py: the danger button, and what the lexicon heard in the message when
        it came (kept with it); a message stored before that was kept is heard again now."""
        if message.payload == Command.DANGER:
            flags["danger"] = None
        heard = message.flagged
        if heard is None:
            heard = self._danger_words(message.text) if message.text and message.payload is None else []
        for cue, words in heard:
            flags[str(cue)] = None
            key_words.append(words)

    def _strongest(self, screening: ScreeningSummary) -> list[str]:
        """The indicator ids answered or confirmed "yes", strongest first (their weight on the list used),
        then in catalogue order."""
        weights = {hit["id"]: hit["weight"] for hit in screening.get("indicators") or []}
        order = list(self._catalogue.indicators)
        return sorted(confirmed_indicators(screening), key=lambda ident: (
            WEIGHT_ORDER.get(weights.get(ident, "W"), 3), order.index(ident) if ident in order else len(order)))

    def _screening_parts(self, screening: ScreeningSummary, indicators: list[str], say: Say,
                         urgent: bool) -> list[str]:
        labels = list(dict.fromkeys(self._label(ident, say) for ident in indicators))  # two ids, one name: once
        parts = labels[:SHOWN_INDICATORS]
        if len(labels) > SHOWN_INDICATORS:
            parts.append(say("line.more", count=len(labels) - SHOWN_INDICATORS))
        assessment = str(screening.get("assessment") or "")
        if assessment in ("trafficking_indicated", "exploitation_indicated"):
            parts.append(say(f"line.{assessment}"))
        elif not labels and not urgent:
            parts.append(say("line.no_indicators" if screening.get("finished") else "line.screening_unfinished"))
        return parts

    def _label(self, ident: str, say: Say) -> str:
        """The indicator's name in the line's language (content/console/<code>.yml); the id of one not in the
        catalogue."""
        return say(f"indicator.{ident}") if ident in self._catalogue.indicators else ident


def screening_flags(screening: ScreeningSummary) -> list[str]:
    flags = [flag for flag, key in (("danger", "immediate_danger"), ("self_harm", "self_harm")) if screening.get(key)]
    return [*flags, "child"] if screening.get("age_band") == "under_18" else flags


def report_line(reports: list[dict[str, Any]], say: Say) -> str:
    """About a report: whether it was sent, the place and the number of signs; its danger and under-18 answers
    lead the whole line (QueueLines.line)."""
    if not reports:
        return say("line.report_writing")
    details, parts = reports[-1]["details"], [say("line.report" if reports[-1]["sent"] else "line.report_writing")]
    if place := details.get("place", {}).get("choice"):
        parts.append(_place(place, say))
    if signs := details.get("signs", {}).get("choices"):
        parts.append(say("line.signs", count=len(signs)))
    if added := sum(len(report["additions"]) for report in reports):
        parts.append(say("line.added_later", count=added))
    return " · ".join(parts)


def _place(choice: str, say: Say) -> str:
    """The report's kind of place in words; a choice without words (from a newer report flow) as it is."""
    try:
        return say(f"line.place.{choice}")
    except KeyError:
        return choice.replace("_", " ")


def _shortened(quotes: list[str]) -> list[str]:
    """The first few quotes, a few words of each; a quote that holds one already shown, or is held in one,
    is not said twice ("locked in" the lexicon heard, "she is locked in the basement" typed in a report)."""
    shown: list[str] = []
    for quote in quotes:
        words = quote.split()
        short = " ".join(words[:KEY_WORDS_LENGTH])
        if len(short) > KEY_WORDS_CHARACTERS:
            short = short[:KEY_WORDS_CHARACTERS].rstrip()
        if short != " ".join(words):
            short += "…"
        folded = quote.casefold()
        if short and not any(seen.casefold().rstrip("…") in folded or folded in seen.casefold() for seen in shown):
            shown.append(short)
    return shown[:SHOWN_KEY_WORDS]
