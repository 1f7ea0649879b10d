"""Realistic cases (tests/vignettes/*.json): the scorer gives the assessment, tier and dimensions expected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from screening.scoring import assess, screen_file

VIGNETTES = sorted((Path(__file__).resolve().parents[1] / "vignettes").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_enough_vignettes() -> None:
    assert len(VIGNETTES) >= 22


@pytest.mark.parametrize("path", VIGNETTES, ids=[path.stem for path in VIGNETTES])
def test_vignette(path: Path, tmp_path: Path) -> None:
    vignette = load(path)
    assert set(vignette) == {"name", "reason", "input", "expected"}
    assert set(vignette["expected"]) == {"assessment", "tier", "dimensions"}
    assert vignette["name"].strip() and vignette["reason"].strip() and "\n" not in vignette["reason"]
    expected = vignette["expected"]

    result = assess(vignette["input"])
    assert {key: result[key] for key in expected} == expected, vignette["reason"]

    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(vignette["input"], ensure_ascii=False), encoding="utf-8")
    assert screen_file(str(request_file)) == result
