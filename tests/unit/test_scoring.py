"""The screening scorer: the ILO dimension rule, the assessment, the queue tier, and strict input checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from screening.catalogue import DEFAULT_CATALOGUE, DIMENSIONS, CatalogueError, load_catalogue
from screening.scoring import ScreeningInputError, assess, screen_file

NONE_POSITIVE = {"DR": False, "CR": False, "AVR": False, "EX": False, "CD": False, "AVD": False}


def yes(*ids: str, **request: Any) -> dict[str, Any]:
    """Assess a request in which exactly these indicators are answered "yes"."""
    return assess({**request, "answers": dict.fromkeys(ids, "yes")})


def positive(*dimensions: str) -> dict[str, bool]:
    return {**NONE_POSITIVE, **dict.fromkeys(dimensions, True)}


# --- the catalogue ---------------------------------------------------------------------------------------


def expected_ids() -> list[str]:
    sizes = {"DR": 10, "CR": 10, "AVR": 16, "EX": 9, "CD": 15, "AVD": 7}
    return [f"{code}-{number:02d}" for code, size in sizes.items() for number in range(1, size + 1)]


def test_the_catalogue_has_every_indicator_once_in_order() -> None:
    assert list(load_catalogue().indicators) == expected_ids()


def test_the_catalogue_labels_the_six_dimensions_in_order() -> None:
    dimensions = load_catalogue().dimensions
    assert tuple(dimensions) == DIMENSIONS
    assert dimensions["CD"] == "Coercion at destination"


def test_the_catalogue_is_cached_and_the_default_file_is_the_repository_one() -> None:
    assert load_catalogue() is load_catalogue(DEFAULT_CATALOGUE)
    assert DEFAULT_CATALOGUE == Path(__file__).resolve().parents[2] / "content" / "indicators.yml"


@pytest.mark.parametrize(("ident", "weights"), [
    ("DR-01", ("S", "S", "S", "S")),
    ("DR-10", ("W", "W", "S", "S")),
    ("CR-04", ("M", "M", "S", "S")),
    ("AVR-16", ("W", "W", "M", "M")),
    ("EX-09", ("W", "W", "M", "M")),
    ("CD-07", ("M", "S", "S", "S")),
    ("CD-15", ("W", "W", "M", "M")),
    ("AVD-07", ("W", "W", "M", "M")),
    ("AVR-08", ("M", "M", "M", "M")),  # not on the child lists: counts with the adult weight
])
def test_weights_per_list(ident: str, weights: tuple[str, str, str, str]) -> None:
    indicator = load_catalogue().indicators[ident]
    lists = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")
    assert tuple(indicator.weights[name] for name in lists) == weights


def test_avr_08_and_ex_08_are_not_on_the_child_lists() -> None:
    catalogue = load_catalogue()
    off_child = {ident for ident, indicator in catalogue.indicators.items()
                 if not indicator.on_list("child_labour")}
    assert off_child == {"AVR-08", "EX-08"}
    assert catalogue.indicators["AVR-08"].on_list("adult_sexual")


def test_question_order_asks_strong_coercion_first_and_covers_the_core_questions() -> None:
    order = load_catalogue().question_order
    required = {f"CD-{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 10, 11, 13)} | {
        "EX-01", "EX-02", "EX-03", "EX-04", "DR-01", "DR-02", "DR-09", "CR-04"}
    assert required <= set(order)
    assert set(order[:4]) == {"CD-01", "CD-02", "CD-03", "CD-04"}
    assert order.index("EX-01") < order.index("DR-01")


def test_weights_to_verify_are_marked() -> None:
    indicators = load_catalogue().indicators
    assert indicators["CD-07"].verify and indicators["AVR-08"].verify
    assert not indicators["CD-01"].verify


def edited_catalogue(tmp_path: Path, edit: Any) -> Path:
    raw = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "indicators.yml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_the_centre_can_change_a_rule_parameter_in_the_catalogue(tmp_path: Path) -> None:
    path = edited_catalogue(tmp_path, lambda raw: raw["rules"].update(child_under_age=16))
    request = {"age": 17, "answers": {"EX-02": "yes"}}
    assert assess(request)["tier"] == "P1"
    assert assess(request, load_catalogue(path))["tier"] == "P4"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw["rules"]["dimension_positive_when"].append({"W": 3}),
     "weak indicators alone never make a dimension positive"),
    (lambda raw: raw["questions"].append({"id": "CD-99"}), "questions\\[32\\]: id 'CD-99' must be an indicator ID"),
    (lambda raw: raw["questions"].append({"id": "CD-03.Watched"}), "id 'CD-03.Watched' must be an indicator ID"),
    (lambda raw: raw["questions"].append({"id": "CD-01"}), "question CD-01 appears twice"),
    (lambda raw: raw["questions"][0].update(warn="sex"), "question CD-03: warn must be a text key"),
    (lambda raw: raw["questions"][0].update(p1=True), "questions\\[0\\]: unknown key 'p1'"),
    (lambda raw: raw["indicators"].append(dict(raw["indicators"][0])), "indicator DR-01 appears twice"),
    (lambda raw: raw["indicators"][0].update(weight="X"), "DR-01: weight must be S, M or W, not 'X'"),
    (lambda raw: raw["indicators"][0].update(id="CD-01"), "id 'CD-01' must be the dimension and two digits"),
    (lambda raw: raw["rules"]["tiers"][0]["any_yes"].append("XX-01"), "unknown indicator ID 'XX-01'"),
    (lambda raw: raw["rules"].update(colour="red"), "rules: unknown key 'colour'"),
    (lambda raw: raw["dimensions"].pop(), "dimensions must list DR, CR, AVR, EX, CD, AVD once each, in this order"),
    (lambda raw: raw["dimensions"].reverse(), "dimensions must list DR, CR, AVR, EX, CD, AVD once each"),
    (lambda raw: raw["dimensions"][0].update(label=" "), "dimension DR: label must be a non-empty text"),
])
def test_a_broken_catalogue_is_refused_on_load(tmp_path: Path, edit: Any, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(edited_catalogue(tmp_path, edit))


# --- the dimension rule ----------------------------------------------------------------------------------
# Adult labour weights in CD: CD-01…CD-04 strong, CD-05…CD-14 medium, CD-15 weak; AVD-06, AVD-07 weak.


@pytest.mark.parametrize(("ids", "dimension", "expected"), [
    (("CD-01", "CD-02"), "CD", True),             # 2 strong
    (("CD-01", "CD-05"), "CD", True),             # 1 strong + 1 medium
    (("CD-01", "CD-15"), "CD", True),             # 1 strong + 1 weak
    (("CD-05", "CD-06", "CD-07"), "CD", True),    # 3 medium
    (("CD-05", "CD-06", "CD-15"), "CD", True),    # 2 medium + 1 weak
    (("CD-05", "CD-06"), "CD", False),            # 2 medium
    (("CD-05", "CD-15"), "CD", False),            # 1 medium + 1 weak
    (("AVD-01", "AVD-06", "AVD-07"), "AVD", False),  # 1 medium + 2 weak
    (("AVD-06", "AVD-07"), "AVD", False),         # weak only
    (("CD-15",), "CD", False),                    # a single weak
    (("CD-01",), "CD", False),                    # a single strong
    (("CD-05",), "CD", False),                    # a single medium
])
def test_dimension_rule(ids: tuple[str, ...], dimension: str, expected: bool) -> None:
    result = yes(*ids)
    assert result["dimensions"] == {**NONE_POSITIVE, dimension: expected}


def test_indicators_in_other_dimensions_do_not_add_up() -> None:
    assert yes("CD-01", "EX-01", "DR-01")["dimensions"] == NONE_POSITIVE


@pytest.mark.parametrize("answer", ["no", "unknown"])
def test_only_yes_counts(answer: str) -> None:
    answers = dict.fromkeys(["CD-01", "CD-02", "CD-03", "CD-04", "EX-01", "DR-01", "CR-01"], answer)
    result = assess({"age": 15, "answers": answers})
    assert result == {"dimensions": NONE_POSITIVE, "assessment": "no_indicators", "tier": "P4",
                      "indicators": []}


def test_an_unknown_answer_beside_a_yes_does_not_complete_a_dimension() -> None:
    result = assess({"answers": {"CD-01": "yes", "CD-02": "unknown", "CD-05": "no"}})
    assert result["dimensions"]["CD"] is False
    assert result["indicators"] == [{"id": "CD-01", "dimension": "CD", "weight": "S"}]


# --- which list applies ----------------------------------------------------------------------------------


def test_the_child_lists_apply_under_18() -> None:
    # CD-05 and CD-06 are medium for adults, strong for children.
    assert yes("CD-05", "CD-06", age=17)["dimensions"]["CD"] is True
    assert yes("CD-05", "CD-06", age=18)["dimensions"]["CD"] is False


def test_age_unknown_uses_the_adult_lists() -> None:
    assert yes("CD-05", "CD-06", age=None)["dimensions"]["CD"] is False
    assert yes("CD-05", "CD-06")["dimensions"]["CD"] is False


@pytest.mark.parametrize(("exploitation", "weight", "positive_cd"), [
    ("sexual", "S", True), ("labour", "M", False), ("criminal", "M", False), ("unknown", "M", False),
])
def test_sexual_exploitation_uses_the_sexual_weights(exploitation: str, weight: str,
                                                     positive_cd: bool) -> None:
    result = yes("CD-07", "CD-10", exploitation=exploitation)
    assert result["dimensions"]["CD"] is positive_cd
    assert result["indicators"][0] == {"id": "CD-07", "dimension": "CD", "weight": weight}


def test_an_indicator_off_the_child_list_counts_with_its_adult_weight() -> None:
    result = yes("AVR-08", "AVR-02", "AVR-03", "EX-01", "EX-08", age=16)
    assert result["dimensions"] == positive("AVR", "EX")
    assert {item["id"]: item["weight"] for item in result["indicators"]} == {
        "AVR-02": "M", "AVR-03": "M", "AVR-08": "M", "EX-01": "S", "EX-08": "M"}
    assert result["assessment"] == "trafficking_indicated"


def test_indicators_are_listed_in_catalogue_order_with_the_weight_that_applied() -> None:
    result = assess({"age": 16, "exploitation": "sexual",
                     "answers": {"CD-15": "yes", "EX-02": "no", "DR-10": "yes", "CR-03": "yes"}})
    assert result["indicators"] == [
        {"id": "DR-10", "dimension": "DR", "weight": "S"},
        {"id": "CR-03", "dimension": "CR", "weight": "S"},
        {"id": "CD-15", "dimension": "CD", "weight": "M"},
    ]


# --- the assessment --------------------------------------------------------------------------------------

RECRUITMENT = ("DR-01", "DR-02")      # DR positive: strong + medium
EXPLOITATION = ("EX-02", "EX-03", "EX-04")  # EX positive: 3 medium on every list
COERCION = ("CD-14", "CD-12", "CD-11")  # CD positive: 3 medium on every list, none a tier trigger
VULNERABLE_AT_DESTINATION = ("AVD-01", "AVD-02", "AVD-03")


@pytest.mark.parametrize("exploitation", ["labour", "sexual"])
def test_adult_trafficking_needs_recruitment_exploitation_and_coercion(exploitation: str) -> None:
    result = yes(*RECRUITMENT, *EXPLOITATION, *COERCION, age=30, exploitation=exploitation)
    assert result["dimensions"] == positive("DR", "EX", "CD")
    assert (result["assessment"], result["tier"]) == ("trafficking_indicated", "P2")


def test_adult_trafficking_through_abuse_of_vulnerability_at_destination() -> None:
    result = yes("AVR-02", "AVR-03", "AVR-06", *EXPLOITATION, *VULNERABLE_AT_DESTINATION, age=45)
    assert result["dimensions"] == positive("AVR", "EX", "AVD")
    assert (result["assessment"], result["tier"]) == ("trafficking_indicated", "P2")


@pytest.mark.parametrize("exploitation", ["labour", "sexual"])
def test_adult_without_coercion_at_destination_is_exploitation(exploitation: str) -> None:
    result = yes(*RECRUITMENT, *EXPLOITATION, age=30, exploitation=exploitation)
    assert (result["assessment"], result["tier"]) == ("exploitation_indicated", "P3")


@pytest.mark.parametrize("exploitation", ["labour", "sexual"])
def test_child_rule_needs_no_coercion_at_destination(exploitation: str) -> None:
    result = yes(*RECRUITMENT, *EXPLOITATION, age=17, exploitation=exploitation)
    assert result["dimensions"] == positive("DR", "EX")
    assert (result["assessment"], result["tier"]) == ("trafficking_indicated", "P1")


def test_child_without_recruitment_is_exploitation() -> None:
    result = yes(*EXPLOITATION, *COERCION, age=15)
    assert result["assessment"] == "exploitation_indicated"


def test_sexual_weights_decide_the_adult_assessment() -> None:
    # CD-07 (forced clients) is strong on the sexual list, medium on the labour list.
    answers = (*RECRUITMENT, *EXPLOITATION, "CD-07", "CD-10")
    assert yes(*answers, exploitation="sexual")["assessment"] == "trafficking_indicated"
    assert yes(*answers, exploitation="labour")["assessment"] == "exploitation_indicated"


def test_recruitment_and_coercion_without_exploitation_is_indicators_present() -> None:
    result = yes(*RECRUITMENT, *COERCION)
    assert result["dimensions"] == positive("DR", "CD")
    assert (result["assessment"], result["tier"]) == ("indicators_present", "P3")


def test_a_single_yes_is_indicators_present() -> None:
    result = yes("EX-02", age=40)
    assert result == {"dimensions": NONE_POSITIVE, "assessment": "indicators_present", "tier": "P4",
                      "indicators": [{"id": "EX-02", "dimension": "EX", "weight": "M"}]}


def test_an_empty_request_takes_the_defaults() -> None:
    assert assess({}) == {"dimensions": NONE_POSITIVE, "assessment": "no_indicators", "tier": "P4",
                          "indicators": []}


# --- the tier --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("request_", [
    {"immediate_danger": True},
    {"self_harm": True},
    {"age": 17, "answers": {"EX-02": "yes"}},
    {"answers": {"CR-01": "yes"}},
    {"answers": {"CD-04": "yes"}},
    {"answers": {"CD-03": "yes"}},
], ids=["immediate_danger", "self_harm", "child_with_a_yes", "violence_at_recruitment", "violence",
        "confinement"])
def test_each_p1_trigger_alone(request_: dict[str, Any]) -> None:
    assert assess(request_)["tier"] == "P1"


def test_p1_wins_over_trafficking() -> None:
    result = yes(*RECRUITMENT, *EXPLOITATION, "CD-03", "CD-01")
    assert (result["assessment"], result["tier"]) == ("trafficking_indicated", "P1")


def test_a_child_without_a_yes_is_not_p1() -> None:
    assert assess({"age": 12, "answers": {"CD-01": "no"}})["tier"] == "P4"


@pytest.mark.parametrize(("ids", "assessment"), [
    (("CD-01",), "indicators_present"),
    (("CD-02",), "indicators_present"),
    ((*RECRUITMENT, *EXPLOITATION, *COERCION), "trafficking_indicated"),
])
def test_p2(ids: tuple[str, ...], assessment: str) -> None:
    assert (yes(*ids)["assessment"], yes(*ids)["tier"]) == (assessment, "P2")


@pytest.mark.parametrize(("ids", "assessment"), [
    (EXPLOITATION, "exploitation_indicated"),
    (COERCION, "indicators_present"),
    (RECRUITMENT, "indicators_present"),
])
def test_p3(ids: tuple[str, ...], assessment: str) -> None:
    assert (yes(*ids)["assessment"], yes(*ids)["tier"]) == (assessment, "P3")


@pytest.mark.parametrize("request_", [
    {},
    {"age": 30, "answers": {"CD-05": "yes", "EX-02": "yes", "AVD-06": "yes"}},
    {"age": 18, "exploitation": "sexual", "answers": {"CD-07": "unknown", "CD-01": "no"}},
])
def test_p4(request_: dict[str, Any]) -> None:
    assert assess(request_)["tier"] == "P4"


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("request_", "message"), [
    ({"answers": {"CD-99": "yes"}}, "unknown indicator ID 'CD-99'"),
    ({"answers": {"cd-01": "yes"}}, "unknown indicator ID 'cd-01'"),
    ({"answers": {"CD-01\n": "yes"}}, "unknown indicator ID 'CD-01\\n'"),
    ({"answers": {"CD-01": "maybe"}}, "answer for 'CD-01' must be yes, no or unknown, not 'maybe'"),
    ({"answers": {"CD-01": True}}, "answer for 'CD-01' must be yes, no or unknown, not true"),
    ({"answers": {"CD-01": None}}, "answer for 'CD-01' must be yes, no or unknown, not null"),
    ({"answers": ["CD-01"]}, 'answers must be an object of indicator IDs to answers, not ["CD-01"]'),
    ({"name": "x"},
     "unknown field 'name'; the fields are age, exploitation, immediate_danger, self_harm, answers, questions"),
    ({"questions": {"CD-03.locked": "yes"}}, "unknown question ID 'CD-03.locked'"),
    ({"questions": {"CD-03.watched": "maybe"}}, "answer for 'CD-03.watched' must be yes, no or unknown, not 'maybe'"),
    ({"questions": ["CD-03"]}, "questions must be an object of question IDs to answers, not [\"CD-03\"]"),
    ({"age": "17"}, "age must be a whole number or null, not '17'"),
    ({"age": 17.5}, "age must be a whole number or null, not 17.5"),
    ({"age": True}, "age must be a whole number or null, not true"),
    ({"age": -1}, "age must be between 0 and 120, not -1"),
    ({"age": 177}, "age must be between 0 and 120, not 177"),
    ({"exploitation": "forced"}, "exploitation must be labour, sexual, criminal or unknown, not 'forced'"),
    ({"exploitation": None}, "exploitation must be labour, sexual, criminal or unknown, not null"),
    ({"immediate_danger": "yes"}, "immediate_danger must be true or false, not 'yes'"),
    ({"self_harm": 1}, "self_harm must be true or false, not 1"),
])
def test_invalid_requests_are_refused_with_one_precise_line(request_: dict[str, Any], message: str) -> None:
    with pytest.raises(ScreeningInputError) as caught:
        assess(request_)
    assert str(caught.value) == message


def test_the_input_must_be_an_object() -> None:
    with pytest.raises(ScreeningInputError, match=r"^the input must be a JSON object, not \[1, 2\]$"):
        assess([1, 2])  # type: ignore[arg-type]


def test_a_long_bad_value_is_shortened() -> None:
    with pytest.raises(ScreeningInputError) as caught:
        assess({"answers": {"CD-01": "x" * 500}})
    assert len(str(caught.value)) < 120 and str(caught.value).endswith("…")


def test_screening_input_error_is_a_value_error() -> None:
    assert issubclass(ScreeningInputError, ValueError)


# --- files -----------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "screen.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_screen_file_assesses_the_file(tmp_path: Path) -> None:
    request = {"age": 17, "exploitation": "sexual", "immediate_danger": False,
               "answers": {"CD-01": "yes", "EX-02": "no", "DR-01": "unknown"}}
    assert screen_file(write(tmp_path, json.dumps(request))) == assess(request)


def test_screen_file_tolerates_a_byte_order_mark(tmp_path: Path) -> None:
    assert screen_file(write(tmp_path, '\ufeff{"answers": {"CD-01": "yes"}}'))["tier"] == "P2"


@pytest.mark.parametrize(("text", "message"), [
    ("", "not valid JSON: Expecting value at line 1 column 1"),
    ('{"answers": {"CD-01": "yes",}}',
     "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 29"),
    ('{"answers": {"CD-01": "yes", "CD-01": "no"}}', "not valid JSON: duplicate key 'CD-01'"),
    ('{"age": NaN}', "not valid JSON: NaN is not allowed"),
    ('{"answers": {"CD-01": "maybe"}}', "answer for 'CD-01' must be yes, no or unknown, not 'maybe'"),
    ("[]", "the input must be a JSON object, not []"),
])
def test_screen_file_refuses_bad_content(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScreeningInputError) as caught:
        screen_file(write(tmp_path, text))
    assert str(caught.value) == message


def test_screen_file_refuses_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.json"
    with pytest.raises(ScreeningInputError) as caught:
        screen_file(str(missing))
    assert str(caught.value) == f"cannot read {str(missing)!r}: No such file or directory"


def test_screen_file_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes('{"answers": {"CD-01": "yes"}}'.encode("utf-16"))
    with pytest.raises(ScreeningInputError, match=r"is not UTF-8 text"):
        screen_file(str(path))


# --- the bot's questions (issue 15): their own ids, counted for one indicator each --------------------------

def test_a_question_counts_for_its_indicator_and_the_answer_that_says_most_wins() -> None:
    result = assess({"answers": {"CD-03": "no"}, "questions": {"CD-03.watched": "yes"}})
    assert [hit["id"] for hit in result["indicators"]] == ["CD-03"] and result["tier"] == "P4"
    assert assess({"answers": {"EX-01": "yes"}, "questions": {"EX-01": "no"}})["indicators"][0]["id"] == "EX-01"
    assert assess({"questions": {"CD-03": "unknown", "CD-03.watched": "no"}})["assessment"] == "no_indicators"


def test_two_questions_of_one_indicator_never_count_twice() -> None:
    # CD-03 (locked in) and CD-03.watched both yes: one strong indicator, not two: CD is not positive on its own.
    result = assess({"questions": {"CD-03": "yes", "CD-03.watched": "yes"}})
    assert not result["dimensions"]["CD"] and [hit["id"] for hit in result["indicators"]] == ["CD-03"]


def test_the_p1_rule_names_locked_in_and_forced_sex_but_not_watched() -> None:
    [p1] = [rule for rule in load_catalogue().rules.tiers if rule.tier == "P1"]
    assert {"CD-03", "CD-04", "CD-04.sex", "CR-01"} <= p1.any_yes and "CD-03.watched" not in p1.any_yes
    assert assess({"questions": {"CD-04.sex": "yes"}})["tier"] == "P1"
    assert assess({"questions": {"CR-01": "yes"}})["tier"] == "P1"


def test_every_question_belongs_to_a_known_indicator_and_the_sex_question_warns() -> None:
    catalogue = load_catalogue()
    for question in catalogue.questions.values():
        assert question.id.split(".")[0] == question.indicator and question.indicator in catalogue.indicators
    assert catalogue.questions["CD-04.sex"].warn == "screening.warn.sex"
    dimensions = {catalogue.indicators[q.indicator].dimension for q in catalogue.questions.values()}
    assert dimensions == {"DR", "CR", "AVR", "EX", "CD", "AVD"}  # every dimension is asked about
