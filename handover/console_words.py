"""The console's own words in Danish and English (content/console/<code>.yml), for its page, its script, its
queue lines and its API's error sentences.

The caseworkers are Danish; the console speaks the language a caseworker chose (caseworker.language, set with
POST /api/console/language), and until they choose, their browser's: Accept-Language naming Danish before
English gives Danish, anything else English. Before login only the browser's counts.

Plural texts work as the person-facing ones (core/texts.py): a mapping of CLDR categories to forms and `_count`,
the variable whose number picks the form by the language's CLDR rules (Babel here; the page's script asks the
browser's Intl.PluralRules, the same CLDR data, for numbers that change while it shows them).

Error sentences are raised in English all over the service (core/errors.py), so that logs and scripts read one
language; `error()` says a raised sentence again in the caseworker's language by finding it among the English
`error.*` texts (placeholders match any words) and filling the same key's text in that language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web
from babel.plural import PluralRule

from core.texts import Plural, Template, plural_rule
from core.yaml_file import read_yaml

if TYPE_CHECKING:  # only a type here: the login guard raises in these words, and the accounts import the guard
    from handover.accounts import Account

LANGUAGES = ("da", "en")
ENGLISH = "en"
CONTENT = Path(__file__).resolve().parent.parent / "content" / "console"
ERROR = "error."


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, for the cache of its error patterns
class ConsoleWords:
    by_language: dict[str, dict[str, Template]]
    rules: dict[str, PluralRule | None]
    meta: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, folder: Path = CONTENT) -> ConsoleWords:
        by_language, rules, meta = {}, {}, {}
        for code in LANGUAGES:
            data = read_yaml(folder / f"{code}.yml")
            meta[code] = data.pop("_meta")
            by_language[code] = {str(key): Plural.parse(value) if isinstance(value, Mapping) else str(value)
                                 for key, value in data.items()}
            rules[code] = plural_rule(code)
        return cls(by_language, rules, meta)

    def text(self, language: str, key: str, **variables: object) -> str:
        """The text in `language` (English when the language is not the console's); a plural text's form by
        its count. A missing key raises: the completeness test keeps every key in both files."""
        language = language if language in self.by_language else ENGLISH
        template = self.by_language[language][key]
        said = {name: str(value) for name, value in variables.items()}
        if isinstance(template, Plural):
            template = template.form(self.rules[language], said)
        return template.format_map(said)

    def for_script(self, language: str) -> dict[str, Any]:
        """Every text as the page's script takes it: a string, or a plural's forms with `_count`."""
        return {key: {"_count": value.count, **value.forms} if isinstance(value, Plural) else value
                for key, value in self.by_language[language].items()}

    def error(self, language: str, sentence: str) -> str:
        """The raised English sentence in `language`; the sentence itself when no `error.*` text matches it."""
        if language == ENGLISH:
            return sentence
        for key, patterns in _error_patterns(self).items():
            for pattern in patterns:
                if matched := pattern.fullmatch(sentence):
                    return self.text(language, key, **matched.groupdict())
        return sentence


@cache
def _error_patterns(words: ConsoleWords) -> dict[str, list[re.Pattern[str]]]:
    """Each English error text as patterns (a plural text's one per form), its placeholders as named groups."""
    patterns = {}
    for key, template in words.by_language[ENGLISH].items():
        if key.startswith(ERROR):
            forms = template.forms.values() if isinstance(template, Plural) else [template]
            patterns[key] = [re.compile(_pattern(form)) for form in forms]
    return patterns


def _pattern(template: str) -> str:
    return "".join(re.escape(literal) + (f"(?P<{name}>.+?)" if name else "")
                   for literal, name, _, _ in string.Formatter().parse(template))


@cache
def console_words() -> ConsoleWords:
    """The shipped words, read once: for the app (WORDS) and for the English sentences the service raises."""
    return ConsoleWords.load()


WORDS = web.AppKey("console_words", ConsoleWords)


def browser_language(request: web.Request) -> str:
    """Danish when the browser's Accept-Language names Danish before English (by weight, then order); else
    English."""
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, index, primary))
    return min(ranked)[2] if ranked else ENGLISH


def language_of(request: web.Request, account: Account | None) -> str:
    """The console's language for this request: the caseworker's choice, else their browser's."""
    if account is not None and account.language in LANGUAGES:
        return account.language
    return browser_language(request)
