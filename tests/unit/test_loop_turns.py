"""A long loop taken in turns (core/loop_turns.py) lets the other tasks run before it ends: shown by order."""

from __future__ import annotations

import asyncio

from core.loop_turns import in_turns


async def test_another_task_runs_before_a_long_loop_ends() -> None:
    happened: list[str] = []

    async def other_task() -> None:
        happened.append("other task")

    asyncio.get_running_loop().call_soon(asyncio.ensure_future, other_task())
    async for number in in_turns(range(3), turn_seconds=0):  # every item is a turn's worth
        happened.append(f"item {number}")
    assert happened.index("other task") < happened.index("item 2")


async def test_every_item_comes_once_in_order() -> None:
    assert [item async for item in in_turns(iter(range(1000)))] == list(range(1000))
