"""NLU quality per language: Rasa's own 5-fold cross-validation, intent F1 per language and macro.

Runs `rasa test nlu --cross-validation` (which trains one NLU model per fold with config.yml), then splits the
per-example results by the language folder each example came from (nlu_data/nlu/<language>/). Also times a
full `rasa train` from scratch. Prints a table and writes it to docs/nlu-report.md, above the file's
hand-written "## Notes" section, which it keeps.

    .venv/bin/python bench/nlu_report.py [--folds 5] [--no-train-time]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu_examples import examples_by_language  # noqa: E402

from bot.services import RASA, RASA_QUIET  # noqa: E402

TARGET = 0.90
NOTES = "## Notes"


def f1_by_intent(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Per-intent F1 from (true, predicted) pairs."""
    intents = {true for true, _ in pairs}
    scores = {}
    for intent in intents:
        tp = sum(1 for t, p in pairs if t == intent and p == intent)
        fp = sum(1 for t, p in pairs if t != intent and p == intent)
        fn = sum(1 for t, p in pairs if t == intent and p != intent)
        scores[intent] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def cross_validate(folds: int, out: Path) -> list[dict[str, object]]:
    command = [str(RASA), "test", "nlu", "--nlu", "nlu_data", "--config", "config.yml", "--cross-validation",
               "--folds", str(folds), "--out", str(out), "--successes"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **RASA_QUIET}, check=True)
    results: list[dict[str, object]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        if path.exists():
            results += json.loads(path.read_text(encoding="utf-8"))
    return results


def train_time() -> float:
    """A full training from scratch (no earlier model to reuse), in seconds."""
    with tempfile.TemporaryDirectory() as models:
        started = time.perf_counter()
        subprocess.run([str(RASA), "train", "--domain", "domain", "--data", "nlu_data", "--config", "config.yml",
                        "--out", models, "--force"], cwd=ROOT, env={**os.environ, **RASA_QUIET}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-train-time", action="store_true")
    args = parser.parse_args()
    languages = examples_by_language()
    out = Path(tempfile.mkdtemp(prefix="havn-nlu-"))
    started = time.perf_counter()
    results = cross_validate(args.folds, out)
    cv_seconds = time.perf_counter() - started
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for result in results:
        text = str(result["text"])
        predicted = (result.get("intent_prediction") or {}).get("name")  # type: ignore[union-attr]
        for language, examples in languages.items():
            if text in examples:
                pairs[language].append((str(result["intent"]), str(predicted)))
    lines = ["| language | examples | intents | macro F1 | lowest intent |", "|---|---|---|---|---|"]
    macros = []
    for language in sorted(pairs):
        scores = f1_by_intent(pairs[language])
        macro = sum(scores.values()) / len(scores)
        macros.append(macro)
        worst = min(scores, key=scores.__getitem__)
        mark = "" if macro >= TARGET else " (below target)"
        lines.append(f"| {language} | {len(pairs[language])} | {len(scores)} | {macro:.3f}{mark} | "
                     f"{worst} {scores[worst]:.2f} |")
    lines.append(f"| **all** | {sum(len(p) for p in pairs.values())} | | **{sum(macros) / len(macros):.3f}** | |")
    report = [f"{args.folds}-fold cross-validation of config.yml, intent F1 (`{' '.join(sys.argv)}`), "
              f"{cv_seconds:.0f} s", "", *lines]
    if not args.no_train_time:
        report += ["", f"Full `rasa train` from scratch on this machine: {train_time():.0f} s"]
    text = "\n".join(report)
    print(text)
    document = ROOT / "docs" / "nlu-report.md"
    notes = document.read_text(encoding="utf-8").partition(NOTES)[2] if document.exists() else ""
    document.write_text(f"# NLU report\n\n{text}\n" + (f"\n{NOTES}{notes}" if notes else ""), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
