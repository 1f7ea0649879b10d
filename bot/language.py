"""Language detection for short chat messages (the policy that picks a conversation's language from a
detection is in bot/language_policy.py, the statistical backends in bot/language_backends.py).

`LanguageDetector.detect` works in layers, cheapest and most certain first:
1. the short-word lexicon (content/language/short_words.yml): a whole message that is a greeting or a call for
   help detects with confidence 1.0; a neutral word ("ok", "yes", a place name) detects as nothing;
2. messages without letters (numbers, phone numbers, emoji) and a lone capitalised word (most likely a name)
   detect as nothing;
3. the writing system: a script that only one supported language uses (Thai, Han without kana, Arabic when
   Arabic is the only supported Arabic-script language) is certain; otherwise it narrows the candidates
   (Cyrillic → the supported Cyrillic languages, Latin → the supported Latin-script ones);
4. Vietnamese by its letters and syllable shapes, also when typed without tone marks;
5. a statistical backend (lingua or langdetect, bot/language_backends.py) restricted to the supported
   languages ranks the candidates, with a few accented words (a foreign name) kept from deciding a sentence
   alone.

Statistical confidences are capped below 1.0, so 1.0 always means "lexicon or script rule". A detection also
lists its best candidates (`ranking`), which the first-message policy weighs (bot/language_policy.py).
Message text is never logged here: it may identify a person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

from bot.language_backends import BACKEND_CLASSES, BACKENDS, DEFAULT_BACKEND, Backend, NoBackend
from core.yaml_file import read_yaml_strings

LEXICON_PATH = Path(__file__).resolve().parent.parent / "content" / "language" / "short_words.yml"
LETTERS_PATH = LEXICON_PATH.parent / "letters.yml"
COMMON_WORDS_PATH = LEXICON_PATH.parent / "common_words.yml"
TYPED_IN_LATIN_PATH = LEXICON_PATH.parent / "typed_in_latin.yml"

CERTAIN = 1.0
MAX_STATISTICAL_CONFIDENCE = 0.99
MAX_RANKED_CHARS = 1000  # the language shows long before that; bounds the time a long message costs
ACCENTED_WORDS_MAX_SHARE = 1 / 4  # up to this share of accented words may be foreign names (see _rank)
# A language of another script typed in Latin letters (typed_in_latin.yml): at least this many of its words, and
# this share of the message's words.
TYPED_IN_LATIN_MIN_WORDS = 2
TYPED_IN_LATIN_MIN_SHARE = 1 / 3
IDEOGRAPH_LETTER_WEIGHT = 3  # one Han/kana/Hangul character carries about as much as three letters

# Which languages use each non-Latin script (ISO 639-1). Language facts, not the supported list: the
# supported languages are intersected with these at run time.
SCRIPT_LANGUAGES: Mapping[str, frozenset[str]] = {
    "ARABIC": frozenset({"ar", "fa", "ur", "ps", "sd", "ug"}),
    "ARMENIAN": frozenset({"hy"}),
    "BENGALI": frozenset({"bn", "as"}),
    "CYRILLIC": frozenset({"ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "mn", "tg"}),
    "DEVANAGARI": frozenset({"hi", "mr", "ne", "sa"}),
    "ETHIOPIC": frozenset({"am", "ti"}),
    "GEORGIAN": frozenset({"ka"}),
    "GREEK": frozenset({"el"}),
    "GUJARATI": frozenset({"gu"}),
    "GURMUKHI": frozenset({"pa"}),
    "HANGUL": frozenset({"ko"}),
    "HEBREW": frozenset({"he", "yi"}),
    "KANA": frozenset({"ja"}),
    "TAMIL": frozenset({"ta"}),
    "TELUGU": frozenset({"te"}),
    "THAI": frozenset({"th"}),
}
NON_LATIN_LANGUAGES = frozenset().union(*SCRIPT_LANGUAGES.values(), {"zh"})
IDEOGRAPHIC_SCRIPTS = frozenset({"HAN", "KANA", "HANGUL"})
# A script counts for the candidates when it holds at least this share of the (weighted) letters.
SCRIPT_MIN_SHARE = 0.2
# Letters that only Vietnamese uses (ơ ư ĩ ũ and the Latin Extended Additional tone letters, minus ẹ ọ
# which Yoruba also uses). Not ă (Romanian) nor đ (Croatian, Serbian).
VIETNAMESE_LETTERS = frozenset("ơưĩũ" + "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))) - frozenset("ẹọ")
VIETNAMESE_MIN_WORD_SHARE = 0.5  # a Vietnamese name in a Danish sentence must not make it Vietnamese
# Vietnamese typed without tone marks ("toi khong the ra khoi nha") defeats both backends, whose models saw
# marked text. Every Vietnamese word is one syllable of a fixed shape (initial, vowel group, final); a
# message of at least three such words almost never occurs in other languages (none of the 44,735
# non-Vietnamese texts of the shared test data, 15 languages). With a typically Vietnamese word (ng-/kh-
# initial, -nh, uo, ieu …) the shape decides; without one it decides only when the backend is unsure.
_VI_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|ieu|yeu|uoi|uou|oai|oay|oeo|uay|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy"
    r"|ya|ye|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?")
_VI_TYPICAL = re.compile(r"(?:ngh|ng|kh|gh)\w*|\w*(?:nh|uo|ieu|yeu|uye|uya|oai|oay|uay)\w*")
VIETNAMESE_MIN_WORDS = 3
VIETNAMESE_TYPICAL_CONFIDENCE = 0.9
VIETNAMESE_PLAIN_CONFIDENCE = 0.75
VIETNAMESE_PLAIN_WHEN_BACKEND_BELOW = 0.5

_URL_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|@\w+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W\d_])?")
# A word as typed in Latin letters for another script, digits included: Arabizi writes letters Latin lacks as
# digits, at either end of a word too ("3andi", "sa3dni", "ma3a", "4to" for что).
_TYPED_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_REPEATS = re.compile(r"(.)\1{2,}")
# A word typed with digits for letters: lower-case Latin letters (the first may be a capital) and single digits.
_TYPED_FOR_LETTERS = re.compile(r"[A-Za-z0-9]?(?:[a-z]|(?<![0-9])[0-9](?![0-9]))*")
# A character typed for a letter Latin lacks, between two letters: a digit ("ma3a", "4asa"), or a q that is not
# the qu of Latin-script languages, next to a vowel or one letter from it (Bulgarian "nqma", "priqtelka" for я;
# not "cinq", "pq", "qqn", a code "ubtvqh").
_TYPED_FOR_A_LETTER = re.compile(r"(?<=[a-z])[0-9](?=[a-z])"
                                 r"|(?<=[aeiouy])q(?=[a-pr-tv-z])|(?<=[aeiouy][a-pr-z])q(?=[a-pr-tv-z])"
                                 r"|(?<=[a-pr-z])q(?=[aeioy]|[a-pr-tv-z][aeiouy])")


def typed_words(text: str) -> list[str]:
    """The words of `text` for typed_in_latin.yml: with their digits, numbers alone left out."""
    return [word for word in _TYPED_WORD.findall(text) if not word.isdigit() and "_" not in word]


RANKING_SIZE = 4  # candidates a detection lists, best first: enough for the first-message policy's choices


@dataclass(frozen=True)
class Detection:
    language: str | None  # ISO 639-1 code, None when unsure
    confidence: float  # 0..1
    # The best candidates with their confidences, best first (`language` leads). A lexicon or script rule
    # lists only its language. Left out of equality, like `from_lexicon`: the same answer is the same detection.
    ranking: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # A whole-message lexicon hit: a greeting or a call for help, certain but only a word or two ("hi" is
    # written by people of every language), which the first-message policy takes as a guess.
    from_lexicon: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.language and not self.ranking:
            object.__setattr__(self, "ranking", ((self.language, self.confidence),))


UNSURE = Detection(None, 0.0)


def normalise_code(code: str | None) -> str | None:
    """'pt-BR' / 'pt_br' / ' EN ' → 'pt' / 'en'; empty → None."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base or None


