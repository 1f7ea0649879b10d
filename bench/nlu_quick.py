"""A quick estimate of NLU quality for people writing training examples: minutes, not the half hour of
`make nlu-report`.

It imitates config.yml's pipeline with scikit-learn (word counts + char_wb 1–4-gram counts, logistic
regression), trains on the chosen languages only (`--all`: every language, as Rasa does; slower), and
prints 5-fold cross-validated intent F1 per language and the weakest intents with what they are confused
with. The figures in the docs come from `make nlu-report` (Rasa itself); this is a guide while writing data.

    .venv-rasa/bin/python bench/nlu_quick.py [--languages da,fr] [--worst 8] [--all]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from scipy.sparse import hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nlu_examples import examples_by_language


def features(train: list[str], test: list[str], max_ngram: int = 4):  # type: ignore[no-untyped-def]
    words = CountVectorizer(token_pattern=r"[^\s.,!?;:]+", lowercase=True)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(1, max_ngram), lowercase=True)
    return (hstack([words.fit_transform(train), chars.fit_transform(train)]).tocsr(),
            hstack([words.transform(test), chars.transform(test)]).tocsr())


def classifier(solver: str, max_iter: int) -> LogisticRegression:
    """As Rasa's LogisticRegressionClassifier builds it (balanced class weights)."""
    return LogisticRegression(solver=solver, max_iter=max_iter, class_weight="balanced", random_state=42)


def main() -> None:
    warnings.simplefilter("ignore")  # convergence notes: Rasa trains the same way and says nothing
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", help="comma-separated; default: all")
    parser.add_argument("--all", action="store_true", help="train on every language, as Rasa does")
    parser.add_argument("--worst", type=int, default=8, help="how many weak intents to show per language")
    args = parser.parse_args()
    data = examples_by_language()
    wanted = set(args.languages.split(",")) if args.languages else set(data)
    if not args.all:
        data = {language: examples for language, examples in data.items() if language in wanted}
    rows = [(language, text, intent) for language, examples in sorted(data.items())
            for text, intent in examples.items()]
    texts = [text for _, text, _ in rows]
    labels = [intent for _, _, intent in rows]
    strata = [f"{language}/{intent}" for language, _, intent in rows]
    predicted = [""] * len(rows)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    for train_index, test_index in folds.split(texts, strata):
        x_train, x_test = features([texts[i] for i in train_index], [texts[i] for i in test_index])
        model = classifier("liblinear", 100)
        model.fit(x_train, [labels[i] for i in train_index])
        for i, label in zip(test_index, model.predict(x_test), strict=True):
            predicted[i] = label
    print(f"{'language':10} {'examples':>8} {'macro F1':>9}")
    for language in sorted(wanted):
        index = [i for i, row in enumerate(rows) if row[0] == language]
        true = [labels[i] for i in index]
        guess = [predicted[i] for i in index]
        intents = sorted(set(true))
        per_intent = f1_score(true, guess, labels=intents, average=None, zero_division=0)
        print(f"{language:10} {len(index):8d} {per_intent.mean():9.3f}")
        confusions: dict[str, Counter[str]] = defaultdict(Counter)
        for i in index:
            if predicted[i] != labels[i]:
                confusions[labels[i]][predicted[i]] += 1
        for intent, score in sorted(zip(intents, per_intent, strict=True), key=lambda pair: pair[1])[:args.worst]:
            mixed = ", ".join(f"{other} ×{count}" for other, count in confusions[intent].most_common(3))
            print(f"    {score:.2f} {intent:24} confused with: {mixed or '-'}")


if __name__ == "__main__":
    main()
