"""The policy that picks a conversation's language from a detection (bot/language.py), the language it has
and the device's hint (Telegram's language_code, the browser's Accept-Language). docs/language.md explains
the rules and how their numbers were measured (bench/language.py, bench/first_message.py).

A confirmed language is left only for a sure detection of a real sentence. Until a language is confirmed
(a first message, or later ones while it is a guess) the text decides, the device's hint only when the text
tells nothing:
- a sure detection confirms its language (a greeting word too, but only as a weak guess: people of every
  language write "hi");
- a clear lead of the best-ranked language over the runner-up makes it the guess;
- otherwise the best-ranked language is the guess, offered with a row of the likely languages;
- except when the device is set to a language of another script than the message's: Latin letters may be
  that language transliterated, so an unsure text does not beat the device, and a lead comes with the row.
A guess from a text is left only for a language that clearly leads it in a later message (a guess of a language
of another script, from Latin letters, only for a sure detection); a weak guess (a greeting, the hint, the
default) for any language a later message ranks first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.language import CERTAIN, NON_LATIN_LANGUAGES, Detection, letter_count, normalise_code
from core.vocabulary import LanguageGuess

SWITCH_MIN_CONFIDENCE = 0.9  # leave a confirmed language only on a sure detection …
SWITCH_MIN_LETTERS = 15  # … of a real sentence, not a word or two mixed into another language
FIRST_MIN_CONFIDENCE = 0.8  # until a language is confirmed, a fairly sure detection confirms one …
FIRST_MIN_LETTERS = 8  # … if the message is more than a word; below this, no lead is clear either
FIRST_MIN_LEAD = 0.4  # a clear lead: the best confidence minus the runner-up's (bench/first_message.py --sweep)
GUESS_MIN_LETTERS = 3  # a statistical guess from fewer letters ("p3", "k") is no better than the device's hint
ROW_SIZE = 4  # languages offered when unsure: the best-ranked ones, the device's hint among them
ROW_MIN_CONFIDENCE = 0.02  # a language the text all but rules out is not offered (unless needed for two)


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    guess: LanguageGuess | None = None  # None: confirmed; else what the guess rests on
    likely: tuple[str, ...] = ()  # when unsure: the languages to offer, `language` first; else empty


def choose_language(*, detection: Detection, text: str, current: str | None, telegram_code: str | None,
                    supported: Sequence[str], default: str = "en") -> str:
    """The language after this message in a conversation whose language, if it has one, is confirmed."""
    return decide_language(detection=detection, text=text, current=current, guess=None, hint=telegram_code,
                           supported=supported, default=default).language


def decide_language(*, detection: Detection, text: str, current: str | None, guess: LanguageGuess | None,
                    hint: str | None, supported: Sequence[str], default: str = "en",
                    danger: str | None = None) -> LanguageChoice:
    """The conversation's language after this message (the caller handles an explicit choice first).

    `current` is the conversation's language (None before the first message), `guess` what it rests on
    while it is not confirmed, `hint` the device's language, `danger` the one language whose danger words the
    message holds.
    """
    supported_codes = {normalise_code(code) for code in supported}
    detected = detection.language if detection.language in supported_codes else None
    if detection.confidence < CERTAIN and letter_count(text) < GUESS_MIN_LETTERS:
        detected = None
    current = normalise_code(current)
    current = current if current in supported_codes else None
    if current and guess is None:
        switch = detected and _sure_enough(detection, text, SWITCH_MIN_CONFIDENCE, SWITCH_MIN_LETTERS)
        return LanguageChoice(detected if switch and detected else current)
    hint = normalise_code(hint)
    hint = hint if hint in supported_codes else None
    danger = normalise_code(danger)
    if danger in supported_codes and danger != detected and not _sure_enough(
            detection, text, FIRST_MIN_CONFIDENCE, FIRST_MIN_LETTERS):
        # A few words in danger ("mi-e frica", "strah me e", "ya boyus") that the detector cannot place (or places
        # wrongly, as Spanish or Tagalog) are in the language whose danger words they are: the danger reply must
        # be understood. The likely languages are offered beside it, as for any unsure guess.
        if danger == current:
            return LanguageChoice(current, guess)
        return LanguageChoice(danger, LanguageGuess.TEXT, _likely(detection, danger, hint, supported_codes))
    if not detected:  # nothing to go on: the guess so far, else the device's language, else the default
        return LanguageChoice(current, guess) if current else LanguageChoice(hint or default, LanguageGuess.WEAK)
    if _sure_enough(detection, text, FIRST_MIN_CONFIDENCE, FIRST_MIN_LETTERS):
        return LanguageChoice(detected, LanguageGuess.WEAK if detection.from_lexicon else None)
    if current and guess == LanguageGuess.WEAK and _too_short_to_leave(detection, text, current, detected):
        return LanguageChoice(current, guess)  # "hello", then "I am 16": no Lithuanian for three letters
    if current and guess == LanguageGuess.TEXT and not _leads(detection, text, over=current):
        return LanguageChoice(current, guess)  # two unsure texts: the first guess stands (its row was shown)
    if (current and guess == LanguageGuess.TEXT and current in NON_LATIN_LANGUAGES
            and detected not in NON_LATIN_LANGUAGES):
        # A guess of Bulgarian or Arabic typed in Latin letters: the backends cannot rank it in Latin letters at
        # all, so a Latin language "leads" it by its whole confidence ("kakvi prava imam" is Lithuanian 0.62).
        # Only a sure detection (above) leaves it.
        return LanguageChoice(current, guess)
    if detected == current:
        return LanguageChoice(current, LanguageGuess.TEXT)
    lead = _leads(detection, text, over=_runner_up(detection))
    # Latin letters from a device set to a language of another script may be that language transliterated
    # ("nqmam pari", "ana khayef"), which no backend knows: an unsure text does not beat the device then,
    # and even a clear lead is offered with the row.
    transliterated = hint is not None and hint in NON_LATIN_LANGUAGES and detected not in NON_LATIN_LANGUAGES
    if hint and transliterated and not lead:
        language, basis = hint, LanguageGuess.WEAK
    else:
        language, basis = detected, LanguageGuess.TEXT
    if language == current:
        return LanguageChoice(current, guess)  # nothing new: the row was offered with that guess
    unsure = transliterated or not lead
    return LanguageChoice(language, basis, _likely(detection, language, hint, supported_codes) if unsure else ())


def _sure_enough(detection: Detection, text: str, min_confidence: float, min_letters: int) -> bool:
    if detection.confidence >= CERTAIN:
        return True
    return detection.confidence >= min_confidence and letter_count(text) >= min_letters


def _too_short_to_leave(detection: Detection, text: str, current: str, detected: str) -> bool:
    """Whether an unsure message too short to lead as a sentence (fewer than FIRST_MIN_LETTERS letters: "I am 16",
    "am 16 ani") leaves a weak guess (a greeting, the device's language) standing: unless its best language leads
    the guess's by FIRST_MIN_LEAD ("jeg er 16" after "hello"), three letters' noise ("I am" ranks Lithuanian
    0.19, English 0.16) does not move it. Nor does a Latin-script language move a guess of another script,
    which the backends cannot rank in Latin letters ("privet", then "mne 16")."""
    if letter_count(text) >= FIRST_MIN_LETTERS:
        return False
    if current in NON_LATIN_LANGUAGES and detected not in NON_LATIN_LANGUAGES:
        return True
    return detection.confidence - dict(detection.ranking).get(current, 0.0) < FIRST_MIN_LEAD


def _runner_up(detection: Detection) -> str | None:
    return detection.ranking[1][0] if len(detection.ranking) > 1 else None


def _leads(detection: Detection, text: str, over: str | None) -> bool:
    """Whether the best-ranked language leads `over` (absent from the ranking: confidence 0) clearly."""
    other = dict(detection.ranking).get(over, 0.0) if over else 0.0
    return detection.confidence - other >= FIRST_MIN_LEAD and letter_count(text) >= FIRST_MIN_LETTERS


def _likely(detection: Detection, language: str, hint: str | None,
            supported: Collection[str | None]) -> tuple[str, ...]:
    """The languages to offer: the answer's first, then the best-ranked ones the text does not rule out, the
    device's language in the last place when missing; at least two, or none when there is nothing to offer."""
    ranked = [(code, confidence) for code, confidence in detection.ranking if code in supported and code != language]
    others = [code for code, confidence in ranked if confidence >= ROW_MIN_CONFIDENCE] or [c for c, _ in ranked[:1]]
    row = [language, *others][:ROW_SIZE]
    if hint and hint not in row:
        row = [*row[:ROW_SIZE - 1], hint]
    return tuple(row) if len(row) >= 2 else ()
