"""A typed message as the screening's word lists see it, in every language: one `normalise` for the message and
for the lists (content/screening/age_words.yml, content/screening/typed_answers.yml), so both meet halfway.

Case, Latin diacritics ("tuổi" → "tuoi", "știu" → "stiu", "år" → "ar"), apostrophes ("j'ai" → "jai"),
punctuation, letters repeated in a row ("yesss" → "yes", "noo" → "no") and the digits of other scripts
("١٧" → "17") do not matter. Cyrillic and Arabic letters keep their own identity (й stays й), with the usual
Arabic spelling variants folded. Thai and Chinese write words without spaces, so spaces between their letters
(and between them and digits) are dropped: "ฉัน อายุ 17 ปี" and "ฉันอายุ17ปี" are one text.

Pure like the rest of the package: stdlib only, Python 3.10.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'’ʼ‘`´"
# After NFKD: combining marks that follow a Latin letter go; Cyrillic й ї ё keep theirs (recomposed by NFC).
_LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, hamza, tatweel
_FOLD = str.maketrans({
    "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ł": "l", "ı": "i",  # Latin letters NFKD does not decompose
    "ё": "е",  # Russians type е for ё
    "ى": "ي", "ة": "ه",  # the usual Arabic spelling variants
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian, Urdu) digits
    **{chr(0x0E50 + d): str(d) for d in range(10)},  # Thai digits
    **dict.fromkeys(_APOSTROPHES, ""),  # "don't" → "dont", "j'ai" → "jai"
})
COMPACT = "\u0e00-\u0e7f\u3400-\u9fff\uf900-\ufaff"  # Thai, Han: scripts written without spaces between words
_NON_WORD = re.compile(rf"[^\w{COMPACT}]+|_+")  # Thai vowel and tone marks are not \w but belong to words
_REPEATS = re.compile(r"([^\W\d_])\1+")  # letters only: "112" stays "112"
_COMPACT_GAP = re.compile(rf"(?<=[{COMPACT}]) (?=[{COMPACT}\d])|(?<=\d) (?=[{COMPACT}])")


def normalise(text: str) -> str:
    """Folded, lowercase, words separated by single spaces, repeated letters once; see the module's docstring."""
    text = unicodedata.normalize("NFKD", text.casefold())  # NFKD also turns full-width "１７" into "17"
    text = unicodedata.normalize("NFC", _ARABIC_MARKS.sub("", _LATIN_MARKS.sub("", text)))
    text = _NON_WORD.sub(" ", text.translate(_FOLD)).strip()
    return _COMPACT_GAP.sub("", _REPEATS.sub(r"\1", text))


_COMPACT_WORD = re.compile(f"[{COMPACT}]+")


def cut_word(message: str, part: str, end: bool) -> str | None:
    """A normalised `message` without `part` at its end (or start) where a word ends, or None. Thai and Chinese
    words meet without a space (normalise drops it). For the typed-answer word lists (handover/report_about.py,
    handover/report_code_words.py): "about my sister" without its lead, "คนอื่นค่ะ" without its polite particle."""
    joined = part if _COMPACT_WORD.fullmatch(part) else (f" {part}" if end else f"{part} ")
    if len(message) <= len(joined):
        return None
    if end and message.endswith(joined):
        return message[:-len(joined)].strip()
    if not end and message.startswith(joined):
        return message[len(joined):].strip()
    return None
