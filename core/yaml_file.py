"""Reading a content file with libyaml's C parser where PyYAML was built with it (the wheels are).

Why: every app start reads the texts, menus, hours and danger lexicon of sixteen languages, and the pure-Python
parser was most of a start (`make test` starts the app hundreds of times). Same result: the C parser feeds the same
safe constructor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STRINGS = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def read_yaml(path: Path) -> Any:
    """The file's data, as `yaml.safe_load` reads it; raises yaml.YAMLError on a mistake."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE)


def read_yaml_strings(path: Path) -> Any:
    """The file's data with every scalar a string (`no`, `yes` and `on` stay words, not booleans)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_STRINGS)
