"""Benchmark of the first-message language policy: is the first reply in the person's language?

    python bench/first_message.py [--backend lingua] [--data DIR] [--sweep] [--json FILE]

Each message of tests/data/first_messages/<code>.yml is sent as the first message of a new conversation
through the real path (LanguageDetector → ConversationLanguage → bot/language_policy.py, with the texts of
content/ and a store kept in memory), with its device hint (Telegram's language_code or the browser's). A
message is answered in the right language when the language of the first reply is the file's language; the
row is the "is this your language?" message with the likely languages. Figures:
1. per language and overall: right %, row %, the right language among the buttons when the reply is wrong,
   right % of the messages with a hint in another language, and the policy before this change for
   comparison (confident detection, else the hint, else English);
2. whole conversations: a one-word greeting ("hi", "hej") then a message in language X: is the second reply
   in X? And two messages of X in a row: are both replies in X?
3. our chat-style messages (tests/data/chat_messages) without a hint and with one in their own language, and
   the shared test data (word pairs, no hint), each line as a first message: right % and row %;
4. with --sweep, how the clear-lead margin was chosen: for a difference and a ratio of the two best
   confidences, the share of texts answered wrongly without a row and the share that gets a row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.conversation_language import ConversationLanguage, Said  # noqa: E402
from bot.language import Detection, LanguageDetector, letter_count  # noqa: E402
from bot.language_backends import DEFAULT_BACKEND  # noqa: E402
from bot.language_policy import FIRST_MIN_CONFIDENCE, FIRST_MIN_LETTERS, choose_language  # noqa: E402
from core.config import CONTENT_DIR, load_languages  # noqa: E402
from core.texts import Texts  # noqa: E402
from core.vocabulary import LanguageGuess, State  # noqa: E402
from handover.store import ConversationState  # noqa: E402

FIRST_MESSAGES = ROOT / "tests" / "data" / "first_messages"
CHAT_MESSAGES = ROOT / "tests" / "data" / "chat_messages"
DEFAULT_DATA = Path(os.environ.get("HAVN_LANGID_DATA", ROOT.parent / "shared" / "data" / "langid"))
GREETINGS = ("hi", "hej")
TARGET_OVERALL = 98.0
TARGET_EACH = 90.0
SWEEP_DIFFERENCES = (0.2, 0.3, 0.4, 0.5, 0.6)
SWEEP_RATIOS = (1.5, 2.0, 3.0, 4.0, 6.0)


@dataclass(frozen=True)
class Sample:
    language: str
    text: str
    hint: str | None = None


class MemoryStore:
    """What ConversationLanguage writes, kept in memory: the bench needs no database."""

    def __init__(self) -> None:
        # conversation id → language, chosen, guess
        self.language: dict[str, tuple[str, bool, LanguageGuess | None]] = {}

    async def set_language(self, conversation_id: str, language: str, chosen: bool,
                           guess: LanguageGuess | None = None) -> None:
        self.language[conversation_id] = (language, chosen, None if chosen else guess)


@dataclass
class Conversation:
    """One simulated conversation: the turns a person sends and the language each reply is written in."""

    language: ConversationLanguage
    store: MemoryStore
    state: ConversationState | None = None
    replies: list[str] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)  # the row's payload languages per turn

    async def say(self, text: str, hint: str | None) -> None:
        said = Said(text, None, hint)
        detection = self.language.detect(said)
        if self.state is None:  # as handover/store.py `receive` creates it
            self.state = ConversationState("c", State.BOT, self.language.for_new(said, detection), False,
                                           new=True, language_guess=LanguageGuess.WEAK)
        turn = await self.language.for_turn(self.state, said, detection)
        self.replies.append(turn.language)
        self.rows.append(tuple(b.payload.split(":", 1)[1] for m in turn.row for b in m.buttons))
        language, chosen, guess = self.store.language.get(
            "c", (self.state.language, self.state.language_chosen, self.state.language_guess))
        self.state = replace(self.state, language=language, language_chosen=chosen, language_guess=guess,
                             new=False)


def load_samples(folder: Path, languages: Sequence[str]) -> dict[str, list[Sample]]:
    samples = {}
    for code in languages:
        items = yaml.safe_load((folder / f"{code}.yml").read_text(encoding="utf-8"))
        samples[code] = [Sample(code, str(item["text"]), item.get("hint")) for item in items]
    return samples


def before(detection: Detection, text: str, hint: str | None, supported: Sequence[str]) -> str:
    """The first-message rule this policy replaced (kept here only to compare): a confident detection,
    else the device's hint, else English."""
    sure = detection.confidence >= 1.0 or (detection.confidence >= FIRST_MIN_CONFIDENCE
                                           and letter_count(text) >= FIRST_MIN_LETTERS)
    if detection.language and sure:
        return detection.language
    return hint if hint in supported else "en"


def pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


async def first_messages(make: Callable[[], Conversation], detector: LanguageDetector,
                         samples: dict[str, list[Sample]], supported: Sequence[str]) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    totals = {"n": 0, "right": 0, "row": 0, "rescued": 0, "wrong": 0, "foreign": 0, "foreign_right": 0,
              "before": 0}
    for code, items in samples.items():
        counts = dict.fromkeys(totals, 0)
        for sample in items:
            conversation = make()
            await conversation.say(sample.text, sample.hint)
            right = conversation.replies[0] == code
            row = conversation.rows[0]
            foreign = sample.hint is not None and sample.hint != code
            counts["n"] += 1
            counts["right"] += right
            counts["row"] += bool(row)
            counts["wrong"] += not right
            counts["rescued"] += not right and code in row
            counts["foreign"] += foreign
            counts["foreign_right"] += foreign and right
            counts["before"] += before(detector.detect(sample.text), sample.text, sample.hint, supported) == code
        for key, value in counts.items():
            totals[key] += value
        figures[code] = summarise(counts)
    figures["all"] = summarise(totals)
    return figures


def summarise(counts: dict[str, int]) -> dict[str, float]:
    return {"n": counts["n"], "right_pct": pct(counts["right"], counts["n"]),
            "row_pct": pct(counts["row"], counts["n"]), "wrong": counts["wrong"],
            "wrong_with_right_button": counts["rescued"],
            "foreign_hint_right_pct": pct(counts["foreign_right"], counts["foreign"]),
            "before_right_pct": pct(counts["before"], counts["n"])}


async def conversations(make: Callable[[], Conversation], detector: LanguageDetector,
                        samples: dict[str, list[Sample]], supported: Sequence[str]) -> dict[str, dict[str, float]]:
    """Second reply in X after a greeting (and before this change: the greeting's language confirmed, left
    only by the switch rule); both replies in X after two messages of X."""
    figures: dict[str, dict[str, float]] = {}
    for code, items in samples.items():
        row: dict[str, float] = {}
        for greeting in GREETINGS:
            right = right_before = 0
            for sample in items:
                conversation = make()
                await conversation.say(greeting, sample.hint)
                await conversation.say(sample.text, sample.hint)
                right += conversation.replies[1] == code
                right_before += choose_language(detection=detector.detect(sample.text), text=sample.text,
                                                current=conversation.replies[0], telegram_code=sample.hint,
                                                supported=supported) == code
            row[greeting] = pct(right, len(items))
            row[f"{greeting} before"] = pct(right_before, len(items))
        both = second_right = 0
        for first, second in zip(items, items[1:] + items[:1], strict=True):
            conversation = make()
            await conversation.say(first.text, first.hint)
            await conversation.say(second.text, first.hint)
            both += conversation.replies == [code, code]
            second_right += conversation.replies[1] == code
        row["both"] = pct(both, len(items))
        row["second"] = pct(second_right, len(items))
        figures[code] = row
    total = sum(map(len, samples.values()))
    figures["all"] = {key: sum(r[key] * len(samples[c]) for c, r in figures.items()) / total
                      for key in figures[next(iter(figures))]}
    return figures


