"""The indicator catalogue: content/indicators.yml loaded and strictly checked, as frozen dataclasses.

The catalogue holds every indicator with its weights on the four ILO lists, the order of the bot's questions,
and every rule parameter the centre may correct (the age limit, the dimension combinations, the assessment
groups, the tier conditions). A mistake in the file stops the load with a CatalogueError that names the
place, rather than letting the scorer produce quietly wrong results. The rules that use it are in
screening/scoring.py; docs/screening.md explains both.

Pure and portable like the rest of the package: stdlib and PyYAML only, Python 3.10 and 3.11.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast, get_args

import yaml

from screening.types import AssessmentName, Dimension, Tier, Weight

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "content" / "indicators.yml"

# The vocabulary is declared once, as the Literal types in screening/types.py; these are their values in order.
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
WEIGHTS: tuple[Weight, ...] = get_args(Weight)
LISTS = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")
# Which lists a per-indicator override in the catalogue applies to; on child_sexual `child` wins.
OVERRIDES = {"sexual": ("adult_sexual", "child_sexual"), "child": ("child_labour", "child_sexual")}
ASSESSMENTS: tuple[AssessmentName, ...] = get_args(AssessmentName)
TIERS: tuple[Tier, ...] = get_args(Tier)  # the most urgent first
TIER_FLAGS = ("immediate_danger", "self_harm", "child_with_any_yes", "any_positive_dimension")
TIER_SETS = ("any_yes", "assessment")
MAX_AGE = 120  # a plausibility bound only: it catches typos such as 177, not real ages


class CatalogueError(ValueError):
    """The catalogue file is broken: a mistake for the centre or the developers, not for the user."""


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: Dimension
    label: str
    # The weight on each of the four lists. A list in `not_on` still has a weight: an indicator answered
    # "yes" that is not on the applicable list counts with its adult weight (see _parse_weights).
    weights: Mapping[str, Weight]
    not_on: frozenset[str]
    verify: bool

    def on_list(self, list_name: str) -> bool:
        """Whether the ILO list has this indicator; the question flow uses it to skip questions."""
        return list_name not in self.not_on


@dataclass(frozen=True)
class Question:
    """One question the bot asks. Its id is the indicator's ("CD-01") or the indicator's with a part after a dot
    ("CD-03.watched"): one question counts for exactly one indicator, so no answer is counted twice. The tier
    rules name question ids where a question must raise the tier (the P1 mark): "CD-03" (locked in) does,
    "CD-03.watched" (watched all the time) does not, yet both count for CD-03 in its dimension."""

    id: str
    indicator: str
    warn: str | None  # a text key said before the question ("screening.warn.sex"), or None


@dataclass(frozen=True)
class TierRule:
    tier: Tier
    immediate_danger: bool = False
    self_harm: bool = False
    child_with_any_yes: bool = False
    any_positive_dimension: bool = False
    any_yes: frozenset[str] = frozenset()
    assessment: frozenset[AssessmentName] = frozenset()


@dataclass(frozen=True)
class Rules:
    child_under_age: int
    dimension_positive_when: tuple[Mapping[Weight, int], ...]
    trafficking_adult: tuple[frozenset[Dimension], ...]
    trafficking_child: tuple[frozenset[Dimension], ...]
    exploitation: tuple[frozenset[Dimension], ...]
    tiers: tuple[TierRule, ...]
    default_tier: Tier


@dataclass(frozen=True)
class Catalogue:
    dimensions: Mapping[str, str]  # code → the label caseworkers read, in the order of DIMENSIONS
    indicators: Mapping[str, Indicator]  # in catalogue order
    questions: Mapping[str, Question]  # in the order the bot asks
    rules: Rules

    @property
    def question_order(self) -> tuple[str, ...]:
        """The question ids in the order the bot asks them."""
        return tuple(self.questions)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The indicator catalogue and rules; content/indicators.yml unless told otherwise. Cached per file."""
    return _load_catalogue(DEFAULT_CATALOGUE if path is None else Path(path).resolve())


@lru_cache(maxsize=8)
def _load_catalogue(path: Path) -> Catalogue:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError(f"cannot load {path}: {error}") from error
    try:
        return _parse_catalogue(raw)
    except CatalogueError as error:
        raise CatalogueError(f"{path}: {error}") from error


def _parse_catalogue(raw: Any) -> Catalogue:
    fields = _fields(raw, "the catalogue", ("rules", "questions", "dimensions", "indicators"))
    indicators = _parse_indicators(fields["indicators"])
    questions = _parse_questions(fields["questions"], indicators)
    return Catalogue(
        dimensions=MappingProxyType(_parse_dimensions(fields["dimensions"])),
        indicators=MappingProxyType(indicators),
        questions=MappingProxyType(questions),
        rules=_parse_rules(fields["rules"], {**indicators, **questions}),
    )


QUESTION_ID = re.compile(r"(?P<indicator>[A-Z]+-\d\d)(?:\.[a-z]+)?")
WARN_KEY = re.compile(r"screening\.warn\.[a-z_]+")


