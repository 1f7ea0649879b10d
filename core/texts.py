"""Every user-facing text, in every supported language, from the data files under content/.

Rasa and the action server never send words: they send keys (`{"text": "answer.shelter", "menu": "help"}`),
and this module turns a key into text and buttons in the conversation's language. Translators edit
content/texts/<language>.yml and, split by topic, content/texts/<topic>/<language>.yml (screening, report);
numbers and names come from content/facts.yml so that they exist once.

A text that shows a number the app fills in is a plural text: a mapping of CLDR plural categories (`one`,
`few`, `many`, `other` …, as the language's rules need) to strings, and `_count`, the variable whose number
picks the category by the language's CLDR rules (Babel). See the top of content/texts/en.yml.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.plural import PluralRule

from core.hours import VARIABLES as HOURS_VARIABLES
from core.hours import Hours
from core.messages import Button, Message
from core.vocabulary import Command
from core.yaml_file import read_yaml

log = logging.getLogger(__name__)

# Placeholders the app fills in when it sends a text (queue notices, a report's code, the privacy notice's
# retention and controller, the screening's number of questions and a question's place); the rest come from
# facts.yml.
RUNTIME_VARIABLES = frozenset({"position", "minutes", "alias", "retention_days", "code", "controller",
                               "step", "total"})


def _load_yaml(path: Path) -> Any:
    return read_yaml(path)


COUNT = "_count"  # in a plural text: the variable whose number picks the form
OTHER = "other"  # the CLDR category every language has


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Plural:
    """A text with one form per CLDR plural category, chosen by the number in the variable `count`."""

    count: str
    forms: Mapping[str, str]

    @classmethod
    def parse(cls, value: Mapping[str, Any]) -> Plural:
        return cls(str(value.get(COUNT, "")), {str(k): str(v) for k, v in value.items() if k != COUNT})

    def form(self, rule: PluralRule | None, variables: Mapping[str, str]) -> str:
        """The form for the count's category; `other` when there is no number or no rule (or no such form:
        the content check reports a missing form, the person still gets a text)."""
        number = _number(variables.get(self.count))
        category = rule(number) if rule and number is not None else OTHER
        return self.forms.get(category) or self.forms.get(OTHER) or next(iter(self.forms.values()), "")

    def placeholders(self) -> set[str]:
        return set().union(*(placeholders(form) for form in self.forms.values()))


Template = str | Plural


def _number(value: object) -> Decimal | None:
    """The count as a decimal ("5", "7.5"; as text, the way the app passes it), None when it is none."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def plural_rule(language: str) -> PluralRule | None:
    """The language's CLDR plural rules, None when Babel does not know the language."""
    try:
        return Locale.parse(language).plural_form
    except (UnknownLocaleError, ValueError):
        return None


def plural_categories(rule: PluralRule | None) -> frozenset[str]:
    """The categories a plural text needs in a language: those its rules name, and `other`."""
    return frozenset(rule.tags if rule else ()) | {OTHER}


def load_language_texts(content_dir: Path, code: str) -> dict[str, Any]:
    """One language's texts: content/texts/<code>.yml and every topic's content/texts/<topic>/<code>.yml.

    A key may live in one file only, so that a translator finds each text in one place.
    """
    folder = content_dir / "texts"
    data: dict[str, Any] = _load_yaml(folder / f"{code}.yml")
    for path in sorted(folder.glob(f"*/{code}.yml")):
        part: dict[str, Any] = _load_yaml(path) or {}
        if twice := sorted(set(part) & set(data)):
            raise ValueError(f"texts {twice} are both in {path.parent.name}/{code}.yml and in another file of {code}")
        data.update(part)
    return data


