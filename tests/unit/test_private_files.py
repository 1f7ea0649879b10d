"""var/ is private: 0700, its files 0600, whatever an older version or another umask left behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.private_files import make_private


@pytest.fixture
def restored_umask() -> Iterator[None]:
    saved = os.umask(0o022)
    yield
    os.umask(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_make_private_fixes_what_is_there_and_what_comes_later(tmp_path: Path, restored_umask: None) -> None:
    var_dir = tmp_path / "var"
    (var_dir / "logs").mkdir(parents=True, mode=0o755)
    var_dir.chmod(0o755)
    for path in (var_dir / "havn.db", var_dir / "rasa-tracker.db", var_dir / "logs" / "rasa.log"):
        path.write_bytes(b"x")
        path.chmod(0o644)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (var_dir / "link").symlink_to(outside)

    make_private(var_dir)

    assert mode(var_dir) == mode(var_dir / "logs") == 0o700
    assert {mode(path) for path in var_dir.rglob("*.db")} | {mode(var_dir / "logs" / "rasa.log")} == {0o600}
    assert mode(outside) == 0o644  # a symbolic link's target is left alone
    (var_dir / "new.db").write_bytes(b"x")  # what the process (and its children) create later: private too
    (var_dir / "new").mkdir()
    assert (mode(var_dir / "new.db"), mode(var_dir / "new")) == (0o600, 0o700)


def test_make_private_creates_a_missing_folder_0700(tmp_path: Path, restored_umask: None) -> None:
    make_private(tmp_path / "a" / "var")
    assert mode(tmp_path / "a" / "var") == 0o700
