"""Two cues told in one message (bot/assistant.py `_cues_told`, bot/clauses.py, screening/questionnaire.py `told`),
through the web chat API with a stand-in for Rasa that runs the real questionnaire and passes it the cues the app
told (as actions/screening_actions.py does), and a stand-in NLU for each statement.

Found walking the chat: "they took my passport and I cannot leave the house" was asked about one of the two, and the
other was lost; the same in a message the app answered as danger itself ("mi jefe tiene mi pasaporte y no me deja
salir": only the door was held for after "Yes, go on").
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import GATEWAY, SETTINGS
from tests.api.test_danger_cues import HeldCueTurns
from tests.api.test_safety import in_language, texts_of
from tests.api.test_screening_cues import rule_actions
from tests.conftest import TEXTS, AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import FakeRasa, serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked

# A message, what the NLU makes of it whole, and of each of its statements alone.
BOTH = {
    "en": (
        "they took my passport and I cannot leave the house",
        "ask_passport",
        {"they took my passport": "ask_passport", "I cannot leave the house": "cue_cannot_leave"},
    ),
    "ro": (
        "mi-au luat pașaportul și nu mă plătesc",
        "nlu_fallback",  # unsure of the whole: two things at once
        {"mi-au luat pașaportul": "ask_passport", "nu mă plătesc": "ask_pay"},
    ),
}
DANGER = (
    "mi jefe tiene mi pasaporte y no me deja salir",
    "cue_cannot_leave",
    {"mi jefe tiene mi pasaporte": "ask_passport", "no me deja salir": "cue_cannot_leave"},
)


class ToldTurns(HeldCueTurns):
    """As Rasa's rules and action_screening: typed words the screening answers, with the cues the app told in the
    metadata ("cues")."""

    def turn(self, body: dict[str, Any], default: list[dict[str, Any]]) -> list[dict[str, Any]]:
        message, metadata = body["message"], body.get("metadata") or {}
        intent = self.intents.get(message, "nlu_fallback")
        if message.startswith("/") or rule_actions()[intent] != "action_screening":
            return super().turn(body, default)
        self.state, replies = self.questionnaire.handle(
            self.state, intent, message, language=self.language, told=metadata.get("cues") or ()
        )
        return [{"custom": reply} for reply in replies]


def nlu(rasa: FakeRasa, whole: str, intent: str, statements: dict[str, str]) -> None:
    rasa.intents.update({whole: (intent, 0.6), **{words: (cue, 0.8) for words, cue in statements.items()}})


@pytest.mark.parametrize("language", BOTH)
async def test_two_cues_in_one_message_are_both_asked_one_after_the_other(client: AppClient, language: str) -> None:
    words, intent, statements = BOTH[language]
    first, second = (CUE_IDS[cue] for cue in statements.values())
    turns = ToldTurns({words: intent}, language)
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa, words, intent, statements)
        session = await in_language(client, language)
        told = texts_of(await client.say(session, words))
        assert told[-1] == TEXTS.text(f"cue.{first}", language)  # one question: the first
        assert TEXTS.text(f"cue.{second}", language) not in told
        assert rasa.received[-1]["metadata"]["cues"] == list(statements.values())
        yes = {"en": "yes", "ro": "da"}[language]
        assert texts_of(await client.say(session, yes))[-1] == TEXTS.text(f"cue.{second}", language)  # then this
        await client.say(session, yes)
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None and screening["questions"] == {first: "yes", second: "yes"}


async def test_one_statement_is_not_looked_up_again(client: AppClient) -> None:
    turns = ToldTurns({"they took my passport": "ask_passport"}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        session = await in_language(client, "en")
        await client.say(session, "they took my passport")
        assert rasa.parsed == [] and "cues" not in rasa.received[-1]["metadata"]


async def test_two_cues_beside_danger_are_both_held_and_asked_after_yes_go_on(client: AppClient) -> None:
    words, intent, statements = DANGER
    turns = ToldTurns({}, "es")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        nlu(rasa, words, intent, statements)
        session = await in_language(client, "es")
        danger = texts_of(await client.say(session, words))
        await client.app[GATEWAY].assistant.settled()
        assert danger[0] == TEXTS.text("danger", "es")  # the app's own reply: nothing asked now
        assert turns.state is not None
        assert [held["pending"] for held in turns.state["held_cues"]] == ["cue:CD-01", "cue:CD-03"]
        going_on = texts_of(await client.say(session, payload="safe_yes"))
        assert going_on[-1] == TEXTS.text("cue.CD-03", "es")  # the whole message's cue first
        # Noted: locked in is P1, so "Is it safe for you to write now?" again, and the passport after it.
        assert texts_of(await client.say(session, "si"))[-1] == TEXTS.text("safety.check", "es")
        assert texts_of(await client.say(session, payload="safe_yes"))[-1] == TEXTS.text("cue.CD-01", "es")
        await client.say(session, "si")
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None and screening["questions"] == {"CD-03": "yes", "CD-01": "yes"}
    assert screening["evidence"] == {"CD-03": words, "CD-01": words}


CUE_IDS = {"ask_passport": "CD-01", "ask_pay": "EX-02", "cue_cannot_leave": "CD-03"}
