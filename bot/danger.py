"""The danger lexicon: the app's own first net for a person in danger, beside Rasa's `danger` intent.

The gateway calls `DangerLexicon.match` on every message, whatever the conversation's language: people mix
languages, and the language the conversation is in may be wrong. The lexicon (content/danger/<code>.yml, one
file per language, docs/danger.md) lists phrases and regular expressions in three categories:
- `danger`: someone is in danger now (threats to kill, violence, being locked in, rape, kidnapping, a child
  hurt, a bystander's words);
- `self_harm`: the person may harm themselves (its reply adds the suicide line);
- `child`: the person says they are under 18.

Both the message and the lexicon are normalised the same way (`normalise`): case folded, Latin diacritics
dropped (Thai, Cyrillic and Chinese letters are kept as they are; Arabic loses only its vowel and hamza marks),
punctuation and emoji folded into single spaces, apostrophes dropped, letters repeated in a row collapsed into
one ("heeelp" and "help" are one word, and so are "kill" and "kil"). Spaced scripts match whole words; Thai
and Chinese, written without spaces, match anywhere in the message with its spaces removed. Cyrillic entries
are also heard in Latin-typed messages (a transliteration skeleton), and a danger told as long past ("last
year", with no "help") is dropped. A whole-message rule (one anchored with ^) is also tried on the message
without its leading greetings ("hello, I am scared", "hi hi, I am scared", "你好我很害怕":
content/language/short_words.yml); `DangerLexicon.without_greetings` gives a message as typed without them, for
the NLU (bot/gateway.py).

Pure: stdlib + PyYAML. A hit names the rule that fired, never the person's words; nothing here logs. Only
`DangerLexicon.heard` gives the words that fired (as typed), which the gateway keeps, sealed, with the message
for the caseworkers' queue line (handover/queue_lines.py): it shows signed-in caseworkers what made the bot
flag a conversation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from core.yaml_file import read_yaml, read_yaml_strings

LEXICON_DIR = Path(__file__).resolve().parent.parent / "content" / "danger"
# Its `greetings:` (every language's, and the neutral ones): a run of them in front of a message does not count for
# the whole-message rules.
SHORT_WORDS_PATH = LEXICON_DIR.parent / "language" / "short_words.yml"
# How far into a message its leading greetings are looked for when they are taken off for the NLU
# (`DangerLexicon.without_greetings`); a run longer than this goes to the NLU as typed.
MAX_GREETING_CHARS = 120


class Cue(StrEnum):
    """What a hit means, most serious first (the order `DangerLexicon.match` checks them in)."""

    SELF_HARM = "self_harm"  # before danger: its reply gives the suicide line as well as 112
    DANGER = "danger"
    CHILD = "child"


@dataclass(frozen=True)
class DangerHit:
    cue: Cue
    language: str  # the lexicon that fired, not necessarily the conversation's language
    rule: str  # the rule's id in that lexicon, never the person's words


@dataclass(frozen=True)
class Listened:
    """What the lexicon heard in one message: each cue that fires with its words as typed (`DangerLexicon.heard`),
    and whether danger or self-harm words are there at all, even taken back (then the danger net is not asked)."""

    heard: tuple[tuple[Cue, str], ...]
    mentions_danger: bool


class DangerLexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and the place in it."""


# --- normalisation --------------------------------------------------------------------------------------

_APOSTROPHES = "'’ʼ‘`´"
_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")  # after NFKD; Cyrillic й ё ї keep theirs here
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, hamza, tatweel
_FOLD = str.maketrans({
    "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "ı": "i",  # Latin letters NFKD does not decompose
    "ё": "е",  # Russians type е for ё
    "ى": "ي", "ة": "ه",  # the usual Arabic spelling variants
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    **{chr(0x0E50 + d): str(d) for d in range(10)},  # Thai digits
    **dict.fromkeys(_APOSTROPHES, ""),  # "can't" → "cant", "j'ai" → "jai"
    "\U0001f198": " sos ",  # 🆘 is a cry for help of its own, typed alone
})
_NON_WORD = re.compile(r"[^\w\u0e00-\u0e7f]+|_+")  # Thai vowel and tone marks are not \w but belong to words
_REPEATS = re.compile(r"([^\W\d_])\1+")  # letters only: "112" stays "112"
_SOURCE_REPEATS = re.compile(r"(?<!\\)([^\W\d_])\1+")  # in a regex source, "\bb" is not a doubled letter
_SOURCE_LETTER = re.compile(r"(?<!\\)[^\W\d_]")
_COMPACT_SCRIPT = re.compile(r"[\u0e00-\u0e7f\u3400-\u9fff\uf900-\ufaff]")  # Thai, Han: no spaces between words
_ANCHOR = re.compile(r"(?<![\\\[])\^")  # ^ at the start of a regex or a branch, not "\^" nor "[^"


