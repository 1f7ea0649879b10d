"""The report's questions as pure functions: order, tier, kind, answers kept as typed."""

from __future__ import annotations

import pytest

from handover import report_flow
from screening.age import ages_in_text
from screening.typed_answers import acknowledgement, typed_answer
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
    assert report_flow.tier({"minors": {"choice": "yes", "words": "maybe 15"}}) == "P1"  # an age under 18 typed
    assert report_flow.tier({"danger": {"words": "she is locked in"}}) == "P1"  # words there: a person reads them
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


@pytest.mark.parametrize(("language", "step", "typed", "choice"), [
    ("en", "place", "massage", "massage"), ("en", "place", "Farm!", "agriculture"), ("en", "place", "hotel", "hotel"),
    ("da", "place", "massage", "massage"), ("da", "place", "gard", "agriculture"), ("ro", "place", "masaj", "massage"),
    ("ro", "place", "ferma", "agriculture"), ("ar", "place", "مساج", "massage"), ("th", "place", "นวด", "massage"),
    ("zh", "place", "按摩", "massage"), ("en", "relation", "neighbour", "neighbour"),
    ("en", "who", "police", "police")])
def test_one_typed_word_naming_a_kind_is_that_kind(language: str, step: str, typed: str, choice: str) -> None:
    titles = {b.payload.split(":")[1]: b.title for b in TEXTS.menu(report_flow.MENUS[step], language)}
    assert report_flow.typed_word_choice(step, typed, titles) == choice


@pytest.mark.parametrize(("step", "typed"), [
    ("place", "or"), ("place", "a massage place on the corner"), ("place", "palace"), ("place", "the"),
    ("danger", "yes"), ("minors", "no"), ("place", "")])
def test_other_words_name_no_kind(step: str, typed: str) -> None:
    titles = {b.payload.split(":")[1]: b.title for b in TEXTS.menu(report_flow.MENUS[step], "en")}
    assert report_flow.typed_word_choice(step, typed, titles) is None


def test_only_the_buttons_of_a_step_are_choices() -> None:
    assert report_flow.is_choice("place", "massage", TEXTS.menus)
    assert not report_flow.is_choice("place", "palace", TEXTS.menus)
    assert not report_flow.is_choice("noticed", "anything", TEXTS.menus)


def test_words_at_the_under_18_question_are_no_child_alarm_by_themselves() -> None:
    """"I think they are adults" is kept for the caseworker; it made a report P1 (a false child alarm)."""
    assert report_flow.tier({"minors": {"words": "I think they are adults"}}) == "P3"
    assert not report_flow.is_urgent({"minors": {"words": "they look very young"}}, "minors")
    assert report_flow.tier({"danger": {"choice": "no", "words": "nope"}}) == "P3"  # a typed no, its words kept
    assert report_flow.is_urgent({"danger": {"choice": "yes", "words": "he hits her"}}, "danger")


def choice_of(step: str, typed: str, language: str) -> str | None:
    """What bot/reporting.py makes of words typed at `step` that are not a button's title."""
    ages = ages_in_text(typed) if step == "minors" else []
    return report_flow.typed_answer_choice(step, typed_answer(typed, language), ages, TEXTS.menus)


@pytest.mark.parametrize(("language", "no", "not_sure"), [
    ("en", "nope", "not sure"), ("da", "nej", "ved ikke"), ("ro", "nu", "nu știu"), ("ar", "لا", "مش متأكد"),
    ("th", "ไม่", "ไม่แน่ใจ")])
def test_a_typed_no_or_dont_know_is_that_button_at_every_yes_no_question(language: str, no: str,
                                                                          not_sure: str) -> None:
    for step in ("danger", "minors", "asked_help", "police_know"):
        assert choice_of(step, no, language) == "no", step
        assert choice_of(step, not_sure, language) == "unknown", step
    assert choice_of("police_share", no, language) == "no"
    assert choice_of("police_share", not_sure, language) is None  # no such button there: words
    assert choice_of("place", no, language) is None


@pytest.mark.parametrize(("language", "okay"), [
    ("en", "ok"), ("en", "Okay!"), ("en", "ok thanks"), ("da", "okay tak"), ("es", "vale"), ("ar", "تمام"),
    ("ro", "bine"), ("th", "โอเคค่ะ"), ("zh", "好的"), ("fr", "d'accord")])
