"""Typed answers to a yes/no question (screening/typed_answers.py, content/screening/typed_answers.yml): yes / no /
not sure in every language, text shorthand included, words that collide across languages read only where they
are answers, and anything longer than a short answer left to the NLU (None)."""

from __future__ import annotations

import dataclasses
from collections.abc import ValuesView
from pathlib import Path

import pytest
import yaml

from core.config import ROOT
from screening.normalise import normalise
from screening.typed_answers import TYPED_ANSWERS, acknowledgement, load_typed_answers, typed_answer

LANGUAGES = ("en", "da", "ro", "uk", "ru", "bg", "ar", "fr", "es", "pt", "th", "vi", "zh", "tl", "pl", "lt")

# (language of the chat, typed message, answer), at least a yes, a no and an "unknown" in every language.
IN_THE_CHAT_LANGUAGE: list[tuple[str, str, str | None]] = [
    ("en", "y", "yes"), ("en", "yes", "yes"), ("en", "Yeah", "yes"), ("en", "yep", "yes"), ("en", "ya", "yes"),
    ("en", "ok", "yes"), ("en", "of course", "yes"), ("en", "yesss", "yes"), ("en", "n", "no"), ("en", "no", "no"),
    ("en", "noo", "no"), ("en", "Nope", "no"),
    ("en", "nah", "no"), ("en", "never", "no"), ("en", "not sure", "unknown"), ("en", "idk", "unknown"),
    ("en", "dont know", "unknown"), ("en", "I don't know", "unknown"), ("en", "no idea", "unknown"),
    ("en", "maybe", "unknown"),
    ("da", "ja", "yes"), ("da", "jo", "yes"), ("da", "Jep", "yes"), ("da", "ja tak", "yes"), ("da", "nej", "no"),
    ("da", "Nej tak", "no"), ("da", "næ", "no"), ("da", "aldrig", "no"), ("da", "ved ikke", "unknown"),
    ("da", "det ved jeg ikke", "unknown"), ("da", "måske", "unknown"), ("da", "maaske", "unknown"),
    ("ro", "da", "yes"), ("ro", "Da.", "yes"), ("ro", "sigur", "yes"), ("ro", "nu", "no"), ("ro", "niciodată", "no"),
    ("ro", "nu știu", "unknown"), ("ro", "nu stiu", "unknown"), ("ro", "nu sunt sigură", "unknown"),
    ("ro", "habar n-am", "unknown"), ("ro", "poate", "unknown"),
    ("uk", "так", "yes"), ("uk", "Так!", "yes"), ("uk", "ага", "yes"), ("uk", "ок", "yes"), ("uk", "tak", "yes"),
    ("uk", "ні", "no"), ("uk", "не", "no"), ("uk", "ni", "no"), ("uk", "не знаю", "unknown"),
    ("uk", "не впевнена", "unknown"),
    ("ru", "да", "yes"), ("ru", "ага", "yes"), ("ru", "ок", "yes"), ("ru", "da", "yes"), ("ru", "нет", "no"),
    ("ru", "неа", "no"), ("ru", "не", "no"), ("ru", "net", "no"), ("ru", "не знаю", "unknown"),
    ("ru", "хз", "unknown"),
    ("bg", "да", "yes"), ("bg", "аха", "yes"), ("bg", "не", "no"), ("bg", "няма", "no"), ("bg", "не знам", "unknown"),
    ("bg", "не съм сигурен", "unknown"),
    ("ar", "نعم", "yes"), ("ar", "ايوه", "yes"), ("ar", "أيوة", "yes"), ("ar", "اكيد", "yes"), ("ar", "لا", "no"),
    ("ar", "لأ", "no"), ("ar", "la2", "no"), ("ar", "مش متأكد", "unknown"), ("ar", "ما بعرف", "unknown"),
    ("ar", "لا أعرف", "unknown"),
    ("fr", "oui", "yes"), ("fr", "ouais", "yes"), ("fr", "si", "yes"), ("fr", "d'accord", "yes"), ("fr", "non", "no"),
    ("fr", "nan", "no"), ("fr", "jamais", "no"), ("fr", "je sais pas", "unknown"), ("fr", "je ne sais pas", "unknown"),
    ("fr", "jsp", "unknown"), ("fr", "pas sûr", "unknown"), ("fr", "peut-être", "unknown"),
    ("es", "sí", "yes"), ("es", "si", "yes"), ("es", "claro", "yes"), ("es", "vale", "yes"), ("es", "no", "no"),
    ("es", "nunca", "no"), ("es", "no sé", "unknown"), ("es", "no se", "unknown"), ("es", "ni idea", "unknown"),
    ("es", "a lo mejor", "unknown"),
    ("pt", "sim", "yes"), ("pt", "siim", "yes"), ("pt", "claro", "yes"), ("pt", "é verdade", "yes"),
    ("pt", "não", "no"), ("pt", "nao", "no"), ("pt", "nunca", "no"), ("pt", "não sei", "unknown"),
    ("pt", "n sei", "unknown"), ("pt", "talvez", "unknown"), ("pt", "sei la", "unknown"),
    ("th", "ใช่", "yes"), ("th", "ใช่ค่ะ", "yes"), ("th", "ใช่ครับ", "yes"), ("th", "ค่ะ", "yes"), ("th", "ครับ", "yes"),
    ("th", "ไม่", "no"), ("th", "ไม่ใช่", "no"), ("th", "ไม่ค่ะ", "no"), ("th", "ไม่ใช่ครับ", "no"),
    ("th", "ไม่แน่ใจ", "unknown"), ("th", "ไม่รู้ค่ะ", "unknown"), ("th", "ไม่ทราบครับ", "unknown"),
    ("vi", "có", "yes"), ("vi", "co", "yes"), ("vi", "dạ", "yes"), ("vi", "vâng", "yes"), ("vi", "có ạ", "yes"),
    ("vi", "không", "no"), ("vi", "khong", "no"), ("vi", "ko", "no"), ("vi", "k", "no"), ("vi", "dạ không", "no"),
    ("vi", "không biết", "unknown"), ("vi", "ko bt", "unknown"), ("vi", "có thể", "unknown"),
    ("zh", "是", "yes"), ("zh", "是的", "yes"), ("zh", "对", "yes"), ("zh", "嗯嗯", "yes"), ("zh", "不", "no"),
    ("zh", "不是", "no"), ("zh", "没有", "no"), ("zh", "不知道", "unknown"), ("zh", "我不知道", "unknown"),
    ("zh", "不确定", "unknown"),
    ("tl", "oo", "yes"), ("tl", "opo", "yes"), ("tl", "oo po", "yes"), ("tl", "sige", "yes"), ("tl", "hindi", "no"),
    ("tl", "hindi po", "no"), ("tl", "hnd", "no"), ("tl", "wala po", "no"), ("tl", "hindi ko alam", "unknown"),
    ("tl", "ewan ko", "unknown"), ("tl", "di ako sure", "unknown"), ("tl", "siguro", "unknown"),
    ("pl", "tak", "yes"), ("pl", "Tak!", "yes"), ("pl", "takk", "yes"), ("pl", "jasne", "yes"),
    ("pl", "oczywiscie", "yes"), ("pl", "nie", "no"), ("pl", "Nieee", "no"), ("pl", "nigdy", "no"),
    ("pl", "nie wiem", "unknown"), ("pl", "nwm", "unknown"), ("pl", "nie jestem pewna", "unknown"),
    ("pl", "może", "unknown"),
    ("lt", "taip", "yes"), ("lt", "Taip!", "yes"), ("lt", "jo", "yes"), ("lt", "žinoma", "yes"),
    ("lt", "zinoma", "yes"),
    ("lt", "ne", "no"), ("lt", "niekada", "no"), ("lt", "nežinau", "unknown"), ("lt", "nezinau", "unknown"),
    ("lt", "nesu tikra", "unknown"), ("lt", "gal", "unknown"),
]