async def chat_messages(make: Callable[[], Conversation], languages: Sequence[str]) -> dict[str, dict[str, float]]:
    """Our chat-style messages (with the transliterated ones) as first messages, without a hint and with a
    hint in their own language."""
    figures: dict[str, dict[str, float]] = {}
    for code in languages:
        lines = [line.strip() for line in (CHAT_MESSAGES / f"{code}.txt").read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        row: dict[str, float] = {"n": len(lines)}
        for label, hint in (("none", None), ("own", code)):
            right = offered = 0
            for line in lines:
                conversation = make()
                await conversation.say(line, hint)
                right += conversation.replies[0] == code
                offered += bool(conversation.rows[0])
            row[f"{label}_right_pct"] = pct(right, len(lines))
            row[f"{label}_row_pct"] = pct(offered, len(lines))
        figures[code] = row
    total = sum(row["n"] for row in figures.values())
    figures["all"] = {key: sum(row[key] * row["n"] for row in figures.values()) / total
                      for key in figures[languages[0]]} | {"n": total}
    return figures


async def shared_word_pairs(make: Callable[[], Conversation], data: Path,
                            languages: Sequence[str]) -> dict[str, dict[str, float]] | None:
    folder = data / "word-pairs"
    if not folder.is_dir():
        return None
    figures = {}
    for code in languages:
        lines = [line.strip() for line in (folder / f"{code}.txt").read_text(encoding="utf-8").splitlines()]
        right = row = 0
        for line in filter(None, lines):
            conversation = make()
            await conversation.say(line, None)
            right += conversation.replies[0] == code
            row += bool(conversation.rows[0])
        n = len(list(filter(None, lines)))
        figures[code] = {"n": n, "right_pct": pct(right, n), "row_pct": pct(row, n)}
    return figures


def sweep(detector: LanguageDetector, texts: list[tuple[str, str]]) -> list[tuple[str, float, float, float]]:
    """For each margin: % of texts answered wrongly without a row, % that get a row (first message, no hint;
    a detection that is sure or has one candidate is answered without a row whatever the margin)."""
    rows = []
    detections = [(code, text, detector.detect(text)) for code, text in texts]
    measures: dict[str, Callable[[float, float], float]] = {
        "difference": lambda best, second: best - second,
        "ratio": lambda best, second: best / second if second else float("inf"),
    }
    for name, thresholds in (("difference", SWEEP_DIFFERENCES), ("ratio", SWEEP_RATIOS)):
        for threshold in thresholds:
            silent = offered = 0
            for code, text, detection in detections:
                if detection.language is None:
                    continue
                letters = letter_count(text)
                sure = detection.confidence >= 1.0 or (detection.confidence >= FIRST_MIN_CONFIDENCE
                                                       and letters >= FIRST_MIN_LETTERS)
                second = detection.ranking[1][1] if len(detection.ranking) > 1 else 0.0
                lead = letters >= FIRST_MIN_LETTERS and measures[name](detection.confidence, second) >= threshold
                if sure or lead or len(detection.ranking) < 2:
                    silent += detection.language != code
                else:
                    offered += 1
            rows.append((name, threshold, pct(silent, len(texts)), pct(offered, len(texts))))
    return rows


def print_first(figures: dict[str, dict[str, float]]) -> None:
    print("First message of a new conversation (tests/data/first_messages): reply in the right language")
    print(f"{'lang':5} {'n':>4} {'right %':>8} {'row %':>6} {'wrong':>6} {'in row':>7} {'foreign hint right %':>21}"
          f" {'before %':>9}")
    for code, row in figures.items():
        print(f"{code:5} {row['n']:4.0f} {row['right_pct']:8.1f} {row['row_pct']:6.1f} {row['wrong']:6.0f} "
              f"{row['wrong_with_right_button']:7.0f} {row['foreign_hint_right_pct']:21.1f} "
              f"{row['before_right_pct']:9.1f}")
    print("  wrong: replies in another language; in row: of those, how many offer the right language as a button")
    print("  before: the rule this replaced (confident detection, else the hint, else English)")


def print_conversations(figures: dict[str, dict[str, float]]) -> None:
    print("\nWhole conversations: % whose replies are in language X")
    print(f"{'lang':5} " + " ".join(f"{'“' + g + '” then X':>12} {'before':>7}" for g in GREETINGS)
          + f" {'X then X: both':>15} {'second':>7}")
    for code, row in figures.items():
        print(f"{code:5} " + " ".join(f"{row[g]:12.1f} {row[g + ' before']:7.1f}" for g in GREETINGS)
              + f" {row['both']:15.1f} {row['second']:7.1f}")
    print("  “hi” then X: the second reply is in X (before: with the rules this replaced); X then X: each message "
          "with the next one of its file (and its hint), both replies in X, the second reply in X")


def print_chat(figures: dict[str, dict[str, float]]) -> None:
    print("\nOur chat-style messages (tests/data/chat_messages, 3 transliterated lines each for bg/uk/ru, 2 for ar) "
          "as first messages: right % / row %")
    print(f"{'lang':5} {'n':>4} {'no hint':>15} {'own-language hint':>19}")
    for code, row in figures.items():
        print(f"{code:5} {row['n']:4.0f} {row['none_right_pct']:7.1f} / {row['none_row_pct']:5.1f} "
              f"{row['own_right_pct']:11.1f} / {row['own_row_pct']:5.1f}")


def print_pairs(figures: dict[str, dict[str, float]] | None, data: Path) -> None:
    if figures is None:
        print(f"\nShared word pairs: not found at {data} (set HAVN_LANGID_DATA)")
        return
    rights = [row["right_pct"] for row in figures.values()]
    rows = [row["row_pct"] for row in figures.values()]
    n = sum(row["n"] for row in figures.values())
    print(f"\nShared word pairs ({n:.0f} texts, no hint) as first messages: "
          f"right % mean {sum(rights) / len(rights):.1f}, "
          f"lowest {min(rights):.1f} ({min(figures, key=lambda c: figures[c]['right_pct'])}); "
          f"row % mean {sum(rows) / len(rows):.1f}")


def print_sweep(rows: list[tuple[str, float, float, float]], label: str) -> None:
    print(f"\nClear-lead margin on {label}: % of texts answered wrongly without a row / % that get a row")
    for name, threshold, silent, offered in rows:
        print(f"  {name:10} ≥ {threshold:4.1f}   wrong without row {silent:5.2f} %   row {offered:5.1f} %")


def verdict(figures: dict[str, dict[str, float]]) -> bool:
    overall = figures["all"]["right_pct"]
    lowest = min(row["right_pct"] for code, row in figures.items() if code != "all")
    ok = overall >= TARGET_OVERALL and lowest >= TARGET_EACH
    print(f"\nTarget: ≥ {TARGET_OVERALL:.0f} % overall, no language below {TARGET_EACH:.0f} %: "
          f"overall {overall:.1f} %, "
          f"lowest {lowest:.1f} % → {'MEETS' if ok else 'MISSES'}")
    return ok


async def run(args: argparse.Namespace) -> int:
    languages, default = load_languages(CONTENT_DIR)
    texts = Texts(CONTENT_DIR, languages, default)
    detector = LanguageDetector(languages, backend=args.backend)
    detector.warm_up()

    def make() -> Conversation:
        store = MemoryStore()
        return Conversation(ConversationLanguage(detector, texts, store), store)  # type: ignore[arg-type]

    samples = load_samples(FIRST_MESSAGES, languages)
    first = await first_messages(make, detector, samples, languages)
    whole = await conversations(make, detector, samples, languages)
    chat = await chat_messages(make, languages)
    pairs = await shared_word_pairs(make, args.data, languages)
    print_first(first)
    print_conversations(whole)
    print_chat(chat)
    print_pairs(pairs, args.data)
    if args.sweep:
        print_sweep(sweep(detector, [(s.language, s.text) for items in samples.values() for s in items]),
                    "our first messages")
        folder = args.data / "word-pairs"
        if folder.is_dir():
            pair_texts = [(code, line.strip()) for code in languages
                          for line in (folder / f"{code}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
            print_sweep(sweep(detector, pair_texts), "the shared word pairs")
    ok = verdict(first)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"first_messages": first, "conversations": whole, "chat_messages": chat,
                                         "word_pairs": pairs},
                                        indent=2), encoding="utf-8")
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default=DEFAULT_BACKEND)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared langid test data")
    parser.add_argument("--sweep", action="store_true", help="also show how the clear-lead margin was chosen")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
