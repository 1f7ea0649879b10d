"""Cues told one after another in the web chat (screening/questionnaire.py): through the web chat API and the app to
a stand-in for Rasa that runs the real questionnaire on the intents a trained model gives these words, and back to
what the person reads and what the caseworker's summary keeps."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import GATEWAY, SETTINGS
from screening.questionnaire import Questionnaire
from screening.types import ScreeningState
from tests.conftest import TEXTS, AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


class ScreeningTurns(dict):  # type: ignore[type-arg]
    """The fake Rasa's replies: each message's intent (as the NLU names it) run through the questionnaire, whose
    state is kept between turns as Rasa's `screening` slot is."""

    def __init__(self, intents: dict[str, str], language: str) -> None:
        super().__init__()
        self.intents, self.language = intents, language
        self.state: ScreeningState | None = None
        self.questionnaire = Questionnaire()

    def get(self, message: str, default: Any = None) -> list[dict[str, Any]]:  # type: ignore[override]
        if message.startswith("/"):  # a button of the app's own ("/greet" after the language): not the screening's
            return default
        self.state, replies = self.questionnaire.handle(self.state, self.intents.get(message, "nlu_fallback"),
                                                        message, language=self.language)
        return [{"custom": reply} for reply in replies]


async def test_a_cue_told_while_another_waits_is_asked_after_it_and_both_are_noted_with_their_words(
        client: AppClient) -> None:
    # Found walking the chat: "mi-au luat pasaportul", "nu ma platesc", "da": only the pay reached the caseworker.
    turns = ScreeningTurns({"mi-au luat pasaportul": "ask_passport", "nu ma platesc": "ask_pay"}, "ro")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await client.new_session()
        await client.say(session, payload="lang:ro")
        await client.say(session, "mi-au luat pasaportul")
        asked = (await client.say(session, "nu ma platesc"))["messages"][-1]
        assert asked["text"] == TEXTS.text("cue.EX-02", "ro")
        replies = (await client.say(session, "da"))["messages"]
        assert [reply["text"] for reply in replies] == [TEXTS.text("screening.noted", "ro"),
                                                       TEXTS.text("cue.CD-01", "ro")]  # asked again
        assert [button["payload"] for button in replies[-1]["buttons"]] == ["danger", "/affirm", "/deny"]
        await client.say(session, "da")
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None
    assert screening["answers"] == {"EX-02": "yes", "CD-01": "yes"}
    assert screening["evidence"] == {"EX-02": "nu ma platesc", "CD-01": "mi-au luat pasaportul"}


async def test_words_not_understood_while_a_cue_waits_reach_the_caseworker_with_it(client: AppClient) -> None:
    # Found walking the chat: "chefen har taget mit pas", then "jeg far ingen lon" got "Use one of the buttons" and
    # the pay was dropped.
    turns = ScreeningTurns({"chefen har taget mit pas": "ask_passport"}, "da")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await client.new_session()
        await client.say(session, payload="lang:da")
        await client.say(session, "chefen har taget mit pas")
        replies = [reply["text"] for reply in (await client.say(session, "jeg far ingen lon"))["messages"]]
        assert replies == [TEXTS.text("cue.CD-01", "da")]
        await client.say(session, "ja")
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None and screening["answers"] == {"CD-01": "yes"}
    assert screening["evidence"] == {"CD-01": "chefen har taget mit pas\njeg far ingen lon"}
