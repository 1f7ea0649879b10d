"""Outreach links (core/outreach.py): sources checked, the web link and the Telegram deep link, and a deep link's
start parameter read back; anything not ours is None, never an error."""

from __future__ import annotations

import pytest

from core.outreach import (
    OutreachError,
    check_language,
    check_source,
    parse_start,
    start_parameter,
    telegram_link,
    web_link,
)

LANGUAGES = ("da", "en", "ro", "uk")


@pytest.mark.parametrize("source", ["farm-lolland", "clinic-2", "a", "x" * 40, "2026"])
def test_good_sources_pass(source: str) -> None:
    assert check_source(source) == source


@pytest.mark.parametrize("source", ["", "Farm", "farm lolland", "farm_lolland", "-farm", "farm-", "farm--x",
                                    "x" * 41, "fårm", "farm/x", "farm?x=1"])
def test_bad_sources_are_refused_with_a_sentence_that_shows_a_good_one(source: str) -> None:
    with pytest.raises(OutreachError, match=r"lowercase letters .* like farm-lolland"):
        check_source(source)


def test_an_unknown_language_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(OutreachError) as refused:
        check_language("hu", LANGUAGES)
    assert str(refused.value) == "The language 'hu' is not one the chat speaks. Known languages: da, en, ro, uk."
    assert check_language("ro", LANGUAGES) == "ro"


def test_the_links() -> None:
    assert web_link("https://chat.example.org/", "ro", "farm-lolland") == (
        "https://chat.example.org/?lang=ro&src=farm-lolland")
    assert telegram_link("havn_bot", "uk", "clinic-2") == "https://t.me/havn_bot?start=uk_clinic-2"


def test_a_start_parameter_reads_back_and_fits_telegram() -> None:
    longest = start_parameter("uk", "x" * 40)
    assert len(longest) <= 64 and parse_start(longest, LANGUAGES) == ("uk", "x" * 40)
    assert parse_start(start_parameter("ro", "farm-lolland"), LANGUAGES) == ("ro", "farm-lolland")


@pytest.mark.parametrize("parameter", ["", "ro", "hu_farm", "ro_", "ro_Farm", "ro_farm_x", "_farm", "x" * 65,
                                       "ro-farm-lolland"])
def test_a_start_parameter_not_ours_is_none(parameter: str) -> None:
    assert parse_start(parameter, LANGUAGES) is None
