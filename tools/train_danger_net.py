"""Trains the danger net, the second net beside the danger lexicon, and writes content/danger_net.json.

    make danger-net        (= .venv-rasa/bin/python tools/train_danger_net.py)

A TF-IDF logistic regression over character n-grams (2–5 letters within words) and word n-grams (one and two
words): it hears wording the lexicon's phrases do not list (typos, missing diacritics, other phrasings, Thai and
Chinese without spaces). The word n-grams were added in round 10: each tuning set left out in turn, the net alone
found 0.69 of its danger at 2 % false alarms with letters alone, 0.75 with words beside them. Trained on
the tuning sets (bench/data/danger_*: danger and self-harm against child and ordinary messages) and on the NLU
examples (nlu_data/nlu: the `danger` intent's as danger; as ordinary, those of the intents that are plainly not
danger now — questions, answers to the screening, "I'm not sure", goodbyes: without them the net took one in
eleven "I don't know" answers for danger), never on the blind set (tests/data/danger), which only measures.
Every fifth NLU example is kept out of training, to measure how often the net fires on everyday messages.
It runs in the Rasa environment, which has scikit-learn (a Rasa dependency); the app reads the JSON in pure
Python (bot/danger_net.py), so the app needs no numerical library. The threshold is chosen here, without the
blind set: the lowest one at which the net alone raises at most 2 % false alarms on a tuning set it was not
trained on (each set left out in turn).

The file holds, per n-gram, its idf and weight, the intercept, the threshold, a hash of the training files (a
test fails when they changed and the net was not trained again) and a few texts with the probability
scikit-learn gave them (a test checks that bot/danger_net.py computes the same). Under "self_harm", the same for
a second net trained on the tuning sets' danger and self-harm messages alone, which tells self-harm from danger
in a message the first net hears (round 12: the lexicon heard indirect self-harm two times in five at first
sight); its threshold is the lowest at which, each set left out in turn, at most 2 % of danger messages are
called self-harm (their reply then names the suicide-prevention line besides 112).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

ROOT = Path(__file__).resolve().parent.parent
TUNING = ROOT / "bench" / "data"
NLU = ROOT / "nlu_data" / "nlu"
# Intents whose examples may be danger now, or near it: neither side of the line.
NEAR_DANGER = ("need_help", "report", "safe_to_write")
# The screening's cues are neither side either (told about oneself, they may be danger now: locked in, hit), except
# those the centre's rules say are not danger alone (content/indicators.yml): being watched ("they watch me all the
# time", cue_watched, CD-03.watched, not P1) is ordinary. Left out, the net took 16 of 29 such sentences for danger.
ORDINARY_CUES = ("cue_watched",)
NLU_HELD_OUT = 5  # every fifth example: measured, not trained on
OUTPUT = ROOT / "content" / "danger_net.json"
KINDS = ("danger", "self_harm", "child", "ordinary")
FOUND = ("danger", "self_harm")
MAX_FALSE_ALARMS = 0.02
LETTERS = (2, 5)
WORDS = (1, 2)
THRESHOLDS = [round(0.5 + 0.01 * step, 2) for step in range(50)]
# The second net: self-harm rather than danger, for a message the first one hears (danger and self-harm only).
SELF_HARM_C = 10  # left out in turn: 0.95 of self-harm told apart at 1.4 % of danger, against 0.95 at 1.0 % (C 100)
SELF_HARM_THRESHOLDS = [round(0.2 + 0.05 * step, 2) for step in range(15)]
MAX_DANGER_AS_SELF_HARM = 0.02  # a danger reply with the suicide line besides: one in fifty at most
# Texts whose probability the test recomputes in pure Python: scripts with and without spaces, diacritics.
SELF_HARM_CHECKS = ("i wrote a letter to my mother, tomorrow i will not be here", "tôi không muốn sống nữa",
                    "هذه آخر رسالة مني سامحوني", "ฝากบอกแม่ว่ารักนะ ลาก่อน", "我把东西都送人了 以后用不上了")
CHECKS = ("he is coming back to kill me", "jeg er bange, han slår mig", "mi-e frica ca ma omoara",
          "помогите меня заперли", "ช่วยด้วยเขาจะฆ่าฉัน", "救命他要杀我", "ساعدوني سيقتلني", "how many holidays do I get",
          "Tôi bị nhốt trong phòng")


def folded(text: str) -> str:
    """Lower case without combining marks (diacritics, tones, Thai vowel signs): the same in bot/danger_net.py."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def tuning_files() -> list[Path]:
    return sorted(TUNING.glob("danger_*/*.yml"))