def _fold(text: str) -> str:
    """Diacritics and spelling variants, shared by messages and lexicon sources; `text` is already lowercase."""
    if not text.isascii():
        text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFC", _ARABIC_MARKS.sub("", text))
    return text.translate(_FOLD)


def normalise(text: str) -> str:
    """A message as the lexicon sees it: folded, words separated by single spaces, repeated letters collapsed."""
    text = _NON_WORD.sub(" ", _fold(text.casefold()))
    return _REPEATS.sub(r"\1", text).strip()


# Bulgarian, Russian and Ukrainian are often typed in Latin letters ("pomogite", "ubit sebya", "molq"), each
# writer spelling them a little differently. Both the Cyrillic lexicon and a Latin message are reduced to one
# lossy Latin skeleton (ш sh sch 6 → s, щ sht 6t → s, я ya ja q → ia, ы y й j → i …), so one Cyrillic entry
# hears them all.
_CYRILLIC_LATIN = str.maketrans({
    **dict(zip("абвгдежзийклмнопрстуфхцчшщъыьэюяєіїґ", [
        "a", "b", "v", "g", "d", "e", "(?:zh|j)", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
        "f", "h", "c", "ch", "sh", "sht", "(?:a|u|i|)", "i", "", "e", "iu", "ia", "ie", "i", "i", "g"], strict=True)),
})  # ъ is typed a, u, y or not at all ("съм": sam, sum, sm); ж zh or j ("багажник": bagajnik)
_IN_WORD = r"(?<=[a-z]){0}|{0}(?=[a-z])"  # a digit standing for a letter ("pomo6t"), never in "16"
_SKELETON = [(re.compile(before), after) for before, after in (
    (r"shch|sht|sch|sh|" + _IN_WORD.format("6t") + "|" + _IN_WORD.format(6), "s"),
    (r"ch|" + _IN_WORD.format(4), "c"), (r"zh", "z"),
    (r"kh|x", "h"), (r"ts|tz", "c"), (r"w", "v"), (r"(?<=[a-z])q|q(?=[a-z])", "ia"), (r"y|j", "i"),
)]


def _skeleton(text: str) -> str:
    """Latin text (a message, or a Cyrillic source transliterated) as its lossy skeleton, repeats collapsed."""
    for before, after in _SKELETON:
        text = before.sub(after, text)
    return _REPEATS.sub(r"\1", text)


def _transliterate(source: str) -> str:
    """A normalised Cyrillic phrase or regex in skeleton Latin; its escapes (\\w, \\b) are left as they are."""
    parts = re.split(r"(\\.)", source)
    return "".join(part if part.startswith("\\") else _skeleton(part.translate(_CYRILLIC_LATIN))
                   for part in parts)


def _is_compact(source: str) -> bool:
    return _COMPACT_SCRIPT.search(source) is not None