# --- text helpers -----------------------------------------------------------------------------------------


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lexicon_key(text: str) -> str:
    """How a message and a lexicon entry are compared: case, diacritics, punctuation, emoji, numbers ("hello 2")
    and letters repeated three times or more ("heeej!!" = "hej") do not matter."""
    plain = _strip_marks(text.casefold())
    plain = "".join(ch if ch.isalnum() else " " for ch in plain)
    return " ".join(word for word in _REPEATS.sub(r"\1", plain).split() if not word.isdigit())


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name ('CYRILLIC SMALL LETTER A' → 'CYRILLIC')."""
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK", "KANGXI")):
        return "HAN"
    if name.startswith(("HIRAGANA", "KATAKANA")):
        return "KANA"
    first, _, rest = name.partition(" ")
    return rest.partition(" ")[0] if first in ("FULLWIDTH", "HALFWIDTH") else first


def _script_weights(text: str) -> dict[str, int]:
    weights: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _script(ch)
            weight = IDEOGRAPH_LETTER_WEIGHT if script in IDEOGRAPHIC_SCRIPTS else 1
            weights[script] = weights.get(script, 0) + weight
    return weights


# A letter typed three times or more in a row counts once: "b" x 4,096 is one letter, not a sentence (walk 4: it
# led as Portuguese and the chat switched); no language writes a letter thrice, "helppp" is still "help".
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")


def letter_count(text: str) -> int:
    """Letters in a message, an ideograph counting as several, a run of one letter as one: the 'long enough'
    measure of the policy."""
    return sum(_script_weights(_LETTER_RUN.sub(r"\1", _URL_OR_HANDLE.sub(" ", text))).values())


def _vietnamese_evidence(text: str) -> float:
    """How sure the letters and word shapes alone make Vietnamese: CERTAIN, a lower confidence, or 0.0."""
    words = _WORD.findall(text.casefold())
    if not words:
        return 0.0
    marked = sum(1 for word in words if VIETNAMESE_LETTERS.intersection(word))
    if marked / len(words) >= VIETNAMESE_MIN_WORD_SHARE:
        return CERTAIN
    plain = [_strip_marks(word.replace("đ", "d")) for word in words]
    if len(plain) < VIETNAMESE_MIN_WORDS or not all(_VI_SYLLABLE.fullmatch(word) for word in plain):
        return 0.0
    if marked:  # Vietnamese-shaped throughout, with Vietnamese-only letters as well
        return CERTAIN
    if any(_VI_TYPICAL.fullmatch(word) for word in plain):
        return VIETNAMESE_TYPICAL_CONFIDENCE
    return VIETNAMESE_PLAIN_CONFIDENCE


# --- the short-word lexicon -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    words: Mapping[str, frozenset[str]]  # lexicon key → supported languages listing it
    neutral: frozenset[str]  # keys that never tell a language

    @classmethod
    def load(cls, path: Path, supported: Iterable[str]) -> Lexicon:
        data = _read_strings(path)
        words: dict[str, set[str]] = {}
        for code, entries in _supported_sections(data, supported):
            for key in _flatten_entries(entries):
                words.setdefault(key, set()).add(code)
        neutral = frozenset(_flatten_entries(data.get("neutral")))
        return cls({key: frozenset(langs) for key, langs in words.items()}, neutral)

    def lookup(self, key: str) -> Detection | None:
        """A whole-message hit, or None when the message is not in the lexicon."""
        if key in self.neutral:
            return UNSURE
        languages = self.words.get(key)
        if languages is None:
            return None
        # A word several supported languages share ("salut": fr and ro) tells nothing.
        return Detection(next(iter(languages)), CERTAIN, from_lexicon=True) if len(languages) == 1 else UNSURE

    def drop_neutral_words(self, text: str) -> str:
        """Removes neutral single words ("ok", place names) so they do not sway the statistics."""
        def keep(match: re.Match[str]) -> str:
            return " " if lexicon_key(match.group()) in self.neutral else match.group()

        return _WORD.sub(keep, text)


def _read_strings(path: Path) -> dict[str, Any]:
    """A file of content/language/: BaseLoader keeps every entry a string, where plain YAML would read `no`,
    `yes` and `on` as booleans."""
    return read_yaml_strings(path) or {}


def _supported_sections(data: Mapping[str, Any], supported: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(code, entries) of the sections named after a supported language; others (`neutral`, a language not
    switched on) are skipped."""
    supported = set(supported)
    for name, entries in data.items():
        code = normalise_code(name)
        if code in supported:
            yield code, entries