@pytest.mark.parametrize(("language", "message", "answer"), IN_THE_CHAT_LANGUAGE)
def test_every_language_yes_no_and_not_sure(language: str, message: str, answer: str) -> None:
    assert typed_answer(message, language) == answer


def test_every_language_has_all_three_answers_in_the_tests_and_the_file() -> None:
    tested = {(language, answer) for language, _, answer in IN_THE_CHAT_LANGUAGE}
    assert tested == {(language, answer) for language in LANGUAGES for answer in ("yes", "no", "unknown")}
    vocabulary = load_typed_answers()
    assert set(vocabulary.languages) == set(LANGUAGES)
    for language, words in vocabulary.languages.items():
        assert set(words.answers.values()) == {"yes", "no", "unknown"}, language


@pytest.mark.parametrize(("message", "answer"), [
    ("yes", "yes"), ("YES!!!", "yes"), ("yesss", "yes"), ("Yeees.", "yes"), ("ja", "yes"), ("oui", "yes"),
    ("да", "yes"), ("ใช่", "yes"), ("是的", "yes"), ("نعم", "yes"), ("ok", "yes"), ("jo", "yes"),
    ("nej", "no"), ("noo", None), ("non", "no"), ("нет", "no"), ("ні", "no"), ("не", "no"), ("ไม่ใช่", "no"),
    ("không", "no"), ("不是", "no"), ("لا", "no"), ("nope", "no"),
    ("not sure", "unknown"), ("idk", "unknown"), ("ved ikke", "unknown"), ("nu știu", "unknown"),
    ("не знаю", "unknown"), ("je sais pas", "unknown"), ("no sé", "unknown"), ("ไม่แน่ใจ", "unknown"),
    ("không biết", "unknown"), ("不知道", "unknown"), ("مش متأكد", "unknown"),
])
def test_without_a_language_only_words_with_one_meaning_everywhere(message: str, answer: str | None) -> None:
    # "no(o)" is also Vietnamese "nó" (he, it): "nó đánh tôi" is "he hits me"; Rasa's NLU reads it instead.
    assert typed_answer(message) == answer


