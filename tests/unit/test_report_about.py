"""Typed answers to a report's first question, "Is this about you, or about someone else?" (handover/report_about.py,
content/report_about.yml): "me" or "other" in every language, only as a whole short answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from handover.report_about import ABOUT_WORDS, describes_others, load_about_words, typed_about
from screening.typed_answers import load_typed_answers

# (language of the chat, typed, choice): someone else and the writer in every language, with a lead or a
# polite particle in some.
TYPED: list[tuple[str, str, str]] = [
    ("en", "someone else", "other"), ("en", "Someone else!", "other"), ("en", "a friend", "other"),
    ("en", "my neighbour", "other"), ("en", "not me", "other"), ("en", "it's about my sister", "other"),
    ("en", "me", "me"), ("en", "myself", "me"), ("en", "Me, please", "me"),
    ("da", "en anden", "other"), ("da", "min nabo", "other"), ("da", "ikke mig", "other"), ("da", "mig selv", "me"),
    ("ro", "altcineva", "other"), ("ro", "despre vecina mea", "other"), ("ro", "nu eu", "other"), ("ro", "eu", "me"),
    ("lt", "kažkas kitas", "other"), ("lt", "apie draugę", "other"), ("lt", "aš", "me"),
    ("pl", "ktoś inny", "other"), ("pl", "o sąsiadkę", "other"), ("pl", "ja", "me"),
    ("ru", "кто-то другой", "other"), ("ru", "про подругу", "other"), ("ru", "обо мне", "me"),
    ("uk", "хтось інший", "other"), ("uk", "про сусідку", "other"), ("uk", "про мене", "me"),
    ("bg", "някой друг", "other"), ("bg", "за приятелка", "other"), ("bg", "за мен", "me"),
    ("es", "otra persona", "other"), ("es", "sobre mi vecina", "other"), ("es", "yo", "me"),
    ("pt", "outra pessoa", "other"), ("pt", "sobre a minha amiga", "other"), ("pt", "eu", "me"),
    ("fr", "quelqu'un d'autre", "other"), ("fr", "pas moi", "other"), ("fr", "moi", "me"),
    ("ar", "شخص آخر", "other"), ("ar", "عن صديقتي", "other"), ("ar", "أنا", "me"),
    ("th", "คนอื่น", "other"), ("th", "คนอื่นค่ะ", "other"), ("th", "เกี่ยวกับเพื่อน", "other"), ("th", "ฉันเองค่ะ", "me"),
    ("tl", "ibang tao po", "other"), ("tl", "kaibigan ko", "other"), ("tl", "ako", "me"),
    ("vi", "người khác ạ", "other"), ("vi", "nguoi khac", "other"), ("vi", "tôi", "me"),
    ("zh", "别人", "other"), ("zh", "不是我", "other"), ("zh", "我自己", "me"),
]


@pytest.mark.parametrize(("language", "typed", "choice"), TYPED)
def test_typed_whom_it_is_about_in_the_chat_language(language: str, typed: str, choice: str) -> None:
    assert typed_about(typed, language) == choice


def test_every_language_has_its_words() -> None:
    languages, _ = load_languages(CONTENT_DIR)
    vocabulary = load_about_words()
    assert set(vocabulary.languages) == set(languages)
    assert all({"me", "other"} <= set(words.choices.values()) for words in vocabulary.languages.values())
    assert {language for language, _, _ in TYPED} == set(languages)


def test_a_typed_yes_or_no_of_the_chat_language_says_neither() -> None:
    """"Is this about you, or about someone else?" has no yes and no no: none of a language's typed answers
    (content/screening/typed_answers.yml) is a choice in its chat. Found checking: Russian "не" (no) was
    "someone else", since "нее" (her) folds to it; "про нее" (about her) still is."""
    for language, words in load_typed_answers().languages.items():
        for answer in words.answers:
            assert typed_about(answer, language) is None, (language, answer)
    assert typed_about("про нее", "ru") == typed_about("о ней", "ru") == "other"


def test_words_that_are_neither_or_a_story_are_no_answer() -> None:
    for typed in ("skip", "help", "yes", "no", "my boss keeps my passport", "my neighbour beats his wife", ""):
        assert typed_about(typed, "en") is None, typed


@pytest.mark.parametrize(("typed", "choice"), [("quelqu un d autre", "other"), ("quelquun dautre", "other"),
                                             ("ce n est pas moi", "other"), ("c est moi", "me")])
def test_an_apostrophe_typed_as_a_space_or_left_out_is_the_same_answer(typed: str, choice: str) -> None:
    """Found walking the chat: "quelqu un d autre" (the button's title without apostrophes) got the question
    again nine times, and no report was made."""
    assert typed_about(typed, "fr") == choice


def test_a_long_word_of_another_language_counts_a_short_one_only_in_its_own() -> None:
    assert typed_about("altcineva", "en") == "other" and typed_about("คนอื่น", "da") == "other"
    assert typed_about("ja", "pl") == "me" and typed_about("ja", "da") is None  # Danish "ja" is "yes"
    assert typed_about("man", "lt") == "me" and typed_about("man", "en") == "other"  # Lithuanian "man" is "me"
    assert typed_about("someone else") == "other" and typed_about("ja") is None  # the chat's language not known


def test_a_word_listed_as_both_or_a_broken_file_names_the_place(tmp_path: Path) -> None:
    both = tmp_path / "both.yml"
    both.write_text(yaml.safe_dump({"en": {"me": ["me"], "other": ["Me!"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"en: 'me' is listed as 'me' and 'other'"):
        load_about_words(both)
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump({"da": {"me": "mig"}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"da\.me"):
        load_about_words(broken)
    assert ABOUT_WORDS.is_file()


@pytest.mark.parametrize(("language", "typed", "others"), [
    ("en", "there is a car wash in odense where the workers sleep inside", True),
    ("en", "they look scared and the boss keeps their phones", True),
    ("en", "car wash in odense, workers sleep there", True),
    ("en", "hi i want to report something", False), ("en", "my boss keeps my passport", False),
    ("en", "idk", False), ("en", "the workers", False), ("en", "yesterday", False),
    ("da", "der er en vaskehal i odense hvor arbejderne sover", True), ("da", "de sover på vaskehallen", True),
    ("da", "jeg sover på vaskehallen", False), ("da", "they sleep at the car wash", True),
    ("ro", "există o spălătorie în odense unde dorm muncitorii", True), ("ro", "am văzut niște muncitori", False),
    ("ro", "hi i want to report something", False),
    ("th", "มีร้านล้างรถที่คนงานนอนในร้าน", True), ("zh", "有一个洗车店，工人住在里面", True),
    ("zh", "我在洗车店工作", False),
])
def test_a_sentence_about_other_people_describes_others_and_one_about_the_writer_does_not(
        language: str, typed: str, others: bool) -> None:
    """handover/report_about.py `describes_others`: found walking the chat, a bystander's description at the first
    question got "Please tap one of the buttons below" and was lost."""
    assert describes_others(typed, language) is others

