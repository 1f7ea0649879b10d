"""Which logistic-regression set-up should config.yml use? Training time, memory and accuracy side by side.

Every set-up trains on the same 80% of all languages' examples (stratified by language and intent, as Rasa
trains one model for all) and is scored on the other 20%: macro intent F1 per language (mean and weakest),
mean top confidence, and the share of held-out examples whose top confidence is under the FallbackClassifier
threshold (they would get "not understood"). Each set-up is `max_ngram:solver:max_iter`; the stand-in
features are bench/nlu_quick.py's. Run the set-ups one at a time (2 cores): peak memory is the process's.

    .venv-rasa/bin/python bench/nlu_solvers.py 4:liblinear:100 4:lbfgs:300 3:liblinear:100 4:saga:100
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nlu_examples import examples_by_language
from nlu_quick import classifier, features

FALLBACK_THRESHOLD = 0.2  # config.yml's FallbackClassifier


def main() -> None:
    warnings.simplefilter("ignore")  # convergence notes: Rasa trains the same way and says nothing
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("setups", nargs="+", help="max_ngram:solver:max_iter, e.g. 4:liblinear:100")
    args = parser.parse_args()
    data = examples_by_language()
    rows = [(language, text, intent) for language, examples in sorted(data.items())
            for text, intent in examples.items()]
    train, test = train_test_split(rows, test_size=0.2, random_state=42,
                                   stratify=[f"{language}/{intent}" for language, _, intent in rows])
    print(f"{len(rows)} examples, {len({intent for _, _, intent in rows})} intents, {len(data)} languages; "
          f"{len(train)} to train, {len(test)} held out")
    print(f"{'set-up':18} {'features':>8} {'fit s':>6} {'macro F1':>8} {'weakest':>13} {'mean conf':>9} "
          f"{'< fallback':>10} {'peak RSS':>9}")
    for setup in args.setups:
        max_ngram, solver, max_iter = setup.split(":")
        x_train, x_test = features([text for _, text, _ in train], [text for _, text, _ in test], int(max_ngram))
        model = classifier(solver, int(max_iter))
        started = time.perf_counter()
        model.fit(x_train, [intent for _, _, intent in train])
        seconds = time.perf_counter() - started
        predicted = model.predict(x_test)
        confidence = model.predict_proba(x_test).max(axis=1)
        scores = {}
        for language in sorted(data):
            index = [i for i, row in enumerate(test) if row[0] == language]
            scores[language] = f1_score([test[i][2] for i in index], [predicted[i] for i in index],
                                        average="macro", zero_division=0)
        weakest = min(scores, key=scores.__getitem__)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{setup:18} {x_train.shape[1]:8d} {seconds:6.0f} {np.mean(list(scores.values())):8.3f} "
              f"{weakest:>5} {scores[weakest]:.3f} {confidence.mean():9.2f} "
              f"{np.mean(confidence < FALLBACK_THRESHOLD):10.3f} {peak_mb:7.0f} MB", flush=True)


if __name__ == "__main__":
    main()
