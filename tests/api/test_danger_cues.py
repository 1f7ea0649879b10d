"""A cue told in the same message as danger (bot/assistant.py `heard`, screening/questionnaire.py DANGER_HEARD).

Found walking the chat: "mi jefe tiene mi pasaporte y no me deja salir" (my boss has my passport and won't let me
leave) is danger: the app answers it itself and the message never reaches Rasa's turn, so the cue was never noted and
nothing asked about it later. Now the app asks the NLU, in the background, what cue it hears in a danger message, and
tells the screening to hold it; "Yes, go on" asks it. Through the web chat API, with a stand-in for Rasa that runs
the real questionnaire (tests/api/test_screening_cues.py), or with Rasa slow or down.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.app import GATEWAY, SETTINGS
from bot.assistant import HELD_CUE_MIN_CONFIDENCE
from screening.questionnaire import CUES
from tests.api.test_safety import in_language, texts_of, tier_and_state
from tests.api.test_screening_cues import ScreeningTurns
from tests.conftest import TEXTS, AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import FakeRasa, serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked or down

LEAVE = "mi jefe tiene mi pasaporte y no me deja salir"  # danger to the lexicon, cue_cannot_leave to the NLU
# Its statements, each read alone too (bot/assistant.py `_cues_told`): the stand-in NLU hears no cue in them.
LEAVE_STATEMENTS = ["mi jefe tiene mi pasaporte", "no me deja salir"]
KILL = "me van a matar"  # danger to the lexicon and to the NLU: no cue
DIE = "me quiero morir"  # self-harm
HOURS = "cuantas horas puedo trabajar a la semana"  # nothing of danger


class HeldCueTurns(ScreeningTurns):
    """The stand-in for Rasa running the real questionnaire, as its rules and action_screening do: a cue's intent
    the app sends ("/cue_cannot_leave") with its metadata (lexicon, words), and "Yes, go on" ("/safe_to_write")."""

    def turn(self, body: dict[str, Any], default: list[dict[str, Any]]) -> list[dict[str, Any]]:
        message, metadata = body["message"], body.get("metadata") or {}
        intent = message.removeprefix("/")
        if message.startswith("/") and (intent in CUES or intent == "safe_to_write"):
            words = metadata.get("words") if intent in CUES and metadata.get("lexicon") == "danger" else ""
            self.state, replies = self.questionnaire.handle(self.state, intent, words or "",
                                                            lexicon=metadata.get("lexicon"), language=self.language)
            return [{"custom": reply} for reply in replies]
        return self.get(message, default)


def nlu(rasa: FakeRasa) -> None:
    rasa.intents.update({LEAVE: ("cue_cannot_leave", 0.81), KILL: ("danger", 0.93), HOURS: ("ask_rights", 0.7)})


def cue_turns(rasa: FakeRasa) -> list[dict[str, Any]]:
    """The turns the app sent Rasa that are a cue's intent."""
    return [body for body in rasa.received if body["message"].removeprefix("/") in CUES]


async def test_a_cue_told_beside_danger_is_held_silently_and_asked_after_yes_go_on(client: AppClient) -> None:
    turns = HeldCueTurns({}, "es")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa)
        session = await in_language(client, "es")
        danger = texts_of(await client.say(session, LEAVE))
        await client.app[GATEWAY].assistant.settled()
        assert danger[0] == TEXTS.text("danger", "es") and danger[-1] == TEXTS.text("safety.check", "es")
        assert TEXTS.text("cue.CD-03", "es") not in danger  # no question while "Is it safe …?" waits
        assert rasa.parsed[0] == LEAVE and sorted(rasa.parsed[1:]) == sorted(LEAVE_STATEMENTS)  # whole, then each
        assert cue_turns(rasa) == [{"sender": await conversation_of(client, session), "message": "/cue_cannot_leave",
                                    "metadata": {"language": "es", "lexicon": "danger", "words": LEAVE}}]
        assert turns.state is not None and turns.state["held_cues"][0]["pending"] == "cue:CD-03"
        assert turns.state["pending"] is None and not turns.state["offered"]  # the questions not started
        going_on = (await client.say(session, payload="safe_yes"))["messages"]
        assert going_on[-1]["text"] == TEXTS.text("cue.CD-03", "es")  # "May I note this?", as any cue
        assert [button["payload"] for button in going_on[-1]["buttons"]] == ["danger", "/affirm", "/deny"]
        await client.say(session, "si")
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None
    assert screening["questions"] == {"CD-03": "yes"} and screening["evidence"] == {"CD-03": LEAVE}


