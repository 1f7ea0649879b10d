"""The text catalogue: complete in every language, every answer grounded in a known source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from core.texts import RUNTIME_VARIABLES, Plural, Texts, plural_categories, plural_rule
from handover.canned import canned_problems
from screening.questionnaire import CUES, Questionnaire


def catalogue(content_dir: Path = CONTENT_DIR) -> Texts:
    languages, default = load_languages(content_dir)
    return Texts(content_dir, languages, default)


def test_the_shipped_content_has_no_problems() -> None:
    assert catalogue().problems() == []


def test_every_text_renders_in_every_language() -> None:
    texts = catalogue()
    runtime = {name: "7" for name in RUNTIME_VARIABLES}  # what the app fills in when it sends a queue notice
    for language in texts.languages:
        for key in texts.by_language[texts.default_language]:
            rendered = texts.text(key, language, runtime)
            assert rendered.strip() and "{" not in rendered, (language, key)


def test_safety_line_carries_112_and_the_hotline_in_every_language() -> None:
    texts = catalogue()
    for language in texts.languages:
        for key in ("greet", "safety_line", "rasa_unavailable", "handover_requested", "text_only", "media_received",
                    "media_not_kept"):
            rendered = texts.text(key, language)
            assert "112" in rendered and "+45 70 20 25 50" in rendered, (language, key)


# Not replies: button titles, Telegram's command list and the web page's labels; the safety line itself.
NOT_REPLIES = ("menu.", "command.", "web.", "safety_line")
# What the issue "Safety on every path" names; none of these may ever be let off the safety line.
MUST_OFFER_112 = ("not_understood", "text_only", "screening.pick_one", "rasa_unavailable", "too_long",
                  "report.code_unknown", "report.code_wait", "queue.place", "queue.place_no_estimate",
                  "queue.nobody", "queue.keep_waiting", "queue.leave_message", "queue.back_in_queue", "danger",
                  "greet", "goodbye", "delete_done", "report.cancelled")


def test_every_reply_that_is_not_an_answer_or_a_question_offers_112_in_every_language() -> None:
    texts = catalogue()
    runtime = {name: "7" for name in RUNTIME_VARIABLES}
    quiet = [key for key in texts.by_language[texts.default_language]
             if not key.startswith(NOT_REPLIES) and not texts.needs_safety_line(key, "")]
    assert quiet and all(key.startswith(("answer.", "question.", "cue.", "cue_asked.", "report.ask_")) or key in {
        "report.sign_noted", "report.added", "screening.offer", "screening.why", "screening.why_general",
        "screening.progress", "screening.warn.sex", "screening.noted", "screening.not_noted", "help_intro",
        "language_prompt", "delete_ask", "safety.check",
        "danger.person_coming", "danger.self_harm", "queue.hours", "privacy_notice",
        "language_guess"} for key in quiet), quiet
    for language in texts.languages:
        for key in texts.by_language[texts.default_language]:
            if key.startswith(NOT_REPLIES) or key in quiet:
                continue
            text = texts.reply(key, language, variables=runtime).text
            assert "112" in text, (language, key)


@pytest.mark.parametrize("key", MUST_OFFER_112)
def test_the_named_non_answers_are_never_let_off_the_safety_line(key: str) -> None:
    texts = catalogue()
    runtime = {name: "7" for name in RUNTIME_VARIABLES}
    for language in ("en", "da", "ro", "ar", "th"):
        assert "112" in texts.reply(key, language, variables=runtime).text, (language, key)


def test_the_safety_line_is_added_once_and_not_to_a_text_that_names_112() -> None:
    texts = catalogue()
    too_long = texts.reply("too_long", "da").text
    assert too_long.endswith(texts.text("safety_line", "da")) and too_long.count("112") == 1
    assert texts.reply("danger", "en").text == texts.text("danger", "en")
    assert texts.reply("answer.legal", "en").text == texts.text("answer.legal", "en")


def test_every_quiet_key_in_the_safety_file_names_a_real_text() -> None:
    texts = catalogue()
    keys = list(texts.by_language[texts.default_language])
    for quiet in texts.quiet_keys:
        assert any(key.startswith(quiet[:-1]) if quiet.endswith("*") else key == quiet for key in keys), quiet


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_missing_text_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts" / "da.yml", lambda data: data.pop("answer.shelter"))
    assert "da: text 'answer.shelter' is missing" in catalogue(content_copy).problems()


def test_an_unknown_source_is_found(content_copy: Path) -> None:
    edit(content_copy / "answers.yml", lambda data: data["answer.shelter"].update(sources=["rumour"]))
    assert "answer 'answer.shelter' cites unknown source 'rumour'" in catalogue(content_copy).problems()


def test_an_answer_without_sources_is_found(content_copy: Path) -> None:
    edit(content_copy / "answers.yml", lambda data: data.pop("answer.police"))
    assert ("text 'answer.police' is an answer without sources in content/answers.yml"
            in catalogue(content_copy).problems())


def test_an_unknown_placeholder_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts" / "en.yml", lambda data: data.update(greet="Call {hotlin}"))
    assert "en: text 'greet' uses unknown placeholders ['hotlin']" in catalogue(content_copy).problems()


def test_a_translation_that_drops_a_placeholder_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts" / "da.yml", lambda data: data.update({"queue.place": "Du er i køen."}))
    assert "da: text 'queue.place' has other placeholders than in en" in catalogue(content_copy).problems()


def test_a_menu_title_without_text_is_found(content_copy: Path) -> None:
    edit(content_copy / "menus.yml", lambda data: data["main"].append({"title": "menu.nothing", "payload": "/x"}))
    assert "menu 'main': title 'menu.nothing' has no text" in catalogue(content_copy).problems()


def test_language_menu_uses_own_names() -> None:
    texts = catalogue()
    titles = {button.payload: button.title for button in texts.language_menu()}
    assert titles["lang:da"] == "Dansk" and titles["lang:en"] == "English"


def test_every_answer_is_short_and_ends_with_a_next_step_button() -> None:
    texts = catalogue()
    responses = {}
    for path in (CONTENT_DIR.parent / "domain").glob("*.yml"):
        for variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).values():
            if "text" in variants[0]["custom"]:  # not {report: start}: the app asks the report's questions
                responses[variants[0]["custom"]["text"]] = variants[0]["custom"]
    # The answers to cue intents (passport, debt, pay, crimes) come from the screening action: the answer,
    # then the reflection with its buttons, or the answer with the after-answer menu when already known.
    questionnaire = Questionnaire()
    for intent, (_, key) in CUES.items():
        if key:
            state, first = questionnaire.handle(None, intent, "words")
            assert first[0] == {"text": key} and first[1].get("menu"), intent
            _, again = questionnaire.handle({**state, "answers": {CUES[intent][0]: "yes"}}, intent, "words")
            responses[key] = again[0]
    for key in texts.answers:
        assert responses[key].get("menu"), f"{key} has no next-step buttons"
        for language in texts.languages:
            assert len(texts.text(key, language)) <= 600, (language, key)


def test_canned_responses_exist_in_every_language_with_the_same_placeholders() -> None:
    assert canned_problems(CONTENT_DIR, catalogue()) == []


def test_a_missing_canned_response_is_found(content_copy: Path) -> None:
    edit(content_copy / "canned" / "th.yml", lambda data: data.pop("safe_now"))
    assert "canned/th: short code 'safe_now' is missing" in canned_problems(content_copy, catalogue(content_copy))


# --- plurals: CLDR categories per language (Babel), chosen by the number in the text's `_count` variable ---

WAIT = {  # report.code_wait's number phrase for 1, 2, 5 and 21 minutes
    "en": ["1 minute,", "2 minutes,", "5 minutes,", "21 minutes,"],
    "ru": ["1 минуту ", "2 минуты ", "5 минут ", "21 минуту "],
    "ar": ["1 دقيقة،", "2 دقيقتين،", "5 دقائق،", "21 دقيقة،"],
    "ro": ["1 minut,", "2 minute,", "5 minute,", "21 de minute,"],
    "pt": ["1 minuto e", "2 minutos e", "5 minutos e", "21 minutos e"],
    "pl": ["1 minutę,", "2 minuty,", "5 minut,", "21 minut,"],  # CLDR pl: 21 is "many", not "one"
    "lt": ["1 minutę,", "2 minutes,", "5 minutes,", "21 minutę,"],
}


@pytest.mark.parametrize("language", sorted(WAIT))
def test_the_plural_form_follows_the_languages_cldr_rules(language: str) -> None:
    texts = catalogue()
    for minutes, phrase in zip(("1", "2", "5", "21"), WAIT[language], strict=True):
        assert phrase in texts.text("report.code_wait", language, {"minutes": minutes}), (language, minutes)


def test_a_plural_picks_by_the_named_count_and_falls_back_to_other() -> None:
    texts = catalogue()
    assert "1 minute." in texts.text("queue.place", "en", {"position": "1", "minutes": "1"})
    assert "5 minutes." in texts.text("queue.place", "en", {"position": "1", "minutes": "5"})  # not position's 1
    assert "for 1 day " in texts.text("privacy_notice", "en", {"retention_days": "1"})
    assert "for 7.5 days " in texts.text("privacy_notice", "en", {"retention_days": "7.5"})  # CLDR: 7.5 is other
    assert "for soon days " in texts.text("privacy_notice", "en", {"retention_days": "soon"})  # no number: other


def test_every_plural_text_has_exactly_the_cldr_categories_of_its_language() -> None:
    texts = catalogue()
    plural = {key for key, template in texts.by_language["en"].items() if isinstance(template, Plural)}
    assert plural == {"queue.place", "report.code_wait", "privacy_notice", "screening.offer"}
    for language in texts.languages:
        needed = plural_categories(plural_rule(language))
        for key in plural:
            assert set(texts.by_language[language][key].forms) == needed, (language, key)
    assert plural_categories(plural_rule("ar")) == {"zero", "one", "two", "few", "many", "other"}
    assert plural_categories(plural_rule("zh")) == {"other"}


def test_a_missing_plural_form_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts/report/ru.yml", lambda data: data["report.code_wait"].pop("few"))
    assert ("ru: text 'report.code_wait' lacks the plural forms ['few'] (CLDR rules for ru: few, many, one, other)"
            in catalogue(content_copy).problems())


def test_a_plural_form_the_language_does_not_use_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts/report/en.yml", lambda data: data["report.code_wait"].update(few="{minutes} minutes"))
    assert ("en: text 'report.code_wait' has plural forms CLDR does not use for en: ['few']"
            in catalogue(content_copy).problems())


def test_plural_forms_with_different_placeholders_are_found(content_copy: Path) -> None:
    edit(content_copy / "texts/report/ro.yml", lambda data: data["report.code_wait"].update(one="Așteptați un minut."))
    assert ("ro: text 'report.code_wait' has plural forms with different placeholders"
            in catalogue(content_copy).problems())


def test_a_plural_text_that_is_a_plain_string_in_a_translation_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts/report/zh.yml", lambda data: data.update({"report.code_wait": "请等 {minutes} 分钟。"}))
    assert "zh: text 'report.code_wait' must be plural by {minutes} as in en" in catalogue(content_copy).problems()


def test_a_plural_counted_by_something_else_than_a_number_it_shows_is_found(content_copy: Path) -> None:
    edit(content_copy / "texts" / "en.yml", lambda data: data["privacy_notice"].update(_count="hotline"))
    problems = catalogue(content_copy).problems()
    assert "en: text 'privacy_notice' counts by 'hotline', not a number placeholder it shows" in problems


# --- the privacy notice (issue 14, item 10): who is responsible, where to complain, what Telegram sees ---

NOTICE_PARTS = ("privacy_notice.responsible", "privacy_notice.telegram")
LONGEST_NOTICE = 480  # characters, Telegram's version with the default controller: read on a phone, frightened


def test_every_language_says_who_is_responsible_and_where_to_complain() -> None:
    texts = catalogue()
    for language in texts.languages:
        said = texts.text("privacy_notice.responsible", language, {"controller": "Testcentret ApS"})
        assert "Testcentret ApS" in said, language  # the name comes from the configuration
        for fact in ("email", "data_authority", "data_authority_web"):  # the centre, and Datatilsynet
            assert texts.values[fact] in said, (language, fact)
        assert "Telegram" in texts.text("privacy_notice.telegram", language), language
        assert "Telegram" in texts.text("answer.anonymous", language), language  # "Is this chat secret?"
        if language != texts.default_language:  # translated, not the English copied
            for key in (*NOTICE_PARTS, "answer.anonymous"):
                assert texts.text(key, language, {"controller": "X"}) != texts.text(key, "en", {"controller": "X"}), (
                    language, key)


def test_the_whole_notice_stays_short_in_every_language() -> None:
    texts = catalogue()
    for language in texts.languages:
        notice = "\n".join([texts.text("privacy_notice", language, {"retention_days": "30"}),
                            texts.text("privacy_notice.responsible", language,
                                       {"controller": "Center mod Menneskehandel"}),
                            texts.text("privacy_notice.telegram", language)])
        assert len(notice) <= LONGEST_NOTICE, (language, len(notice))


def test_the_data_protection_authority_is_a_fact_still_to_verify() -> None:
    """Datatilsynet is not in the design's facts-denmark.md: the fact says so until the centre confirms it."""
    texts = catalogue()
    assert texts.sources["data_authority"].get("verify") is True
    assert texts.values["data_authority"] == "Datatilsynet"