def _flatten_entries(entries: object) -> Iterable[str]:
    """Entries may be a list or sections of lists (greetings:, help:); each gives one lexicon key."""
    if isinstance(entries, Mapping):
        for value in entries.values():
            yield from _flatten_entries(value)
    elif isinstance(entries, list):
        for entry in entries:
            yield from _flatten_entries(entry)
    elif entries is not None:
        key = lexicon_key(str(entries))
        if key:
            yield key


@dataclass(frozen=True)
class Alphabets:
    """Which supported languages write which accented Latin letters (content/language/letters.yml)."""

    letters: Mapping[str, frozenset[str]]  # language → its letters beyond a–z; a language not here writes any
    known: frozenset[str] = frozenset()  # every letter some supported language writes: computed once, at load

    @classmethod
    def load(cls, path: Path, supported: Iterable[str]) -> Alphabets:
        letters = {code: frozenset(chars) for code, chars in _supported_sections(_read_strings(path), supported)}
        return cls(letters, frozenset().union(*letters.values()))

    def able(self, words: Sequence[str], candidates: frozenset[str]) -> frozenset[str]:
        """The candidates that can write every accented letter of `words` some candidate writes; all of them
        when none can (a letter of a language nobody here speaks tells nothing)."""
        needed = {ch for word in words for ch in word.lower() if ch.isalpha() and not ch.isascii()} & self.known
        able = frozenset(code for code in candidates if code not in self.letters or needed <= self.letters[code])
        return able or candidates


