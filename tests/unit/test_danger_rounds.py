"""Rounds 7 and later of the danger lexicon (round N tuned on bench/data/danger_tuneN): each family added, tried in
wording the tuning set does not have (tests/data/danger_roundN/<code>.yml: `hits` with their cue, `ordinary` near
misses)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.danger import Cue, DangerLexicon

CHECKS = sorted((Path(__file__).resolve().parents[1] / "data").glob("danger_round*/*.yml"))
HITS = [(f"{path.parent.name}/{path.stem}", text, Cue(cue)) for path in CHECKS
        for text, cue in yaml.safe_load(path.read_text(encoding="utf-8"))["hits"]]
ORDINARY = [(f"{path.parent.name}/{path.stem}", text) for path in CHECKS
            for text in yaml.safe_load(path.read_text(encoding="utf-8"))["ordinary"]]


@pytest.fixture(scope="module")
def lexicon() -> DangerLexicon:
    return DangerLexicon.load()


@pytest.mark.parametrize(("language", "text", "cue"), HITS)
def test_a_tuned_family_is_heard_in_new_wording(lexicon: DangerLexicon, language: str, text: str,
                                                  cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue == cue, (language, text, hit)


@pytest.mark.parametrize(("language", "text"), ORDINARY)
def test_a_tuned_near_miss_stays_quiet(lexicon: DangerLexicon, language: str, text: str) -> None:
    assert lexicon.match(text) is None, (language, text)
