"""Screening end to end: web chat API → app → Rasa → action server → the app's database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.app import GATEWAY
from core.config import CONTENT_DIR, load_languages
from core.texts import Texts
from core.vocabulary import Command
from screening.catalogue import load_catalogue
from tests.conftest import AppClient, first_notice
from tests.integration.test_languages import training_examples
from tests.unit.test_questionnaire import LOVER_BOY, REACHED

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
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["danger", "/affirm", "/deny"]  # may I note this?
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


# --- issue 15: every assessment and tier from the bot's own questions, pressing the buttons it shows -----------

CATALOGUE = load_catalogue()


def question_of(message: dict, language: str) -> str | None:
    """Which question a message asks ("CD-03", "age", "work"), read from its words; None if it asks none."""
    for ident in ("age", "work", *CATALOGUE.question_order):
        if message["text"] == TEXTS.text(f"question.{ident}", language):
            return ident
    return None


def button(message: dict, title_key: str, language: str) -> str:
    """The payload of the button the bot shows with this title."""
    [payload] = [b["payload"] for b in message.get("buttons") or [] if b["title"] == TEXTS.text(title_key, language)]
    return payload


PROGRESS = re.compile(r"^Question (\d+) of (\d+)$")


def progress(language: str) -> re.Pattern[str]:
    """A question's place as the language words it ("Question 3 of 12", "第3题，共12题")."""
    words = TEXTS.text("screening.progress", language, {"step": "\x00", "total": "\x01"})
    return re.compile("^" + re.escape(words).replace("\x00", r"(?P<step>\d+)").replace("\x01", r"(?P<total>\d+)")
                      + "$")


class Walk:
    """One person through the web chat: starts the questions and answers what the bot shows, by its buttons."""

    def __init__(self, client: AppClient, language: str = "en") -> None:
        self.client, self.language = client, language
        self.asked: list[str] = []
        self.places: list[tuple[int, int]] = []
        self.replies: list[dict] = []
        self.said: list[str] = []  # every message the bot sent, in order

    async def press(self, session: str, payload: str) -> list[dict]:
        self.replies = (await self.client.say(session, payload=payload))["messages"]
        assert self.replies, payload
        self.said.extend(message["text"] for message in self.replies)
        for message in self.replies:
            if found := progress(self.language).match(message["text"]):
                self.places.append((int(found["step"]), int(found["total"])))
        return self.replies

    def waiting(self) -> tuple[str, dict] | None:
        for message in reversed(self.replies):
            if (ident := question_of(message, self.language)) is not None:
                return ident, message
        return None

    async def run(self, age: str, work: str, yes: set[str], skip: frozenset[str] = frozenset()) -> str:
        session = await self.client.new_session()
        if self.language != "en":  # chosen from the language list; a button alone tells no language
            await self.press(session, f"lang:{self.language}")
        await self.press(session, "/start_screening")  # "I will answer questions about my situation" in the help menu
        while (waiting := self.waiting()) is not None:
            ident, message = waiting
            self.asked.append(ident)
            if ident == "age":
                payload = next(b["payload"] for b in message["buttons"] if b["payload"].endswith(f":{age}"))
            elif ident == "work":
                payload = next(b["payload"] for b in message["buttons"] if b["payload"].endswith(f":{work}"))
            else:
                key = "menu.skip" if ident in skip else "menu.yes" if ident in yes else "menu.no"
                payload = button(message, key, self.language)
            await self.press(session, payload)
            if self.replies[-1]["text"] == TEXTS.text("safety.check", self.language):  # after a P1: "Yes, go on"
                await self.press(session, button(self.replies[-1], "menu.safe_yes", self.language))
        return session

    async def result(self) -> dict:
        [(conversation_id,)] = self.client.rows("SELECT id FROM conversation")
        screening = await self.client.app[GATEWAY].store.screening(conversation_id)
        assert screening is not None
        return screening


@pytest.mark.parametrize(("age", "yes", "assessment", "tier"), REACHED,
                         ids=lambda value: "-".join(sorted(value)) if isinstance(value, set) else str(value))
async def test_every_assessment_and_tier_from_the_bots_own_questions(
        rasa_app: AppClient, age: str, yes: set[str], assessment: str, tier: str) -> None:
    walk = Walk(rasa_app)
    await walk.run(age, "sexual" if yes == LOVER_BOY else "labour", yes)
    result = await walk.result()
    assert (result["assessment"], result["tier"]) == (assessment, tier), result
    assert TEXTS.text("screening.done", "en") in [message["text"].split("\n")[0] for message in walk.replies]
    said_yes = {ident for ident, answer in result["questions"].items() if answer == "yes"}
    assert said_yes <= yes and bool(said_yes) == bool(yes)
    [(state, queued_tier)] = rasa_app.rows("SELECT state, tier FROM conversation")
    if yes:  # asked for a person with the tier the answers give
        assert (state, queued_tier) == ("queued", tier)
    else:
        assert state == "bot"
    # Each question showed its place, one after another, out of the most that could still come.
    steps = [step for step, _ in walk.places]
    assert steps == list(range(1, len(walk.asked) + 1)) and all(step <= total for step, total in walk.places)


async def test_the_lover_boy_story_is_trafficking_indicated(rasa_app: AppClient) -> None:
    walk = Walk(rasa_app)
    await walk.run("adult", "sexual", LOVER_BOY)
    result = await walk.result()
    assert result["assessment"] == "trafficking_indicated"
    assert result["dimensions"]["DR"] and result["dimensions"]["EX"] and result["dimensions"]["CD"]


