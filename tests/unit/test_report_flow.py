"""The report's questions as pure functions: order, tier, kind, answers kept as typed."""

from __future__ import annotations

from handover import report_flow
from tests.conftest import TEXTS


def asked(details: report_flow.Details) -> list[str]:
    """The questions asked, in order, when the answers are `details` from the start."""
    steps: list[str] = []
    step: str | None = report_flow.STEPS[0]
    while step:
        steps.append(step)
        step = report_flow.next_step(step, details)
    return steps


def test_the_questions_come_in_a_hotlines_order_and_end() -> None:
    """Whom it is about, danger, what/where/when, the place, the people, the details, who writes, the police,
    a contact."""
    assert report_flow.next_step(report_flow.ABOUT, {}) == report_flow.FIRST_QUESTION
    assert asked({}) == ["about", "danger", "noticed", "where", "when", "place", "relation", "people", "minors",
                         "looks", "asked_help", "signs", "vehicles", "who", "police_know", "police_share", "contact"]


def test_some_questions_only_where_they_fit() -> None:
    steps = asked({"when": {"choice": "repeats"}, "place": {"choice": "prostitution"}})
    assert steps[steps.index("when") + 1] == "times"  # again and again: when, then
    assert steps[steps.index("vehicles") + 1] == "ads"  # ads and phone numbers where sex is sold
    assert "times" not in asked({"when": {"words": "every night at 2"}})  # typed: the pattern is in the words
    assert "ads" not in asked({"place": {"choice": "car_wash"}})
    police = asked({"who": {"choice": "police"}})  # a police officer is not asked whether the police know
    assert "police_know" not in police and "police_share" not in police and police[-1] == "contact"
    assert "police_share" in asked({"who": {"choice": "union"}})


def test_tier_danger_or_minor_is_p1_several_signs_p2_else_p3() -> None:
    assert report_flow.tier({}) == "P3"
    assert report_flow.tier({"danger": {"choice": "yes"}}) == "P1"
    assert report_flow.tier({"minors": {"choice": "yes"}}) == "P1"
    assert report_flow.tier({"minors": {"words": "maybe 15"}}) == "P1"  # words there: a person reads them first
    assert report_flow.tier({"danger": {"choice": "no"}, "minors": {"choice": "unknown"}}) == "P3"
    assert report_flow.tier({"signs": {"choices": ["no_id"]}}) == "P3"
    assert report_flow.tier({"signs": {"choices": ["no_id", "injuries"]}}) == "P2"


def test_a_professional_is_a_partner() -> None:
    assert report_flow.kind({"who": {"choice": "police"}}) == "partner"
    assert report_flow.kind({"who": {"choice": "private"}}) == "report"
    assert report_flow.kind({"who": {"words": "I am a nurse"}}) == "report"  # typed: a person judges
    assert report_flow.question("contact", {"who": {"choice": "tax"}}).key == "report.ask_contact_partner"
    assert report_flow.question("contact", {}).menu == "report_contact"


def test_asking_first_needs_a_way_to_ask() -> None:
    ask = report_flow.question("contact", {"police_share": {"choice": "ask_first"}})
    assert (ask.key, ask.menu) == ("report.ask_contact_ask_first", "report_contact")
    assert report_flow.question("contact", {"police_share": {"choice": "no"}}).key == "report.ask_contact"


def test_the_first_question_has_no_skip_or_send() -> None:
    ask = report_flow.question("about", {})
    assert (ask.key, ask.menu, ask.steps_menu) == ("report.ask_about", "report_about", False)
    assert [item["payload"] for item in TEXTS.menus["report_about"]] == ["report_about:me", "report_about:other"]


def test_signs_toggle_and_typed_words_are_kept_as_written() -> None:
    details = report_flow.record({}, "signs", "no_id", None)
    details = report_flow.record(details, "signs", "injuries", None)
    details = report_flow.record(details, "signs", "injuries", None)  # tapped again: taken back
    details = report_flow.record(details, "signs", None, "  they look hungry ")
    assert details == {"signs": {"choices": ["no_id"], "words": "they look hungry"}}
    assert report_flow.record({"signs": {"choices": ["no_id"]}}, "signs", "no_id", None) == {}  # none left
    assert report_flow.record({}, "signs", None, None) == {}  # skipped: nothing
    assert report_flow.record({}, "where", None, "x" * 5000)["where"]["words"] == "x" * report_flow.MAX_WORDS


def test_a_typed_button_title_counts_as_the_button_in_any_language() -> None:
    for language in TEXTS.languages:
        titles = {b.payload.split(":")[1]: b.title for b in TEXTS.menu("report_danger", language)}
        assert report_flow.typed_choice("danger", titles["no"].upper() + "!", [titles]) == "no"
        assert report_flow.typed_choice("danger", "he has a knife", [titles]) is None


def test_a_typed_title_of_another_language_counts_after_the_persons_own() -> None:
    def titles(language: str) -> dict[str, str]:
        return {b.payload.split(":")[1]: b.title for b in TEXTS.menu("report_danger", language)}
    assert report_flow.typed_choice("danger", "nej", [titles("en"), titles("da")]) == "no"  # Danish in English
    assert report_flow.typed_choice("danger", "nej", [titles("en")]) is None


def test_only_the_buttons_of_a_step_are_choices() -> None:
    assert report_flow.is_choice("place", "massage", TEXTS.menus)
    assert not report_flow.is_choice("place", "palace", TEXTS.menus)
    assert not report_flow.is_choice("noticed", "anything", TEXTS.menus)
