"""Screening scorer: answers to the ILO/EC operational indicators → dimensions, assessment and queue tier.

Pure: the only I/O is reading the catalogue (screening/catalogue.py loads content/indicators.yml, which also
holds every rule parameter the centre may correct) and, in screen_file, the request file. Imported by the app
(Python 3.11) and by the Rasa action server (Python 3.10): stdlib and PyYAML only, never rasa_sdk. The rules
are explained in docs/screening.md.

The result is a triage aid for the queue and the caseworker. It never says that someone is or is not a
victim: formal identification belongs to the centre and the immigration service.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

# DEFAULT_CATALOGUE and CatalogueError are not used here: imported so that `screening.scoring` stays the one
# import for a caller that only wants to score (and for code written before the catalogue had its own module).
from screening.catalogue import (
    DEFAULT_CATALOGUE,
    DIMENSIONS,
    MAX_AGE,
    Catalogue,
    CatalogueError,
    Rules,
    TierRule,
    load_catalogue,
)
from screening.types import Answer, Assessment, AssessmentName, Dimension, Exploitation, ScreeningRequest

__all__ = ["DEFAULT_CATALOGUE", "Catalogue", "CatalogueError", "ScreeningInputError", "assess", "load_catalogue",
           "screen_file"]

ANSWERS: tuple[Answer, ...] = get_args(Answer)
EXPLOITATION_KINDS: tuple[Exploitation, ...] = get_args(Exploitation)
REQUEST_FIELDS = ("age", "exploitation", "immediate_danger", "self_harm", "answers", "questions")
# When two answers count for one indicator (its own and a question's), the one that says most wins.
STRENGTH: dict[Answer, int] = {"no": 0, "unknown": 1, "yes": 2}


class ScreeningInputError(ValueError):
    """The request is not valid. The message is one line, fit to print for whoever wrote the request."""


# --- the request -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    age: int | None
    exploitation: Exploitation
    immediate_danger: bool
    self_harm: bool
    answers: Mapping[str, Answer]  # indicator ID → answer
    questions: Mapping[str, Answer]  # question ID (the catalogue's `questions`) → answer


def _show(value: Any) -> str:
    """A value as the writer of the JSON sees it, on one line and short."""
    shown = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=repr)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _parse_request(request: Any, catalogue: Catalogue) -> _Request:
    if not isinstance(request, dict):
        raise ScreeningInputError(f"the input must be a JSON object, not {_show(request)}")
    for key in request:
        if key not in REQUEST_FIELDS:
            raise ScreeningInputError(
                f"unknown field {_show(key)}; the fields are {', '.join(REQUEST_FIELDS)}")
    exploitation = request.get("exploitation", "unknown")
    if exploitation not in EXPLOITATION_KINDS:
        raise ScreeningInputError(
            f"exploitation must be labour, sexual, criminal or unknown, not {_show(exploitation)}")
    return _Request(
        age=_parse_age(request.get("age")),
        exploitation=exploitation,
        immediate_danger=_parse_flag(request, "immediate_danger"),
        self_harm=_parse_flag(request, "self_harm"),
        answers=_parse_answers(request.get("answers", {}), catalogue.indicators, "answers", "indicator"),
        questions=_parse_answers(request.get("questions", {}), catalogue.questions, "questions", "question"),
    )


def _parse_age(age: Any) -> int | None:
    if age is None:
        return None
    if isinstance(age, bool) or not isinstance(age, int):
        raise ScreeningInputError(f"age must be a whole number or null, not {_show(age)}")
    if not 0 <= age <= MAX_AGE:
        raise ScreeningInputError(f"age must be between 0 and {MAX_AGE}, not {age}")
    return age


def _parse_flag(request: Mapping[str, Any], name: str) -> bool:
    value = request.get(name, False)
    if not isinstance(value, bool):
        raise ScreeningInputError(f"{name} must be true or false, not {_show(value)}")
    return value


def _parse_answers(answers: Any, known: Mapping[str, object], field: str, kind: str) -> Mapping[str, Answer]:
    if not isinstance(answers, dict):
        raise ScreeningInputError(
            f"{field} must be an object of {kind} IDs to answers, not {_show(answers)}")
    for ident, answer in answers.items():
        if ident not in known:
            raise ScreeningInputError(f"unknown {kind} ID {_show(ident)}")
        if answer not in ANSWERS:
            raise ScreeningInputError(
                f"answer for {_show(ident)} must be yes, no or unknown, not {_show(answer)}")
    return answers


# --- the rules -------------------------------------------------------------------------------------------


def _list_name(request: _Request, child: bool) -> str:
    # "criminal" and "unknown" use the labour weights: the ILO has only labour and sexual lists.
    kind = "sexual" if request.exploitation == "sexual" else "labour"
    return f"{'child' if child else 'adult'}_{kind}"


def _dimension_positive(weights: Iterable[str], rules: Rules) -> bool:
    counts = Counter(weights)
    return any(all(counts[weight] >= count for weight, count in combination.items())
               for combination in rules.dimension_positive_when)


def _groups_hold(groups: Iterable[frozenset[Dimension]], dimensions: Mapping[Dimension, bool]) -> bool:
    return all(any(dimensions[code] for code in group) for group in groups)


def _assessment(dimensions: Mapping[Dimension, bool], child: bool, any_yes: bool, rules: Rules) -> AssessmentName:
    if _groups_hold(rules.trafficking_child if child else rules.trafficking_adult, dimensions):
        return "trafficking_indicated"
    if _groups_hold(rules.exploitation, dimensions):
        return "exploitation_indicated"
    return "indicators_present" if any_yes else "no_indicators"


def _indicator_answers(request: _Request, catalogue: Catalogue) -> dict[str, Answer]:
    """Every indicator's answer: its own, or a question's that counts for it, whichever says most."""
    merged = dict(request.answers)
    for ident, answer in request.questions.items():
        indicator = catalogue.questions[ident].indicator
        if indicator not in merged or STRENGTH[answer] > STRENGTH[merged[indicator]]:
            merged[indicator] = answer
    return merged


def _tier_matches(rule: TierRule, request: _Request, child: bool, yes: frozenset[str], said_yes: frozenset[str],
                  assessment: AssessmentName, dimensions: Mapping[Dimension, bool]) -> bool:
    """`yes`: the indicators answered yes, however; `said_yes`: the IDs answered yes as such, indicator IDs in
    `answers` and question IDs in `questions`. A tier's any_yes looks at `said_yes`, so that a question the
    rules do not name ("CD-03.watched") counts in its dimension but does not raise the tier."""
    return ((rule.immediate_danger and request.immediate_danger)
            or (rule.self_harm and request.self_harm)
            or (rule.child_with_any_yes and child and bool(yes))
            or bool(rule.any_yes & said_yes)
            or assessment in rule.assessment
            or (rule.any_positive_dimension and any(dimensions.values())))


def assess(request: ScreeningRequest | dict[str, Any], catalogue: Catalogue | None = None) -> Assessment:
    """Screening answers → {"dimensions", "assessment", "tier", "indicators"} (schema in docs/screening.md).

    The request may come straight from JSON: anything that is not a valid ScreeningRequest raises
    ScreeningInputError.
    """
    if catalogue is None:
        catalogue = load_catalogue()
    rules = catalogue.rules
    parsed = _parse_request(request, catalogue)
    child = parsed.age is not None and parsed.age < rules.child_under_age  # age unknown → adult lists
    list_name = _list_name(parsed, child)
    answers = _indicator_answers(parsed, catalogue)
    yes = [indicator for ident, indicator in catalogue.indicators.items()
           if answers.get(ident) == "yes"]  # catalogue order, whatever the order of the answers
    dimensions: dict[Dimension, bool] = {
        code: _dimension_positive((indicator.weights[list_name] for indicator in yes if indicator.dimension == code),
                                  rules)
        for code in DIMENSIONS}
    assessment = _assessment(dimensions, child, bool(yes), rules)
    yes_ids = frozenset(indicator.id for indicator in yes)
    said_yes = frozenset(ident for given in (parsed.answers, parsed.questions)
                         for ident, answer in given.items() if answer == "yes")
    tier = next((rule.tier for rule in rules.tiers
                 if _tier_matches(rule, parsed, child, yes_ids, said_yes, assessment, dimensions)),
                rules.default_tier)
    return {
        "dimensions": dimensions,
        "assessment": assessment,
        "tier": tier,
        "indicators": [{"id": indicator.id, "dimension": indicator.dimension,
                        "weight": indicator.weights[list_name]} for indicator in yes],
    }


# --- files -----------------------------------------------------------------------------------------------


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys, and with it maybe the wrong answer.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ScreeningInputError(f"not valid JSON: duplicate key {_show(key)}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ScreeningInputError(f"not valid JSON: {name} is not allowed")


def screen_file(path: str | Path) -> Assessment:
    """Read a screening request (JSON, UTF-8) and assess it.

    Raises ScreeningInputError with a one-line reason for an unreadable file, bad JSON or an invalid request.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # -sig: tolerate the BOM some editors write
    except OSError as error:
        raise ScreeningInputError(f"cannot read {str(path)!r}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ScreeningInputError(f"{str(path)!r} is not UTF-8 text: {error.reason}") from error
    try:
        request = json.loads(text, object_pairs_hook=_object_without_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ScreeningInputError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    return assess(request)