def _phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex over normalised text; an apostrophe may be typed as nothing or a space.

    Normalised text holds only word characters and single spaces, none of them special in a regex."""
    parts = [normalise(part) for part in re.split(f"[{_APOSTROPHES}]", phrase)]
    if _is_compact(phrase):
        return "".join(parts).replace(" ", "")
    return " ?".join(part for part in parts if part)


def _pattern_regex(pattern: str) -> str:
    """An author's regex folded like the text (letters lowercased and collapsed, but never after a backslash).
    Thai and Chinese patterns are matched without spaces, so theirs are dropped."""
    if _is_compact(pattern):
        pattern = pattern.replace(" ", "")
    for apostrophe in _APOSTROPHES:
        pattern = pattern.replace(apostrophe, " ?")
    pattern = _SOURCE_LETTER.sub(lambda m: m.group().casefold(), pattern)
    return _SOURCE_REPEATS.sub(r"\1", _fold(pattern))


# --- one language ---------------------------------------------------------------------------------------

_RULE_ID = re.compile(r"[a-z][a-z0-9_]*")
_RULE_KEYS = frozenset({"phrases", "patterns"})
_CAPTURING = re.compile(r"(?<!\\)\((?!\?)")  # "(" opening a capturing group
_ESCAPE = re.compile(r"\\.")  # \w, \b … in a regex source: not letters of a script
NEGATION_LOOKBACK = 40  # characters around a hit searched for a negation

# Which text an alternative is searched in. ANY: the normalised message. CYRILLIC, ARABIC: the same, but only
# when it holds a letter of that script (an alternative written only in it cannot match otherwise: a Latin
# message skips those regexes, a third of the time). COMPACT: Thai and Chinese, the message without spaces.
# TRANSLIT: the Cyrillic alternatives again, transliterated, in the skeleton of the message's Latin letters.
ANY, CYRILLIC, ARABIC, COMPACT, TRANSLIT = "any", "cyrillic", "arabic", "compact", "translit"
_LATIN_LETTER = re.compile("[a-z]")
_SCRIPT_LETTER = {CYRILLIC: re.compile(r"[\u0400-\u04ff]"), ARABIC: re.compile(r"[\u0600-\u06ff]")}


def _script(source: str) -> str:
    if _is_compact(source):
        return COMPACT
    letters = [char for char in _ESCAPE.sub("", source) if char.isalpha()]
    for script, letter in _SCRIPT_LETTER.items():
        if letters and all(letter.match(char) for char in letters):
            return script
    return ANY


@dataclass(frozen=True)
class _Negation:
    """What, right before a hit ("i am NOT in danger") or right after it ("han slår mig IKKE"), takes it back."""

    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None

    def takes_back(self, text: str, start: int, end: int) -> bool:
        if self.before and self.before.search(text, max(0, start - NEGATION_LOOKBACK), start):
            return True
        return bool(self.after and self.after.match(text, end, end + NEGATION_LOOKBACK))


@dataclass(frozen=True)
class _Matcher:
    """The alternatives of one category of one language searched in one text: a single regex."""

    script: str
    regex: re.Pattern[str]
    rules: Mapping[str, str]  # marker group name → rule id

    def find(self, text: str, negation: _Negation) -> tuple[tuple[str, str] | None, bool]:
        """The rule that fired and the words it matched (in the normalised text), and whether a rule's words are
        there at all, even where a negation takes them back."""
        mentioned = False
        for found in self.regex.finditer(text):
            if not negation.takes_back(text, found.start(), found.end()):
                return (self.rules[found.lastgroup or ""], found.group()), True
            mentioned = True
        return None, mentioned


@dataclass(frozen=True)
class _Language:
    code: str
    matchers: Mapping[Cue, tuple[_Matcher, ...]]
    anchored: Mapping[Cue, tuple[_Matcher, ...]]  # the whole-message rules alone (their alternatives with a ^)
    negations: Mapping[str, _Negation]  # by the script of the text searched: ANY (all spaced), COMPACT, TRANSLIT
    past: _Markers  # "last year", "long ago", "used to": a danger told as over …
    joke: _Markers  # "lol", "haha", "555": a threat told as a joke ("my boss will kill me if I am late haha") …
    urgent: _Markers  # … unless the message also asks for help now

    def find(self, cue: Cue, texts: Mapping[str, str],
             bare: Mapping[str, str] | None = None) -> tuple[tuple[str, str] | None, bool]:
        """The rule that fired and its words, and whether any of the cue's words are there at all. `bare`: the
        texts without their leading greetings, where the whole-message rules are tried as well."""
        found, mentioned = self._find(self.matchers[cue], texts)
        if found or not bare:
            return found, mentioned
        found, said = self._find(self.anchored[cue], bare)
        return found, mentioned or said

    def _find(self, matchers: Iterable[_Matcher], texts: Mapping[str, str]) -> tuple[tuple[str, str] | None, bool]:
        mentioned = False
        for matcher in matchers:
            text = texts.get(matcher.script)
            if text is not None:
                negation = self.negations.get(matcher.script, self.negations[ANY])
                found, said = matcher.find(text, negation)
                if found:
                    return found, True
                mentioned = mentioned or said
        return None, mentioned


@dataclass(frozen=True)
class _Markers:
    """Words that may stand anywhere in the message: a regex per text searched (ANY or COMPACT)."""

    regexes: Mapping[str, re.Pattern[str]]

    def found(self, texts: Mapping[str, str]) -> bool:
        return any((text := texts.get(script)) is not None and regex.search(text)
                   for script, regex in self.regexes.items())


def _where(path: Path, *keys: str) -> str:
    return f"{path.name}: " + ".".join(keys)


def _compile(path: Path, where: Iterable[str], regex: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(regex)
    except re.error as error:
        raise DangerLexiconError(f"{_where(path, *where)}: not a valid regular expression ({error})") from error
    if compiled.match(""):
        raise DangerLexiconError(f"{_where(path, *where)}: matches an empty message, so it would fire on everything")
    return compiled


def _strings(path: Path, where: tuple[str, ...], value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise DangerLexiconError(f"{_where(path, *where)}: must be a list of non-empty strings")
    return value


def _category(path: Path, cue: Cue, rules: object) -> tuple[tuple[_Matcher, ...], tuple[_Matcher, ...]]:
    """The category's matchers, and those of its whole-message rules alone (the alternatives with a ^), for the
    message without its leading greetings."""
    if not isinstance(rules, dict) or not rules:
        raise DangerLexiconError(f"{_where(path, cue)}: must map rule ids to their phrases and patterns")
    alternatives: dict[str, list[tuple[str, str]]] = {}  # script → (rule id, regex)
    anchored: dict[str, list[tuple[str, str]]] = {}  # the same, for the alternatives with a ^ only
    for rule, body in rules.items():
        if not isinstance(rule, str) or not _RULE_ID.fullmatch(rule):
            raise DangerLexiconError(f"{_where(path, cue)}: rule id {rule!r} must be lowercase letters, digits, _")
        if not isinstance(body, dict) or not body or set(body) - _RULE_KEYS:
            raise DangerLexiconError(f"{_where(path, cue, rule)}: must have `phrases` and/or `patterns` only")
        sources = [(key, source) for key in sorted(_RULE_KEYS)
                   for source in _strings(path, (cue, rule, key), body.get(key))]
        if not sources:
            raise DangerLexiconError(f"{_where(path, cue, rule)}: must have `phrases` and/or `patterns`, not empty")
        for key, source in sources:
            if "(?P" in source:
                raise DangerLexiconError(f"{_where(path, cue, rule, key)}: named groups are reserved: {source!r}")
            regex = _pattern_regex(source) if key == "patterns" else _phrase_regex(source)
            _compile(path, (cue, rule, key), regex)
            script = _script(source)
            found = [(script, regex)]
            if script == CYRILLIC and (latin := _translit_regex(regex)):
                found.append((TRANSLIT, latin))
            for searched, alternative in found:
                alternatives.setdefault(searched, []).append((rule, alternative))
                if _ANCHOR.search(alternative):
                    anchored.setdefault(searched, []).append((rule, alternative))
    return (tuple(_matcher(script, found) for script, found in alternatives.items()),
            tuple(_matcher(script, found) for script, found in anchored.items()))


def _translit_regex(regex: str) -> str | None:
    """A Cyrillic alternative for Latin-typed messages, or None where transliteration would break it: a
    character class ("[ая]" is not "[aia]") or a lookbehind whose branches come out of unequal length."""
    if "[" in regex:
        return None
    latin = _transliterate(regex)
    try:
        re.compile(latin)
    except re.error:
        return None
    return latin


def _matcher(script: str, alternatives: list[tuple[str, str]]) -> _Matcher:
    """One regex for all alternatives. Each ends in an empty named group that tells the rule: a group around
    each alternative (or rule) would cost the regex engine its quick first-character check on every branch,
    several times slower on every message. For the same reason the authors' groups become non-capturing."""
    names = {f"a{index}": rule for index, (rule, _) in enumerate(alternatives)}
    body = "|".join(f"(?:{_CAPTURING.sub('(?:', regex)})(?P<{name}>)"
                    for name, (_, regex) in zip(names, alternatives, strict=True))
    # Spaced scripts match whole words only; Thai and Chinese anywhere. Arabic writes "and" (و) and "so" (ف)
    # onto the next word ("وسكروا علينا"): a word may start after one of them.
    start = r"(?:(?<!\w)|(?<=(?<!\w)[وف]))" if script == ARABIC else r"(?<![\w\u0e00-\u0e7f])"
    regex = f"(?:{body})" if script == COMPACT else rf"{start}(?:{body})(?![\w\u0e00-\u0e7f])"
    return _Matcher(script, re.compile(regex), names)


