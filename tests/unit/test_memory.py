"""Freed memory given back to the system after start-up (bot/memory.py), where the C library can."""

from __future__ import annotations

import ctypes.util

import pytest

from bot.memory import release_freed


def test_glibc_gives_freed_memory_back() -> None:
    if "libc.so" not in (ctypes.util.find_library("c") or ""):
        pytest.skip("not glibc")
    assert release_freed() is True


def test_without_a_c_library_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert release_freed() is False


def test_without_malloc_trim_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoTrim:  # musl or macOS: a C library without malloc_trim
        def __init__(self, name: str) -> None:
            pass

        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    assert release_freed() is False
