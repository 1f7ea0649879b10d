"""Translations follow their English source (core/translations.py, content/translated_from.yml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, load_languages
from core.translations import fingerprint, mark, recorded, stale

LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != DEFAULT])
def test_every_translation_was_made_from_todays_english(language: str) -> None:
    assert stale(CONTENT_DIR, language) == [], (
        f"{language}: the English of these texts changed since they were translated; update the translations, "
        f"then: .venv/bin/python -m core.translations mark {language} <key>…")


def test_no_language_is_recorded_that_the_chat_does_not_speak() -> None:
    assert set(recorded(CONTENT_DIR)) <= set(LANGUAGES) - {DEFAULT}


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def test_a_changed_english_text_makes_its_translations_stale_until_marked(content_copy: Path) -> None:
    english_file = content_copy / "texts" / "en.yml"
    english = yaml.safe_load(english_file.read_text(encoding="utf-8"))
    english["answer.legal"] += "\nA new condition."
    english_file.write_text(yaml.safe_dump(english, allow_unicode=True), encoding="utf-8")
    assert stale(content_copy, "da") == ["answer.legal"] and stale(content_copy, "ro") == ["answer.legal"]
    assert mark(content_copy, "da", ["answer.legal"]) == ["answer.legal"]
    assert stale(content_copy, "da") == [] and stale(content_copy, "ro") == ["answer.legal"]
    assert recorded(content_copy)["da"]["answer.legal"] == fingerprint(english["answer.legal"])


def test_a_changed_english_text_in_a_topic_file_makes_its_translations_stale(content_copy: Path) -> None:
    english_file = content_copy / "texts" / "report" / "en.yml"
    english = yaml.safe_load(english_file.read_text(encoding="utf-8"))
    english["report.ask_police_share"] += " A new condition."
    english_file.write_text(yaml.safe_dump(english, allow_unicode=True), encoding="utf-8")
    assert stale(content_copy, "ar") == ["report.ask_police_share"]


def test_a_key_not_in_english_or_not_translated_cannot_be_marked(content_copy: Path) -> None:
    with pytest.raises(KeyError, match="not English texts"):
        mark(content_copy, "da", ["answer.no_such_thing"])
    danish_file = content_copy / "texts" / "da.yml"
    danish = yaml.safe_load(danish_file.read_text(encoding="utf-8"))
    del danish["answer.legal"]
    danish_file.write_text(yaml.safe_dump(danish, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KeyError, match="not translated"):
        mark(content_copy, "da", ["answer.legal"])


def test_a_plural_text_is_fingerprinted_by_all_its_forms() -> None:
    one = {"_count": "minutes", "one": "Wait {minutes} minute.", "other": "Wait {minutes} minutes."}
    assert fingerprint(one) == fingerprint(dict(reversed(list(one.items()))))
    assert fingerprint(one) != fingerprint({**one, "other": "Please wait {minutes} minutes."})
