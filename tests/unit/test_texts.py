"""The text catalogue: complete in every language, every answer grounded in a known source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from core.texts import RUNTIME_VARIABLES, Texts
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
        for key in ("greet", "safety_line", "rasa_unavailable", "handover_requested"):
            rendered = texts.text(key, language)
            assert "112" in rendered and "+45 70 20 25 50" in rendered, (language, key)


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
