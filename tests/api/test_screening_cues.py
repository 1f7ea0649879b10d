"""Cues told one after another in the web chat (screening/questionnaire.py): through the web chat API and the app to
a stand-in for Rasa that runs the real questionnaire on the intents a trained model gives these words, and back to
what the person reads and what the caseworker's summary keeps."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import GATEWAY, SETTINGS
from screening.questionnaire import Questionnaire
from screening.types import ScreeningState
from tests.conftest import TEXTS, AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


PROJECT = Path(__file__).resolve().parents[2]


@cache
def rule_actions() -> dict[str, str]:
    """Intent → the action its rule runs (nlu_data/rules.yml), and each domain response's payloads: the fake Rasa
    answers an intent as the trained rules would."""
    rules = yaml.safe_load((PROJECT / "nlu_data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    return {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules
            if len(rule["steps"]) == 2 and "intent" in rule["steps"][0]}


@cache
def responses() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in (PROJECT / "domain").glob("*.yml"):
        found.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return found


class ScreeningTurns(dict):  # type: ignore[type-arg]
    """The fake Rasa's replies: each message's intent (as the NLU names it) answered by the action its rule names
    (nlu_data/rules.yml): action_screening runs the questionnaire, whose state is kept between turns as Rasa's
    `screening` slot is; a domain response gives its payloads."""

    def __init__(self, intents: dict[str, str], language: str) -> None:
        super().__init__()
        self.intents, self.language = intents, language
        self.state: ScreeningState | None = None
        self.questionnaire = Questionnaire()

    def get(self, message: str, default: Any = None) -> list[dict[str, Any]]:  # type: ignore[override]
        if message.startswith("/"):  # a button of the app's own ("/greet" after the language): not the screening's
            return default
        intent = self.intents.get(message, "nlu_fallback")
        action = rule_actions()[intent]
        if action != "action_screening":
            return [{"custom": response["custom"]} for response in responses()[action]]
        self.state, replies = self.questionnaire.handle(self.state, intent, message, language=self.language)
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


async def test_words_the_nlu_takes_for_a_report_while_a_cue_waits_stay_in_the_screening(client: AppClient) -> None:
    # Found walking the chat: "darbdavys paeme mano pasa", then "mes gyvename 10 zmoniu viename kambaryje" (the
    # NLU's `report`) left the screening for the bystander's report form ("Is this about you, or about someone
    # else?"). The person is telling their own story: the words are kept with the cue, asked again.
    told = "mes gyvename 10 zmoniu viename kambaryje"
    turns = ScreeningTurns({"darbdavys paeme mano pasa": "ask_passport", told: "report"}, "lt")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await client.new_session()
        await client.say(session, payload="lang:lt")
        await client.say(session, "darbdavys paeme mano pasa")
        replies = [reply["text"] for reply in (await client.say(session, told))["messages"]]
        assert replies == [TEXTS.text("cue.CD-01", "lt")]
        await client.say(session, "taip")
    conversation = await conversation_of(client, session)
    assert await client.app[GATEWAY].store.flow(conversation) is None
    screening = await client.app[GATEWAY].store.screening(conversation)
    assert screening is not None and screening["answers"] == {"CD-01": "yes"}
    assert screening["evidence"] == {"CD-01": f"darbdavys paeme mano pasa\n{told}"}


async def test_the_nlu_report_with_no_screening_question_waiting_starts_the_report(client: AppClient) -> None:
    turns = ScreeningTurns({"I want to report something": "report"}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await client.new_session()
        await client.say(session, payload="lang:en")
        replies = [reply["text"] for reply in (await client.say(session, "I want to report something"))["messages"]]
    assert replies[:2] == [TEXTS.text("report.intro", "en"), TEXTS.text("report.ask_about", "en")]