@pytest.mark.parametrize(("message", "language", "answer"), [
    ("nu", "ro", "no"), ("nu", "da", None), ("nu", "ru", None), ("nu", None, None),  # Danish "now", Russian "ну"
    ("ну", "ru", None), ("ну", "uk", None),  # "well"
    ("da", "ro", "yes"), ("da", "ru", "yes"), ("da", "da", None), ("da", None, None),  # Danish "then"
    ("ne", "uk", "no"), ("ne", "bg", "no"), ("ne", "fr", None), ("ne", None, None),  # French "ne" (not)
    ("si", "es", "yes"), ("si", "fr", "yes"), ("si", "ro", None), ("si", None, None),  # Romanian "și" (and)
    ("tak", "uk", "yes"), ("tak", "da", None), ("так", "uk", "yes"), ("так", "ru", None),  # thanks; "so"
    ("la", "ar", "no"), ("la", "fr", None), ("la", "es", None),  # Arabic "لا" in Latin letters; "là", "la"
    ("mai", "th", "no"), ("mai", "ro", None), ("mai", "vi", None),  # Thai "ไม่"; "more", "tomorrow"
    ("k", "vi", "no"), ("k", "en", None), ("y", "en", "yes"), ("y", "es", None),  # "ok"; Spanish "and"
    ("ya", "en", "yes"), ("ya", "ru", None), ("no", "vi", None), ("no", "es", "no"),  # Russian "я"; "nó"
    ("ja", "da", "yes"), ("ja", "ro", "yes"), ("nej", "en", "no"), ("oui", "ar", "yes"),  # one meaning everywhere
    ("tak", "pl", "yes"), ("no", "pl", None), ("nie", "pl", "no"), ("nie", None, "no"),  # Polish "no" = "well"
    ("nu", "lt", None), ("ne", "lt", "no"), ("ne", "ro", None),  # Lithuanian "nu" (well); Romanian "ne" (us)
])
def test_words_that_collide_across_languages(message: str, language: str | None, answer: str | None) -> None:
    assert typed_answer(message, language) == answer


@pytest.mark.parametrize(("language", "message", "answer"), [
    ("en", "yes he did", "yes"),
    ("en", "Yes, he took it", "yes"),
    ("en", "Sure, he took my passport", "yes"),
    ("en", "no he didn't", "no"),
    ("en", "no idea what he does", "unknown"),
    ("en", "yes please", "yes"),
    ("da", "ja det gjorde han", "yes"),
    ("da", "nej, det gjorde han ikke", "no"),
    ("ro", "Nu, nu m-a lovit", "no"),
    ("pl", "Nie, nie uderzył mnie", "no"),
    ("pl", "tak zabrał mi paszport", "yes"),
    ("ru", "да, он забрал паспорт", "yes"),
    ("es", "No, me dejan salir", "no"),
    ("pt", "Sim, ficou com o passaporte", "yes"),
    ("pt", "não, nunca me bateu", "no"),
    ("zh", "是的，他拿走了", "yes"),
    ("th", "ใช่ค่ะ เขาเอาไป", "yes"),
    ("vi", "dạ vâng", "yes"),
    ("ar", "لا، ما ضربني", "no"),
    ("tl", "oo, kinuha nya", "yes"),
    ("tl", "opo ... kinuha nila", "yes"),
    ("lt", "ne, jis manęs nemuša", "no"),
    ("lt", "taip ... jis paėmė pasą", "yes"),
])
def test_an_answer_followed_by_a_few_words(language: str, message: str, answer: str) -> None:
    assert typed_answer(message, language) == answer


