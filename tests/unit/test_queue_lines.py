"""The queue line (handover/queue_lines.py): danger, self-harm and under 18 first, the strongest indicators by
name, the person's own key words, and never "no indicators" under a danger flag. The store and the reports are
small fakes here (messages without what the gateway kept are heard again with the real lexicon);
tests/api/test_console_summary.py goes through the app and the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.danger import DangerLexicon
from core.messages import Message
from core.vocabulary import Command, Kind, Sender, State, Tier
from handover.queue import QueueItem
from handover.queue_lines import QueueLines

NO_INDICATORS = {"assessment": "no_indicators", "tier": "P4", "dimensions": {}, "indicators": [],
                 "age_band": "unknown", "immediate_danger": False, "self_harm": False, "answers": {},
                 "questions": {}, "evidence": {}, "finished": False}
PASSPORT = {**NO_INDICATORS, "assessment": "indicators_present", "tier": "P2",
            "indicators": [{"id": "CD-01", "dimension": "CD", "weight": "S"}],
            "answers": {"CD-01": "yes", "EX-01": "no"}, "questions": {"CD-01": "yes"},
            "evidence": {"CD-01": "my boss keeps my passport in his car, I cannot get it back from him"}}


class FakeStore:
    def __init__(self, said: list[Message], screening: dict[str, Any] | None) -> None:
        self.said, self._screening = said, screening

    async def said_by_person(self, conversation_id: str) -> list[Message]:
        return self.said

    async def screening(self, conversation_id: str) -> dict[str, Any] | None:
        return self._screening


class FakeReports:
    def __init__(self, reports: list[dict[str, Any]]) -> None:
        self.reports = reports

    async def of_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        return self.reports


@pytest.fixture(scope="module")
def lexicon() -> DangerLexicon:
    return DangerLexicon.load()


def person(text: str, payload: str | None = None) -> Message:
    return Message(text, payload=payload, sender=Sender.USER)


def item(tier: Tier = Tier.P1, kind: Kind = Kind.HELP) -> QueueItem:
    return QueueItem("c1", "Visitor 1A2B", State.QUEUED, tier, kind, "ro", "webchat", datetime.now(UTC), None,
                     None, None)


async def line_of(lexicon: DangerLexicon, said: list[Message], screening: dict[str, Any] | None = None,
                  reports: list[dict[str, Any]] | None = None, language: str = "en",
                  **options: Any) -> tuple[str, list[str]]:
    lines = QueueLines(FakeStore(said, screening), FakeReports(reports or []), lexicon.heard,  # type: ignore[arg-type]
                       {"ro": "Română", "en": "English"})
    line = await lines.line(item(**options), language)
    return line.summary, line.key_words


async def test_a_p1_danger_conversation_says_danger_now_and_the_person_s_words(lexicon: DangerLexicon) -> None:
    said = [person("hello"), person("help me now he is coming back")]
    assert await line_of(lexicon, said) == ("danger now", ["help me now"])
    # A screening that found nothing yet never makes it read "no indicators".
    summary, words = await line_of(lexicon, said, NO_INDICATORS)
    assert summary == "danger now" and words == ["help me now"]


async def test_the_danger_button_and_the_screening_s_flags_count_too(lexicon: DangerLexicon) -> None:
    assert await line_of(lexicon, [person("I am in danger now", Command.DANGER)]) == ("danger now", [])
    flagged = {**NO_INDICATORS, "immediate_danger": True, "self_harm": True}
    assert (await line_of(lexicon, [person("hi")], flagged))[0] == "danger now · self-harm"


async def test_the_passport_case_names_its_indicator_with_the_person_s_words(lexicon: DangerLexicon) -> None:
    summary, words = await line_of(lexicon, [person("my boss keeps my passport")], PASSPORT, tier=Tier.P2)
    assert summary == "confiscation of documents"
    assert words == ["my boss keeps my passport in his car,…"]  # a few words, not the whole message


async def test_a_child_in_danger_is_both(lexicon: DangerLexicon) -> None:
    summary, words = await line_of(lexicon, [person("I am 15 and he will kill me")])
    assert (summary, words) == ("danger now · under 18", ["he will kill", "I am 15"])


async def test_a_child_is_said_first(lexicon: DangerLexicon) -> None:
    summary, words = await line_of(lexicon, [person("ok so I am 15")], PASSPORT, tier=Tier.P1)
    assert summary == "under 18 · confiscation of documents"
    assert words[0] == "I am 15"
    summary, _ = await line_of(lexicon, [person("hi")], {**PASSPORT, "age_band": "under_18"}, tier=Tier.P1)
    assert summary.startswith("under 18 · ")


async def test_the_strongest_indicators_come_first_by_name(lexicon: DangerLexicon) -> None:
    indicators = [{"id": "EX-02", "dimension": "EX", "weight": "M"}, {"id": "CD-01", "dimension": "CD", "weight": "S"},
                  {"id": "CD-05", "dimension": "CD", "weight": "M"}, {"id": "CD-02", "dimension": "CD", "weight": "S"},
                  {"id": "CR-05", "dimension": "CR", "weight": "M"}]
    screening = {**NO_INDICATORS, "assessment": "trafficking_indicated", "indicators": indicators,
                 "answers": {hit["id"]: "yes" for hit in indicators}, "finished": True}
    summary, _ = await line_of(lexicon, [person("hi")], screening, tier=Tier.P2)
    # CR-05 is also "confiscation of documents": one name once.
    # Strong ones first, then medium ones in the catalogue's order (EX before CD).
    assert summary == "confiscation of documents · debt bondage · low or no salary · +1 more · trafficking indicated"


async def test_no_indicators_only_for_a_finished_screening_with_nothing_to_say(lexicon: DangerLexicon) -> None:
    assert (await line_of(lexicon, [person("hi")], {**NO_INDICATORS, "finished": True}, tier=Tier.P4))[0] == \
        "no indicators"
    assert (await line_of(lexicon, [person("hi")], NO_INDICATORS, tier=Tier.P4))[0] == "screening not finished"
    assert (await line_of(lexicon, [person("hi")], {**NO_INDICATORS, "finished": True}))[0] == ""  # P1: not "no"
    assert (await line_of(lexicon, [person("hi")], tier=Tier.P3))[0] == "no screening yet"


async def test_a_report_s_danger_answer_leads_with_its_words(lexicon: DangerLexicon) -> None:
    report = {"id": 1, "sent": True, "created_at": "", "additions": [],
              "details": {"danger": {"words": "she is locked in down in the basement"}, "minors": {"choice": "yes"},
                          "place": {"choice": "private_home"}, "signs": {"choices": ["a", "b"]}}}
    summary, words = await line_of(lexicon, [person("she is locked in down in the basement")], reports=[report],
                                   kind=Kind.REPORT)
    assert summary == "danger now · under 18 · report · private home · 2 signs"
    assert words == ["locked in"]  # what the lexicon heard; the report's words hold it: not said twice


async def test_a_report_s_typed_no_to_danger_leads_with_nothing(lexicon: DangerLexicon) -> None:
    """A typed "no" at the danger question keeps its words in the report, but they made nothing urgent."""
    report = {"id": 1, "sent": True, "created_at": "", "additions": [],
              "details": {"danger": {"choice": "no", "words": "nope all calm"},
                          "minors": {"words": "I think they are adults"}}}
    summary, words = await line_of(lexicon, [person("nope all calm")], reports=[report], kind=Kind.REPORT,
                                   tier=Tier.P3)
    assert (summary, words) == ("report", [])


async def test_key_words_are_the_person_s_text_as_typed(lexicon: DangerLexicon) -> None:
    """The console shows them with textContent; here: nothing is escaped or dropped on the way."""
    summary, words = await line_of(lexicon, [person("<b>help me now</b> he is coming")])
    assert summary == "danger now" and words == ["<b>help me now</b>"]


def test_language_names_are_english_and_their_own(lexicon: DangerLexicon) -> None:
    lines = QueueLines(FakeStore([], None), FakeReports([]), lexicon.heard,  # type: ignore[arg-type]
                       {"ro": "Română", "en": "English"})
    assert lines.language_name("ro") == "Romanian (Română)"
    assert lines.language_name("en") == "English"
    assert lines.language_name("xx") == "xx"  # unknown: the code rather than nothing


async def test_what_the_gateway_kept_with_the_message_is_used_without_hearing_it_again() -> None:
    def never(text: str) -> list[tuple[str, str]]:
        raise AssertionError("the lexicon ran again over a message whose words were kept")

    kept = Message("I am 15 and he will kill me", sender=Sender.USER,
                   flagged=(("danger", "he will kill"), ("child", "I am 15")))
    nothing = Message("thanks", sender=Sender.USER, flagged=())
    lines = QueueLines(FakeStore([kept, nothing], None), FakeReports([]), never,  # type: ignore[arg-type]
                       {"ro": "Română"})
    line = await lines.line(item())
    assert (line.summary, line.key_words) == ("danger now · under 18", ["he will kill", "I am 15"])


async def test_a_flagged_conversation_below_p1_says_it_was_queued_lower(lexicon: DangerLexicon) -> None:
    """Every flag asks for a P1; below it, the per-source cap put it there (handover/requests.py)."""
    said = [person("help me now he is coming back")]
    assert (await line_of(lexicon, said, tier=Tier.P3))[0] == (
        "danger now · queued lower (too many urgent requests from one source)")
    assert (await line_of(lexicon, said, tier=Tier.P3, language="da"))[0] == (
        "i fare nu · sat lavere i køen (for mange akutte henvendelser fra samme kilde)")
    assert (await line_of(lexicon, [person("hello")], tier=Tier.P3))[0] == "no screening yet"


async def test_the_line_in_danish_with_danish_plural_forms(lexicon: DangerLexicon) -> None:
    """Issue 19: the console in Danish says the line in Danish, its numbers in Danish forms (by Babel)."""
    report = {"id": 1, "sent": True, "created_at": "", "additions": [{"text": "more"}],
              "details": {"minors": {"choice": "yes"}, "place": {"choice": "home"}, "signs": {"choices": ["a"]}}}
    summary, _ = await line_of(lexicon, [person("hi")], reports=[report], kind=Kind.REPORT, tier=Tier.P1,
                               language="da")  # P1, as a report with anyone under 18 is
    assert summary == "under 18 · indberetning · privat hjem / au pair · 1 tegn · 1 tilføjet senere"
    strong = {**PASSPORT, "assessment": "trafficking_indicated",
              "indicators": [{"id": ident, "dimension": ident.split("-")[0], "weight": "S"}
                             for ident in ("CD-01", "CD-02", "CD-04", "CD-06", "EX-02")],
              "answers": dict.fromkeys(("CD-01", "CD-02", "CD-04", "CD-06", "EX-02"), "yes"), "evidence": {}}
    summary, _ = await line_of(lexicon, [person("hi")], strong, tier=Tier.P2, language="da")
    assert summary == ("lav eller ingen løn · konfiskation af dokumenter · gældsslaveri · +2 flere · "
                       "tegn på menneskehandel")
    assert (await line_of(lexicon, [person("hi")], tier=Tier.P3, language="da"))[0] == "ingen screening endnu"


def test_the_language_s_name_in_the_console_s_language() -> None:
    lines = QueueLines(FakeStore([], None), FakeReports([]), lambda text: [],  # type: ignore[arg-type]
                       {"ro": "Română", "en": "English"})
    assert lines.language_name("ro") == "Romanian (Română)"
    assert lines.language_name("ro", "da") == "Rumænsk (Română)"
    assert lines.language_name("xx", "da") == "xx"