def nlu_files() -> list[Path]:
    return sorted(NLU.glob("*/*.yml"))


def nlu_examples(paths: list[Path]) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """Training texts and labels, then held-out texts and labels, from the NLU examples."""
    texts, found, held, held_found = [], [], [], []
    for path in paths:
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            intent = item.get("intent")
            if not intent or intent in NEAR_DANGER or (intent.startswith("cue_") and intent not in ORDINARY_CUES):
                continue
            for number, line in enumerate(str(item.get("examples", "")).splitlines()):
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().removeprefix("- ")).strip()
                if not text:
                    continue
                to_texts, to_found = (held, held_found) if number % NLU_HELD_OUT == 0 else (texts, found)
                to_texts.append(text)
                to_found.append(intent == "danger")
    return texts, np.array(found), held, np.array(held_found)


def fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read(paths: list[Path]) -> tuple[list[str], np.ndarray]:
    texts, found = [], []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in KINDS:
            for text in data.get(kind) or []:
                texts.append(str(text))
                found.append(kind in FOUND)
    return texts, np.array(found)


def kinds_of(paths: list[Path]) -> np.ndarray:
    kinds = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in KINDS:
            kinds += [kind] * len(data.get(kind) or [])
    return np.array(kinds)


def read_found(paths: list[Path]) -> tuple[list[str], np.ndarray]:
    """The danger and self-harm messages, labelled True for self-harm (the second net's training)."""
    texts, self_harm = [], []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in FOUND:
            texts += [str(text) for text in data.get(kind) or []]
            self_harm += [kind == "self_harm"] * len(data.get(kind) or [])
    return texts, np.array(self_harm)


def trained(texts: list[str], found: np.ndarray, c: float = 100) -> tuple[FeatureUnion, LogisticRegression]:
    """Letters and words, each kind's TF-IDF scaled to length 1 on its own (bot/danger_net.py adds the parts)."""
    vectorizer = FeatureUnion([
        ("grams", TfidfVectorizer(analyzer="char_wb", ngram_range=LETTERS, preprocessor=folded, sublinear_tf=True,
                                  min_df=2, dtype=np.float64)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=WORDS, preprocessor=folded, sublinear_tf=True,
                                  min_df=2, dtype=np.float64, token_pattern=r"(?u)\b\w+\b")),
    ])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(texts), found)
    return vectorizer, model


def joined(*parts: tuple[list[str], np.ndarray]) -> tuple[list[str], np.ndarray]:
    return [text for texts, _ in parts for text in texts], np.concatenate([found for _, found in parts])


Examples = tuple[list[str], np.ndarray]
NONE: Examples = ([], np.array([], dtype=bool))


def left_out(paths: list[Path], examples: Callable[[list[Path]], Examples], c: float = 100,
             extra: Examples = NONE) -> list[tuple[list[Path], np.ndarray]]:
    """Each tuning set left out in turn: its files, and the probabilities that a net trained on the other sets'
    `examples` (and `extra`, always in training) gives its own examples."""
    runs = []
    for held_set in sorted({path.parent for path in paths}):
        held = [path for path in paths if path.parent == held_set]
        texts = examples(held)[0]
        if texts:
            vectorizer, model = trained(*joined(examples([path for path in paths if path.parent != held_set]), extra),
                                        c)
            runs.append((held, model.predict_proba(vectorizer.transform(texts))[:, 1]))
    return runs


