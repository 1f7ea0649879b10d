"""Messages without an answer's words, through the web chat API and the app to a stand-in for Rasa that runs the real
questionnaire (tests/api/test_screening_cues.py ScreeningTurns): emoji alone, and thanks alone in Danish.

Found walking the chat: "🔪😱" and "😭😭" got "Sorry, I did not understand"; Danish "tak" (thanks) too, the NLU
hearing the Polish yes in it.
"""

from __future__ import annotations

import pytest

from bot.app import SETTINGS
from tests.api.test_safety import in_language, texts_of, tier_and_state
from tests.api.test_screening_cues import ScreeningTurns
from tests.conftest import TEXTS, AppClient, own_app
from tests.fakes.rasa import serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked


@pytest.mark.parametrize("language", ["en", "ar"])
async def test_emoji_alone_get_a_kind_reply_with_112_and_danger_emoji_the_danger_question(
    client: AppClient, language: str
) -> None:
    async with serving(client.app[SETTINGS].rasa_url, ScreeningTurns({}, language)):  # the NLU: its fallback
        session = await in_language(client, language)
        [crying] = (await client.say(session, "😭😭"))["messages"]
        [knife] = (await client.say(session, "🔪😱"))["messages"]
    assert crying["text"] == TEXTS.reply("emoji_only", language).text and "112" in crying["text"]
    assert crying["text"] != TEXTS.reply("not_understood", language).text
    assert knife["text"] == TEXTS.reply("danger.check", language).text and "112" in knife["text"]
    for reply in (crying, knife):  # words or a button, the danger button first
        assert reply["buttons"][0]["payload"] == "danger"
    assert await tier_and_state(client, session) == (None, "bot")  # asked, not assumed: no P1


@pytest.mark.parametrize(("language", "said"), [("da", "goodbye"), ("pl", "not_understood")])
async def test_tak_alone_is_thanks_in_danish_and_yes_in_polish(client: AppClient, language: str, said: str) -> None:
    async with serving(client.app[SETTINGS].rasa_url, ScreeningTurns({"tak": "affirm"}, language)):  # Polish yes
        session = await in_language(client, language)
        assert texts_of(await client.say(session, "tak")) == [TEXTS.reply(said, language).text]
