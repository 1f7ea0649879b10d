"""Benchmark of the danger lexicon (bot/danger.py, content/danger/) on a labelled test set.

    python bench/danger.py [--data DIR]... [--lexicon DIR] [--misses]

The test set has one file per language, <code>.yml, with lists of messages:
    danger: [...]      someone is in danger now (a bystander's words too)
    self_harm: [...]   the person may harm themselves
    child: [...]       the person says they are under 18 (may be missing or empty)
    ordinary: [...]    everything else: questions about rights, pay, papers, the police, shelter …

The detector measured is the app's (bot/safety.py): the lexicon, and the danger net (bot/danger_net.py) where the
lexicon has nothing to say; `--lexicon-only` measures the lexicon alone (for tuning it).
Per language: recall (danger and self-harm messages with any hit), self-harm recall (self-harm messages
classified SELF_HARM), child recall (child messages with any hit), the false-alarm rate (ordinary messages with
any hit) and the mean time per message. Targets: recall ≥ 0.98 and false alarms ≤ 2 % per language; each
language is marked MEETS or MISSES. Always exits 0: it measures, the unit tests decide.
`--misses` prints the messages that missed or fired wrongly (they are test data, not a person's words).
`--nlu URL` (a Rasa server with the model, e.g. `rasa run --enable-api -p 5205`) also counts what the NLU's `danger`
intent alone would add beyond the detector: the danger messages it finds that the detector missed and the ordinary
messages it fires on (the app asks those, screening/questionnaire.py DANGER_CHECK; before, each was a P1).
`--data` given more than once pools the sets, language by language (`make bench-danger`: each blind set alone,
then both: with 37 danger and self-harm messages per language in one set, 0.98 means none missed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.danger import LEXICON_DIR, Cue, DangerLexicon  # noqa: E402
from bot.danger_net import NET_FILE, DangerNet  # noqa: E402

DEFAULT_DATA = ROOT / "tests" / "data" / "danger"
TARGET_RECALL = 0.98
TARGET_FALSE_ALARMS = 0.02
KINDS = ("danger", "self_harm", "child", "ordinary")


@dataclass
class Result:
    n_danger: int = 0  # danger + self-harm messages
    found: int = 0
    n_self_harm: int = 0
    self_harm: int = 0
    n_child: int = 0
    child: int = 0
    n_ordinary: int = 0
    false_alarms: int = 0
    seconds: float = 0.0
    messages: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Result) -> None:
        for name in ("n_danger", "found", "n_self_harm", "self_harm", "n_child", "child", "n_ordinary",
                     "false_alarms", "seconds", "messages"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def recall(self) -> float | None:
        return self.found / self.n_danger if self.n_danger else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.n_ordinary if self.n_ordinary else None

    @property
    def meets(self) -> bool:
        recall, false_alarms = self.recall, self.false_alarm_rate
        return ((recall is None or recall >= TARGET_RECALL)
                and (false_alarms is None or false_alarms <= TARGET_FALSE_ALARMS))


def read_set(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a mapping with the keys {', '.join(KINDS)}")
    return {kind: [str(text) for text in data.get(kind) or []] for kind in KINDS}


def pooled(directories: list[Path]) -> dict[str, dict[str, list[str]]]:
    """Each language's messages from every directory's <code>.yml, in order, by language code."""
    sets: dict[str, dict[str, list[str]]] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
            messages = sets.setdefault(path.stem, {kind: [] for kind in KINDS})
            for kind, texts in read_set(path).items():
                messages[kind].extend(texts)
    return dict(sorted(sets.items()))


@dataclass(frozen=True)
class Heard:
    cue: Cue
    by: str  # "lexicon" or "net"


@dataclass(frozen=True)
class Detector:
    lexicon: DangerLexicon
    net: DangerNet | None  # None: the lexicon alone

    def hear(self, text: str) -> Heard | None:
        """As bot/safety.py decides: the lexicon's hit, else the net's where the lexicon has nothing to say."""
        if self.net is None:
            hit = self.lexicon.match(text)
            return Heard(hit.cue, "lexicon") if hit else None
        listened = self.lexicon.listen(text)  # as the gateway hears it: one pass for the hits and the mentions
        if listened.heard:
            return Heard(listened.heard[0][0], "lexicon")
        cue = self.net.cue_beside(listened, text)
        return Heard(cue, "net") if cue is not None else None

    def named(self, text: str, heard: Heard) -> str:
        """Who fired, for --misses: "<language>:<rule>" of the lexicon, or "net". Asked outside the timing."""
        hit = self.lexicon.match(text) if heard.by == "lexicon" else None
        return f"{hit.language}:{hit.rule}" if hit else heard.by


def timed(detector: Detector, text: str, result: Result) -> Heard | None:
    start = time.perf_counter()
    hit = detector.hear(text)
    result.seconds += time.perf_counter() - start
    result.messages += 1
    return hit


def measure(detector: Detector, messages: dict[str, list[str]]) -> Result:
    result = Result()
    for kind in ("danger", "self_harm"):
        for text in messages[kind]:
            hit = timed(detector, text, result)
            result.n_danger += 1
            result.found += hit is not None
            if kind == "self_harm":
                result.n_self_harm += 1
                result.self_harm += hit is not None and hit.cue is Cue.SELF_HARM
            if hit is None or (kind == "self_harm" and hit.cue is not Cue.SELF_HARM):
                result.misses.append(f"missed {kind}: {text}" + (f"  [{hit.cue}]" if hit else ""))
    for text in messages["child"]:
        hit = timed(detector, text, result)
        result.n_child += 1
        result.child += hit is not None
        if hit is None:
            result.misses.append(f"missed child: {text}")
    for text in messages["ordinary"]:
        hit = timed(detector, text, result)
        result.n_ordinary += 1
        result.false_alarms += hit is not None
        if hit is not None:
            result.misses.append(f"false alarm: {text}  [{hit.cue} {detector.named(text, hit)}]")
    return result


def ratio(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def row(name: str, result: Result, verdict: str) -> str:
    per_message = 1e6 * result.seconds / result.messages if result.messages else 0.0
    self_harm = result.self_harm / result.n_self_harm if result.n_self_harm else None
    child = result.child / result.n_child if result.n_child else None
    false_alarms = result.false_alarm_rate
    fa = "    -" if false_alarms is None else f"{100 * false_alarms:4.1f}%"
    return (f"{name:8} {result.n_danger:5} {ratio(result.recall):>6} {ratio(self_harm):>6} {ratio(child):>6} "
            f"{result.n_ordinary:5} {fa:>6} {per_message:8.1f}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append",
                        help="test-set directory (<code>.yml files); several are pooled (default: tests/data/danger)")
    parser.add_argument("--lexicon", type=Path, default=LEXICON_DIR, help="lexicon directory")
    parser.add_argument("--misses", action="store_true", help="print the messages that missed or fired wrongly")
    parser.add_argument("--lexicon-only", action="store_true", help="the lexicon alone, without the danger net")
    parser.add_argument("--nlu", metavar="URL", help="a Rasa server: count the NLU's danger intent beyond the detector")
    args = parser.parse_args(argv)

    directories = args.data or [DEFAULT_DATA]
    sets = pooled(directories)
    if not sets:
        print(f"no test set in {', '.join(map(str, directories))} (<code>.yml files)")
        return 0
    start = time.perf_counter()
    lexicon = DangerLexicon.load(args.lexicon)
    net = None if args.lexicon_only else DangerNet.load(NET_FILE)
    detector = Detector(lexicon, net)
    print(f"lexicon: {len(lexicon.languages)} languages{'' if net is None else ', and the danger net'}, loaded in "
          f"{1e3 * (time.perf_counter() - start):.0f} ms")
    print(f"targets: recall ≥ {TARGET_RECALL:.2f}, false alarms ≤ {100 * TARGET_FALSE_ALARMS:.0f} % per language\n")
    print(f"{'language':8} {'n':>5} {'recall':>6} {'self-h':>6} {'child':>6} {'n ord':>5} {'false':>6} "
          f"{'µs/msg':>8}")
    total = Result()
    for language, messages in sets.items():
        result = measure(detector, messages)
        total.add(result)
        print(row(language, result, "MEETS" if result.meets else "MISSES"))
        if args.misses:
            for line in result.misses:
                print(f"    {line}")
    print(row("overall", total, "MEETS" if total.meets else "MISSES"))
    if args.nlu:
        print(nlu_beyond(detector, sets, args.nlu))
    return 0


def nlu_beyond(detector: Detector, sets: dict[str, dict[str, list[str]]], url: str) -> str:
    """What the NLU's `danger` intent (Rasa's /model/parse at `url`) adds to the detector, over every language."""
    def nlu_danger(text: str) -> bool:
        request = urllib.request.Request(f"{url.rstrip('/')}/model/parse", json.dumps({"text": text}).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["intent"]["name"] == "danger"

    missed = [text for messages in sets.values() for kind in ("danger", "self_harm") for text in messages[kind]
              if detector.hear(text) is None]
    quiet = [text for messages in sets.values() for text in messages["ordinary"] if detector.hear(text) is None]
    n_danger = sum(len(m["danger"]) + len(m["self_harm"]) for m in sets.values())
    n_ordinary = sum(len(m["ordinary"]) for m in sets.values())
    found, fired = sum(map(nlu_danger, missed)), sum(map(nlu_danger, quiet))
    return (f"\nthe NLU's danger intent beyond the detector: finds {found} of the {n_danger} danger and self-harm "
            f"messages ({len(missed)} missed), fires on {fired} of the {n_ordinary} ordinary ones "
            f"({100 * fired / max(n_ordinary, 1):.1f} %)")


if __name__ == "__main__":
    raise SystemExit(main())