@dataclass(frozen=True)
class WordLists:
    """Words listed per language in a file of content/language/ (case and accents do not matter)."""

    words: Mapping[str, frozenset[str]]  # a word without accents → the supported languages listing it

    @classmethod
    def load(cls, path: Path, supported: Iterable[str]) -> Self:
        return cls(_languages_by_word(_read_strings(path), supported))

    def hits(self, words: Sequence[str]) -> dict[str, int]:
        """How many of the message's words each language lists."""
        return _hits(self.words, words)


def _hits(listed: Mapping[str, frozenset[str]], words: Sequence[str]) -> dict[str, int]:
    """How many of the words (case and accents aside) each language of `listed` has."""
    hits: dict[str, int] = {}
    for word in words:
        for code in listed.get(_strip_marks(word.lower()), ()):
            hits[code] = hits.get(code, 0) + 1
    return hits


def _languages_by_word(data: Mapping[str, Any], supported: Iterable[str]) -> dict[str, frozenset[str]]:
    """A word without accents → the supported languages whose section lists it."""
    words: dict[str, set[str]] = {}
    for code, entries in _supported_sections(data, supported):
        for word in entries:
            words.setdefault(_strip_marks(word.lower()), set()).add(code)
    return {word: frozenset(codes) for word, codes in words.items()}


class CommonWords(WordLists):
    """Each language's most common small words (content/language/common_words.yml): evidence the statistical
    models miss in short messages."""

    def weigh(self, words: Sequence[str], scores: Mapping[str, float]) -> dict[str, float]:
        """The scores with each language's multiplied by 1 + its common words in the message, renormalised."""
        hits = self.hits(words)
        weighed = {code: score * (1 + hits.get(code, 0)) for code, score in scores.items()}
        total = sum(weighed.values())
        return {code: score / total for code, score in weighed.items()} if total > 0 else dict(scores)


