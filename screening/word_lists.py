"""Word lists per language, read once for the readers of typed text: a content file that maps each language (ISO
639-1 code) to named lists of quoted texts, `{"da": {"requests": ["slet chatten", …], "before": […]}, …}`, read as
language → list → its texts normalised (screening/normalise.py), in the file's order. What the lists mean, and how
the languages' lists are joined, stays with each reader: bot/delete_words.py, handover/report_about.py,
handover/report_child.py, handover/report_code_words.py.

Here, next to `normalise`, because the readers match on its text, and in the screening because all of them may
import it (bot, handover). Pure like the rest of the package: stdlib and PyYAML, Python 3.10.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import yaml

from screening.normalise import normalise

WordLists = dict[str, dict[str, tuple[str, ...]]]  # language → list → its texts, normalised
_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it: the same result


def load_word_lists(path: Path, lists: Sequence[str], required: Collection[str] = ()) -> WordLists:
    """Every language's `lists` in the file at `path`, each text normalised; a list left out (or left empty) is
    empty, but each of `required` must have a text. A mistake in the file stops the load with the place named:
    "en: expected the lists …", "da.term: expected a list of quoted texts, got 'referencekode'"."""
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE)
    expected = ", ".join(lists)
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{path}: expected the languages, each with the lists {expected}")
    found: WordLists = {}
    for code, entries in raw.items():
        if not isinstance(entries, dict) or not set(entries) <= set(lists) or not set(required) <= set(entries):
            raise ValueError(f"{path}: {code}: expected the lists {expected}")
        found[str(code)] = {name: _texts(path, f"{code}.{name}", entries.get(name), name in required)
                            for name in lists}
    return found


def _texts(path: Path, where: str, value: object, required: bool) -> tuple[str, ...]:
    """A list of quoted texts, each with words in it (a bare yes or no is YAML's boolean, not a word), normalised."""
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value) or not all(
            isinstance(entry, str) and normalise(entry) for entry in value):
        raise ValueError(f"{path}: {where}: expected a list of quoted texts, got {value!r}")
    return tuple(normalise(entry) for entry in value)
