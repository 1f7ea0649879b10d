"""A test that hangs fails, with what it was waiting for, instead of holding CI until its hour is up.

The suite's tests share one event loop (pyproject: the session's loop). A coroutine that awaits a future nobody
will resolve leaves that loop idle for good: no error, no output, just a run that never ends. When a test has run
longer than HAVN_TEST_HANG_SECONDS, this prints every thread's stack and, for every task on the loop, the whole
chain of awaits down to the future it is stuck on (asyncio's own `print_stack` shows only a task's top frame), and
then cancels those tasks so that the test ends as a failure and the run goes on.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import os
import sys
import threading
from collections.abc import Iterator
from types import CoroutineType, GeneratorType
from typing import Any

import pytest

HANG_SECONDS = float(os.environ.get("HAVN_TEST_HANG_SECONDS", "600"))


def await_chain(task: asyncio.Task[Any]) -> list[str]:
    """Where `task` stands: each coroutine's file, line and function, then the future it waits for (the task's
    own `_fut_waiter`: at the bottom of the chain a C future shows only as its iterator)."""
    lines: list[str] = []
    awaited: Any = task.get_coro()
    while isinstance(awaited, CoroutineType | GeneratorType):
        frame = awaited.cr_frame if isinstance(awaited, CoroutineType) else awaited.gi_frame
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        awaited = awaited.cr_await if isinstance(awaited, CoroutineType) else awaited.gi_yieldfrom
    lines.append(f"  waiting for {getattr(task, '_fut_waiter', None) or awaited!r}")
    return lines


def running_loops() -> list[asyncio.AbstractEventLoop]:
    return [item for item in gc.get_objects()
            if isinstance(item, asyncio.AbstractEventLoop) and item.is_running()]


def report_and_cancel(loop: asyncio.AbstractEventLoop, test: str) -> None:
    """Runs on the loop itself (it is idle, so it gets there at once): prints every task, then cancels them."""
    tasks = asyncio.all_tasks(loop)
    print(f"\n{test} has run {HANG_SECONDS:.0f} s: {len(tasks)} task(s) on the loop", file=sys.stderr)
    for task in tasks:
        print(f"{task.get_name()}:", *await_chain(task), sep="\n", file=sys.stderr)
    for task in tasks:
        task.cancel(f"{test} hung")


def on_hang(test: str) -> None:
    print(f"\n{test} has run {HANG_SECONDS:.0f} s; every thread:", file=sys.stderr)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    for loop in running_loops():
        loop.call_soon_threadsafe(report_and_cancel, loop, test)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    # The whole protocol (setup, call, teardown): the hangs seen so far were in an async teardown.
    timer = threading.Timer(HANG_SECONDS, on_hang, args=(item.nodeid,))
    timer.daemon = True
    timer.start()
    try:
        return (yield)
    finally:
        timer.cancel()