@dataclass(frozen=True)
class TypedInLatin(WordLists):
    """Languages of other scripts as people type them in Latin letters (content/language/typed_in_latin.yml): the
    backends know Russian only in Cyrillic, so "pomogite mne" came out French. Three signs: a language's own
    words (`words`, written by no Latin-script language of the chat), a digit typed for a letter inside a word
    ("7a2ou2i", "4asa"), and its small words that Latin-script languages write too ("ana", "el", "ya", "da"),
    which count only beside the first two."""

    small_words: Mapping[str, frozenset[str]] = field(default_factory=dict)  # a word → the languages listing it
    typed_for_letters: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "3" → the languages typing it

    @classmethod
    def load(cls, path: Path, supported: Iterable[str]) -> Self:
        data = _read_strings(path)
        typed_for_letters: dict[str, set[str]] = {}
        for code, characters in _supported_sections(data.get("typed_for_letters") or {}, supported):
            for character in characters:
                typed_for_letters.setdefault(character, set()).add(code)
        return cls(_languages_by_word(data, supported), _languages_by_word(data.get("small_words") or {}, supported),
                   {character: frozenset(codes) for character, codes in typed_for_letters.items()})

    def shares(self, words: Sequence[str]) -> dict[str, float]:
        """Each language with enough of its words in the message (see TYPED_IN_LATIN_*) → their share: its own
        words and, beside them, its small words. A word spelt with a character for a letter Latin lacks ("5ayfa",
        "7u2u2i", "nqma", listed or not) stands for the TYPED_IN_LATIN_MIN_WORDS: no Latin-script language writes
        words so ("salam ana 5ayfa" was Tagalog, with no Arabic in the row)."""
        own: dict[str, int] = {}
        spelt_for_letters: set[str] = set()
        for word in words:
            codes = self.words.get(_strip_marks(word.lower())) or self._typed_for_letters(word)
            for code in codes:
                own[code] = own.get(code, 0) + 1
                if any(ch.isdigit() for ch in word) or _TYPED_FOR_A_LETTER.search(word):
                    spelt_for_letters.add(code)
        small = _hits(self.small_words, words)
        shares: dict[str, float] = {}
        for code, count in own.items():
            count += small.get(code, 0)
            if (count >= TYPED_IN_LATIN_MIN_WORDS or code in spelt_for_letters) \
                    and count / len(words) >= TYPED_IN_LATIN_MIN_SHARE:
                shares[code] = count / len(words)
        return shares

    def _typed_for_letters(self, word: str) -> frozenset[str]:
        """The languages that type a character of the word for a letter, when one stands between two letters
        ("mo7adatha", "4asa", "nqma"): not a number and its unit ("5km", "3pm"), a model or a code ("mp3", "B2B",
        "Spazio3D": a capital inside, or fewer than three letters)."""
        if not _TYPED_FOR_LETTERS.fullmatch(word) or sum(ch.isalpha() for ch in word) < 3:
            return frozenset()
        return frozenset().union(*(self.typed_for_letters.get(character, ())
                                   for character in _TYPED_FOR_A_LETTER.findall(word)))


# --- the detector -----------------------------------------------------------------------------------------


