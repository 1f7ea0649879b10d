""""I have a reference code" typed in words (handover/report_code_words.py, content/report_code_words.yml): the
code's name anywhere, the other ways of saying it only as a whole short message, in every language; a person's
own story about a code is not it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from handover.report_code_words import CODE_WORDS, LONGEST_SAYING, load_code_words, says_has_code

# (language of the chat, typed): every language, with and without the code's name, diacritics and spaces.
SAYS: list[tuple[str, str]] = [
    ("en", "I have a reference code"), ("en", "i have a code"), ("en", "I got a code from you"),
    ("en", "Hi, I have my code, please"), ("en", "where do I enter my code?"), ("en", "I want to use my code"),
    ("en", "I have a number from my report"), ("en", "hello, yes I've got a reference code from last week, can I add?"),
    ("da", "jeg har en kode"), ("da", "Hej, jeg har fået en kode fra jer"), ("da", "min referencekode"),
    ("ro", "am un cod de referinta"), ("ro", "Am un cod de referință"), ("ro", "unde scriu codul?"),
    ("ar", "لدي رمز مرجعي"), ("ar", "عندي كود"), ("ar", "أين أكتب الرمز من فضلك"),
    ("th", "มีรหัสอ้างอิง"), ("th", "สวัสดีค่ะ ฉันมีรหัสค่ะ"), ("th", "ฉัน มี รหัส"),
    ("bg", "имам код"), ("bg", "Здравейте, имам кода на сигнала"),
    ("es", "tengo un codigo"), ("es", "¿Dónde pongo mi código?"),
    ("fr", "J'ai un code"), ("fr", "j ai recu un code de votre part"),
    ("lt", "turiu koda"), ("lt", "Turiu nuorodos kodą"),
    ("pl", "mam kod"), ("pl", "gdzie wpisac kod zgloszenia"),
    ("pt", "tenho um código"), ("pt", "onde coloco o codigo"),
    ("ru", "у меня есть код"), ("ru", "куда ввести код?"),
    ("tl", "may code ako po"), ("tl", "saan ko ilalagay ang code"),
    ("uk", "у мене є код"), ("uk", "куди ввести код повідомлення"),
    ("vi", "toi co ma"), ("vi", "tôi có mã số tin báo ạ"),
    ("zh", "我有编号"), ("zh", "你好，我有举报编号"),
]

# A person's own story about a code, or about something else: the words are for Rasa.
STORIES: list[tuple[str, str]] = [
    ("en", "the boss has a code for the door"), ("en", "they gave me a code for the phone"),
    ("en", "i have a code for the door"), ("en", "I don't have a code"), ("en", "my boss took my phone code"),
    ("en", "code red"), ("en", "I want to report something"), ("en", "they took my passport"),
    ("da", "chefen har en kode til døren"), ("da", "jeg har en kode til telefonen"),
    ("ro", "seful are un cod pentru usa"), ("ro", "mi-au dat un cod pentru telefon"),
    ("th", "เจ้านายมีรหัสประตู"), ("th", "ฉันมีรหัสโทรศัพท์"),
    ("ru", "у босса есть код от двери"), ("zh", "老板有门的密码"), ("ar", "المدير عنده كود الباب"),
]


@pytest.mark.parametrize(("language", "typed"), SAYS)
def test_i_have_a_code_in_every_language(language: str, typed: str) -> None:
    assert says_has_code(typed, language)


@pytest.mark.parametrize(("language", "typed"), STORIES)
def test_a_story_about_a_code_is_not_the_button(language: str, typed: str) -> None:
    assert not says_has_code(typed, language)


def test_every_language_has_its_words() -> None:
    languages, _ = load_languages(CONTENT_DIR)
    assert set(load_code_words().languages) == set(languages)
    assert {language for language, _ in SAYS} == set(languages)


def test_another_language_s_words_count_a_short_one_only_in_its_own() -> None:
    assert says_has_code("am un cod de referinta", "en") and says_has_code("jeg har en kode", "ro")
    assert says_has_code("cod", "ro") and not says_has_code("cod", "en")  # English "cod" is a fish
    assert says_has_code("i have a code") and not says_has_code("")  # the chat's language not known


def test_a_saying_counts_in_a_short_message_only_the_code_s_name_in_a_long_one() -> None:
    padding = "hi " * (LONGEST_SAYING // 3 + 1)  # leads all, but too many for a short message
    assert not says_has_code(f"{padding}i have a code", "en")
    assert says_has_code(f"{padding}i have a reference code", "en")


def test_a_missing_list_or_a_broken_file_names_the_place(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yml"
    missing.write_text(yaml.safe_dump({"en": {"term": ["reference code"], "says": ["i have a code"]}}),
                       encoding="utf-8")
    with pytest.raises(ValueError, match=r"en: expected the lists term, says, lead, end"):
        load_code_words(missing)
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump({"da": {"term": "referencekode", "says": ["kode"], "lead": ["hej"],
                                             "end": ["tak"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"da\.term"):
        load_code_words(broken)
    assert CODE_WORDS.is_file()
