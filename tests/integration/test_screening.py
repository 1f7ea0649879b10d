"""Screening end to end: web chat API → app → Rasa → action server → the app's database."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.app import GATEWAY
from core.config import CONTENT_DIR, load_languages
from core.texts import Texts
from tests.conftest import AppClient, first_notice
from tests.integration.test_languages import training_examples

pytestmark = pytest.mark.rasa

DATA = yaml.safe_load((Path(__file__).parent.parent / "data" / "screening.yml").read_text("utf-8"))
LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)
TEXTS = Texts(CONTENT_DIR, LANGUAGES, DEFAULT)


def test_the_typed_lines_are_not_training_data() -> None:
    typed = [*DATA["danger"].values(), *(c["cue"] for c in DATA["conversations"])]
    assert set(DATA["danger"]) == set(LANGUAGES)
    assert [line for line in typed if line in training_examples()] == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_danger_gets_112_in_their_language_in_the_first_reply(rasa_app: AppClient, language: str) -> None:
    session = await rasa_app.new_session()
    replies = (await rasa_app.say(session, DATA["danger"][language]))["messages"]
    assert replies[0]["text"] == TEXTS.text("danger", language)
    assert rasa_app.rows("SELECT state, tier FROM conversation") == [("queued", "P1")]


@pytest.mark.parametrize("conversation", DATA["conversations"], ids=lambda c: c["language"])
async def test_a_confirmed_cue_and_answers_give_the_tier(rasa_app: AppClient, conversation: dict) -> None:
    language = conversation["language"]
    session = await rasa_app.new_session()
    *replies, notice = (await rasa_app.say(session, conversation["cue"]))["messages"]
    assert notice["text"] == first_notice(language, [reply["text"] for reply in replies])
    assert replies[-1]["text"] == TEXTS.text(conversation["reflected"], language)
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["danger", "/affirm", "/deny", "/unsure"]
    for payload in conversation["payloads"]:
        replies = (await rasa_app.say(session, payload=payload))["messages"]
        assert replies, payload
    if conversation["tier"] == "P1":
        assert replies[0]["text"] == TEXTS.text("danger", language)  # 112 before anything else
    [(state, tier, assessment, sealed)] = rasa_app.rows("SELECT state, tier, assessment, screening FROM conversation")
    assert (state, tier, assessment) == ("queued", conversation["tier"], conversation["assessment"])
    assert conversation["cue"] not in sealed  # the person's words are stored encrypted only
    [(conversation_id,)] = rasa_app.rows("SELECT id FROM conversation")
    screening = await rasa_app.app[GATEWAY].store.screening(conversation_id)
    assert screening is not None and screening["tier"] == conversation["tier"]
    ident = conversation["reflected"].removeprefix("cue.")
    assert screening["answers"][ident] == "yes"
    assert screening["evidence"][ident] == conversation["cue"]  # their own words, for the caseworker
