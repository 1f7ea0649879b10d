"""The statistical backends of language detection (bot/language.py): lingua and langdetect behind one small
interface, each restricted to the supported languages. Which one runs is HAVN_LANGUAGE_BACKEND; the default was
chosen by bench/language.py (docs/language.md)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)

BACKENDS = ("lingua", "langdetect")
DEFAULT_BACKEND = "lingua"  # chosen by bench/language.py: see docs/language.md

_UNKNOWN_LANGUAGE = "%s has no model for language %r: only the lexicon and script rules can find it"


class Backend(Protocol):
    def scores(self, text: str) -> dict[str, float]:
        """Probability per known language (summing to about 1), empty when the text has no features."""
        ...


class LinguaBackend:
    """lingua, high-accuracy mode, models loaded lazily (see docs/language.md for the memory figures)."""

    def __init__(self, supported: Sequence[str]) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        known: dict[Language, str] = {}
        for code in supported:
            try:
                known[Language.from_iso_code_639_1(IsoCode639_1.from_str(code))] = code
            except ValueError:
                logger.warning(_UNKNOWN_LANGUAGE, "lingua", code)
        _require_two(known.values(), "lingua")
        self._codes = known
        self._detector = LanguageDetectorBuilder.from_languages(*known).build()

    def scores(self, text: str) -> dict[str, float]:
        values = self._detector.compute_language_confidence_values(text)
        return {self._codes[value.language]: value.value for value in values if value.value > 0}


class LangdetectBackend:
    """langdetect (a port of Google's language-detection), profiles restricted to the supported languages."""

    # Profile file names where they differ from the ISO 639-1 code.
    PROFILES: Mapping[str, tuple[str, ...]] = {"zh": ("zh-cn", "zh-tw")}

    def __init__(self, supported: Sequence[str]) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        # langdetect samples n-grams at random: a fixed seed makes the same text give the same answer.
        DetectorFactory.seed = 0
        self._profile_codes: dict[str, str] = {}  # profile name → ISO code
        profiles: list[str] = []
        for code in supported:
            paths = [Path(PROFILES_DIRECTORY) / name for name in self.PROFILES.get(code, (code,))]
            if not all(path.is_file() for path in paths):
                logger.warning(_UNKNOWN_LANGUAGE, "langdetect", code)
                continue
            for path in paths:
                self._profile_codes[path.name] = code
                profiles.append(path.read_text(encoding="utf-8"))
        _require_two(self._profile_codes.values(), "langdetect")
        self._factory = DetectorFactory()
        self._factory.load_json_profile(profiles)

    def scores(self, text: str) -> dict[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:  # no usable n-grams, e.g. only symbols of an unknown script
            return {}
        result: dict[str, float] = {}
        for item in ranked:
            code = self._profile_codes[item.lang]
            result[code] = result.get(code, 0.0) + item.prob
        return result


def _require_two(codes: Iterable[str], backend: str) -> None:
    if len(set(codes)) < 2:
        raise ValueError(f"{backend} knows fewer than two of the supported languages: nothing to detect")


class NoBackend:
    """With a single supported language there is nothing to rank (and langdetect cannot load one profile)."""

    def scores(self, text: str) -> dict[str, float]:
        return {}


BACKEND_CLASSES: Mapping[str, type[LinguaBackend] | type[LangdetectBackend]] = {
    "lingua": LinguaBackend,
    "langdetect": LangdetectBackend,
}