def _negation(path: Path, data: dict[str, object]) -> dict[str, _Negation]:
    """`negation` (before a hit) and `negation_after` (after it): lists of regexes, for spaced, compact and
    transliterated text (the last: the Cyrillic negations in Latin letters, for the TRANSLIT alternatives)."""
    found: dict[str, dict[str, re.Pattern[str]]] = {ANY: {}, COMPACT: {}, TRANSLIT: {}}
    for key, anchor in (("negation", "before"), ("negation_after", "after")):
        patterns = _strings(path, (key,), data.get(key))
        for script in found:
            regexes = "|".join(_pattern_regex(p) for p in patterns if _is_compact(p) == (script == COMPACT))
            if script == TRANSLIT:
                regexes = "|".join(_transliterate(_pattern_regex(p)) for p in patterns if _script(p) == CYRILLIC)
            if not regexes:
                continue
            # Before: the negation ends where the hit starts (the text's own space before the hit included).
            # After: it starts right after the hit. Spaced text: whole words only.
            if anchor == "before":
                regex = f"(?:{regexes})$" if script == COMPACT else rf"(?<!\w)(?:{regexes}) ?$"
            else:
                regex = f"(?:{regexes})" if script == COMPACT else rf" (?:{regexes})(?!\w)"
            found[script][anchor] = _compile(path, (key,), regex)
    return {script: _Negation(**anchors) for script, anchors in found.items()}