async def test_i_must_stop_asks_nothing_and_the_cue_stays_held(client: AppClient) -> None:
    turns = HeldCueTurns({}, "es")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa)
        session = await in_language(client, "es")
        await client.say(session, LEAVE)
        await client.app[GATEWAY].assistant.settled()
        stop = texts_of(await client.say(session, payload="safe_no"))
    assert stop == [TEXTS.reply("safety.stop", "es").text]
    assert turns.state is not None and [held["pending"] for held in turns.state["held_cues"]] == ["cue:CD-03"]


async def test_only_danger_the_app_answers_itself_is_parsed_for_a_cue(client: AppClient) -> None:
    async with serving(client.app[SETTINGS].rasa_url, {}) as rasa:
        nlu(rasa)
        for said in ({"text": HOURS}, {"text": DIE}, {"payload": "danger"}):  # ordinary, self-harm, the button
            await client.say(await in_language(client, "es"), **said)
        reporting = await in_language(client, "es")  # words typed in a report may be about someone else
        for payload in ("report", "report_about:other"):
            await client.say(reporting, payload=payload)
        assert texts_of(await client.say(reporting, LEAVE))[-1] == TEXTS.text("safety.check", "es")
        await client.app[GATEWAY].assistant.settled()
        assert rasa.parsed == []
        for intent in (KILL, LEAVE):  # the NLU hears danger itself, or is unsure of the cue: nothing held
            if intent == LEAVE:
                rasa.intents[LEAVE] = ("cue_cannot_leave", HELD_CUE_MIN_CONFIDENCE - 0.01)
            assert texts_of(await client.say(await in_language(client, "es"), intent))[0] == TEXTS.text("danger", "es")
        await client.app[GATEWAY].assistant.settled()
        assert rasa.parsed[:2] == [KILL, LEAVE] and sorted(rasa.parsed[2:]) == sorted(LEAVE_STATEMENTS)
    assert cue_turns(rasa) == []


async def test_the_danger_reply_never_waits_for_rasa(client: AppClient) -> None:
    turns = HeldCueTurns({}, "es")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa)
        session = await in_language(client, "es")
        rasa.arrived.clear()  # set by the greeting
        rasa.hold = asyncio.Event()  # every turn waits: the cue told to the screening too
        danger = texts_of(await asyncio.wait_for(client.say(session, LEAVE), timeout=5))
        assert danger[0] == TEXTS.text("danger", "es") and danger[-1] == TEXTS.text("safety.check", "es")
        await asyncio.wait_for(rasa.arrived.wait(), timeout=5)
        assert cue_turns(rasa) and turns.state is None  # sent, not answered yet
        going_on = asyncio.create_task(client.say(session, payload="safe_yes"))
        await asyncio.sleep(0.2)
        rasa.hold.set()
        # "Yes, go on" pressed before the screening had the cue: its turn comes after, and asks it.
        assert (await asyncio.wait_for(going_on, timeout=10))["messages"][-1]["text"] == TEXTS.text("cue.CD-03", "es")
    assert [body["message"] for body in rasa.received[-2:]] == ["/cue_cannot_leave", "/safe_to_write"]


class FailingCueTurns(HeldCueTurns):
    """The NLU answers; the turn that tells the screening the cue fails (HTTP 500)."""

    def turn(self, body: dict[str, Any], default: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if body["message"].removeprefix("/") in CUES:
            raise RuntimeError("the action server fell over")
        return super().turn(body, default)


async def test_rasa_down_loses_the_cue_and_nothing_else(client: AppClient, caplog: pytest.LogCaptureFixture) -> None:
    session = await in_language(client, "es")  # no Rasa at all: the parse and the turn both fail
    danger = texts_of(await client.say(session, LEAVE))
    await client.app[GATEWAY].assistant.settled()
    assert danger[0] == TEXTS.text("danger", "es") and danger[-1] == TEXTS.text("safety.check", "es")
    assert await tier_and_state(client, session) == ("P1", "queued")
    assert texts_of(await client.say(session, payload="safe_yes")) == [TEXTS.reply("rasa_unavailable", "es").text]
    turns = FailingCueTurns({}, "es")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa)
        session = await in_language(client, "es")
        caplog.clear()
        assert texts_of(await client.say(session, LEAVE)) == danger  # the same reply, whatever Rasa does
        await client.app[GATEWAY].assistant.settled()
        assert cue_turns(rasa) and turns.state is None  # told, and lost
        going_on = (await client.say(session, payload="safe_yes"))["messages"]
    assert going_on[-1]["text"].startswith(TEXTS.text("safety.go_on", "es"))  # it goes on, without the cue
    assert await tier_and_state(client, session) == ("P1", "queued")
    [warning] = [record.getMessage() for record in caplog.records if "beside danger" in record.getMessage()]
    assert "HTTP 500" in warning and LEAVE not in caplog.text  # never the words
