"""The NLU training examples per language (nlu_data/nlu/<language>/*.yml); no app imports, so that the Rasa
environment can run it too (bench/nlu_quick.py)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def examples_by_language() -> dict[str, dict[str, str]]:
    """language → {example text: intent}, from nlu_data/nlu/<language>/*.yml."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for path in sorted((ROOT / "nlu_data" / "nlu").glob("*/*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in item["examples"].splitlines():
                if line.strip().startswith("- "):
                    found[path.parent.name][line.strip()[2:].strip()] = item["intent"]
    return found
