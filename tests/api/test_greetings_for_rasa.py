"""A greeting in front of a typed message (walk 3, item 3): "السلام عليكم، عندي مشكلة في الشغل، ما يدفعوا لي" was
read by the NLU as "I cannot leave" (then a false P1 after "yes"), "السلام عليكم ما يدفعوا لي" as a greeting alone
(the pay complaint dropped). Rasa's turn gets the words after the greetings when its NLU is surer of them than of
the whole message (bot/gateway.py `_for_rasa`); a greeting alone goes as it is; the message is stored as typed.
The fake Rasa's parse gives the intents and confidences the trained model gave these words. The Thai one is read
right either way (the words alone surer), as are "hello, they dont pay me" and "bonjour, mon patron garde mon
passeport" (not here)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import GATEWAY, SETTINGS
from core.vocabulary import Sender
from tests.conftest import AppClient, own_app
from tests.console_client import conversation_of
from tests.fakes.rasa import FakeRasa, serving

client = pytest.fixture(own_app, name="client")  # SQLite, Rasa faked

# What the trained model (models/havn.tar.gz of 7 December) read in each message, and in its words after the
# greetings (measured; walk 3 found the Arabic ones).
PARSED = {
    "السلام عليكم، عندي مشكلة في الشغل، ما يدفعوا لي": ("cue_cannot_leave", 0.50),
    "عندي مشكلة في الشغل، ما يدفعوا لي": ("need_help", 0.82),
    "السلام عليكم ما يدفعوا لي": ("greet", 0.76), "ما يدفعوا لي": ("ask_pay", 0.82),
    "hi hi, they dont pay me": ("greet", 0.63), "they dont pay me": ("ask_pay", 0.92),
    "hello": ("greet", 0.91),
    "bonjour bonjour, on me paie pas": ("nlu_fallback", 0.20), "on me paie pas": ("ask_pay", 0.89),
    "สวัสดีค่ะ นายจ้างไม่จ่ายเงินฉัน": ("ask_pay", 0.88), "นายจ้างไม่จ่ายเงินฉัน": ("ask_pay", 0.94),
    # Read as well or better whole: "all" alone is not understood, "ça va" alone is a no.
    "hi all": ("greet", 0.89),
    "salut ça va": ("greet", 0.93), "ça va": ("deny", 0.37),
    "bonjour, mon patron ne me paie pas": ("ask_pay", 0.90), "mon patron ne me paie pas": ("ask_pay", 0.79),
}


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {}) as fake:
        fake.intents.update(PARSED)
        yield fake


@pytest.mark.parametrize(("language", "typed", "for_rasa"), [
    ("ar", "السلام عليكم، عندي مشكلة في الشغل، ما يدفعوا لي", "عندي مشكلة في الشغل، ما يدفعوا لي"),
    ("ar", "السلام عليكم ما يدفعوا لي", "ما يدفعوا لي"),
    ("en", "hi hi, they dont pay me", "they dont pay me"),
    ("en", "hello", "hello"),
    ("fr", "bonjour bonjour, on me paie pas", "on me paie pas"),
    ("th", "สวัสดีค่ะ นายจ้างไม่จ่ายเงินฉัน", "นายจ้างไม่จ่ายเงินฉัน"),
])
async def test_rasa_gets_the_words_after_the_greetings_and_the_message_is_stored_as_typed(
        client: AppClient, rasa: FakeRasa, language: str, typed: str, for_rasa: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, typed)
    assert rasa.received[-1]["message"] == for_rasa
    latest = await client.app[GATEWAY].store.latest(await conversation_of(client, session), 20)
    assert next(message.text for message in latest if message.sender == Sender.USER) == typed


@pytest.mark.parametrize(("language", "typed"), [
    ("en", "hi all"), ("fr", "salut ça va"), ("fr", "bonjour, mon patron ne me paie pas"),
])
async def test_a_message_the_nlu_reads_better_whole_goes_as_typed(client: AppClient, rasa: FakeRasa,
                                                                   language: str, typed: str) -> None:
    session = await client.new_session()
    await client.say(session, payload=f"lang:{language}")
    await client.say(session, typed)
    assert rasa.received[-1]["message"] == typed


async def test_rasa_unable_to_parse_gets_the_message_as_typed(client: AppClient, rasa: FakeRasa) -> None:
    rasa.intents.pop("they dont pay me")  # not understood alone (the fake's nlu_fallback)
    session = await client.new_session()
    await client.say(session, "hi hi, they dont pay me")
    assert rasa.received[-1]["message"] == "hi hi, they dont pay me"
