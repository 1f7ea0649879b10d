"""Facts that hold: what the answers say about support, the reflection period, privacy and e-mail rests on a
source anyone can read (content/facts.yml), and says the conditions and limits along with the promise.

English is checked by its words; each other language by the one wording its file uses for the same sentence
(LANGUAGE_MARKERS), so that a translation cannot drop the condition its English carries.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from core.texts import COUNT, Texts, load_language_texts

REPO = CONTENT_DIR.parent
LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)
TEXTS = Texts(CONTENT_DIR, LANGUAGES, DEFAULT)
FACTS: dict[str, Any] = yaml.safe_load((CONTENT_DIR / "facts.yml").read_text(encoding="utf-8"))
SOURCES: dict[str, dict[str, Any]] = FACTS["sources"]


class Markers(NamedTuple):
    depends: str  # "What help you can get depends on your situation."
    private: str  # a regex: a text that says talks are kept private (confidential) …
    limit: str  # … says in the same text: "If a child or someone in danger needs protection, the centre must act."
    email: str  # "If you want to send private information by email, tell the centre first."


LANGUAGE_MARKERS: dict[str, Markers] = {
    "en": Markers("depends on your situation", r"\bconfidential|keeps what you (say|write) private",
                  "the centre must act", "tell the centre first"),
    "da": Markers("afhænger af din situation", r"fortrolig", "skal centret handle", "sig det til centret først"),
    "ro": Markers("depinde de situația dumneavoastră", r"confiden[țţ]ial", "centrul trebuie să intervină",
                  "anunțați mai întâi centrul"),
    "uk": Markers("залежить від вашої ситуації", r"конфіденційн", "центр повинен діяти",
                  "спершу повідомте про це центр"),
    "ru": Markers("зависит от вашей ситуации", r"конфиденциальн", "центр обязан действовать",
                  "сначала сообщите об этом центру"),
    "bg": Markers("зависи от вашата ситуация", r"поверител", "центърът трябва да действа", "първо кажете на центъра"),
    "ar": Markers("تعتمد على وضعك", r"\bسري",  # \b: not the end of القسري (forced)
                  "يجب على المركز أن يتصرف", "فأخبر المركز بذلك أولًا"),
    "fr": Markers("dépend de votre situation", r"confidentiel", "le centre doit agir", "prévenez d'abord le centre"),
    "es": Markers("depende de su situación", r"confidencial", "el centro tiene que actuar", "avise antes al centro"),
    "pt": Markers("depende da sua situação", r"confidencial", "o centro tem de agir", "avise primeiro o centro"),
    "th": Markers("ขึ้นอยู่กับสถานการณ์ของคุณ", r"ความลับ", "ศูนย์ต้องดำเนินการ", "กรุณาแจ้งศูนย์ก่อน"),
    "vi": Markers("tùy vào hoàn cảnh của bạn", r"bí mật|bảo mật", "trung tâm phải hành động",
                  "hãy báo trước cho trung tâm"),
    "zh": Markers("取决于您的情况", r"保密", "中心必须采取行动", "请先告诉中心"),
    "tl": Markers("depende sa iyong sitwasyon", r"kumpidensyal", "dapat kumilos ang sentro", "sabihin muna sa sentro"),
    "pl": Markers("zależy od twojej sytuacji", r"poufn", "centrum musi działać", "najpierw powiedz o tym centrum"),
    "lt": Markers("priklauso nuo jūsų padėties", r"konfidencial", "centras privalo imtis veiksmų",
                  "pirmiausia praneškite centrui"),
}

# The answers the issue names: they said "confidential" with no limit.
SAID_CONFIDENTIAL = ("answer.rights", "answer.anonymous", "answer.no_papers")


def support_answers() -> list[str]:
    """Answers that offer support: they cite support_offer (and every one that cites victim_support must)."""
    return sorted(key for key, answer in TEXTS.answers.items() if "support_offer" in answer["sources"])


def wordings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(form) for category, form in value.items() if category != COUNT]
    return [str(value)]


def canned(language: str) -> dict[str, str]:
    data = yaml.safe_load((CONTENT_DIR / "canned" / f"{language}.yml").read_text(encoding="utf-8"))
    data.pop("_meta", None)
    return {f"canned.{code}": str(text) for code, text in data.items()}


def test_every_language_has_its_markers() -> None:
    assert set(LANGUAGE_MARKERS) == set(LANGUAGES)


# --- the sources --------------------------------------------------------------------------------------------

def test_no_source_cites_the_design_brief() -> None:
    for key, source in SOURCES.items():
        cited = " ".join(str(source.get(field, "")) for field in ("url", "law", "kind"))
        assert not re.search(r"facts-denmark|design|brief", cited, re.IGNORECASE), key


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_source_is_a_public_page_a_law_the_seed_or_the_chats_own_document(key: str) -> None:
    source = SOURCES[key]
    assert source.get("kind") in {"page", "law", "seed", "own"}, key
    assert str(source.get("says", "")).strip(), f"{key}: say what the source says"
    if source["kind"] == "own":  # this chat's own document, in this repository
        assert (REPO / source["url"]).is_file(), key
    else:
        assert str(source["url"]).startswith("https://"), key
    if source["kind"] == "law":
        assert str(source.get("law", "")).strip(), f"{key}: name the law and its section"


def test_what_a_human_must_still_check_keeps_its_verify_mark() -> None:
    """The facts the design marks VERIFY, and those it does not hold at all, stay marked until checked."""
    for key in ("prepared_return", "no_police_required", "sex_work_law", "opening_hours", "passport_law",
                "suicide_prevention", "children_helpline", "data_authority", "havn_privacy"):
        assert SOURCES[key].get("verify") is True, key


def test_the_reflection_periods_conditions_are_in_its_source() -> None:
    says = SOURCES["reflection_period"]["says"]
    assert "§ 33, stk. 14" in SOURCES["reflection_period"]["law"]
    for condition in ("On request", "30 days", "special reasons", "prepared", "120 days"):
        assert condition in says, condition


# --- support depends on the person's situation ----------------------------------------------------------------

def test_every_answer_that_rests_on_the_support_offer_cites_it() -> None:
    for key, answer in TEXTS.answers.items():
        if "victim_support" in answer["sources"] or "prepared_return" in answer["sources"]:
            assert "support_offer" in answer["sources"], key
    assert {"answer.rights", "answer.shelter", "answer.medical", "answer.legal", "answer.return"} <= set(
        support_answers())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_support_answer_says_the_help_depends_on_the_situation(language: str) -> None:
    for key in support_answers():
        text = TEXTS.text(key, language)
        assert LANGUAGE_MARKERS[language].depends in text, (language, key)
        if language == DEFAULT:
            assert "looks at it together with you" in text, key


# --- the reflection period --------------------------------------------------------------------------------------

def test_the_reflection_button_says_time_before_leaving() -> None:
    assert TEXTS.text("menu.reflection", "en") == "Time before leaving Denmark"
    assert {"title": "menu.reflection", "payload": "/ask_reflection_period"} in TEXTS.menus["rights"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reflection_answer_says_its_numbers_in_every_language(language: str) -> None:
    text = TEXTS.text("answer.reflection_period", language)
    assert "30" in text and "120" in text, language
    assert TEXTS.text("menu.reflection", language) != TEXTS.text("menu.reflection", "en") or language == "en"


def test_the_reflection_answer_says_its_conditions() -> None:
    text = TEXTS.text("answer.reflection_period", "en")
    for condition in ("ask for more time", "Immigration Service decides", "special reasons", "plan to go home",
                      "up to 120 days"):
        assert condition in text, condition


# --- privacy, said with its limit --------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_that_says_talks_are_private_says_the_limit(language: str) -> None:
    markers = LANGUAGE_MARKERS[language]
    texts = {**load_language_texts(CONTENT_DIR, language), **canned(language)}
    texts.pop("_meta", None)
    said = {key: value for key, value in texts.items() if not key.startswith(("menu.", "command.", "web."))}
    private = [key for key, value in said.items()
               if any(re.search(markers.private, form, re.IGNORECASE) for form in wordings(value))]
    assert set(SAID_CONFIDENTIAL) <= set(private), (language, set(SAID_CONFIDENTIAL) - set(private))
    for key in private:
        for form in wordings(said[key]):
            assert markers.limit in form, (language, key)


# --- no papers, selling sex: other rules, ask before giving a name --------------------------------------------------

@pytest.mark.parametrize("key", ["answer.no_papers", "answer.sex_work"])
def test_without_a_permit_other_rules_apply_and_the_centre_advises_first(key: str) -> None:
    text = TEXTS.text(key, "en")
    assert "Without a permit to stay or work in Denmark, other rules apply to you." in text
    assert "ask the centre for advice before you give your name" in text


# --- e-mail, with the centre's own warning --------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_answer_that_gives_the_email_address_warns_about_private_information(language: str) -> None:
    with_email = [key for key in TEXTS.answers if "{email}" in str(TEXTS.by_language[language][key])]
    assert {"answer.centre", "answer.contact"} <= set(with_email)
    for key in with_email:
        assert LANGUAGE_MARKERS[language].email in TEXTS.text(key, language), (language, key)
    assert "notify us in advance" in SOURCES["cmm_contact"]["says"]  # the centre's own words, on its page


# --- other languages follow their English source --------------------------------------------------------------------

def lines(value: Any) -> list[int]:
    return [len(form.split("\n")) for form in wordings(value)]


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != DEFAULT])
def test_a_translation_has_the_lines_of_its_english_source(language: str) -> None:
    """A line added to or dropped from the English (a condition, a limit) must be added to or dropped from
    every translation too: each text has as many lines as its English source."""
    english = load_language_texts(CONTENT_DIR, DEFAULT)
    translated = load_language_texts(CONTENT_DIR, language)
    differ = [key for key in english if key != "_meta" and key in translated
              and max(lines(english[key])) != max(lines(translated[key]))]
    assert not differ, (language, differ)

