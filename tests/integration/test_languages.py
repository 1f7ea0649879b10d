"""Each launch language end to end: three questions typed in that language get the right answers in it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.config import CONTENT_DIR, ROOT, load_languages
from core.texts import Texts
from screening.questionnaire import CUES
from tests.conftest import AppClient, first_notice

pytestmark = pytest.mark.rasa

CONVERSATIONS = yaml.safe_load((Path(__file__).parent.parent / "data" / "conversations.yml").read_text("utf-8"))
LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)
TEXTS = Texts(CONTENT_DIR, LANGUAGES, DEFAULT)


def training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "nlu_data" / "nlu").glob("*/*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples |= {line.strip()[2:].strip() for line in item["examples"].splitlines() if line.strip()}
    return examples


def test_every_launch_language_has_a_conversation_that_is_not_training_data() -> None:
    assert set(CONVERSATIONS) == set(LANGUAGES)
    seen = training_examples()
    assert [q for turns in CONVERSATIONS.values() for q, _ in turns if q in seen] == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_three_questions_answered_in_their_language(rasa_app: AppClient, language: str) -> None:
    session = await rasa_app.new_session()
    for turn, (question, answer_key) in enumerate(CONVERSATIONS[language]):
        replies = (await rasa_app.say(session, question))["messages"]
        # A question that is also a screening cue (passport, debt, pay, crimes) is answered, then reflected back;
        # the first answer of a conversation ends with what is kept and who reads it, and shows 112 (the safety
        # line under that notice, when the answer does not).
        answer = [TEXTS.text(answer_key, language),
                  *(TEXTS.text(f"cue.{ident}", language) for ident, key in CUES.values() if key == answer_key)]
        privacy = [first_notice(language, answer)] if turn == 0 else []
        assert [reply["text"] for reply in replies] == [*answer, *privacy], question