def threshold(paths: list[Path], nlu: tuple[list[str], np.ndarray]) -> float:
    """The lowest threshold whose false alarms, each tuning set left out in turn (the NLU examples always in
    training), stay within the limit."""
    runs = left_out(paths, read, extra=nlu)
    probability = np.concatenate([held_probability for _, held_probability in runs])
    kind = np.concatenate([kinds_of(held) for held, _ in runs])
    for candidate in THRESHOLDS:
        if (probability[kind == "ordinary"] >= candidate).mean() <= MAX_FALSE_ALARMS:
            recall = (probability[np.isin(kind, FOUND)] >= candidate).mean()
            print(f"threshold {candidate}: left-out recall {recall:.3f}, false alarms "
                  f"{100 * (probability[kind == 'ordinary'] >= candidate).mean():.1f} %")
            return candidate
    return THRESHOLDS[-1]


def self_harm_threshold(paths: list[Path]) -> float:
    """The lowest threshold at which the second net, each tuning set left out in turn, calls at most
    MAX_DANGER_AS_SELF_HARM of its danger messages self-harm."""
    runs = left_out(paths, read_found, SELF_HARM_C)
    p = np.concatenate([held_probability for _, held_probability in runs])
    is_self_harm = np.concatenate([read_found(held)[1] for held, _ in runs])
    for candidate in SELF_HARM_THRESHOLDS:
        if (p[~is_self_harm] >= candidate).mean() <= MAX_DANGER_AS_SELF_HARM:
            print(f"self-harm threshold {candidate}: left out, {(p[is_self_harm] >= candidate).mean():.3f} of "
                  f"{is_self_harm.sum()} self-harm told apart, {100 * (p[~is_self_harm] >= candidate).mean():.1f} % "
                  f"of {(~is_self_harm).sum()} danger called self-harm")
            return candidate
    return SELF_HARM_THRESHOLDS[-1]


def as_data(vectorizer: FeatureUnion, model: LogisticRegression, chosen: float,
            checks: tuple[str, ...]) -> dict[str, Any]:
    """A model as bot/danger_net.py reads it: per n-gram its idf and weight, the intercept, the threshold, and
    the probabilities scikit-learn gave the check texts."""
    weights, offset, kinds = model.coef_[0], 0, {}
    for name, kind in vectorizer.transformer_list:  # the weights run through the kinds in this order
        kinds[name] = {gram: [round(float(kind.idf_[index]), 6), round(float(weights[offset + index]), 6)]
                       for gram, index in sorted(kind.vocabulary_.items())}
        offset += len(kind.vocabulary_)
    return {
        "ngram_range": list(LETTERS),
        "word_ngram_range": list(WORDS),
        "threshold": chosen,
        "intercept": round(float(model.intercept_[0]), 6),
        "checks": {text: float(model.predict_proba(vectorizer.transform([text]))[0, 1]) for text in checks},
        "grams": kinds["grams"],
        "words": kinds["words"],
    }


def main() -> int:
    paths, nlu_paths = tuning_files(), nlu_files()
    nlu_texts, nlu_found, held, held_found = nlu_examples(nlu_paths)
    chosen = threshold(paths, (nlu_texts, nlu_found))
    vectorizer, model = trained(*joined(read(paths), (nlu_texts, nlu_found)))
    fired = model.predict_proba(vectorizer.transform(held))[:, 1] >= chosen
    print(f"held-out NLU examples: {100 * fired[~held_found].mean():.1f} % of {(~held_found).sum()} everyday "
          f"messages fire (the net alone, any length), {fired[held_found].mean():.2f} of {held_found.sum()} danger")
    self_harm_chosen = self_harm_threshold(paths)
    net = {
        "about": "Trained by tools/train_danger_net.py on bench/data/danger_*; read by bot/danger_net.py. "
                 "Do not edit: run `make danger-net`.",
        "trained_on": fingerprint(paths + nlu_paths),
        **as_data(vectorizer, model, chosen, CHECKS),
        "self_harm": as_data(*trained(*read_found(paths), SELF_HARM_C), self_harm_chosen, SELF_HARM_CHECKS),
    }
    OUTPUT.write_text(json.dumps(net, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(net['grams'])} letter and {len(net['words'])} word n-grams, "
          f"threshold {chosen}; self-harm: {len(net['self_harm']['grams'])} and {len(net['self_harm']['words'])}, "
          f"threshold {self_harm_chosen}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