def _markers(path: Path, data: dict[str, object], key: str) -> _Markers:
    patterns = _strings(path, (key,), data.get(key))
    regexes = {}
    for script, is_compact in ((ANY, False), (COMPACT, True)):
        if body := "|".join(_pattern_regex(p) for p in patterns if _is_compact(p) == is_compact):
            regex = f"(?:{body})" if is_compact else rf"(?<![\w\u0e00-\u0e7f])(?:{body})(?![\w\u0e00-\u0e7f])"
            regexes[script] = _compile(path, (key,), regex)
    return _Markers(regexes)


def _load_language(path: Path) -> _Language:
    try:
        data = read_yaml(path)
    except yaml.YAMLError as error:
        raise DangerLexiconError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise DangerLexiconError(f"{path.name}: must be a mapping with the keys danger, self_harm, child")
    unknown = set(data) - {*Cue, "negation", "negation_after", "past", "joke", "urgent"}
    if unknown:
        raise DangerLexiconError(f"{path.name}: unknown keys {sorted(unknown)}")
    missing = [cue.value for cue in Cue if cue not in data]
    if missing:
        raise DangerLexiconError(f"{path.name}: the categories {missing} are missing")
    categories = {cue: _category(path, cue, data[cue]) for cue in Cue}
    matchers = {cue: found[0] for cue, found in categories.items()}
    anchored = {cue: found[1] for cue, found in categories.items()}
    return _Language(path.stem, matchers, anchored, _negation(path, data),
                     _markers(path, data, "past"), _markers(path, data, "joke"), _markers(path, data, "urgent"))