def test_an_acknowledgement_answers_no_question_about_what_is_so(language: str, okay: str) -> None:
    """Found walking the chat: "ok" at "Did any of them look younger than 18?" was a yes, and the report P1. At a
    request for leave ("May the centre share your report with the police?") an "ok" gives it."""
    for step in ("danger", "minors", "asked_help", "police_know"):
        assert report_flow.acknowledges_only(step, acknowledgement(okay, language)), step
    assert not report_flow.acknowledges_only("police_share", acknowledgement(okay, language))
    assert not report_flow.acknowledges_only("noticed", acknowledgement(okay, language))  # words are kept there


def test_thanks_alone_answer_no_yes_no_question_and_real_answers_still_do() -> None:
    for step in report_flow.YES_NO_STEPS:
        assert report_flow.acknowledges_only(step, acknowledgement("thanks", "en")), step
        for answer in ("yes", "no", "ja tak", "ok yes", "nej"):
            assert not report_flow.acknowledges_only(step, acknowledgement(answer, "da")), (step, answer)


def test_someone_under_18_named_at_any_question_makes_the_report_a_childs_and_is_not_asked_again() -> None:
    """An age the danger lexicon heard in a report ("en pige på 15") is the other person's (bot/reporting.py
    `child`): "yes" to anyone under 18, the words kept where they were typed, and the under-18 question not asked
    later, where a "no" would take the child back."""
    details = report_flow.with_child({"danger": {"choice": "no"}}, "noticed", "en pige på 15")
    assert details == {"danger": {"choice": "no"}, "noticed": {"words": "en pige på 15"}, "minors": {"choice": "yes"}}
    assert report_flow.tier(details) == "P1"
    assert "minors" not in asked(details) and "looks" in asked(details)
    at_danger = report_flow.with_child({}, "danger", "a girl of 15")  # words at danger are what was noticed
    assert at_danger == {"noticed": {"words": "a girl of 15"}, "minors": {"choice": "yes"}}
    assert report_flow.with_child({}, "minors", "o fată de 15 ani") == {
        "minors": {"choice": "yes", "words": "o fată de 15 ani"}}
    assert "minors" in asked({"minors": {"choice": "no"}})  # only a yes is kept from asking


def test_an_age_typed_answers_whether_anyone_looked_under_18() -> None:
    for typed in ("she looks 15", "one girl looked 15", "about 16", "maybe 15 or 16", "one 25, one 16",
                  "no, she is 15", "cam 15 ani"):
        assert choice_of("minors", typed, "en") == "yes", typed
    for typed in ("they are 20-25", "about 30", "no, all about 25"):
        assert choice_of("minors", typed, "en") == "no", typed
    assert choice_of("minors", "yes, she is 20", "en") == "yes"  # a yes is never taken back by an age
    for typed in ("they look very young", "I think they are adults", "over 18", "3 years ago"):
        assert choice_of("minors", typed, "en") is None, typed  # the question's own 18 is no one's age
    assert choice_of("danger", "she is 15", "en") is None  # ages answer only the under-18 question


def test_a_typed_answer_keeps_its_words_and_words_asked_again_are_added() -> None:
    details = report_flow.record({}, "danger", "no", "nope")
    assert details == {"danger": {"choice": "no", "words": "nope"}}
    details = report_flow.record({}, "minors", None, "they look very young")
    assert report_flow.record(details, "minors", "yes", None) == {
        "minors": {"choice": "yes", "words": "they look very young"}}
    assert report_flow.record(details, "minors", None, "really young") == {
        "minors": {"words": "they look very young\nreally young"}}


def test_the_under_18_question_is_asked_once_more_after_words_that_answer_nothing() -> None:
    assert report_flow.asks_again("minors", {}, None, "they look very young")
    assert not report_flow.asks_again("minors", {"minors": {"words": "they look very young"}}, None, "adults")
    assert not report_flow.asks_again("minors", {}, "no", "about 30")
    assert not report_flow.asks_again("minors", {}, None, None)  # skipped
    assert not report_flow.asks_again("danger", {}, None, "he is shouting")