def _parse_questions(raw: Any, indicators: Mapping[str, Indicator]) -> dict[str, Question]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError("questions must be a non-empty list")
    questions: dict[str, Question] = {}
    for index, item in enumerate(raw):
        fields = _fields(item, f"questions[{index}]", ("id",), ("warn",))
        ident = fields["id"]
        match = QUESTION_ID.fullmatch(ident) if isinstance(ident, str) else None
        if match is None or match.group("indicator") not in indicators:
            raise CatalogueError(f"questions[{index}]: id {ident!r} must be an indicator ID, optionally with "
                                 f"a part after a dot (CD-03.watched)")
        if ident in questions:
            raise CatalogueError(f"question {ident} appears twice")
        warn = fields.get("warn")
        if warn is not None and (not isinstance(warn, str) or not WARN_KEY.fullmatch(warn)):
            raise CatalogueError(f"question {ident}: warn must be a text key screening.warn.<name>")
        questions[ident] = Question(ident, match.group("indicator"), warn)
    return questions


def _fields(raw: Any, where: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} must be a mapping")
    unknown = [key for key in raw if key not in required and key not in optional]
    if unknown:
        raise CatalogueError(f"{where}: unknown key {unknown[0]!r}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise CatalogueError(f"{where}: missing key {missing[0]!r}")
    return raw


def _parse_dimensions(raw: Any) -> dict[str, str]:
    """The six dimensions with their labels; the codes are fixed (the rules and the scorer use them)."""
    if not isinstance(raw, list):
        raise CatalogueError("dimensions must be a list")
    dimensions: dict[str, str] = {}
    for index, item in enumerate(raw):
        fields = _fields(item, f"dimensions[{index}]", ("code", "label"))
        code, label = fields["code"], fields["label"]
        if code not in DIMENSIONS or code in dimensions:
            break  # the order check below says what is wrong
        if not isinstance(label, str) or not label.strip():
            raise CatalogueError(f"dimension {code}: label must be a non-empty text")
        dimensions[code] = label.strip()
    if tuple(dimensions) != DIMENSIONS or len(raw) != len(DIMENSIONS):
        raise CatalogueError(f"dimensions must list {', '.join(DIMENSIONS)} once each, in this order")
    return dimensions


def _parse_indicators(raw: Any) -> dict[str, Indicator]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError("indicators must be a non-empty list")
    indicators: dict[str, Indicator] = {}
    for index, item in enumerate(raw):
        indicator = _parse_indicator(item, f"indicators[{index}]")
        if indicator.id in indicators:
            raise CatalogueError(f"indicator {indicator.id} appears twice")
        indicators[indicator.id] = indicator
    return indicators


def _parse_indicator(raw: Any, where: str) -> Indicator:
    fields = _fields(raw, where, ("id", "dimension", "weight", "label"),
                     ("sexual", "child", "not_on", "verify"))
    dimension = fields["dimension"]
    if dimension not in DIMENSIONS:
        raise CatalogueError(f"{where}: dimension must be one of {', '.join(DIMENSIONS)}, not {dimension!r}")
    ident = fields["id"]
    if not isinstance(ident, str) or not re.fullmatch(rf"{dimension}-\d\d", ident):
        raise CatalogueError(f"{where}: id {ident!r} must be the dimension and two digits, as {dimension}-01")
    where = f"indicator {ident}"
    if not isinstance(fields["label"], str) or not fields["label"].strip():
        raise CatalogueError(f"{where}: label must be a non-empty text")
    if not isinstance(fields.get("verify", False), bool):
        raise CatalogueError(f"{where}: verify must be true or false")
    not_on = _parse_not_on(fields.get("not_on", []), where)
    return Indicator(
        id=ident,
        dimension=dimension,
        label=fields["label"].strip(),
        weights=MappingProxyType(_parse_weights(fields, not_on, where)),
        not_on=not_on,
        verify=fields.get("verify", False),
    )


def _parse_not_on(raw: Any, where: str) -> frozenset[str]:
    if not isinstance(raw, list) or any(name not in LISTS for name in raw):
        raise CatalogueError(f"{where}: not_on must be a list of {', '.join(LISTS)}")
    if set(raw) == set(LISTS):
        raise CatalogueError(f"{where}: not_on names every list")
    return frozenset(raw)


def _parse_weights(fields: Mapping[str, Any], not_on: frozenset[str], where: str) -> dict[str, Weight]:
    weights = {name: _weight(fields["weight"], where) for name in LISTS}
    for override in ("sexual", "child"):  # `child` last: it wins on child_sexual
        if override not in fields:
            continue
        lists = OVERRIDES[override]
        if not_on.issuperset(lists):
            raise CatalogueError(f"{where}: a {override} weight for lists it is not on")
        for name in lists:
            weights[name] = _weight(fields[override], where)
    # Not on a list, answered "yes" anyway: count it with the adult weight of the same kind rather than drop
    # it. A person's "yes" is evidence; for a child, missing a case costs more than a caseworker's look.
    for name in not_on & {"child_labour", "child_sexual"}:
        weights[name] = weights[name.replace("child", "adult")]
    return weights


def _weight(raw: Any, where: str) -> Weight:
    if raw not in WEIGHTS:
        raise CatalogueError(f"{where}: weight must be S, M or W, not {raw!r}")
    return cast(Weight, raw)


def _known_ids(raw: Any, where: str, indicators: Mapping[str, object],
               unique: bool = False) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise CatalogueError(f"{where} must be a list of indicator IDs")
    for ident in raw:
        if not isinstance(ident, str) or ident not in indicators:
            raise CatalogueError(f"{where}: unknown indicator ID {ident!r}")
    if unique and len(set(raw)) != len(raw):
        raise CatalogueError(f"{where}: an indicator ID appears twice")
    return tuple(raw)


def _parse_rules(raw: Any, indicators: Mapping[str, object]) -> Rules:
    """`indicators` here: the indicator and question ids a tier's any_yes may name."""
    fields = _fields(raw, "rules", ("child_under_age", "dimension_positive_when", "assessment", "tiers",
                                    "default_tier"))
    age = fields["child_under_age"]
    if isinstance(age, bool) or not isinstance(age, int) or not 0 < age <= MAX_AGE:
        raise CatalogueError(f"rules: child_under_age must be a whole number from 1 to {MAX_AGE}")
    assessment = _fields(fields["assessment"], "rules.assessment",
                         ("trafficking_indicated", "exploitation_indicated"))
    trafficking = _fields(assessment["trafficking_indicated"], "rules.assessment.trafficking_indicated",
                          ("adult", "child"))
    if fields["default_tier"] not in TIERS:
        raise CatalogueError(f"rules: default_tier must be one of {', '.join(TIERS)}")
    return Rules(
        child_under_age=age,
        dimension_positive_when=_parse_combinations(fields["dimension_positive_when"]),
        trafficking_adult=_parse_groups(trafficking["adult"], "trafficking_indicated.adult"),
        trafficking_child=_parse_groups(trafficking["child"], "trafficking_indicated.child"),
        exploitation=_parse_groups(assessment["exploitation_indicated"], "exploitation_indicated"),
        tiers=_parse_tiers(fields["tiers"], indicators),
        default_tier=fields["default_tier"],
    )


def _parse_combinations(raw: Any) -> tuple[Mapping[Weight, int], ...]:
    where = "rules.dimension_positive_when"
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{where} must be a non-empty list")
    combinations = []
    for combination in raw:
        if not isinstance(combination, dict) or not combination or any(
                weight not in WEIGHTS or isinstance(count, bool) or not isinstance(count, int) or count < 1
                for weight, count in combination.items()):
            raise CatalogueError(f"{where}: each entry maps S, M or W to a count of at least 1")
        if set(combination) == {"W"}:
            raise CatalogueError(f"{where}: weak indicators alone never make a dimension positive")
        combinations.append(MappingProxyType(dict(combination)))
    return tuple(combinations)


def _parse_groups(raw: Any, where: str) -> tuple[frozenset[Dimension], ...]:
    if not isinstance(raw, list) or not raw or any(
            not isinstance(group, list) or not group or any(code not in DIMENSIONS for code in group)
            for group in raw):
        raise CatalogueError(f"rules.assessment.{where} must be a list of non-empty lists of "
                             f"{', '.join(DIMENSIONS)}")
    return tuple(frozenset(group) for group in raw)


def _parse_tiers(raw: Any, indicators: Mapping[str, object]) -> tuple[TierRule, ...]:
    if not isinstance(raw, list):
        raise CatalogueError("rules.tiers must be a list")
    rules = tuple(_parse_tier(item, index, indicators) for index, item in enumerate(raw))
    if len({rule.tier for rule in rules}) != len(rules):
        raise CatalogueError("rules.tiers: a tier appears twice")
    return rules


def _parse_tier(raw: Any, index: int, indicators: Mapping[str, object]) -> TierRule:
    where = f"rules.tiers[{index}]"
    fields = _fields(raw, where, ("tier",), TIER_FLAGS + TIER_SETS)
    if fields["tier"] not in TIERS:
        raise CatalogueError(f"{where}: tier must be one of {', '.join(TIERS)}")
    if len(fields) == 1:
        raise CatalogueError(f"{where}: a tier needs at least one condition")
    for flag in TIER_FLAGS:
        if not isinstance(fields.get(flag, False), bool):
            raise CatalogueError(f"{where}: {flag} must be true or false")
    assessments = fields.get("assessment", [])
    if not isinstance(assessments, list) or any(name not in ASSESSMENTS for name in assessments):
        raise CatalogueError(f"{where}: assessment must be a list of {', '.join(ASSESSMENTS)}")
    return TierRule(
        tier=fields["tier"],
        **{flag: fields.get(flag, False) for flag in TIER_FLAGS},
        any_yes=frozenset(_known_ids(fields.get("any_yes", []), f"{where}.any_yes", indicators)),
        assessment=frozenset(assessments),
    )
