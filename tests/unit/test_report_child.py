"""Someone under 18 told of in information added to a report (handover/report_child.py `tells_of_a_child`)."""

from __future__ import annotations

import pytest

from core.yaml_file import read_yaml
from handover.report_child import CHILD_WORDS, tells_of_a_child
from tests.conftest import TEXTS


@pytest.mark.parametrize("typed", [
    "today i saw a girl maybe 15 years old going into the container", "a 15 year old boy works there",
    "en pige på 15", "i dag så jeg en pige, måske 15 år", "15-årig pige", "una niña de 14", "o fată de 15 ani",
    "une fille de 14 ans", "dziewczyna, może 15 lat", "девочка лет 14", "一个女孩大概15岁", "15岁的女孩",
    "เด็กผู้หญิงอายุ 15", "the girls, maybe 16"])
def test_an_age_under_18_beside_a_young_persons_word_is_a_child(typed: str) -> None:
    assert tells_of_a_child(typed)


@pytest.mark.parametrize("typed", [
    "there is a fourth woman now", "the girl works 12 hours a day", "10 girls live there",
    "the boss brought his 5 year old son", "a woman maybe 25 years old", "the boy was there for 2 weeks",
    "girl 20 years old", "they came 15 years ago with a child"])
def test_other_numbers_are_no_child(typed: str) -> None:
    assert not tells_of_a_child(typed)


def test_every_language_has_words_for_a_young_person() -> None:
    words = read_yaml(CHILD_WORDS)
    assert set(words) == set(TEXTS.languages)
    assert all(entry["people"] for entry in words.values())


@pytest.mark.parametrize("typed", [
    "i saw a girl at 9", "a girl at 9pm", "en pige kl. 9", "une fille à 9h", "o fată la ora 9", "una niña a las 9",
    "เด็กผู้หญิง 9 โมง", "一个女孩9点", "a girl at 9:30"])
def test_a_clock_time_beside_a_young_persons_word_is_no_child(typed: str) -> None:
    """Found walking the chat: "i saw a girl at 9" made a report urgent as a child's."""
    assert not tells_of_a_child(typed)


def test_a_child_beside_a_clock_time_is_still_a_child() -> None:
    assert tells_of_a_child("a 9 year old girl at 9pm")
    assert tells_of_a_child("en pige på 9 år kl. 21")
