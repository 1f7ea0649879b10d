"""The fuzzed app, shared by the three targets (tests/fuzz/test_*.py), and the figures printed at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.harness import DATABASE, Figures, LiveApp

FIGURES: list[Figures] = []


@pytest.fixture(scope="package")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    app = LiveApp(Path(tmp_path_factory.mktemp("fuzz")))
    app.start()
    yield app
    app.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section(f"fuzzing (tests/fuzz, on {DATABASE})")
    for figures in FIGURES:
        terminalreporter.write_line(figures.line())
    cases = sum(figures.cases for figures in FIGURES)
    server_errors = sum(len(figures.server_errors) for figures in FIGURES)
    terminalreporter.write_line(f"in all: {cases} cases, {server_errors} server errors")