async def test_watched_all_the_time_alone_is_not_p1_but_locked_in_is(rasa_app: AppClient) -> None:
    walk = Walk(rasa_app)
    await walk.run("adult", "labour", {"CD-03.watched"})
    result = await walk.result()
    assert result["tier"] == "P4" and result["answers"]["CD-03"] == "yes"
    assert rasa_app.rows("SELECT state, tier FROM conversation") == [("queued", "P4")]
    assert "CD-03" in walk.asked and "CD-03.watched" in walk.asked


async def test_locked_in_gets_112_first_and_p1(rasa_app: AppClient) -> None:
    walk = Walk(rasa_app)
    session = await rasa_app.new_session()
    await walk.press(session, "/start_screening")
    await walk.press(session, "/inform_age:adult")
    await walk.press(session, "/inform_work:labour")
    ident, message = walk.waiting() or ("", {})
    assert ident == "CD-03"
    replies = await walk.press(session, button(message, "menu.yes", "en"))
    assert replies[0]["text"] == TEXTS.text("danger", "en")
    assert rasa_app.rows("SELECT state, tier FROM conversation") == [("queued", "P1")]


async def test_the_offer_says_how_many_and_the_questions_say_where_we_are(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    await rasa_app.say(session, payload="/talk_to_person")  # nobody online: "keep waiting, or leave a message?"
    replies = (await rasa_app.say(session, payload="queue_wait"))["messages"]  # then the offer
    total = len(CATALOGUE.question_order) + 2  # the age and the kind of work, then every question
    offer = TEXTS.text("screening.offer", "en", {"total": str(total)})
    assert offer in [message["text"] for message in replies] and f"up to {total} questions" in offer
    replies = (await rasa_app.say(session, payload="/start_screening"))["messages"]
    assert [message["text"] for message in replies[:2]] == [f"Question 1 of {total}", TEXTS.text("question.age", "en")]


async def test_self_harm_words_set_the_screenings_flag_and_p1(rasa_app: AppClient) -> None:
    session = await rasa_app.new_session()
    await rasa_app.say(session, payload="/start_screening")
    replies = (await rasa_app.say(session, "i do not see a way out, i want to end my life"))["messages"]
    assert replies[0]["text"] == TEXTS.text("danger", "en")  # the app's own answer, without waiting for Rasa
    await rasa_app.app[GATEWAY].assistant.settled()
    [(conversation_id,)] = rasa_app.rows("SELECT id FROM conversation")
    screening = await rasa_app.app[GATEWAY].store.screening(conversation_id)
    assert screening is not None and screening["self_harm"] is True and screening["tier"] == "P1"


async def test_the_sex_question_comes_after_a_warning_and_skip_leaves_it_unanswered(rasa_app: AppClient) -> None:
    walk = Walk(rasa_app)
    session = await walk.run("adult", "labour", set(), skip=frozenset({"CD-04.sex"}))
    assert walk.asked.count("CD-04.sex") == 1 and walk.asked.index("CD-04.sex") > 8
    result = await walk.result()
    assert "CD-04.sex" not in result["questions"] and result["assessment"] == "no_indicators"
    assert session
    warning = walk.said.index(TEXTS.text("screening.warn.sex", "en"))
    assert PROGRESS.match(walk.said[warning + 1])  # the warning, the question's place, the question
    assert walk.said[warning + 2] == TEXTS.text("question.CD-04.sex", "en")


@pytest.mark.parametrize("language", ["da", "ar", "th", "zh"])
async def test_the_questions_in_other_languages_show_their_place_and_reach_the_end(
        rasa_app: AppClient, language: str) -> None:
    walk = Walk(rasa_app, language)
    await walk.run("adult", "labour", {"EX-01", "EX-02"})
    result = await walk.result()
    assert (result["assessment"], result["tier"]) == ("exploitation_indicated", "P3")
    assert [step for step, _ in walk.places] == list(range(1, len(walk.asked) + 1))
    assert walk.places[0][1] == len(CATALOGUE.question_order) + 2


async def test_an_age_under_18_typed_at_the_age_question_is_not_asked_again(rasa_app: AppClient) -> None:
    """Found walking the chat: "im 17" at "How old are you?" got the children's line and "Is it safe for you to
    write now?" from the app (the danger lexicon hears a child), but the screening never heard the age, and
    "Yes, go on" asked "How old are you?" again."""
    session = await rasa_app.new_session()
    await rasa_app.say(session, payload="/start_screening")
    replies = (await rasa_app.say(session, "im 17"))["messages"]
    assert TEXTS.text("danger.child", "en") in replies[0]["text"]
    await rasa_app.app[GATEWAY].assistant.settled()
    replies = (await rasa_app.say(session, payload=Command.SAFE_GO_ON))["messages"]
    said = [message["text"] for message in replies]
    assert TEXTS.text("question.age", "en") not in said
    assert TEXTS.text("question.work", "en") in said  # the next question
    [(conversation_id, tier)] = rasa_app.rows("SELECT id, tier FROM conversation")
    screening = await rasa_app.app[GATEWAY].store.screening(conversation_id)
    assert screening is not None and screening["age_band"] == "under_18"  # the console's "under 18"
    assert tier == "P1"  # the app's, for the child it heard
