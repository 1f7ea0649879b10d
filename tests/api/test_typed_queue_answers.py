"""A typed answer to "Nobody from the centre can answer right now… keep waiting, or leave a message?" (bot/gateway.py
`_typed_queue_answer`, bot/queue_words.py) does what its button does, through the web chat API with a stand-in for
Rasa that runs the real questionnaire (tests/api/test_safety.py ChildTurns).

Found walking the chat: a typed "I will wait" after that question went to Rasa as words, and the screening's offer
that waited for it never came; only the button made it.
"""

from __future__ import annotations

import pytest

from bot.app import SETTINGS
from tests.api.test_safety import ChildTurns, in_language, texts_of
from tests.conftest import TEXTS, AppClient, own_app
from tests.fakes.rasa import serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked; nobody online: nobody can answer

I_WILL_WAIT = {"en": "ok I will wait", "da": "jeg venter", "ro": "voi aștepta", "ar": "سأنتظر", "th": "ฉันจะรอค่ะ"}


def offer_start(language: str) -> str:
    """The offer's words before its number ("May I ask you up to ")."""
    return TEXTS.text("screening.offer", language, {"total": "7"}).split("7")[0]


@pytest.mark.parametrize("language", I_WILL_WAIT)
async def test_a_typed_i_will_wait_after_the_queues_question_is_its_button_and_the_offer_follows(
    client: AppClient, language: str
) -> None:
    turns = ChildTurns({}, language)
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        session = await in_language(client, language)
        [nobody] = (await client.say(session, payload="/talk_to_person"))["messages"]
        assert [button["payload"] for button in nobody["buttons"]] == ["queue_wait", "queue_message"]
        waiting, offer = texts_of(await client.say(session, I_WILL_WAIT[language]))
    assert waiting.startswith(TEXTS.text("queue.keep_waiting", language))
    assert offer.startswith(offer_start(language))
    assert I_WILL_WAIT[language] not in [body["message"] for body in rasa.received]  # the button's way, not Rasa's


async def test_a_typed_i_will_leave_a_message_is_that_button(client: AppClient) -> None:
    turns = ChildTurns({}, "da")
    async with serving(client.app[SETTINGS].rasa_url, turns):
        session = await in_language(client, "da")
        await client.say(session, payload="/talk_to_person")
        [left] = texts_of(await client.say(session, "Jeg lægger en besked"))
    assert left.startswith(TEXTS.text("queue.leave_message", "da"))


async def test_i_will_wait_typed_anywhere_else_goes_to_rasa_as_words(client: AppClient) -> None:
    turns = ChildTurns({}, "en")
    async with serving(client.app[SETTINGS].rasa_url, turns) as rasa:
        session = await in_language(client, "en")
        await client.say(session, payload="/talk_to_person")
        await client.say(session, payload="queue_wait")  # answered: the question is not the last one any more
        replies = texts_of(await client.say(session, "I will wait"))
    assert not any(reply.startswith(TEXTS.text("queue.keep_waiting", "en")) for reply in replies)
    assert rasa.received[-1]["message"] == "I will wait"
