"""A question asked while "May I note this?" waits (screening/questionnaire.py), through the web chat API with a
stand-in for Rasa that runs the real questionnaire (tests/api/test_screening_cues.py ScreeningTurns).

Found walking the chat: a person who wrote in another language, with an apology for it, a question the NLU did not
understand got the note question again, in their language, and nothing else; after they answered it, their question
was gone (kept only as the passport's evidence). A question the NLU understands is answered by its rule, and the
note still waits for its answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import GATEWAY, SETTINGS
from tests.api.test_screening_cues import ScreeningTurns
from tests.conftest import TEXTS, AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


class LanguageTurns(ScreeningTurns):
    """With the language the app sends with each turn, as action_screening reads it: it changed with the question."""

    def turn(self, body: dict[str, Any], default: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.language = (body.get("metadata") or {}).get("language", self.language)
        return self.get(body["message"], default)


TOLD = "my boss took my passport"
ASKED = "scuze, nu vorbesc bine engleza. pot sa merg la politie?"  # sorry, my English is poor. may I go to the police?


@pytest.mark.parametrize("intent", ["nlu_fallback", "ask_police"])
async def test_a_question_in_another_language_while_the_note_waits_is_answered_and_the_note_after(
    client: AppClient, intent: str
) -> None:
    turns = LanguageTurns({TOLD: "ask_passport", ASKED: intent, "da": "affirm"}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await client.new_session()  # English from the first words: no language chosen
        await client.say(session, TOLD)  # "… May I note this?"
        asked = (await client.say(session, ASKED))["messages"]
        noted = (await client.say(session, "da"))["messages"]
    if intent == "nlu_fallback":  # said so, in Romanian, and the note asked again last, with its buttons
        assert asked[0]["text"] == TEXTS.reply("not_understood", "ro").text
        assert asked[-1]["text"] == TEXTS.text("cue.CD-01", "ro")
        assert [button["payload"] for button in asked[-1]["buttons"]] == ["danger", "/affirm", "/deny"]
    else:  # the rule's answer
        assert asked[0]["text"] == TEXTS.reply("answer.police", "ro").text
    assert noted[0]["text"] == TEXTS.text("screening.noted", "ro")  # the note still answered after it
    screening = await client.app[GATEWAY].store.screening(await conversation_of(client, session))
    assert screening is not None and screening["evidence"] == {"CD-01": TOLD}  # the question is no evidence