@pytest.mark.parametrize(("language", "message"), [
    ("en", "yes, he took my passport when I arrived and he still has it"),  # free text: the NLU reads it
    ("en", "I think he is watching me all the time"),
    ("en", "right now he is here"),  # "right" is an answer only alone
    ("en", "no one lets me out"),  # "no one …" is no answer
    ("en", "yes no"),  # says both
    ("en", "no, not sure"),
    ("es", "no me dejan salir"),  # "they do not let me out": a "yes" to "Are you locked in?", never a "no"
    ("pt", "não me deixam sair"),  # "they do not let me out"
    ("pt", "isso nunca aconteceu"),  # "that never happened": "isso" (that's it) starts the sentence
    ("ro", "nu mă lasă să plec"),
    ("pl", "nie pozwalają mi wyjść"),  # "they do not let me out": a "yes" to "Are you locked in?"
    ("pl", "nigdy mnie nie wypuszczają"),
    ("bg", "не ме пускат да изляза"),
    ("ar", "لا يسمحون لي بالخروج"),
    ("vi", "không cho tôi ra ngoài"),
    ("vi", "nó đánh tôi"),  # "he hits me", not "no"
    ("da", "nu er jeg i sikkerhed"),  # "now I am safe"
    ("uk", "так, він забрав паспорт і телефон і каже що я винна йому гроші"),
    ("zh", "有人打我"),  # "someone hits me": 有 (yes, have) starts the sentence without a pause
    ("th", "ไม่ให้ออกไปไหนเลย"),
    ("tl", "hindi nila ako pinapalabas"),  # "they do not let me out": a "yes" to "Are you locked in?"
    ("tl", "wala akong pasaporte"),
    ("lt", "ne visada, kartais jis leidžia išeiti"),  # "ne" negates what follows: the NLU reads it
    ("en", ""),
    ("en", "!!!"),
    ("en", "hello"),
])
def test_long_or_unclear_messages_are_left_to_the_nlu(language: str, message: str) -> None:
    assert typed_answer(message, language) is None


@pytest.mark.parametrize(("message", "answer"), [
    ("👍", "yes"), ("👍🏽", "yes"), ("👍👍", "yes"), ("✅", "yes"), ("👎", "no"), ("❌", "no"), ("🤷", "unknown"),
    ("🤷‍♀️", "unknown"), ("👍👎", None), ("🙂", None),
])
def test_emoji(message: str, answer: str | None) -> None:
    assert typed_answer(message) == answer
    assert typed_answer(message, "da") == answer


def test_a_language_the_file_does_not_have_reads_the_shared_words() -> None:
    assert typed_answer("oui", "de") == "yes"
    assert typed_answer("nu", "de") is None


def test_answer_dot_dot_dot_is_shared_only_when_every_language_marks_it() -> None:
    # Russian "да ..." may be followed by words; Bulgarian "да" may not ("да изляза" = to go out).
    assert typed_answer("да он забрал", "ru") == "yes"
    assert typed_answer("да он забрал", "bg") is None
    assert typed_answer("да он забрал") is None


