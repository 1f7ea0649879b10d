"""Every user-facing text, in every supported language, from the data files under content/.

Rasa and the action server never send words: they send keys (`{"text": "answer.shelter", "menu": "help"}`),
and this module turns a key into text and buttons in the conversation's language. Translators edit
content/texts/<language>.yml; numbers and names come from content/facts.yml so that they exist once.
"""

from __future__ import annotations

import logging
import string
from pathlib import Path
from typing import Any

import yaml

from core.messages import Button, Message
from core.vocabulary import Command

log = logging.getLogger(__name__)

# Placeholders the app fills in when it sends a text (queue notices, a report's code); the rest come from facts.yml.
RUNTIME_VARIABLES = frozenset({"position", "minutes", "alias", "retention_days", "code"})


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Texts:
    """The text catalogue: texts per language, menus, answers and their sources, fact values."""

    def __init__(self, content_dir: Path, languages: tuple[str, ...], default_language: str) -> None:
        self.languages = languages
        self.default_language = default_language
        self.by_language: dict[str, dict[str, str]] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        for code in languages:
            data = _load_yaml(content_dir / "texts" / f"{code}.yml")
            self.meta[code] = data.pop("_meta")
            self.by_language[code] = {str(k): str(v) for k, v in data.items()}
        self.menus: dict[str, list[dict[str, str]]] = _load_yaml(content_dir / "menus.yml")
        self.answers: dict[str, dict[str, Any]] = _load_yaml(content_dir / "answers.yml")
        facts = _load_yaml(content_dir / "facts.yml")
        self.sources: dict[str, dict[str, Any]] = facts["sources"]
        self.values: dict[str, str] = {k: str(v) for k, v in facts["values"].items()}

    def own_name(self, language: str) -> str:
        return str(self.meta[language]["name"])

    def direction(self, language: str) -> str:
        return str(self.meta[language].get("direction", "ltr"))

    def text(self, key: str, language: str, variables: dict[str, str] | None = None) -> str:
        template = self.by_language.get(language, {}).get(key)
        if template is None:
            # The completeness test keeps this from happening; if it does, English beats silence.
            log.error("text %r missing in language %r", key, language)
            template = self.by_language[self.default_language][key]
        return template.format_map({**self.values, **(variables or {})})

    def menu(self, name: str, language: str) -> tuple[Button, ...]:
        return tuple(Button(self.text(item["title"], language), item["payload"]) for item in self.menus[name])

    def language_menu(self) -> tuple[Button, ...]:
        """Each language in its own name, so that anyone finds theirs."""
        return tuple(Button(self.own_name(code), Command.choose_language(code)) for code in self.languages)

    def reply(self, key: str, language: str, menu: str | None = None,
              variables: dict[str, str] | None = None) -> Message:
        buttons = self.menu(menu, language) if menu else ()
        return Message(self.text(key, language, variables), buttons)

    def problems(self) -> list[str]:
        """Everything that would make a user see a missing or wrong text; empty when the content is sound."""
        found: list[str] = []
        reference = self.by_language[self.default_language]
        for code, texts in self.by_language.items():
            for key in sorted(set(reference) - set(texts)):
                found.append(f"{code}: text {key!r} is missing")
            for key in sorted(set(texts) - set(reference)):
                found.append(f"{code}: text {key!r} is not in {self.default_language}")
            for key, template in texts.items():
                unknown = placeholders(template) - set(self.values) - RUNTIME_VARIABLES
                if unknown:
                    found.append(f"{code}: text {key!r} uses unknown placeholders {sorted(unknown)}")
                elif key in reference and placeholders(template) != placeholders(reference[key]):
                    found.append(f"{code}: text {key!r} has other placeholders than in {self.default_language}")
            if self.meta[code].get("status") not in ("reviewed", "machine-drafted"):
                found.append(f"{code}: _meta.status must be reviewed or machine-drafted")
        for name, items in self.menus.items():
            for item in items:
                if item["title"] not in reference:
                    found.append(f"menu {name!r}: title {item['title']!r} has no text")
        for key, answer in self.answers.items():
            if key not in reference:
                found.append(f"answer {key!r} has no text")
            for source in answer.get("sources") or []:
                if source not in self.sources:
                    found.append(f"answer {key!r} cites unknown source {source!r}")
            if not answer.get("sources"):
                found.append(f"answer {key!r} cites no source")
        for key in reference:
            if key.startswith("answer.") and key not in self.answers:
                found.append(f"text {key!r} is an answer without sources in content/answers.yml")
        return found
