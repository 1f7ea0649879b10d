"""The danger net (bot/danger_net.py, content/danger_net.json): computed here as scikit-learn computed it, trained
on the tuning sets as they are now, asked only where the lexicon has nothing to say and only about a message long
enough to judge.

How well it finds danger, with the lexicon, is measured by bench/danger.py on the blind set, not here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from bot.danger import Cue, DangerLexicon, Listened
from bot.danger_net import NET_FILE, DangerNet, long_enough, ngrams, word_ngrams

ROOT = Path(__file__).resolve().parents[2]
# Danger the lexicon's phrases do not list (written for this test, in none of the data sets).
ONLY_THE_NET_HEARS = ["the men with the dogs are back and they are searching the rooms",
                      "he took my shoes so i cant run and now he is drinking again"]
ORDINARY = ["hi where can i learn danish for free", "can my employer keep my passport",
            "how many hours can i work in a week", "what does the centre do with my information"]


@pytest.fixture(scope="module")
def net() -> DangerNet:
    return DangerNet.load()


@pytest.fixture(scope="module")
def lexicon() -> DangerLexicon:
    return DangerLexicon.load()


def test_the_net_computes_what_scikit_learn_computed_when_it_was_trained(net: DangerNet) -> None:
    checks = json.loads(NET_FILE.read_text(encoding="utf-8"))["checks"]
    assert len(checks) >= 5
    for text, probability in checks.items():  # the file keeps weights to 6 decimals: a difference of about 1e-7
        assert net.probability(text) == pytest.approx(probability, abs=1e-5), text


def test_the_second_net_computes_what_scikit_learn_computed(net: DangerNet) -> None:
    checks = json.loads(NET_FILE.read_text(encoding="utf-8"))["self_harm"]["checks"]
    assert net.self_harm is not None and len(checks) >= 5
    for text, probability in checks.items():
        assert net.self_harm.probability(text) == pytest.approx(probability, abs=1e-5), text


def test_a_message_the_net_hears_is_self_harm_when_the_second_net_tells_it_apart() -> None:
    """The way a cue is chosen, on two tiny nets of one word each (how well the trained second net tells
    self-harm apart is measured by the trainer, each tuning set left out, and by bench/danger.py)."""
    second = DangerNet({}, {"goodbye": (1.0, 5.0)}, -1.0, 0.5, (2, 5), (1, 1))
    net = DangerNet({}, {"tonight": (1.0, 5.0)}, -1.0, 0.5, (2, 5), (1, 1), self_harm=second)
    nothing = Listened((), mentions_danger=False)
    assert net.cue_beside(nothing, "i say goodbye to all of you tonight") == Cue.SELF_HARM
    assert net.cue_beside(nothing, "they come back tonight with knives") == Cue.DANGER
    assert net.cue_beside(nothing, "goodbye and thanks for the help") is None  # the first net hears nothing
    assert DangerNet({}, {"tonight": (1.0, 5.0)}, -1.0, 0.5, (2, 5), (1, 1)).cue_beside(
        nothing, "i say goodbye to all of you tonight") == Cue.DANGER  # no second net: danger


@pytest.mark.parametrize("text", ONLY_THE_NET_HEARS)
def test_danger_heard_by_the_net_stays_danger(net: DangerNet, lexicon: DangerLexicon, text: str) -> None:
    assert net.cue_beside(lexicon.listen(text), text) == Cue.DANGER


def test_the_net_was_trained_on_the_tuning_sets_as_they_are_now() -> None:
    """tools/train_danger_net.py's fingerprint: change a tuning set or the NLU examples and `make danger-net` must
    run again."""
    digest = hashlib.sha256()
    trained_on = [*sorted((ROOT / "bench" / "data").glob("danger_*/*.yml")),
                  *sorted((ROOT / "nlu_data" / "nlu").glob("*/*.yml"))]
    for path in trained_on:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    assert json.loads(NET_FILE.read_text(encoding="utf-8"))["trained_on"] == digest.hexdigest(), \
        "the tuning sets or the NLU examples changed: run `make danger-net`"


def test_ngrams_are_made_within_words_padded_with_a_space() -> None:
    assert ngrams("ab cde", 2, 3) == {" a": 1, "ab": 1, "b ": 1, " ab": 1, "ab ": 1, " c": 1, "cd": 1, "de": 1,
                                      "e ": 1, " cd": 1, "cde": 1, "de ": 1}
    assert ngrams("a", 2, 5) == {" a": 1, "a ": 1, " a ": 1}  # a word shorter than n counts once


@pytest.mark.parametrize("text", ONLY_THE_NET_HEARS)
def test_the_net_hears_danger_the_lexicon_does_not_list(net: DangerNet, lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None
    assert net.hears_beside(lexicon.listen(text), text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_are_not_danger_to_the_net(net: DangerNet, lexicon: DangerLexicon, text: str) -> None:
    assert not net.hears_beside(lexicon.listen(text), text)


@pytest.mark.parametrize("text", ["han slår mig ikke", "我不想死", "i dont want to die"])
def test_where_the_lexicon_takes_its_words_back_its_judgement_stands(
        net: DangerNet, lexicon: DangerLexicon, text: str) -> None:
    assert lexicon.match(text) is None and lexicon.listen(text).mentions_danger
    assert net.probability(text) >= net.threshold  # the net alone would call it danger …
    assert not net.hears_beside(lexicon.listen(text), text)  # … but it is not asked


@pytest.mark.parametrize(("text", "judged"), [("help", False), ("help me", False), ("please help me", True),
                                               ("救命啊", False), ("救命他们要把我带走了", True)])
def test_a_message_too_short_to_judge_is_not_judged(text: str, judged: bool) -> None:
    assert long_enough(text) is judged


def test_help_alone_stays_a_request_for_help(net: DangerNet) -> None:
    assert net.probability("hjælp") >= net.threshold  # what the net would say …
    for word in ("help", "hjælp", "pomocy", "socorro"):
        assert not net.heard(word)  # … about a word it cannot judge


def test_word_ngrams_are_runs_of_words_as_scikit_learn_makes_them() -> None:
    assert word_ngrams("he is coming, now!", 1, 2) == {"he": 1, "is": 1, "coming": 1, "now": 1, "he is": 1,
                                                       "is coming": 1, "coming now": 1}
    assert word_ngrams("a a a", 1, 2) == {"a": 3, "a a": 2}  # one-letter words count


def test_no_tuning_set_calls_an_ordinary_cue_example_danger() -> None:
    """tools/train_danger_net.py learns the NLU's cue_watched examples (ORDINARY_CUES) as ordinary, and the tuning
    sets' danger and self-harm as danger: one message on both sides teaches the net nothing but doubt. Where they
    met ("有人一直跟着我", someone keeps following me: danger in danger_tune7), danger won: it may be now, and it left
    the NLU's examples."""
    ordinary: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "nlu_data" / "nlu").glob("*/*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if item.get("intent") == "cue_watched":
                ordinary |= {(path.parent.name, line.strip().removeprefix("- ").strip().lower())
                             for line in str(item["examples"]).splitlines() if line.strip()}
    both = [f"{path.parent.name}/{path.name}: {text}"
            for path in sorted((ROOT / "bench" / "data").glob("danger_*/*.yml"))
            for kind, texts in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()
            if kind in ("danger", "self_harm")
            for text in texts or [] if (path.stem, str(text).strip().lower()) in ordinary]
    assert both == []
