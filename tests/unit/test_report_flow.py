"""The report's questions as pure functions: order, tier, kind, answers kept as typed."""

from __future__ import annotations

from handover import report_flow
from tests.conftest import TEXTS


def test_the_questions_come_in_order_and_end() -> None:
    steps, step = [], report_flow.STEPS[0]
    while step:
        steps.append(step)
        step = report_flow.next_step(step)
    assert steps == ["noticed", "danger", "where", "when", "place", "people", "minors", "signs", "who", "contact"]


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


def test_signs_add_up_and_typed_words_are_kept_as_written() -> None:
    details = report_flow.record({}, "signs", "no_id", None)
    details = report_flow.record(details, "signs", "no_id", None)  # pressed twice: once
    details = report_flow.record(details, "signs", None, "  they look hungry ")
    assert details == {"signs": {"choices": ["no_id"], "words": "they look hungry"}}
    assert report_flow.record({}, "signs", None, None) == {}  # skipped: nothing
    assert report_flow.record({}, "where", None, "x" * 5000)["where"]["words"] == "x" * report_flow.MAX_WORDS


def test_a_typed_button_title_counts_as_the_button_in_any_language() -> None:
    for language in TEXTS.languages:
        titles = {b.payload.split(":")[1]: b.title for b in TEXTS.menu("report_danger", language)}
        assert report_flow.typed_choice("danger", titles["no"].upper() + "!", titles) == "no"
        assert report_flow.typed_choice("danger", "he has a knife", titles) is None


def test_only_the_buttons_of_a_step_are_choices() -> None:
    assert report_flow.is_choice("place", "massage", TEXTS.menus)
    assert not report_flow.is_choice("place", "palace", TEXTS.menus)
    assert not report_flow.is_choice("noticed", "anything", TEXTS.menus)