# --- all languages --------------------------------------------------------------------------------------


class DangerLexicon:
    """Every language's lexicon; `match` checks them all."""

    def __init__(self, languages: Iterable[_Language], greetings: Iterable[str] = ()) -> None:
        self._languages = tuple(languages)
        self._greeting = _greeting_regex(greetings)

    # One copy per directory for the process: it is read-only, compiling it takes a second or two, and every app
    # instance of the tests loads it.
    @classmethod
    @cache
    def load(cls, directory: Path = LEXICON_DIR) -> DangerLexicon:
        paths = sorted(directory.glob("*.yml"))
        if not paths:
            raise DangerLexiconError(f"{directory}: no lexicon files (<code>.yml)")
        return cls((_load_language(path) for path in paths), _greetings(SHORT_WORDS_PATH))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language.code for language in self._languages)

    def match(self, text: str) -> DangerHit | None:
        """The most serious hit in any language (self-harm, then danger, then child), or None."""
        return next((hit for hit, _ in self._hits(*self._searched(text), set())), None)

    def heard(self, text: str) -> list[tuple[Cue, str]]:
        """Each cue that fires, most serious first, with the words that fired it as the person typed them
        ("I am 15", "he'll KILL me"): for the caseworkers' queue line only, never for a log."""
        return list(self.listen(text).heard)

    def listen(self, text: str) -> Listened:
        """What `heard` gives, and whether danger or self-harm words are there at all, even where the lexicon
        takes them back (a negation, a danger told as over or as a joke): the lexicon's judgement then stands, and
        the danger net is not asked (bot/safety.py). One pass over the rules for both."""
        mentioned: set[Cue] = set()
        heard = tuple((hit.cue, _as_typed(text, words))
                      for hit, words in self._hits(*self._searched(text), mentioned))
        return Listened(heard, not mentioned.isdisjoint((Cue.SELF_HARM, Cue.DANGER)))

    def language_of(self, text: str, cue: Cue) -> str | None:
        """The one language whose words for `cue` fire in `text`, None when several languages' do (or none): in a
        short message that tells little else ("mi-e frica", "strah me e") the danger words tell its language."""
        texts, bare = self._searched(text)
        fired = [language.code for language in self._languages if texts and language.find(cue, texts, bare)[0]]
        return fired[0] if len(fired) == 1 else None

    def without_greetings(self, text: str) -> str:
        """`text` as typed from its first word after a run of leading greetings ("السلام عليكم، ما يدفعوا لي" →
        "ما يدفعوا لي", "hi hi, they dont pay me" → "they dont pay me", "你好我很害怕" → "我很害怕"); `text` itself
        when it starts with no greeting or is nothing but greetings ("hello", "hi hi!"). The greetings are the
        ones the whole-message rules skip (short_words.yml). For the NLU (bot/gateway.py): a greeting in front
        pulled "they don't pay me" to another intent, or to the greeting alone (walk 3)."""
        spaced = normalise(text)
        greeting = self._greeting.match(spaced) if self._greeting and spaced else None
        rest = spaced[greeting.end():] if greeting else ""
        if not rest:
            return text
        # The place in the typed text where the rest begins: the first from which it normalises to the rest, then
        # past what normalises to nothing (spaces, commas, emoji). Looked for only in the message's first
        # characters (a greeting is short); not found there (or a repeated letter across the cut): as typed.
        for start in range(min(len(text), MAX_GREETING_CHARS)):
            if normalise(text[start:]) == rest:
                while start < len(text) - 1 and not normalise(text[start]):
                    start += 1
                return text[start:]
        return text

    def _searched(self, text: str) -> tuple[dict[str, str], dict[str, str] | None]:
        """The texts the rules search (`_searched`), and those of the message without its leading greetings
        (None without one, or when nothing follows it)."""
        texts = _searched(text)
        greeting = self._greeting.match(texts[ANY]) if self._greeting and texts else None
        return texts, (_texts(texts[ANY][greeting.end():]) or None) if greeting else None

    def _hits(self, texts: Mapping[str, str], bare: Mapping[str, str] | None,
              mentioned: set[Cue]) -> Iterator[tuple[DangerHit, str]]:
        """The first hit of each cue, most serious first, with the words it matched (normalised); adds to
        `mentioned` each cue whose words are there at all. Lazy: `match` stops at the first. `bare`: the texts
        without the message's leading greetings, for the whole-message rules."""
        if not texts:
            return
        for cue in Cue:
            for language in self._languages:
                found, said = language.find(cue, texts, bare)
                if said:
                    mentioned.add(cue)
                if found:
                    if cue is Cue.DANGER and self._told_as_over(texts):
                        break  # "last year he hit me, now I live alone", "… kill me if I'm late lol"; a child?
                    rule, words = found
                    yield DangerHit(cue, language.code, rule), words
                    break

    def _told_as_over(self, texts: Mapping[str, str]) -> bool:
        """Told as long past or as a joke, with no word asking for help now."""
        languages = self._languages
        return (any(language.past.found(texts) or language.joke.found(texts) for language in languages)
                and not any(language.urgent.found(texts) for language in languages))


