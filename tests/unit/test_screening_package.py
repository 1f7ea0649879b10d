"""The screening package's two promises to its two hosts: it runs without the app (only the stdlib and PyYAML),
and its vocabulary is the app's."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import get_args

from core.vocabulary import Kind, Tier
from screening import types

PACKAGE = Path(__file__).resolve().parents[2] / "screening"


def test_screening_imports_only_the_stdlib_yaml_and_itself() -> None:
    # The action server (Python 3.10, no app installed) imports it: never rasa_sdk, core/, bot/ or handover/.
    allowed = set(sys.stdlib_module_names) | {"yaml", "screening"}
    found = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path.name, node.module.split(".")[0]))
    assert found and sorted((name, module) for name, module in found if module not in allowed) == []


def test_the_tiers_and_kinds_are_the_apps_strings() -> None:
    # screening/ spells them as Literals (it must not import core/); the app's StrEnums are equal to them.
    assert get_args(types.Tier) == tuple(Tier)
    assert get_args(types.HandoverKind) == tuple(Kind)
