"""A message cut into the statements it joins (bot/clauses.py, content/clause_words.yml), so that the NLU reads each
alone and two things told in one message are both heard (bot/assistant.py)."""

from __future__ import annotations

import pytest
import yaml

from bot.clauses import CLAUSE_WORDS, MAX_STATEMENTS, clauses
from core.config import CONTENT_DIR, load_languages

LANGUAGES, _ = load_languages(CONTENT_DIR)


@pytest.mark.parametrize(
    ("language", "text", "statements"),
    [
        (
            "en",
            "they took my passport and I cannot leave the house",
            ["they took my passport", "I cannot leave the house"],
        ),
        ("en", "They took my passport. I cannot leave", ["They took my passport", "I cannot leave"]),
        ("es", "mi jefe tiene mi pasaporte y no me deja salir", ["mi jefe tiene mi pasaporte", "no me deja salir"]),
        ("ro", "mi-au luat pașaportul si nu mă lasă să ies", ["mi-au luat pașaportul", "nu mă lasă să ies"]),
        ("da", "de har taget mit pas og jeg må ikke gå ud", ["de har taget mit pas", "jeg må ikke gå ud"]),
        ("ar", "أخذوا جوازي و لا أستطيع الخروج", ["أخذوا جوازي", "لا أستطيع الخروج"]),
        ("zh", "他们拿走了我的护照，而且不让我出去", ["他们拿走了我的护照", "不让我出去"]),
        ("th", "เขายึดพาสปอร์ตฉันและไม่ให้ฉันออกไปไหน", ["เขายึดพาสปอร์ตฉัน", "ไม่ให้ฉันออกไปไหน"]),
    ],
)
def test_two_statements_are_cut_apart_in_the_chats_language(language: str, text: str, statements: list[str]) -> None:
    assert clauses(text, language) == statements


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "they took my passport"),
        ("en", "hi, they took my passport"),
        ("en", "Sandy and Andrew took my passport"),
        ("en", "and"),
        ("en", ""),
        ("es", "ayuda y"),
        ("pl", "tak i nie"),
        ("en", "they took my passport and I cannot leave the house".replace(" and ", " sand ")),
    ],
)
def test_one_statement_or_a_word_beside_it_is_not_cut(language: str, text: str) -> None:
    assert clauses(text, language) == []


def test_without_a_language_only_punctuation_cuts() -> None:
    assert clauses("they took my passport and I cannot leave", None) == []
    assert clauses("they took my passport, I cannot leave", None) == ["they took my passport", "I cannot leave"]


def test_every_language_of_the_chat_has_its_joining_words_marked_machine_drafted() -> None:
    assert set(yaml.safe_load(CLAUSE_WORDS.read_text(encoding="utf-8"))) == set(LANGUAGES)
    assert "MACHINE-DRAFTED" in CLAUSE_WORDS.read_text(encoding="utf-8")


def test_a_message_of_many_statements_is_read_in_its_first_few_only() -> None:
    """Each statement costs the NLU a look-up before the turn: a long message of commas must not cost hundreds."""
    text = ", ".join(f"they took my passport number {n}" for n in range(500))
    assert clauses(text, "en") == [f"they took my passport number {n}" for n in range(MAX_STATEMENTS)]
