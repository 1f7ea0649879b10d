"""Translations follow their English source: for each language, the fingerprint of the English text each
translation was made from (content/texts/<language>.yml and the topic files content/texts/<topic>/<language>.yml),
kept in content/translated_from.yml.

When an English text changes (a condition added, a promise taken back), its fingerprint no longer matches the
one recorded for each translation, and tests/unit/test_translations.py names every translation still made from
the old English. A translator who has brought a translation up to date marks it:

    .venv/bin/python -m core.translations mark da answer.rights answer.shelter
    .venv/bin/python -m core.translations mark da          # every key of da.yml, after a full review
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from core.texts import load_language_texts
from core.yaml_file import read_yaml

FILE = "translated_from.yml"
HEADER = """\
# For each language, the fingerprint of the English text each translation in content/texts/ (the general file and
# the topic files) was made from (core/translations.py). A changed English text makes
# tests/unit/test_translations.py fail until every language's translation is updated and marked:
# .venv/bin/python -m core.translations mark <language> <key>…
"""


def fingerprint(english: Any) -> str:
    """A short, stable digest of an English text (a plural text: of all its forms)."""
    canonical = json.dumps(english, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def all_texts(content_dir: Path, language: str) -> dict[str, Any]:
    """A language's texts, the general file and the topic files, without _meta."""
    data = load_language_texts(content_dir, language)
    data.pop("_meta", None)
    return data


def recorded(content_dir: Path) -> dict[str, dict[str, str]]:
    path = content_dir / FILE
    if not path.exists():
        return {}
    return read_yaml(path) or {}


def stale(content_dir: Path, language: str, english_language: str = "en") -> list[str]:
    """The keys of a language whose translation was made from another English than today's (or never marked)."""
    english = all_texts(content_dir, english_language)
    marks = recorded(content_dir).get(language, {})
    return sorted(key for key, text in english.items() if marks.get(key) != fingerprint(text))


def mark(content_dir: Path, language: str, keys: Iterable[str] = (), english_language: str = "en") -> list[str]:
    """Record that these translations (all of the language's, if none are named) follow today's English."""
    english = all_texts(content_dir, english_language)
    chosen = list(keys) or list(english)
    if unknown := sorted(set(chosen) - set(english)):
        raise KeyError(f"not English texts of content/texts/ ({english_language}): {unknown}")
    translated = all_texts(content_dir, language)
    if missing := sorted(set(chosen) - set(translated)):
        raise KeyError(f"not translated in content/texts/ ({language}): {missing}")
    marks = recorded(content_dir)
    language_marks = {key: code for key, code in marks.get(language, {}).items() if key in english}
    language_marks.update({key: fingerprint(english[key]) for key in chosen})
    marks[language] = dict(sorted(language_marks.items()))
    _write(content_dir / FILE, marks)
    return chosen


def _write(path: Path, marks: Mapping[str, Mapping[str, str]]) -> None:
    body = yaml.safe_dump({language: dict(marks[language]) for language in sorted(marks)},
                          allow_unicode=True, sort_keys=False, width=120)
    path.write_text(HEADER + body, encoding="utf-8")


def main(argv: list[str]) -> int:
    from core.config import CONTENT_DIR  # here, so that importing the module reads no configuration

    if len(argv) < 2 or argv[0] != "mark":
        print(__doc__, file=sys.stderr)
        return 2
    language, keys = argv[1], argv[2:]
    marked = mark(CONTENT_DIR, language, keys)
    print(f"{language}: {len(marked)} translation(s) marked as following today's English")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