class Texts:
    """The text catalogue: texts per language, menus, answers and their sources, fact values."""

    def __init__(self, content_dir: Path, languages: tuple[str, ...], default_language: str) -> None:
        self.languages = languages
        self.default_language = default_language
        self.by_language: dict[str, dict[str, Template]] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.plural_rules: dict[str, PluralRule | None] = {}
        for code in languages:
            data = load_language_texts(content_dir, code)
            self.meta[code] = data.pop("_meta")
            self.by_language[code] = {str(k): Plural.parse(v) if isinstance(v, Mapping) else str(v)
                                      for k, v in data.items()}
            self.plural_rules[code] = plural_rule(code)
        self.menus: dict[str, list[dict[str, str]]] = _load_yaml(content_dir / "menus.yml")
        self.quiet_keys = tuple(_load_yaml(content_dir / "safety.yml")["answers_and_questions"])
        self.answers: dict[str, dict[str, Any]] = _load_yaml(content_dir / "answers.yml")
        facts = _load_yaml(content_dir / "facts.yml")
        self.sources: dict[str, dict[str, Any]] = facts["sources"]
        self.values: dict[str, str] = {k: str(v) for k, v in facts["values"].items()}
        self.hours = Hours.load(content_dir / "hours.yml")
        self._hours_said = {code: self.hours.variables(code) for code in languages}  # Babel once, not per text

    def own_name(self, language: str) -> str:
        return str(self.meta[language]["name"])

    def direction(self, language: str) -> str:
        return str(self.meta[language].get("direction", "ltr"))

    def text(self, key: str, language: str, variables: dict[str, str] | None = None) -> str:
        template = self.by_language.get(language, {}).get(key)
        if template is None:
            # The completeness test keeps this from happening; if it does, English beats silence.
            log.error("text %r missing in language %r", key, language)
            language = self.default_language
            template = self.by_language[language][key]
        variables = variables or {}
        if isinstance(template, Plural):
            template = template.form(self.plural_rules.get(language), variables)
        return template.format_map({**self.values, **self._hours_said.get(language, {}), **variables})

    def menu(self, name: str, language: str) -> tuple[Button, ...]:
        return tuple(Button(self.text(item["title"], language), item["payload"]) for item in self.menus[name])

    def language_menu(self) -> tuple[Button, ...]:
        """Each language in its own name, so that anyone finds theirs."""
        return tuple(Button(self.own_name(code), Command.choose_language(code)) for code in self.languages)

    def reply(self, key: str, language: str, menu: str | None = None,
              variables: dict[str, str] | None = None) -> Message:
        """The text with its menu; a reply that is not an answer or a question ends with the safety line."""
        buttons = self.menu(menu, language) if menu else ()
        text = self.text(key, language, variables)
        if self.needs_safety_line(key, text):
            text = f"{text}\n{self.text('safety_line', language)}"
        return Message(text, buttons)

    def safety_check(self, language: str) -> Message:
        """After any P1 the questions stop: "Is it safe for you to write now?" (Yes, go on / No, I must stop)."""
        return self.reply("safety.check", language, "safety_check")

    def needs_safety_line(self, key: str, text: str) -> bool:
        """content/safety.yml: every reply that does not name the emergency number, but answers and questions."""
        if self.values["emergency"] in text:
            return False
        return not any(key.startswith(quiet[:-1]) if quiet.endswith("*") else key == quiet
                       for quiet in self.quiet_keys)

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
                found.extend(self._template_problems(code, key, template, reference.get(key)))
            if self.plural_rules[code] is None:
                found.append(f"{code}: Babel has no CLDR plural rules for this language")
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

    def _template_problems(self, code: str, key: str, template: Template, reference: Template | None) -> list[str]:
        found: list[str] = []
        names = _placeholders(template)
        unknown = names - set(self.values) - RUNTIME_VARIABLES - HOURS_VARIABLES
        if unknown:
            found.append(f"{code}: text {key!r} uses unknown placeholders {sorted(unknown)}")
        elif reference is not None and names != _placeholders(reference):
            found.append(f"{code}: text {key!r} has other placeholders than in {self.default_language}")
        count, reference_count = _count(template), _count(reference)
        if reference is not None and count != reference_count:
            found.append(f"{code}: text {key!r} must be plural by {{{reference_count}}} as in {self.default_language}"
                         if reference_count else f"{code}: text {key!r} is plural but not in {self.default_language}")
        if isinstance(template, Plural):
            found.extend(self._plural_problems(code, key, template))
        return found

    def _plural_problems(self, code: str, key: str, plural: Plural) -> list[str]:
        """Exactly the categories the language's CLDR rules need (and `other`), one placeholder set for all."""
        found: list[str] = []
        if plural.count not in RUNTIME_VARIABLES or plural.count not in plural.placeholders():
            found.append(f"{code}: text {key!r} counts by {plural.count!r}, not a number placeholder it shows")
        needed = plural_categories(self.plural_rules[code])
        if missing := needed - set(plural.forms):
            found.append(f"{code}: text {key!r} lacks the plural forms {sorted(missing)} "
                         f"(CLDR rules for {code}: {', '.join(sorted(needed))})")
        if extra := set(plural.forms) - needed:
            found.append(f"{code}: text {key!r} has plural forms CLDR does not use for {code}: {sorted(extra)}")
        if len({frozenset(placeholders(form)) for form in plural.forms.values()}) > 1:
            found.append(f"{code}: text {key!r} has plural forms with different placeholders")
        return found


def _placeholders(template: Template) -> set[str]:
    return template.placeholders() if isinstance(template, Plural) else placeholders(template)


def _count(template: Template | None) -> str | None:
    return template.count if isinstance(template, Plural) else None