_TOKEN = re.compile(r"\S+")
_SENTENCE_MARKS = " ,.;:!?¡¿…，。！？、؟،"  # around the words, not part of them


def _as_typed(text: str, words: str) -> str:
    """The shortest stretch of whole words of `text` whose normalised form holds `words` (a match in the
    normalised, compact or transliterated text); `words` itself if none does."""
    def holds(start: int, end: int) -> bool:
        spaced = normalise(text[start:end])
        return words in spaced or words in spaced.replace(" ", "") or words in _skeleton(spaced)

    tokens = [(found.start(), found.end()) for found in _TOKEN.finditer(text)]
    for first in range(len(tokens)):
        for last in range(first, len(tokens)):
            if holds(tokens[first][0], tokens[last][1]):
                while first < last and holds(tokens[first + 1][0], tokens[last][1]):
                    first += 1
                return text[tokens[first][0]:tokens[last][1]].strip(_SENTENCE_MARKS) or words
            if tokens[last][1] - tokens[first][0] > 4 * len(words) + 40:
                break  # the match does not start in this word
    return words


def _searched(text: str) -> dict[str, str]:
    """The texts the rules search, by script: the normalised text, compacted for Thai and Chinese, and its Latin
    letters' transliteration skeleton; empty for a message without words."""
    return _texts(normalise(text))


def _texts(spaced: str) -> dict[str, str]:
    """`_searched` of a text already normalised."""
    if not spaced:
        return {}
    texts = {ANY: spaced}
    if not spaced.isascii():
        texts.update((script, spaced) for script, letter in _SCRIPT_LETTER.items() if letter.search(spaced))
        if _is_compact(spaced):
            texts[COMPACT] = spaced.replace(" ", "")
    if _LATIN_LETTER.search(spaced):
        texts[TRANSLIT] = _skeleton(spaced)
    return texts


def _greetings(path: Path) -> list[str]:
    """Every language's `greetings:` in short_words.yml, and the `neutral` section's (greetings of several languages,
    "hey", "salut"); its other words ("ok", "yes", place names) are no greeting."""
    data = read_yaml_strings(path) or {}
    return [greeting for section in data.values() if isinstance(section, dict)
            for greeting in section.get("greetings") or []]


def _greeting_regex(greetings: Iterable[str]) -> re.Pattern[str] | None:
    """A run of greetings at the start of a normalised message ("hi hi", "hello, hey!"; punctuation is a space by
    then), with the space after each: a whole word in a spaced script, anywhere before the next word in Thai and
    Chinese ("你好我很害怕"); the longest greeting first."""
    spaced, compact = set(), set()
    for greeting in greetings:
        if word := normalise(greeting):
            (compact if _is_compact(word) else spaced).add(re.escape(word))
    branches = [f"(?:{'|'.join(sorted(words, key=len, reverse=True))}){after}"
                for words, after in ((spaced, r"(?![\w\u0e00-\u0e7f])"), (compact, "")) if words]
    return re.compile(f"(?:(?:{'|'.join(branches)}) ?)+") if branches else None
