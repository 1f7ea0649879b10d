"""The language of a web chat's first replies (bot/language_policy.py through the gateway), against a fake
Rasa that answers every message with "not understood" and the main menu, rendered in the chosen language."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.config import Settings
from tests.conftest import TEXTS, AppClient, privacy_notice, start_app, webchat_session
from tests.fakes.rasa import serving


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AppClient]:
    async with serving(settings.rasa_url, {}):
        async for app_client in start_app(settings):
            yield app_client


async def say(client: AppClient, session: str, text: str, accept_language: str | None = None) -> list[dict]:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    async with client.http.post(client.url("/api/webchat/messages"), json={"text": text},
                                headers={**headers, **webchat_session(session)}) as response:
        assert response.status == 200, await response.text()
        return (await response.json())["messages"]


@pytest.mark.parametrize(("text", "language"), [("mi-e frica de politie", "ro"), ("انا خايف من الشرطة", "ar"),
                                                ("ฉันกลัวตำรวจ", "th")])
async def test_a_first_message_is_answered_in_its_language(client: AppClient, text: str, language: str) -> None:
    replies = await say(client, await client.new_session(), text, accept_language="en-GB,en;q=0.9")
    assert replies[0]["text"] == TEXTS.text("not_understood", language)
    assert replies[1]["text"] == privacy_notice(language)


# Typed without a Cyrillic or Arabic keyboard (found by a tester: French, Tagalog, Lithuanian, English before).
@pytest.mark.parametrize(("text", "language"), [("kakvi sa pravata mi", "bg"), ("yaki v mene prava", "uk"),
                                                ("mne nuzhna pomosh", "ru"), ("shou 7a2ou2i", "ar")])
async def test_a_first_message_typed_in_latin_letters_is_answered_in_its_language(
        client: AppClient, text: str, language: str) -> None:
    replies = await say(client, await client.new_session(), text, accept_language="en-GB,en;q=0.9")
    assert replies[0]["text"] == TEXTS.text("not_understood", language)
    assert replies[1]["text"] == privacy_notice(language)
    if replies[-1]["text"] == TEXTS.text("language_guess", language):  # a guess: the row offers it first
        assert replies[-1]["buttons"][0]["payload"] == f"lang:{language}"


async def test_an_unsure_message_typed_in_latin_letters_offers_its_language_first(client: AppClient) -> None:
    """"kakie u menya prava": Russian, but "prava" is Ukrainian too: a guess, with both in the row."""
    replies = await say(client, await client.new_session(), "kakie u menya prava", accept_language="da-DK,da")
    assert replies[0]["text"] == TEXTS.text("not_understood", "ru")
    row = replies[-1]
    assert row["text"] == TEXTS.text("language_guess", "ru")
    assert [button["payload"] for button in row["buttons"]][:2] == ["lang:ru", "lang:uk"]


async def test_an_unsure_first_message_gets_a_row_of_likely_languages(client: AppClient) -> None:
    session = await client.new_session()
    replies = await say(client, session, "mi-e frica de politie", accept_language="da-DK,da")
    row = replies[-1]
    assert row["text"] == TEXTS.text("language_guess", "ro")
    assert row["buttons"][0] == {"title": "Română", "payload": "lang:ro"}
    assert {"title": "Dansk", "payload": "lang:da"} in row["buttons"]  # the browser's language, one tap away
    chosen = await client.say(session, payload="lang:da")
    assert chosen["messages"][0]["text"] == TEXTS.reply("language_set", "da").text  # with the safety line
    [(guess, was_chosen)] = client.rows("SELECT language_guess, language_chosen FROM conversation")
    assert guess is None and was_chosen


async def test_the_browser_language_answers_a_message_that_tells_nothing(client: AppClient) -> None:
    replies = await say(client, await client.new_session(), "123", accept_language="ro-RO,ro;q=0.9,en;q=0.8")
    assert replies[0]["text"] == TEXTS.text("not_understood", "ro")


async def test_the_second_message_corrects_a_guess(client: AppClient) -> None:
    session = await client.new_session()
    first = await say(client, session, "c'est gratuit ?")  # too short to be sure: a guess, with the row
    assert {"title": "Français", "payload": "lang:fr"} in first[-1]["buttons"]
    replies = await say(client, session, "qui lit les messages")
    assert replies[0]["text"] == TEXTS.text("not_understood", "fr")


# A few words in danger that the detector places in another language ("mi-e frica": Spanish 0.20, Romanian 0.18;
# "ubiva me": Spanish 0.31; "chan klua": English): the danger words' own language answers, since the danger reply
# must be understood, and the likely languages are offered beside it.
@pytest.mark.parametrize(("text", "language"), [("mi-e frica", "ro"), ("ubiva me", "bg"), ("chan klua", "th")])
async def test_danger_words_the_detector_cannot_place_are_answered_in_their_language(
        client: AppClient, text: str, language: str) -> None:
    replies = await say(client, await client.new_session(), text, accept_language="en-GB,en;q=0.9")
    assert replies[0]["text"] == TEXTS.text("danger", language)
    assert replies[-1]["text"] == TEXTS.text("language_guess", language)
    assert replies[-1]["buttons"][0]["payload"] == f"lang:{language}"


async def test_danger_words_typed_in_latin_letters_the_detector_places_are_answered_in_their_language(
        client: AppClient) -> None:
    """"strah me e" was Tagalog to the detector (the danger words led it); now its Bulgarian words in Latin letters
    (typed_in_latin.yml) place it: the danger reply in Bulgarian."""
    replies = await say(client, await client.new_session(), "strah me e", accept_language="en-GB,en;q=0.9")
    assert replies[0]["text"] == TEXTS.text("danger", "bg")


async def test_danger_words_do_not_move_a_conversation_whose_language_is_settled(client: AppClient) -> None:
    session = await client.new_session()
    await say(client, session, "what are my rights if my boss keeps my passport")  # sure: English
    replies = await say(client, session, "mi-e frica")
    assert replies[0]["text"] == TEXTS.text("danger", "en")
