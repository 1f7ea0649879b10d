"""Word lists per language (screening/word_lists.py), as bot/delete_words.py and the report's readers load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.word_lists import load_word_lists


def written(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "words.yml"
    path.write_text(content, encoding="utf-8")
    return path


def test_each_languages_lists_normalised_in_order_and_a_list_left_out_empty(tmp_path: Path) -> None:
    path = written(tmp_path, 'da: {says: ["Jeg har en KODE!", "min kode"]}\nth: {says: ["มี รหัส"], lead: ["สวัสดี"]}')
    assert load_word_lists(path, ("says", "lead")) == {
        "da": {"says": ("jeg har en kode", "min kode"), "lead": ()}, "th": {"says": ("มีรหัส",), "lead": ("สวัสดี",)}}


@pytest.mark.parametrize(("content", "place"), [
    ("en: [delete]", "en: expected the lists says, lead"),  # no lists
    ("en: {lead: [hi]}", "en: expected the lists says, lead"),  # a required list left out
    ("en: {says: [code], verbs: [erase]}", "en: expected the lists says, lead"),  # a list nobody reads
    ("en: {says: []}", r"en\.says"),  # a required list without a text
    ("en: {says: code}", r"en\.says"), ("en: {says: [code], lead: [yes]}", r"en\.lead"),  # a bare yes is no word
    ("en: {says: ['!!']}", r"en\.says"), ("[]", "expected the languages")])
def test_a_mistake_in_the_file_names_its_place(tmp_path: Path, content: str, place: str) -> None:
    with pytest.raises(ValueError, match=place):
        load_word_lists(written(tmp_path, content), ("says", "lead"), required=("says",))
