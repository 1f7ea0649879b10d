"""The order of what bot/assistant.py tells Rasa for one conversation: a cue held beside danger (`heard`, in the
background) reaches the screening before the person's next turn ("Yes, go on"), however slow the NLU's parse; other
conversations do not wait for it. The whole path, through the web chat API: tests/api/test_danger_cues.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from bot.assistant import Assistant
from bot.danger import Cue
from tests.conftest import TEXTS

LEAVE = "mi jefe tiene mi pasaporte y no me deja salir"


class SlowNlu:
    """Stands in for bot/rasa_client.py: the parse answers when let; every turn is recorded, answered with nothing."""

    def __init__(self) -> None:
        self.may_answer = asyncio.Event()
        self.sent: list[tuple[str, str]] = []

    async def intent(self, text: str) -> tuple[str, float] | None:
        await self.may_answer.wait()
        return "cue_cannot_leave", 0.9

    async def send(self, sender_id: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        self.sent.append((sender_id, message))
        return []


class Nobody:
    """The handover requests, as far as a turn asks them: nobody can answer now."""

    async def staffed(self) -> bool:
        return False


async def test_yes_go_on_reaches_rasa_after_the_cue_held_beside_danger_and_other_people_do_not_wait() -> None:
    nlu = SlowNlu()
    # An empty turn needs no store and no reporting; whether someone can answer is looked up for every turn.
    assistant = Assistant(nlu, TEXTS, None, Nobody(), None)  # type: ignore[arg-type]
    assistant.heard("one", Cue.DANGER, "es", LEAVE)
    going_on = asyncio.create_task(assistant.ask(SimpleNamespace(id="one"), "/safe_to_write", "es", "h"))  # type: ignore[arg-type]
    await assistant.ask(SimpleNamespace(id="two"), "/greet", "es", "h")  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert nlu.sent == [("two", "/greet")]  # the first person's turn waits for the cue
    nlu.may_answer.set()
    await asyncio.wait_for(going_on, timeout=5)
    assert nlu.sent[1:] == [("one", "/cue_cannot_leave"), ("one", "/safe_to_write")]
    await assistant.settled()
