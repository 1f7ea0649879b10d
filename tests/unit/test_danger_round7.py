"""Round 7 of the danger lexicon (tuned on bench/data/danger_tune7): each family added, tried in wording the tuning
set does not have (tests/data/danger_round7/<code>.yml: `hits` with their cue, `ordinary` near misses)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.danger import Cue, DangerLexicon

CHECKS = Path(__file__).resolve().parents[1] / "data" / "danger_round7"
HITS = [(path.stem, text, Cue(cue)) for path in sorted(CHECKS.glob("*.yml"))
        for text, cue in yaml.safe_load(path.read_text(encoding="utf-8"))["hits"]]
ORDINARY = [(path.stem, text) for path in sorted(CHECKS.glob("*.yml"))
            for text in yaml.safe_load(path.read_text(encoding="utf-8"))["ordinary"]]


@pytest.fixture(scope="module")
def lexicon() -> DangerLexicon:
    return DangerLexicon.load()


@pytest.mark.parametrize(("language", "text", "cue"), HITS)
def test_a_round_7_family_is_heard_in_new_wording(lexicon: DangerLexicon, language: str, text: str,
                                                  cue: Cue) -> None:
    hit = lexicon.match(text)
    assert hit is not None and hit.cue == cue, (language, text, hit)


@pytest.mark.parametrize(("language", "text"), ORDINARY)
def test_a_round_7_near_miss_stays_quiet(lexicon: DangerLexicon, language: str, text: str) -> None:
    assert lexicon.match(text) is None, (language, text)
