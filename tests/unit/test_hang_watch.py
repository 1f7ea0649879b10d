"""The hang watch: a test that waits for ever fails, naming what it waited for, and the next test still runs."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

HUNG_MODULE = '''
import asyncio


async def test_waits_for_ever():
    await asyncio.get_running_loop().create_future()


def test_after_it():
    assert True
'''


def test_a_hung_test_fails_with_its_await_chain_and_the_run_goes_on(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVN_TEST_HANG_SECONDS", "2")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(test_hung=HUNG_MODULE)
    pytester.makeini("[pytest]\nasyncio_mode = auto\n"
                     "asyncio_default_fixture_loop_scope = session\nasyncio_default_test_loop_scope = session\n")
    result = pytester.runpytest_subprocess("-p", "tests.hang_watch", timeout=120)
    result.assert_outcomes(failed=1, passed=1)
    # pytest shows the plugin's report as the failed test's captured stderr, in its own output.
    result.stdout.fnmatch_lines(["*test_waits_for_ever has run 2 s*",
                                 "*test_hung.py:* in test_waits_for_ever",
                                 "*waiting for <Future pending*"])
