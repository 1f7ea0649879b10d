"""A reference code typed inside words (handover/reports.py `code_in_text`): found as the person types it, and
never in words or numbers that only look alike."""

from __future__ import annotations

import pytest

from handover.reports import code_in_text, new_code, without_codes


@pytest.mark.parametrize(("typed", "code"), [
    ("my code is WDB8-Z6HS, I want to add something", "WDB8-Z6HS"), ("wdb8 z6hs", "WDB8-Z6HS"),
    ("kode: k7m2-9xqp", "K7M2-9XQP"), ("K7M29XQP", "K7M2-9XQP"), ("am codul k7m2 9xqp!", "K7M2-9XQP"),
    ("k7mi 9xqo", "K7M1-9XQ0"),  # lookalikes read as the code's letters, as with the button
])
def test_a_code_is_found_in_words(typed: str, code: str) -> None:
    assert code_in_text(typed) == code


@pytest.mark.parametrize("typed", ["somebody else", "call 7020 2550", "covid 2019", "abcd efgh", "12345678",
                                   "help me now", "ring 112 nu", "they took my passport 2 weeks ago"])
def test_words_and_numbers_are_no_code(typed: str) -> None:
    assert code_in_text(typed) is None


def test_every_new_code_is_found_in_a_sentence() -> None:
    """Once 1 code in 20 (halves of letters only or digits only, "ABCD-1234") was not read in "min kode er …": CI
    failed on it by chance. Now such draws are drawn again."""
    codes = [new_code() for _ in range(4000)]
    assert all(code_in_text(f"my code is {code.lower()} thanks") == code for code in codes)


@pytest.mark.parametrize("sentence", [
    "i have a reference code {code}, i want to add something", "i have a reference code {lower}",
    "min kode {lower}", "code {spaced}", "kode: {spaced}", "have {spaced}", "here {lower} code",
    "mi codigo {lower}", "мой код {code}", "我的代码 {code}",
])
def test_a_word_overlapping_the_code_is_no_code(sentence: str) -> None:
    """Found walking the chat: in "i have a reference code 08A7-MVGK", "code 08A7" was read as the code, no report
    had it, and a new report was started."""
    codes = [new_code() for _ in range(500)]
    for code in codes:
        typed = sentence.format(code=code, lower=code.lower(), spaced=code.lower().replace("-", " "))
        assert code_in_text(typed) == code, typed


@pytest.mark.parametrize(("typed", "left"), [
    ("08A7-MVGK", ""), ("08a7mvgk", ""), ("K7M2-9XQP", ""), ("ABCD-EFGH", ""), ("k7m2 9xqp", ""),
    ("i have a reference code 08a7-mvgk, thanks", "i have a reference code , thanks"),
    ("call 7020 2550 please", "call 7020 2550 please"), ("somebody else", "somebody else"),
])
def test_what_looks_like_a_code_is_no_words(typed: str, left: str) -> None:
    assert without_codes(typed) == left


def test_a_code_without_a_mixed_half_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter("ABCD1234" + "K7M29XQP")
    monkeypatch.setattr("handover.reports.secrets.choice", lambda _alphabet: next(draws))
    assert new_code() == "K7M2-9XQP"
