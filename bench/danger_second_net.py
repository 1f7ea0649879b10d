"""A trial, not part of the app: would a trained classifier beside the danger lexicon reach the targets?

    .venv-rasa/bin/python bench/danger_second_net.py

A character n-gram (2–5) TF-IDF logistic regression, the kind that copes with typos, missing diacritics and
unspaced scripts, is trained on the tuning sets (bench/data/danger_*: danger and self-harm against everything
else) and measured two ways at several thresholds:
- leave one tuning set out: trained on the others, measured on the one left out (each set was written
  independently, so this estimates wording nobody has seen), the classifier alone;
- the blind set (tests/data/danger): trained on all tuning sets, alone and together with the lexicon (a message
  counts as found when either fires), which is what the app would do.
It runs in the Rasa environment, which has scikit-learn (a Rasa dependency); the app's does not. The lexicon's
decisions come from `bench/danger.py --hits`, run with the app's Python. Prints figures; always exits 0.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
TUNING = sorted((ROOT / "bench" / "data").glob("danger_*"))
BLIND = ROOT / "tests" / "data" / "danger"
KINDS = ("danger", "self_harm", "child", "ordinary")
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def read(directory: Path) -> tuple[list[str], np.ndarray]:
    """The texts and their kinds, language by language and kind by kind (the order of `danger.py --hits`)."""
    texts, kinds = [], []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in KINDS:
            for text in data.get(kind) or []:
                texts.append(str(text))
                kinds.append(kind)
    return texts, np.array(kinds)


def joined(sets: list[tuple[list[str], np.ndarray]]) -> tuple[list[str], np.ndarray]:
    return [text for texts, _ in sets for text in texts], np.concatenate([kinds for _, kinds in sets])


def trained(texts: list[str], kinds: np.ndarray) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=folded, sublinear_tf=True,
                                 min_df=2)
    model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(texts), np.isin(kinds, ["danger", "self_harm"]))
    return vectorizer, model


def figures(fired: np.ndarray, kinds: np.ndarray) -> str:
    found = fired[np.isin(kinds, ["danger", "self_harm"])].mean()
    false_alarms = fired[kinds == "ordinary"].mean()
    return f"recall {found:.3f}  false alarms {100 * false_alarms:4.1f} %"


def lexicon_hits(directory: Path) -> np.ndarray:
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bench" / "danger.py"), "--data",
                          str(directory), "--hits"], check=True, capture_output=True, text=True).stdout
    hits = json.loads(out)
    return np.array([bool(hit) for language in sorted(hits) for kind in KINDS for hit in hits[language][kind]])


def main() -> int:
    sets = {path.name: read(path) for path in TUNING}
    print(f"tuning sets: {', '.join(sets)}\n\nleft out, the classifier alone:")
    pooled: dict[float, list[np.ndarray]] = {threshold: [] for threshold in THRESHOLDS}
    pooled_kinds = []
    for name, (texts, kinds) in sets.items():
        vectorizer, model = trained(*joined([sets[other] for other in sets if other != name]))
        probability = model.predict_proba(vectorizer.transform(texts))[:, 1]
        pooled_kinds.append(kinds)
        for threshold in THRESHOLDS:
            pooled[threshold].append(probability >= threshold)
    all_kinds = np.concatenate(pooled_kinds)
    for threshold in THRESHOLDS:
        print(f"  threshold {threshold}: {figures(np.concatenate(pooled[threshold]), all_kinds)}")

    vectorizer, model = trained(*joined(list(sets.values())))
    texts, kinds = read(BLIND)
    probability = model.predict_proba(vectorizer.transform(texts))[:, 1]
    lexicon = lexicon_hits(BLIND)
    print(f"\nblind set, the lexicon alone: {figures(lexicon, kinds)}")
    for threshold in THRESHOLDS:
        fired = probability >= threshold
        print(f"  threshold {threshold}: classifier {figures(fired, kinds)} | with the lexicon "
              f"{figures(fired | lexicon, kinds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
