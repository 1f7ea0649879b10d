"""The age in a typed answer to "How old are you?" (screening/age.py, content/screening/age_words.yml): the number
next to an age word, in every language, never another number in the message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from screening.age import AGE_WORDS, age_from_text, ages_in_text, load_age_words

LANGUAGES = ("en", "da", "ro", "uk", "ru", "bg", "ar", "fr", "es", "pt", "th", "vi", "zh", "tl", "pl", "lt")

# (language, message, age): at least 10 per language for en, da, ro and uk (issue 15), some for every other.
SENTENCES: list[tuple[str, str, int | None]] = [
    ("en", "I am 34", 34),
    ("en", "I'm 19", 19),
    ("en", "im 34", 34),
    ("en", "age: 34", 34),
    ("en", "34 years", 34),
    ("en", "34 years old", 34),
    ("en", "I am 17 years old", 17),
    ("en", "i am 34yo", 34),
    ("en", "I'm 23 y.o.", 23),
    ("en", "34 yrs", 34),
    ("en", "I just turned 18", 18),
    ("en", "34", 34),
    ("en", " 17 ", 17),
    ("en", "I am 16 and my boss is 45", 16),
    ("en", "I came 2 years ago, I am 34", 34),
    ("en", "I work 12 hours, I am 19", 19),
    ("en", "I worked there 6 days a week, I'm 22 years old", 22),
    ("en", "I have a 5 year old son, I am 28", 28),
    ("en", "my passport was taken 3 months ago", None),
    ("en", "I have 2 kids", None),
    ("en", "I have been in Denmark for 6 years", None),
    ("en", "I have a 5 year old son", None),
    ("en", "I live at number 12", None),
    ("en", "I am 150", None),
    ("en", "3", None),
    ("en", "I don't want to say", None),
    ("da", "jeg er 17", 17),
    ("da", "Jeg er 17 år", 17),
    ("da", "17 år", 17),
    ("da", "17år", 17),
    ("da", "jeg er 17 år gammel", 17),
    ("da", "jeg er 17 aar", 17),
    ("da", "Jeg er en 16-årig pige", 16),
    ("da", "alder: 25", 25),
    ("da", "jeg fylder 18 i morgen", 18),
    ("da", "Jeg kom for 2 år siden, jeg er 34", 34),
    ("da", "jeg arbejder 12 timer om dagen, jeg er 19", 19),
    ("da", "jeg har 2 børn", None),
    ("da", "jeg har boet i Danmark i 6 år", None),
    ("da", "de tog mit pas for 3 måneder siden", None),
    ("da", "det vil jeg ikke sige", None),
    ("ro", "am 17 ani", 17),
    ("ro", "Am 17 ani.", 17),
    ("ro", "am 34 de ani", 34),
    ("ro", "17 ani", 17),
    ("ro", "am 17", 17),
    ("ro", "eu am 19 ani", 19),
    ("ro", "vârsta mea este 25", 25),
    ("ro", "Vârsta: 25", 25),
    ("ro", "am 17 ani și lucrez în Danemarca", 17),
    ("ro", "Am venit acum 2 ani, am 34 de ani", 34),
    ("ro", "lucrez 12 ore pe zi, am 19 ani", 19),
    ("ro", "am 2 copii", None),
    ("ro", "mi-au luat pașaportul acum 3 luni", None),
    ("ro", "sunt în Danemarca de 6 ani", None),
    ("uk", "мені 17 років", 17),
    ("uk", "Мені 17", 17),
    ("uk", "17 років", 17),
    ("uk", "Мені 34 роки", 34),
    ("uk", "мені 21 рік", 21),
    ("uk", "мені вже 18", 18),
    ("uk", "meni 17", 17),
    ("uk", "мені 17 років і я працюю в Данії", 17),
    ("uk", "Я приїхала 2 роки тому, мені 34", 34),
    ("uk", "працюю 12 годин на день, мені 19", 19),
    ("uk", "у мене 2 дітей", None),
    ("uk", "забрали паспорт 3 місяці тому", None),
    ("uk", "я тут вже 6 років", None),
    ("ru", "мне 17 лет", 17),
    ("ru", "Мне 34 года, я приехал 2 года назад", 34),
    ("ru", "я работаю 12 часов, мне 19", 19),
    ("ru", "mne 25", 25),
    ("ru", "25 лет", 25),
    ("ru", "у меня 2 детей", None),
    ("bg", "на 17 години съм", 17),
    ("bg", "аз съм на 34", 34),
    ("bg", "Дойдох преди 2 години, на 34 години съм", 34),
    ("bg", "17 години", 17),
    ("bg", "имам 2 деца", None),
    ("ar", "عمري ١٧ سنة", 17),
    ("ar", "عمري 17", 17),
    ("ar", "عمري ۱۷", 17),  # Eastern Arabic-Indic digits
    ("ar", "انا عمري ٢٥ سنه", 25),
    ("ar", "جيت من ٣ سنين، عمري ٢٠", 20),
    ("ar", "١٧", 17),
    ("ar", "عندي ٣ اطفال", None),
    ("fr", "j'ai 17 ans", 17),
    ("fr", "J’ai 17 ans", 17),
    ("fr", "j ai 17 ans", 17),
    ("fr", "jai 17ans", 17),
    ("fr", "17 ans", 17),
    ("fr", "je suis arrivé il y a 2 ans, j'ai 34 ans", 34),
    ("fr", "j'ai 2 enfants", None),
    ("es", "tengo 17 años", 17),
    ("es", "tengo 17 anos", 17),
    ("es", "17 años", 17),
    ("es", "Llegué hace 2 años, tengo 34", 34),
    ("es", "trabajo 12 horas, tengo 19 años", 19),
    ("es", "tengo 2 hijos", None),
    ("pt", "tenho 17 anos", 17),
    ("pt", "Tenho 17", 17),
    ("pt", "17 anos", 17),
    ("pt", "cheguei há 2 anos, tenho 34", 34),
    ("pt", "trabalho 12 horas, tenho 19 anos", 19),
    ("pt", "a minha filha de 5 anos está comigo, eu tenho 28", 28),
    ("pt", "tenho 2 filhos", None),
    ("th", "ฉันอายุ 17 ปี", 17),
    ("th", "ผมอายุ25ปี", 25),
    ("th", "อายุ 17", 17),
    ("th", "17 ปี", 17),
    ("th", "ฉัน อายุ ๑๗ ปี ค่ะ", 17),  # Thai digits, spaces between words
    ("th", "มาทำงาน 2 ปีที่แล้ว ฉันอายุ 34 ปี", 34),
    ("th", "ฉันมีลูก 2 คน", None),
    ("vi", "tôi 17 tuổi", 17),
    ("vi", "toi 17 tuoi", 17),
    ("vi", "em 19 tuổi", 19),
    ("vi", "17 tuổi", 17),
    ("vi", "Tôi sang đây 2 năm rồi, tôi 34 tuổi", 34),
    ("vi", "tôi có 2 con", None),
    ("zh", "我17岁", 17),
    ("zh", "我 17 岁", 17),
    ("zh", "我今年十七岁", 17),
    ("zh", "我今年二十五岁", 25),
    ("zh", "十七", 17),
    ("zh", "１７岁", 17),  # full-width digits
    ("zh", "我来了两年了，我三十四岁", 34),
    ("zh", "我有两个孩子", None),
    ("tl", "17 years old ako", 17),
    ("tl", "ako ay 17", 17),
    ("tl", "16 pa lang ako", 16),
    ("tl", "25 anyos", 25),
    ("tl", "edad ko 34", 34),
    ("tl", "17 taong gulang", 17),
    ("tl", "dumating ako 2 taon na ang nakalipas, 34 na ako", 34),
    ("tl", "10 taon na ako dito sa denmark", None),
    ("tl", "may 2 anak ako", None),
    ("pl", "mam 17 lat", 17),
    ("pl", "Mam 22 lata.", 22),
    ("pl", "mam 17", 17),
    ("pl", "17 lat", 17),
    ("pl", "przyjechalam 2 lata temu, mam 34 lata", 34),
    ("pl", "pracuje 12 godzin dziennie, mam 19 lat", 19),
    ("pl", "mam dopiero 16", 16),
    ("pl", "mam 2 dzieci", None),
    ("pl", "jestem w danii od 6 lat", None),
    ("pl", "mam 5 letniego syna", None),
    ("lt", "man 17 metų", 17),
    ("lt", "Man 22 metai.", 22),
    ("lt", "man 17", 17),
    ("lt", "esu 16 metu", 16),
    ("lt", "17 metu", 17),
    ("lt", "čia dirbu 3 metus, man 34", 34),
    ("lt", "prieš 5 metus atvažiavau, man 30 metų", 30),
    ("lt", "dirbu 12 valandų per dieną", None),
]


@pytest.mark.parametrize(("language", "message", "age"), SENTENCES)
def test_the_age_in_the_chat_language(language: str, message: str, age: int | None) -> None:
    assert age_from_text(message, language) == age


@pytest.mark.parametrize(("language", "message", "age"), SENTENCES)
def test_the_age_without_a_language(language: str, message: str, age: int | None) -> None:
    # The chat's language may be unknown or wrong: every language's phrases are tried.
    assert age_from_text(message) == age


def test_an_age_in_another_language_than_the_chat() -> None:
    assert age_from_text("I am 34", "da") == 34
    assert age_from_text("am 17 ani", "en") == 17
    assert age_from_text("I came 2 years ago, I am 34", "ro") == 34


def test_at_least_ten_sentences_in_four_languages_and_some_in_every_other() -> None:
    counts = {language: sum(1 for code, _, age in SENTENCES if code == language and age) for language in LANGUAGES}
    assert all(counts[language] >= 10 for language in ("en", "da", "ro", "uk")), counts
    assert all(counts[language] >= 3 for language in LANGUAGES), counts
    assert all(any(code == language and age is None for code, _, age in SENTENCES) for language in LANGUAGES)


def test_every_language_has_its_age_words() -> None:
    phrases = load_age_words()
    assert set(phrases) == set(LANGUAGES)
    assert all(each.me and each.age and each.never for each in phrases.values())


def test_a_broken_file_names_the_place(tmp_path: Path) -> None:
    broken = tmp_path / "age_words.yml"
    broken.write_text(yaml.safe_dump({"en": {"me": ["i am"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"en\.me"):
        load_age_words(broken)
    assert AGE_WORDS.is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_not_phrase_of_any_language_drops_an_age_phrase(language: str) -> None:
    # The `not` phrases apply in every language: none may catch another language's way of saying an age.
    raw = yaml.safe_load(AGE_WORDS.read_text(encoding="utf-8"))
    for phrase in (*raw[language]["me"], *raw[language]["age"]):
        assert age_from_text(phrase.replace("{n}", "17"), language) == 17, phrase
        assert age_from_text(phrase.replace("{n}", "17")) == 17, phrase


def test_someone_else_s_age_with_or_without_an_age_word() -> None:
    """A report's "Did any of them look younger than 18?": every number that may be an age, in the order typed."""
    assert ages_in_text("one girl looked 15") == [15]
    assert ages_in_text("they are 20-25") == [20, 25]
    assert ages_in_text("hun ligner 16 år") == [16]
    assert ages_in_text("عمرها ١٥") == [15]
    assert ages_in_text("ประมาณ 15 ปี") == [15]
    assert ages_in_text("十五岁") == [15]
    # A time span, children, hours or money is no one's age; neither is a number below 5 or above 99.
    assert ages_in_text("they came 3 years ago with 2 children, work 12 hours for 100 kroner") == []
    assert ages_in_text("they look very young") == []


