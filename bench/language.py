"""Benchmark of the language detector's backends on short texts.

    python bench/language.py [--limit N] [--json FILE] [--backends lingua,langdetect] [--no-memory]

Accuracy per language × length class (sentences, word pairs, single words) on the shared test data, for the
chat's languages (content/languages.yml) only; the same on our own chat-style messages (tests/data/chat_messages);
mean time per text; the resident memory of a fresh process holding only one detector (measured in a subprocess,
next to a bare Python process started the same way). A detection of None counts as wrong;
its share is reported as "und".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.language import LanguageDetector  # noqa: E402
from bot.language_backends import BACKENDS  # noqa: E402
from bot.language_policy import choose_language  # noqa: E402
from core.config import CONTENT_DIR, load_languages  # noqa: E402

LANGUAGES, _ = load_languages(CONTENT_DIR)  # the chat's languages, from content/languages.yml
CLASSES = ("sentences", "word-pairs", "single-words")
DEFAULT_DATA = Path(os.environ.get("HAVN_LANGID_DATA", ROOT.parent / "shared" / "data" / "langid"))
CHAT_DATA = ROOT / "tests" / "data" / "chat_messages"
WARM_UP_LINES = 20  # per language and class, so lazily loaded models are in memory before measuring

TARGET_WORD_PAIRS_MEAN = 95.0
TARGET_WORD_PAIRS_MIN = 85.0
TARGET_RSS_MB = 300.0

# Raw lingua builds (without havn's layers), to show why the default build is lazy and high-accuracy.
POLICY_SETS = ("chat", "word-pairs", "sentences")
LINGUA_VARIANTS = ("lingua-raw-lazy", "lingua-raw-preloaded", "lingua-raw-low-accuracy")


@dataclass
class Score:
    correct: int = 0
    unsure: int = 0
    total: int = 0

    def add(self, detected: str | None, expected: str) -> None:
        self.total += 1
        self.correct += detected == expected
        self.unsure += detected is None

    @property
    def accuracy(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    @property
    def und(self) -> float:
        return 100.0 * self.unsure / self.total if self.total else 0.0


@dataclass
class BackendResult:
    accuracy: dict[str, dict[str, float]] = field(default_factory=dict)  # class → language → %
    und: dict[str, float] = field(default_factory=dict)  # class → % of all texts
    microseconds: dict[str, float] = field(default_factory=dict)  # class → mean µs per text
    policy: dict[str, dict[str, float]] = field(default_factory=dict)  # text set → figure → %
    rss_mb: float | None = None


def read_lines(path: Path, limit: int | None) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit else lines


def load_sets(data: Path, limit: int | None) -> dict[str, dict[str, list[str]]]:
    """class → language → texts; the chat messages are the class 'chat'."""
    sets = {klass: {code: read_lines(data / klass / f"{code}.txt", limit) for code in LANGUAGES}
            for klass in CLASSES}
    sets["chat"] = {code: read_lines(CHAT_DATA / f"{code}.txt", None) for code in LANGUAGES}
    return sets


def warm_up(detect: Callable[[str], object], data: Path) -> None:
    for klass in CLASSES:
        for code in LANGUAGES:
            for line in read_lines(data / klass / f"{code}.txt", WARM_UP_LINES):
                detect(line)


def measure(detector: LanguageDetector, sets: dict[str, dict[str, list[str]]]) -> BackendResult:
    result = BackendResult()
    for klass, by_language in sets.items():
        overall = Score()
        elapsed = 0.0
        result.accuracy[klass] = {}
        for code, texts in by_language.items():
            score = Score()
            start = time.perf_counter()
            detections = [detector.detect(text) for text in texts]
            elapsed += time.perf_counter() - start
            for detection in detections:
                score.add(detection.language, code)
                overall.add(detection.language, code)
            result.accuracy[klass][code] = score.accuracy
        result.und[klass] = overall.und
        result.microseconds[klass] = 1e6 * elapsed / max(overall.total, 1)
    result.policy = {klass: policy_figures(detector, sets[klass]) for klass in POLICY_SETS}
    return result


def policy_figures(detector: LanguageDetector, texts_by_language: dict[str, list[str]]) -> dict[str, float]:
    """What choose_language makes of these texts: as a first message (no current language, no Telegram hint),
    in a conversation held in another language (should switch), and in one held in their own (must stay)."""
    first_used = first_right = switched_right = switched_wrong = strayed = total = 0
    for code, texts in texts_by_language.items():
        other = "en" if code != "en" else "da"
        for text in texts:
            detection = detector.detect(text)
            total += 1
            first = choose_language(detection=detection, text=text, current=None, telegram_code=None,
                                    supported=LANGUAGES, default="und")
            first_used += first != "und"
            first_right += first == code
            switched = choose_language(detection=detection, text=text, current=other, telegram_code=None,
                                       supported=LANGUAGES)
            switched_right += switched == code
            switched_wrong += switched not in (code, other)
            strayed += choose_language(detection=detection, text=text, current=code, telegram_code=None,
                                       supported=LANGUAGES) != code
    return {
        "first_message_detection_used_pct": 100.0 * first_used / total,
        "first_message_precision_pct": 100.0 * first_right / max(first_used, 1),
        "switch_right_pct": 100.0 * switched_right / total,
        "switch_wrong_pct": 100.0 * switched_wrong / total,
        "false_switch_pct": 100.0 * strayed / total,
    }


# --- memory, in a fresh process -------------------------------------------------------------------------


def probe(kind: str, data: Path) -> dict[str, float]:
    """Runs inside the subprocess: load one detector, warm it up, report RSS in MB."""
    import psutil

    start = time.perf_counter()
    detect = build_probe_detector(kind)
    built = time.perf_counter() - start
    warm_up(detect, data)
    return {"rss_mb": psutil.Process().memory_info().rss / 2**20, "build_s": built,
            "ready_s": time.perf_counter() - start}


def build_probe_detector(kind: str) -> Callable[[str], object]:
    if kind in BACKENDS:
        return LanguageDetector(LANGUAGES, backend=kind).detect
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = (IsoCode639_1.from_str(code) for code in LANGUAGES)
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    if kind == "lingua-raw-preloaded":
        builder = builder.with_preloaded_language_models()
    elif kind == "lingua-raw-low-accuracy":
        builder = builder.with_low_accuracy_mode()
    return builder.build().detect_language_of


BARE_PROBE = ("import json, psutil; rss = psutil.Process().memory_info().rss / 2**20; "
              "print(json.dumps({'rss_mb': rss, 'build_s': 0.0, 'ready_s': 0.0}))")


def memory_of(kind: str, data: Path) -> dict[str, float]:
    """RSS of a fresh interpreter; 'bare' imports nothing but psutil, the baseline of the others."""
    command = ([sys.executable, "-c", BARE_PROBE] if kind == "bare"
               else [sys.executable, str(Path(__file__).resolve()), "--probe", kind, "--data", str(data)])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def raw_lingua_word_pairs(kind: str, sets: dict[str, dict[str, list[str]]]) -> dict[str, float]:
    """Word-pair accuracy of a raw lingua build (no lexicon, no script rules)."""
    detect = build_probe_detector(kind)
    accuracy = {}
    for code, texts in sets["word-pairs"].items():
        score = Score()
        for text in texts:
            language = detect(text)
            score.add(language.iso_code_639_1.name.lower() if language else None, code)
        accuracy[code] = score.accuracy
    return accuracy


# --- report ---------------------------------------------------------------------------------------------


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def row(label: str, cells: Sequence[str]) -> str:
    return f"{label:6} | " + " | ".join(cells)


def print_accuracy(results: dict[str, BackendResult], limit: int | None) -> None:
    names = list(results)
    short = {"sentences": "sent", "word-pairs": "pairs", "single-words": "words"}

    def cells(figure: Callable[[BackendResult, str], float], width: int = 6, digits: int = 1) -> list[str]:
        return [" ".join(f"{figure(results[n], k):{width}.{digits}f}" for k in CLASSES) for n in names]

    print(f"Accuracy % on the shared test data ({limit or 'all'} lines per file), {len(LANGUAGES)} languages")
    print(row("", [f"{name:<20}" for name in names]))
    print(row("lang", [" ".join(f"{short[k]:>6}" for k in CLASSES) for _ in names]))
    for code in LANGUAGES:
        print(row(code, cells(lambda result, klass, code=code: result.accuracy[klass][code])))
    print(row("mean", cells(lambda result, klass: mean(list(result.accuracy[klass].values())))))
    print(row("min", cells(lambda result, klass: min(result.accuracy[klass].values()))))
    print(row("und %", cells(lambda result, klass: result.und[klass])))
    print(row("µs", cells(lambda result, klass: result.microseconds[klass], digits=0)))


def print_chat(results: dict[str, BackendResult]) -> None:
    names = list(results)
    print("\nAccuracy % on our chat-style messages (tests/data/chat_messages)")
    print(row("lang", [f"{name:>10}" for name in names]))
    for code in LANGUAGES:
        print(row(code, [f"{results[n].accuracy['chat'][code]:10.1f}" for n in names]))
    print(row("mean", [f"{mean(list(results[n].accuracy['chat'].values())):10.1f}" for n in names]))
    print(row("und %", [f"{results[n].und['chat']:10.1f}" for n in names]))
    print(row("µs", [f"{results[n].microseconds['chat']:10.0f}" for n in names]))
    print_policy(results)


def print_policy(results: dict[str, BackendResult]) -> None:
    print("\nPolicy (choose_language): first message → detection used % / right %; conversation in another "
          "language → switched rightly % / wrongly %; conversation in the text's own language → left it %")
    for name, result in results.items():
        for klass, policy in result.policy.items():
            used, right = policy["first_message_detection_used_pct"], policy["first_message_precision_pct"]
            print(f"  {name:10} {klass:12} first {used:5.1f} / {right:5.1f}   "
                  f"switch {policy['switch_right_pct']:5.1f} / {policy['switch_wrong_pct']:4.1f}   "
                  f"left own {policy['false_switch_pct']:4.1f}")


def print_memory(memory: dict[str, dict[str, float]], variants: dict[str, dict[str, float]]) -> None:
    print(f"\nMemory (RSS of a fresh process, detector loaded and warmed up on all {len(LANGUAGES)} languages)")
    bare = memory["bare"]["rss_mb"]
    for kind, figures in memory.items():
        extra = f"  (+{figures['rss_mb'] - bare:.0f} MB over bare)" if kind != "bare" else ""
        print(f"  {kind:24} {figures['rss_mb']:7.1f} MB  build {figures['build_s']:.2f} s, "
              f"ready {figures['ready_s']:.2f} s{extra}")
    print("\nRaw lingua builds (no lexicon, no script rules): word-pair accuracy, memory")
    for kind, figures in variants.items():
        print(f"  {kind:24} mean {figures['word_pairs_mean']:5.1f}%  min {figures['word_pairs_min']:5.1f}%  "
              f"RSS {figures['rss_mb']:6.1f} MB  ready {figures['ready_s']:.2f} s")


def print_targets(results: dict[str, BackendResult]) -> None:
    print("\nTargets: word pairs mean ≥ 95% with no language below 85%; RSS with the detector ≤ 300 MB")
    for name, result in results.items():
        pairs = list(result.accuracy["word-pairs"].values())
        rss = result.rss_mb
        rss_text = f"{rss:.0f} MB {mark(rss <= TARGET_RSS_MB)}" if rss is not None else "not measured"
        print(f"  {name:10} mean {mean(pairs):5.1f}% {mark(mean(pairs) >= TARGET_WORD_PAIRS_MEAN)}, "
              f"min {min(pairs):5.1f}% {mark(min(pairs) >= TARGET_WORD_PAIRS_MIN)}, RSS {rss_text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="lines per file at most (default: all)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated (default: all)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared langid test data")
    parser.add_argument("--probe", help=argparse.SUPPRESS)  # internal: memory of one detector
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, args.data)))
        return 0

    sets = load_sets(args.data, args.limit)
    results: dict[str, BackendResult] = {}
    for name in args.backends.split(","):
        detector = LanguageDetector(LANGUAGES, backend=name)
        warm_up(detector.detect, args.data)
        results[name] = measure(detector, sets)

    memory: dict[str, dict[str, float]] = {}
    variants: dict[str, dict[str, float]] = {}
    if not args.no_memory:
        for kind in ("bare", *results):
            memory[kind] = memory_of(kind, args.data)
            if kind in results:
                results[kind].rss_mb = memory[kind]["rss_mb"]
        for kind in LINGUA_VARIANTS:
            pairs = raw_lingua_word_pairs(kind, sets)
            variants[kind] = {**memory_of(kind, args.data), "word_pairs_mean": mean(list(pairs.values())),
                              "word_pairs_min": min(pairs.values())}

    print_accuracy(results, args.limit)
    print_chat(results)
    if memory:
        print_memory(memory, variants)
    print_targets(results)
    if args.json:
        figures = {"limit": args.limit, "languages": LANGUAGES, "memory": memory, "lingua_variants": variants,
                   "backends": {name: asdict(result) for name, result in results.items()}}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