def test_a_broken_file_names_the_place(tmp_path: Path) -> None:
    broken = tmp_path / "typed_answers.yml"
    broken.write_text('emoji: {}\nen:\n  "yes": [yes]\n', encoding="utf-8")  # unquoted: YAML's boolean True
    with pytest.raises(ValueError, match=r"en\.yes"):
        load_typed_answers(broken)
    twice = tmp_path / "twice.yml"
    twice.write_text('emoji: {}\nen:\n  "yes": ["ok"]\n  "no": ["ok"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'ok'"):
        load_typed_answers(twice)
    okay_and_yes = tmp_path / "okay_and_yes.yml"
    okay_and_yes.write_text('emoji: {}\nen:\n  "yes": ["ok"]\n  okay: ["ok"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'ok' is listed as 'yes' and 'okay'"):
        load_typed_answers(okay_and_yes)
    assert TYPED_ANSWERS.is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_of_the_file_is_read_as_listed_in_its_language(language: str) -> None:
    # Folding (accents, repeated letters, polite particles) must not turn one language's entry into another answer.
    raw = yaml.safe_load(TYPED_ANSWERS.read_text(encoding="utf-8"))[language]
    for answer in ("yes", "no", "unknown"):
        for entry in raw[answer]:
            assert typed_answer(entry.removesuffix("...").strip(), language) == answer, entry
            assert typed_answer(entry.removesuffix("...").strip().upper() + "!!", language) == answer, entry
    for entry in raw.get("other") or []:
        assert typed_answer(entry, language) is None, entry
    assert raw["okay"], language  # every language has its "ok": a yes to a request only
    for entry in raw["okay"]:
        assert typed_answer(entry, language) == "yes", entry
        assert acknowledgement(entry, language) == acknowledgement(entry.upper() + "!", language) == "okay", entry
    for answer in ("yes", "no", "unknown"):
        for entry in raw[answer]:
            assert acknowledgement(entry.removesuffix("...").strip(), language) is None, entry


# Walk 3: "ok thanks" at "Has anyone hit you?" was a yes (a false P1). An acknowledgement still reads "yes" (to a
# request), and `acknowledgement` tells it apart; polite words alone are "polite", an answer with them is None.
@pytest.mark.parametrize(("message", "language", "kind"), [
    ("ok", "en", "okay"), ("okay", "en", "okay"), ("ok thanks", "en", "okay"), ("Ok, thank you!", "en", "okay"),
    ("OK thank you so much", "en", "okay"), ("alright", "en", "okay"), ("ok", None, "okay"), ("ok", "de", "okay"),
    ("okay tak", "da", "okay"), ("ok multumesc", "ro", "okay"), ("ок, спасибо", "ru", "okay"),
    ("vale gracias", "es", "okay"), ("d'accord merci", "fr", "okay"), ("sige po", "tl", "okay"),
    ("好的谢谢", "zh", "okay"), ("โอเคครับ", "th", "okay"), ("ок", "bg", "okay"),
    ("thanks", "en", "polite"), ("thank you", "en", "polite"), ("tak", "da", "polite"), ("mange tak", "da", "polite"),
    ("merci", "fr", "polite"),
    # Language unknown (Rasa's own conversation tests): a word that answers in some language is not politeness
    # alone: "tak" is the Polish yes, "da" the Romanian one (and the Vietnamese "dạ" folded).
    ("tak", None, None), ("da", None, None), ("da", "ro", None),
    ("yes", "en", None), ("ok yes", "en", None), ("yes please", "en", None), ("no thanks", "en", None),
    ("ja tak", "da", None), ("tak", "pl", None), ("ค่ะ", "th", None), ("ok they took it", "en", None),
    ("?", "en", None), ("", "en", None), ("🙏", "en", None), ("k", "en", None),
])
def test_an_acknowledgement_is_told_apart(message: str, language: str | None, kind: str | None) -> None:
    assert acknowledgement(message, language) == kind


def goodbye_examples(language: str) -> set[str]:
    """The NLU's examples of "goodbye" in one language (nlu_data/nlu/<language>/*.yml)."""
    examples: set[str] = set()
    for path in sorted((ROOT / "nlu_data" / "nlu" / language).glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if item.get("intent") == "goodbye":
                examples |= {line.strip()[2:] for line in item["examples"].splitlines() if line.strip()}
    return examples


def test_thanks_alone_close_a_turn_in_english_and_danish() -> None:
    """Walk 3: "thanks", "thank you", "ok thank you", "mange tak" got "Sorry, I did not understand" while
    "ok multumesc", "merci beaucoup" and "salamat po" got the goodbye."""
    assert {"thanks", "thank you", "ok thanks", "ok thank you"} <= goodbye_examples("en")
    assert {"mange tak", "tusind tak", "tak for hjælpen"} <= goodbye_examples("da")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_goodbye_example_is_an_answer_or_ok_alone(language: str) -> None:
    """A goodbye example is never, as a whole, a yes / no / not sure of any chat language (Danish "tak" alone is the
    Polish and Ukrainian yes), nor "ok" alone, which stays an acknowledgement (a yes to a request only)."""
    for example in goodbye_examples(language):
        assert normalise(example) not in ("ok", "okay"), example
        for other in LANGUAGES:
            if typed_answer(example, other, whole=True) is not None:
                assert acknowledgement(example, other) == "okay", (example, other)  # "ok thanks"


class _CountedValues(dict[str, object]):
    """A language table that counts how often all its languages are gone through."""

    walks = 0

    def values(self) -> ValuesView[object]:  # type: ignore[override]
        type(self).walks += 1
        return super().values()


def test_an_acknowledgement_in_a_chat_of_unknown_language_does_not_gather_every_language_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Performance: every language's answers are gathered once at load, not at each message whose language is not
    # known (the answer itself is tested above: "tak" and "da" are no politeness there).
    loaded = load_typed_answers()
    counted = dataclasses.replace(loaded, languages=_CountedValues(loaded.languages))
    monkeypatch.setattr("screening.typed_answers.load_typed_answers", lambda: counted)
    assert [acknowledgement(message, None) for message in ("tak", "thanks", "ok")] == [None, "polite", "okay"]
    assert _CountedValues.walks == 0