def test_an_age_under_18_inside_a_time_span_counts_only_when_asked_for() -> None:
    """Romanian "de 16 ani" is "16 years old" and "for 16 years"; the report's under-18 question takes it."""
    assert ages_in_text("una de 16 ani cred") == []
    assert ages_in_text("una de 16 ani cred", young_anywhere=True) == [16]
    assert ages_in_text("lucrează acolo de 20 de ani", young_anywhere=True) == []  # not an age 18 or over


# A clock time with someone young, in each language where people write times this way: no one's age (found
# walking the chat: "i saw a girl at 9" made a report urgent as a child's).
CLOCK_TIMES = [
    ("en", "i saw a girl at 9"), ("en", "a girl at 9pm"), ("en", "the girl left at 9 p.m."),
    ("en", "a boy came at 9 o'clock"), ("en", "a girl at 9:30"), ("da", "kl. 9 så jeg en pige"),
    ("da", "en pige klokken 9"), ("da", "en pige kl. 9.30"), ("fr", "une fille à 9h"), ("fr", "une fille à 9h30"),
    ("fr", "une fille à 9 heures"), ("ro", "o fată la ora 9"), ("ro", "o fată la 9 seara"),
    ("es", "una niña a las 9"), ("pt", "uma menina às 9"), ("pl", "dziewczyna o godzinie 9"),
    ("ru", "девочка в 9 вечера"), ("uk", "дівчина о 9 годині"), ("bg", "момиче в 9 часа"),
    ("ar", "بنت الساعة 9"), ("th", "เด็กผู้หญิง 9 โมง"), ("vi", "cô gái lúc 9 giờ"), ("zh", "一个女孩9点"),
    ("tl", "isang batang babae alas 9"), ("lt", "mergaitė 9 val."),
]


@pytest.mark.parametrize(("language", "typed"), CLOCK_TIMES)
def test_a_clock_time_is_no_age_not_even_where_a_child_missed_costs_more(language: str, typed: str) -> None:
    assert ages_in_text(typed, young_anywhere=True) == [], language
    assert ages_in_text(typed) == [], language
    assert age_from_text(typed, language) is None


def test_an_age_beside_a_clock_time_still_counts() -> None:
    assert ages_in_text("she is 9", young_anywhere=True) == [9]
    assert ages_in_text("a 9 year old girl", young_anywhere=True) == [9]
    assert ages_in_text("en pige på 9 år", young_anywhere=True) == [9]
    assert ages_in_text("she came here at 15 years old", young_anywhere=True) == [15]  # an age word: no clock
    assert ages_in_text("at 9:30 a girl, maybe 15", young_anywhere=True) == [15]
    assert ages_in_text("kl. 21 en pige på 15 år", young_anywhere=True) == [15]
    assert ages_in_text("o fată de 15 ani la ora 9", young_anywhere=True) == [15]
    assert age_from_text("I am 34, I start at 9") == 34
