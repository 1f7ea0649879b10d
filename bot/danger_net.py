"""The danger net: a trained second net beside the danger lexicon (bot/danger.py).

The lexicon hears the phrases it lists; people in danger write in words nobody listed, with typos, without
diacritics, in a language the conversation is not in. The net is a logistic regression over character n-grams
and word n-grams, trained on the tuning sets (tools/train_danger_net.py, `make danger-net`), stored as data in
content/danger_net.json and computed here in pure Python: the character n-grams (2–5 letters, within words
padded by a space, as scikit-learn's `char_wb` makes them) and the word n-grams (one and two words in a row, as
its `word` analyser makes them), each kind's TF-IDF (1 + ln count, times idf, scaled to length 1), and the
logistic function of their weighted sum. The letters hear a word misspelt or bent; the words hear which words
stand together ("he is coming" against "he is coming to visit"). It answers one question, "danger or self-harm
now?", with a probability; a message at or above the trained threshold counts as danger (bot/safety.py). It is
asked only where the lexicon has nothing to say (no rule's words at all, not even taken back by a negation or
told as over: then the lexicon's judgement stands) and only about a message of three words or more (eight
letters in Thai or Chinese): "help" alone is a request for help, not danger, and a word or two gives the net too
little to judge. A second net of the same kind, trained on the danger and self-harm messages alone, then tells
self-harm from danger, so that the reply to a goodbye letter nobody listed names the suicide-prevention line too.
It never names words, and nothing here logs.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.danger import Cue, Listened

NET_FILE = Path(__file__).resolve().parent.parent / "content" / "danger_net.json"
MIN_WORDS = 3
MIN_UNSPACED_LETTERS = 8  # Thai and Chinese, written without spaces
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3400-\u9fff]")


def folded(text: str) -> str:
    """Lower case without combining marks (diacritics, tones, Thai vowel signs), as in training."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


_WORD = re.compile(r"\b\w+\b")  # scikit-learn's token pattern, one-letter words kept


def ngrams(text: str, smallest: int, largest: int) -> Counter[str]:
    """scikit-learn's `char_wb` n-grams: within each word padded with a space; a word shorter than n once."""
    grams: Counter[str] = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in range(smallest, largest + 1):
            if len(padded) <= n:
                grams[padded] += 1
                break
            for start in range(len(padded) - n + 1):
                grams[padded[start:start + n]] += 1
    return grams


def word_ngrams(text: str, smallest: int, largest: int) -> Counter[str]:
    """scikit-learn's `word` n-grams: runs of `smallest` to `largest` words, joined by one space."""
    words = _WORD.findall(text)
    return Counter(" ".join(words[start:start + n]) for n in range(smallest, largest + 1)
                   for start in range(len(words) - n + 1))


def weighed(counts: Counter[str], known: dict[str, tuple[float, float]]) -> float:
    """One kind's part of the score: its TF-IDF vector, scaled to length 1, times the weights."""
    weighted, squares = 0.0, 0.0
    for gram, count in counts.items():
        if (idf_weight := known.get(gram)) is None:
            continue
        idf, weight = idf_weight
        value = (1.0 + math.log(count)) * idf
        weighted += value * weight
        squares += value * value
    return weighted / math.sqrt(squares) if squares else 0.0


@dataclass(frozen=True)
class DangerNet:
    grams: dict[str, tuple[float, float]]  # character n-gram: (idf, weight)
    words: dict[str, tuple[float, float]]  # word n-gram: (idf, weight)
    intercept: float
    threshold: float
    letters: tuple[int, int]  # the character n-grams' sizes
    word_sizes: tuple[int, int]
    self_harm: DangerNet | None = None  # the second net: self-harm rather than danger, for a message heard

    @classmethod
    @cache  # one copy per file for the process: it is read-only, and every app instance of the tests loads it
    def load(cls, path: Path = NET_FILE) -> DangerNet:
        return cls.of(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def of(cls, data: dict) -> DangerNet:
        return cls({gram: (idf, weight) for gram, (idf, weight) in data["grams"].items()},
                   {words: (idf, weight) for words, (idf, weight) in data["words"].items()},
                   float(data["intercept"]), float(data["threshold"]), tuple(data["ngram_range"]),
                   tuple(data["word_ngram_range"]), cls.of(data["self_harm"]) if "self_harm" in data else None)

    def probability(self, text: str) -> float:
        text = folded(text)
        score = (self.intercept + weighed(ngrams(text, *self.letters), self.grams)
                 + weighed(word_ngrams(text, *self.word_sizes), self.words))
        return 1.0 / (1.0 + math.exp(-score))

    def heard(self, text: str) -> bool:
        """Danger or self-harm now, in the net's judgement; False for a message too short to judge."""
        return long_enough(text) and self.probability(text) >= self.threshold

    def hears_beside(self, listened: Listened, text: str) -> bool:
        """Danger where the lexicon (`listened`: what it heard in `text`) found no hit: only when none of its
        danger or self-harm words are there at all (not even taken back), and the net hears danger."""
        return not listened.heard and not listened.mentions_danger and self.heard(text)

    def cue_beside(self, listened: Listened, text: str) -> Cue | None:
        """What the nets hear where the lexicon found no hit (see `hears_beside`): self-harm when the second net
        tells it apart, else danger; None when the first net hears nothing."""
        if not self.hears_beside(listened, text):
            return None
        if self.self_harm is not None and self.self_harm.probability(text) >= self.self_harm.threshold:
            return Cue.SELF_HARM
        return Cue.DANGER


def long_enough(text: str) -> bool:
    words = text.split()
    if len(words) >= MIN_WORDS:
        return True
    return len(_UNSPACED.findall(text)) >= MIN_UNSPACED_LETTERS
