"""The policy that picks a conversation's language from a detection (bot/language.py), the language it has
and Telegram's hint. docs/language.md explains the thresholds and how they were chosen."""

from __future__ import annotations

from collections.abc import Sequence

from bot.language import CERTAIN, Detection, letter_count, normalise_code

SWITCH_MIN_CONFIDENCE = 0.9  # leave the conversation's language only on a sure detection …
SWITCH_MIN_LETTERS = 15  # … of a real sentence, not a word or two mixed into another language
FIRST_MIN_CONFIDENCE = 0.8  # with no language yet, a fairly sure detection beats Telegram's hint …
FIRST_MIN_LETTERS = 8  # … if the message is more than a word


def choose_language(*, detection: Detection, text: str, current: str | None, telegram_code: str | None,
                    supported: Sequence[str], default: str = "en") -> str:
    """The conversation's language after this message (the caller handles an explicit choice first).

    Keeps `current` unless the detection is certain (lexicon or script rule) or sure on a real sentence;
    with no current language: a fairly sure detection, else Telegram's language_code, else `default`.
    """
    supported_codes = {normalise_code(code) for code in supported}
    detected = detection.language if detection.language in supported_codes else None
    current = normalise_code(current)
    if current in supported_codes:
        return detected if detected and _sure_enough(detection, text, SWITCH_MIN_CONFIDENCE,
                                                     SWITCH_MIN_LETTERS) else current
    if detected and _sure_enough(detection, text, FIRST_MIN_CONFIDENCE, FIRST_MIN_LETTERS):
        return detected
    hint = normalise_code(telegram_code)
    return hint if hint in supported_codes else default


def _sure_enough(detection: Detection, text: str, min_confidence: float, min_letters: int) -> bool:
    if detection.confidence >= CERTAIN:
        return True
    return detection.confidence >= min_confidence and letter_count(text) >= min_letters