class LanguageDetector:
    """Detects the language of one chat message among the supported ones."""

    def __init__(self, supported: Sequence[str], backend: str = DEFAULT_BACKEND) -> None:
        if backend not in BACKEND_CLASSES:
            raise ValueError(f"unknown language backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        codes = [code for code in dict.fromkeys(normalise_code(code) for code in supported) if code]
        self.backend_name = backend
        self._backend: Backend = BACKEND_CLASSES[backend](codes) if len(codes) > 1 else NoBackend()
        self.supported = frozenset(codes)
        self._lexicon = Lexicon.load(LEXICON_PATH, self.supported)
        self._letters = Alphabets.load(LETTERS_PATH, self.supported)
        self._common = CommonWords.load(COMMON_WORDS_PATH, self.supported)
        self._typed_in_latin = TypedInLatin.load(TYPED_IN_LATIN_PATH, self.supported)

    def warm_up(self) -> None:
        """Load the backend's models now (about 1.5 s per script), not while a person waits for a reply."""
        for sample in ("they took my passport", "они забрали мой паспорт"):
            self._backend.scores(sample)

    def detect(self, text: str) -> Detection:
        text = _URL_OR_HANDLE.sub(" ", unicodedata.normalize("NFC", text))
        hit = self._lexicon.lookup(lexicon_key(text))
        if hit is not None:
            return hit
        text = self._lexicon.drop_neutral_words(text)
        words = _WORD.findall(text)
        if not words or _looks_like_name(words):
            return UNSURE
        candidates = self._candidates(text)
        if len(candidates) <= 1:
            return Detection(next(iter(candidates)), CERTAIN) if candidates else UNSURE
        vietnamese = _vietnamese_evidence(text) if "vi" in candidates else 0.0
        if vietnamese >= VIETNAMESE_TYPICAL_CONFIDENCE:
            return Detection("vi", vietnamese)
        ranked = self._rank(text, candidates)
        if vietnamese and ranked.language != "vi" and ranked.confidence < VIETNAMESE_PLAIN_WHEN_BACKEND_BELOW:
            return Detection("vi", vietnamese)
        return ranked

    def _candidates(self, text: str) -> frozenset[str]:
        """The supported languages the message's writing system allows."""
        weights = _script_weights(text)
        total = sum(weights.values())
        candidates: set[str] = set()
        for script, weight in weights.items():
            if weight / total >= SCRIPT_MIN_SHARE:
                candidates |= self._script_candidates(script, weights)
        return frozenset(candidates)

    def _script_candidates(self, script: str, weights: Mapping[str, int]) -> set[str]:
        if script == "LATIN":
            return set(self.supported - NON_LATIN_LANGUAGES)
        if script == "HAN":
            # Japanese writes kana between its kanji; Han alone is Chinese.
            preferred = "ja" if "KANA" in weights or "zh" not in self.supported else "zh"
            return {preferred} & self.supported
        if script in SCRIPT_LANGUAGES:
            return set(SCRIPT_LANGUAGES[script] & self.supported)
        return set(self.supported)  # a script this table does not know: let the backend decide

    def _rank(self, text: str, candidates: frozenset[str]) -> Detection:
        words = _WORD.findall(text)
        marked = [word for word in words if _has_accented_letter(word)]
        share = len(marked) / len(words)
        # The whole text's vote goes only to languages whose letters write its accented words (letters.yml),
        # unless the model rules all of them out (garbled text: "ďż˝" is not Polish for its "ż").
        scores = self._scores(text, self._letters.able(marked, candidates)) or self._scores(text, candidates)
        if marked and share <= ACCENTED_WORDS_MAX_SHARE and len(words) - len(marked) >= 2:
            # Letters only one candidate has (ø, ș, ß) weigh so much in the backends that one foreign name
            # decides the sentence: "i work for søren on a farm" comes out Danish. Let each word count by
            # its share: the accented few keep their share of the vote, the plain words the rest.
            plain = self._scores(" ".join(word for word in words if word not in marked), candidates)
            scores = {code: share * scores.get(code, 0.0) + (1 - share) * plain.get(code, 0.0)
                      for code in scores.keys() | plain.keys()}
        scores = self._common.weigh(words, scores)
        if candidates.isdisjoint(NON_LATIN_LANGUAGES):  # Latin letters only: maybe Russian typed without Cyrillic
            scores = self._with_typed_in_latin(typed_words(text), scores)
        if not scores:
            return UNSURE
        # Capped so 1.0 stays reserved for the lexicon and the script rules.
        ranking = tuple((code, min(score, MAX_STATISTICAL_CONFIDENCE))
                        for code, score in sorted(scores.items(), key=lambda item: -item[1])[:RANKING_SIZE])
        return Detection(*ranking[0], ranking=ranking)

    def _with_typed_in_latin(self, words: Sequence[str], scores: Mapping[str, float]) -> dict[str, float]:
        """Each language typed in Latin letters takes its share of the words. The Latin-script languages keep
        (1 - that share)² of their scores, in their proportions (so the row still offers them): the rest of the
        words vote for them, and the words of the list are evidence against them too, as none of them writes
        those words."""
        typed = self._typed_in_latin.shares(words)
        if not typed:
            return dict(scores)
        rest = (1 - max(typed.values())) ** 2
        weighed = {**{code: score * rest for code, score in scores.items()}, **typed}
        total = sum(weighed.values())
        return {code: score / total for code, score in weighed.items()}

    def _scores(self, text: str, candidates: frozenset[str]) -> dict[str, float]:
        """The backend's probabilities renormalised over the candidates the script allows."""
        scores = self._backend.scores(text[:MAX_RANKED_CHARS])
        scores = {code: score for code, score in scores.items() if code in candidates}
        total = sum(scores.values())
        return {code: score / total for code, score in scores.items()} if total > 0 else {}


def _has_accented_letter(word: str) -> bool:
    return any(ch.isalpha() and not ch.isascii() for ch in word)


def _looks_like_name(words: Sequence[str]) -> bool:
    """A lone capitalised word ("Maria", "Ahmed!") may be a name, which tells no language. Phones capitalise
    a message's first letter, so this also drops one-word messages outside the lexicon: a single word is too
    weak to pick a language by anyway."""
    if len(words) != 1:
        return False
    word = words[0]
    return len(word) > 1 and word[0].isupper() and word[1:].islower()
