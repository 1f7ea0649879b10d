"""Reporting a suspicion through the web chat API (and Telegram's /report), on SQLite and PostgreSQL.

The report's questions are the app's own (bot/reporting.py), so a fake Rasa is enough; the real one is used in
tests/integration for "I want to report something" typed in words.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import ENGINE, GATEWAY, SETTINGS
from bot.danger import Cue, DangerLexicon
from bot.reporting import CHILD_ADDED, DANGER_ADDED, DANGER_HEARD
from core.pseudonym import Pseudonymizer
from core.vocabulary import State
from handover import report_flow
from handover.console import HANDOVER
from handover.report_flow import Flow, FlowMode
from handover.reports import Reports, new_code, normalise_code
from handover.store import ConversationState, Store
from tests.conftest import TEXTS, AppClient, engine_with_keys, isolated_settings, privacy_notice, start_app
from tests.conftest import webchat_session as session_header
from tests.console_client import Console, conversation_of, login
from tests.databases import database_url
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import FakeRasa, serving

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")
RIGHTS = [{"custom": {"text": "answer.rights", "menu": "rights"}}]
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
STEPS_MENU = ["report_skip", "report_send"]
DANGER_NOW = "report_danger:yes"  # "Someone is in danger now", first under every question but the danger one


@pytest.fixture(params=["sqlite", "postgresql"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AppClient]:
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        async for app_client in start_app(isolated_settings(tmp_path, HAVN_DATABASE_URL=url,
                                                            HAVN_WRONG_CODES_PER_MINUTE="8")):
            yield app_client


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"/my_rights": RIGHTS, "/greet": GREETING}) as fake:
        yield fake


def text_of(key: str, language: str, **variables: str) -> str:
    """What the person receives: the text, with the safety line when it is not a question (content/safety.yml)."""
    return TEXTS.reply(key, language, variables=variables).text


def received_text(language: str, code: str, channel: str = "webchat", police: bool = False) -> str:
    """The end of a report: what happens next (with the answer about the police when `police`), then the code
    and what it is linked to on this channel."""
    parts = [TEXTS.text("report.received", language)]
    if police:
        parts.append(TEXTS.text("report.police_answer", language))
    return "\n".join([*parts, text_of(f"report.code_{channel}", language, code=code)])


class Reporter:
    """A web chat session that answers the report's questions, checking each question in its language."""

    def __init__(self, client: AppClient, language: str) -> None:
        self.client = client
        self.language = language
        self.session = ""

    async def start(self) -> list[dict[str, Any]]:
        """A new session presses "I want to report a suspicion" (after choosing its language, as the menu offers): the
        intro and "Is this about you, or about someone else?"."""
        self.session = await self.client.new_session()
        chosen = (await self.client.say(self.session, payload=f"lang:{self.language}"))["messages"]
        assert chosen[-1]["text"] == privacy_notice(self.language)
        return (await self.client.say(self.session, payload="report"))["messages"]

    async def start_report(self) -> list[dict[str, Any]]:
        """Starts, and answers "About someone else" with its button: the warning and the danger question."""
        *_, about = await self.start()
        return await self.press(about, "other")

    async def reach_who(self, noticed: str) -> None:
        """A bystander's report up to "A private person, or for your work?": danger skipped, what they noticed
        written, every question between skipped."""
        await self.start_report()
        await self.answer(payload="report_skip")
        await self.answer(noticed)
        for _ in range(LATER.index("who")):
            await self.answer(payload="report_skip")

    async def press(self, question: dict[str, Any], choice: str) -> list[dict[str, Any]]:
        """Presses the button of `question` whose payload ends with ":choice" (it must be offered there)."""
        offered = [b["payload"] for b in question["buttons"] if b["payload"].endswith(f":{choice}")]
        [payload] = [p for p in offered if p != DANGER_NOW] or offered  # not "Someone is in danger now" for "yes"
        return await self.answer(payload=payload)

    async def answer(self, text: str | None = None, payload: str | None = None) -> list[dict[str, Any]]:
        return (await self.client.say(self.session, text, payload))["messages"]

    def expect(self, message: dict[str, Any], key: str, **variables: str) -> None:
        assert message["text"] == text_of(key, self.language, **variables), key

    def expect_received(self, message: dict[str, Any], channel: str = "webchat", police: bool = False) -> str:
        """The end of a report, with its code: returns the code."""
        code = CODE.search(message["text"]).group(0)
        assert message["text"] == received_text(self.language, code, channel, police)
        assert message["code"] == code  # also on its own, for the page's box to copy
        return code


# The questions after danger and what was noticed, when no answer adds one (tests/unit/test_report_flow.py).
LATER = ("where", "when", "place", "relation", "people", "minors", "looks", "asked_help", "signs", "vehicles",
         "who", "police_know", "police_share", "contact")
TYPED = {"where", "looks", "vehicles"}


async def file_report(reporter: Reporter, noticed: str, **choices: str) -> str:
    """About someone else: answers every question (the typed ones typed, the rest by button or Skip); returns
    the reference code."""
    [*_, danger] = await reporter.start_report()
    await (reporter.press(danger, choices["danger"]) if "danger" in choices else reporter.answer(payload="report_skip"))
    replies = await reporter.answer(noticed)
    for step in LATER:
        choice = choices.get(step)
        if choice is None:
            replies = await reporter.answer(payload="report_skip")
        elif step in TYPED:
            replies = await reporter.answer(choice)
        else:
            replies = await reporter.press(replies[-1], choice)
            if step == "signs":
                replies = await reporter.answer(payload="report_done")
    [received] = replies
    return reporter.expect_received(received)


async def caseworker(client: AppClient, name: str = "anna", role: str = "caseworker") -> Console:
    return await login(client, name, role)


async def queue_item(console: Console, conversation_id: str) -> dict[str, Any]:
    items = (await console.call("GET", "/queue"))["items"]
    [item] = [item for item in items if item["conversation_id"] == conversation_id]
    return item


@pytest.mark.parametrize("language", ["en", "da", "ro", "ar"])
async def test_a_whole_report_in_the_reporters_language(client: AppClient, rasa: FakeRasa, language: str) -> None:
    """Every question a hotline asks, in its order, answered by the buttons each reply offers."""
    reporter = Reporter(client, language)
    intro, about = await reporter.start()
    reporter.expect(intro, "report.intro")
    assert "112" in intro["text"]
    reporter.expect(about, "report.ask_about")  # first: about you, or about someone else?
    assert [b["payload"] for b in about["buttons"]] == [DANGER_NOW, "report_about:me", "report_about:other"]
    warning, danger = await reporter.press(about, "other")
    reporter.expect(warning, "report.bystander")  # do not confront anyone, do not rescue anyone yourself
    assert "112" in warning["text"]
    reporter.expect(danger, "report.ask_danger")  # danger first
    script: list[tuple[dict[str, str], str]] = [  # (answer: a typed text or a button's choice, the next question)
        ({"choice": "no"}, "noticed"),
        ({"text": "Young women live above the salon and never go out"}, "where"),
        ({"text": "Køge"}, "when"),
        ({"choice": "repeats"}, "times"),  # again and again: when, then
        ({"text": "Cars come every night after 11"}, "place"),
        ({"choice": "prostitution"}, "relation"),
        ({"choice": "neighbour"}, "people"),
        ({"choice": "2-5"}, "minors"),
        ({"choice": "no"}, "looks"),
        ({"text": "Thai, about 25, a man with a grey beard speaks Danish to them"}, "asked_help"),
        ({"choice": "yes"}, "signs"),
    ]
    question = danger
    for answer, asked in script:
        replies = (await reporter.answer(answer["text"]) if "text" in answer
                   else await reporter.press(question, answer["choice"]))
        [question] = replies
        reporter.expect(question, f"report.ask_{asked}")
        menu = report_flow.MENUS.get(asked)
        expected = [item["payload"] for item in TEXTS.menus[menu]] if menu else []
        assert [b["payload"] for b in question["buttons"]] == [DANGER_NOW, *expected, *STEPS_MENU], asked
    # A sign tapped: the same list, its mark toggled, in place of the one tapped (one message, not a new one).
    [signs] = await reporter.press(question, "escorted")
    reporter.expect(signs, "report.ask_signs")
    assert signs["replaces"] and not question["replaces"]
    assert signs["buttons"][4]["title"] == "✓ " + TEXTS.text("menu.sign_escorted", language)
    [signs] = await reporter.press(signs, "fearful")
    [signs] = await reporter.press(signs, "injuries")
    [signs] = await reporter.press(signs, "injuries")  # tapped again: taken back
    assert [b["title"] for b in signs["buttons"] if b["title"].startswith("✓ ")] == [
        "✓ " + TEXTS.text(f"menu.sign_{sign}", language) for sign in ("escorted", "fearful")]
    [vehicles] = await reporter.answer(payload="report_done")
    reporter.expect(vehicles, "report.ask_vehicles")
    [ads] = await reporter.answer("White van, plate AB 12 345")
    reporter.expect(ads, "report.ask_ads")  # the place is prostitution: ads and phone numbers
    [who] = await reporter.answer("https://example.com/ad/123, +45 11 22 33 44")
    reporter.expect(who, "report.ask_who")
    [police_know] = await reporter.press(who, "private")
    reporter.expect(police_know, "report.ask_police_know")
    [police_share] = await reporter.press(police_know, "no")
    reporter.expect(police_share, "report.ask_police_share")
    assert [b["payload"] for b in police_share["buttons"]] == [
        DANGER_NOW, "report_police_share:yes", "report_police_share:no", "report_police_share:ask_first", *STEPS_MENU]
    [contact] = await reporter.press(police_share, "ask_first")
    reporter.expect(contact, "report.ask_contact_ask_first")  # asking first needs a way to ask
    [received] = await reporter.answer("anna@example.com")
    code = reporter.expect_received(received, police=True)  # what happens next, and what the code is linked to
    if language == "en":  # the words that matter, as a person reads them
        for words in ("It may pass your report to the police.", "Your answer about the police",
                      "the centre must act", "The code is random.", "While this browser tab stays open",
                      "nothing links the report to you"):
            assert words in received["text"], words
    assert "report_code" in [b["payload"] for b in received["buttons"]]

    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    item = await queue_item(anna, conversation_id)
    assert (item["kind"], item["tier"]) == ("report", "P2")  # two signs
    assert item["summary"] == "report · prostitution · 2 signs"  # buttons only, never the reporter's words
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] is True and report["additions"] == []
    assert report["details"] == {
        "danger": {"choice": "no"}, "noticed": {"words": "Young women live above the salon and never go out"},
        "where": {"words": "Køge"}, "when": {"choice": "repeats"}, "times": {"words": "Cars come every night after 11"},
        "place": {"choice": "prostitution"}, "relation": {"choice": "neighbour"}, "people": {"choice": "2-5"},
        "minors": {"choice": "no"}, "looks": {"words": "Thai, about 25, a man with a grey beard speaks Danish to them"},
        "asked_help": {"choice": "yes"}, "signs": {"choices": ["escorted", "fearful"]},
        "vehicles": {"words": "White van, plate AB 12 345"},
        "ads": {"words": "https://example.com/ad/123, +45 11 22 33 44"}, "who": {"choice": "private"},
        "police_know": {"choice": "no"}, "police_share": {"choice": "ask_first"},
        "contact": {"words": "anna@example.com"}}
    stored = client.rows("SELECT code_hash, details FROM report") if client.app[SETTINGS].database_url.startswith(
        "sqlite") else []
    for code_hash, details in stored:  # neither the code nor the answers in clear
        assert code not in code_hash and "Køge" not in details and "AB 12 345" not in details


@pytest.mark.parametrize("language", ["en", "da", "ro"])
async def test_about_me_leaves_the_report_for_the_help_path_even_without_rasa(client: AppClient,
                                                                              language: str) -> None:
    """No Rasa is running here: the help menu (the screening, a person) and 112 come all the same, and nothing of
    a report is kept or queued."""
    reporter = Reporter(client, language)
    *_, about = await reporter.start()
    [help_path] = await reporter.press(about, "me")
    reporter.expect(help_path, "report.about_me")
    assert "112" in help_path["text"]
    assert [b["payload"] for b in help_path["buttons"]] == [item["payload"] for item in TEXTS.menus["help"]]
    assert "/start_screening" in [b["payload"] for b in help_path["buttons"]]
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 0
    assert (await (await caseworker(client)).call("GET", "/queue"))["items"] == []
    # The report is over: a report's button now gets the kind answer, not a bystander's question.
    [reply] = await reporter.answer(payload="report_skip")
    reporter.expect(reply, "not_understood")

    # The button's title typed ("Om mig") counts as the button; other words get a kind line (with 112) and the
    # question again.
    typed = Reporter(client, language)
    *_, about = await typed.start()
    pick, again = await typed.answer("my boss keeps my passport")
    typed.expect(pick, "report.pick_about")
    assert "112" in pick["text"] and not pick["buttons"]
    typed.expect(again, "report.ask_about")
    [help_path] = await typed.answer(TEXTS.text("menu.about_me", language).lower())
    typed.expect(help_path, "report.about_me")


async def test_danger_at_the_first_question_gets_112_and_a_person_then_the_question_again(
        client: AppClient, rasa: FakeRasa) -> None:
    """No report exists yet (it may be about the writer): 112 and a P1 all the same, nothing of a report kept."""
    reporter = Reporter(client, "en")
    *_, about = await reporter.start()
    urgent, safe = await reporter.press(about, "yes")  # "Someone is in danger now", first under the question
    reporter.expect(urgent, "report.danger")
    reporter.expect(safe, "safety.check")
    [again] = await reporter.answer(payload="safe_yes")
    reporter.expect(again, "report.ask_about")
    words = Reporter(client, "en")
    await words.start()
    first, *_, safe = await words.answer("he is coming, help me now")  # danger words: the usual danger reply
    words.expect(first, "danger")
    words.expect(safe, "safety.check")
    [again] = await words.answer(payload="safe_yes")
    words.expect(again, "report.ask_about")
    anna = await caseworker(client)
    for session in (reporter.session, words.session):
        assert (await queue_item(anna, await conversation_of(client, session)))["tier"] == "P1"
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 0


async def test_every_question_can_be_skipped(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    *_, about = await reporter.start()
    [again] = await reporter.answer(payload="report_skip")  # the first question has no Skip: it is asked again
    reporter.expect(again, "report.ask_about")
    await reporter.press(about, "other")
    replies = []
    for _ in range(len(LATER) + 1):
        [question] = await reporter.answer(payload="report_skip")
        replies.append(question)
    assert [r["text"] for r in replies] == [text_of(f"report.ask_{step}", "en") for step in ("noticed", *LATER)]
    [told] = await reporter.answer(payload="report_skip")
    reporter.expect(told, "report.cancelled")  # nothing answered: nothing is sent, and the person is told so
    anna = await caseworker(client)
    assert (await anna.call("GET", "/queue"))["items"] == []

    # Skipping everything but one answer sends that one answer.
    code = await file_report(Reporter(client, "en"), "A girl at the bus stop looked scared")
    assert CODE.fullmatch(code)
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert (item["kind"], item["tier"]) == ("report", "P3")


async def test_send_now_ends_the_report_at_any_question(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_danger:unknown")
    await reporter.answer("Men sleep in a van at night")
    [received] = await reporter.answer(payload="report_send")
    assert CODE.search(received["text"])
    [item] = (await (await caseworker(client)).call("GET", "/queue"))["items"]
    assert item["kind"] == "report"


@pytest.mark.parametrize(("step", "answer"), [
    ("danger", {"payload": "report_danger:yes"}),
    ("danger", {"text": "he is hitting her right now"}),  # words instead of a button: a person reads them first
    ("minors", {"payload": "report_minors:yes"}),
    ("minors", {"text": "Ja"}),  # Danish "yes" typed: the button's own word counts as the button
])
async def test_danger_or_a_minor_is_p1_at_once_with_112(client: AppClient, rasa: FakeRasa, step: str,
                                                         answer: dict[str, str]) -> None:
    reporter = Reporter(client, "da")
    await reporter.start_report()
    for skipped in ("danger", "noticed", "where", "when", "place", "relation", "people", "minors"):
        if skipped == step:
            break
        await reporter.answer(payload="report_skip")
    urgent, safe = await reporter.answer(**answer)
    reporter.expect(urgent, "report.danger" if step == "danger" else "report.minors")
    if step == "danger":
        assert urgent["text"].startswith("Ring 112")
    reporter.expect(safe, "safety.check")  # a P1 stops the questions …
    [following] = await reporter.answer(payload="safe_yes")  # … until it is safe to go on
    reporter.expect(following, "report.ask_noticed" if step == "danger" else "report.ask_looks")
    conversation_id = await conversation_of(client, reporter.session)
    item = await queue_item(await caseworker(client), conversation_id)  # queued now, before it is finished
    assert item["tier"] == "P1"
    assert ("danger now" if step == "danger" else "under 18") in item["summary"]


@pytest.mark.parametrize("no", ["no", "nej", "Nie!"])  # in the reporter's language or in another one's
async def test_a_typed_no_is_not_urgent(client: AppClient, rasa: FakeRasa, no: str) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    [noticed] = await reporter.answer(no)
    reporter.expect(noticed, "report.ask_noticed")
    await reporter.answer("Someone works at night at the restaurant")
    await reporter.answer(payload="report_send")
    [item] = (await (await caseworker(client)).call("GET", "/queue"))["items"]
    assert item["tier"] == "P3"


# Typed in each reporter's language: whom the report is about, a no (the button's own word, and another way of
# saying it), an age under 18, and words that say neither at the under-18 question.
TYPED_IN = {
    "en": {"other": "someone else", "me": "myself", "no": ("no", "nope"), "young": "she looks 15",
           "neither": "I think they are adults"},
    "da": {"other": "en anden", "me": "mig selv", "no": ("nej", "næ"), "young": "hun ligner 15",
           "neither": "jeg tror de er voksne"},
    "ro": {"other": "altcineva", "me": "eu", "no": ("nu", "nici vorbă"), "young": "avea cam 15 ani",
           "neither": "cred că sunt adulți"},
    "ar": {"other": "شخص آخر", "me": "أنا", "no": ("لا", "لأ"), "young": "تبدو في عمر 15",
           "neither": "أعتقد أنهم بالغون"},
    "th": {"other": "คนอื่นค่ะ", "me": "ฉันเอง", "no": ("ไม่", "ไม่ค่ะ"), "young": "ดูอายุประมาณ 15 ค่ะ",
           "neither": "คิดว่าเป็นผู้ใหญ่ค่ะ"},
}


async def reach_minors(reporter: Reporter) -> None:
    """About someone else, every question skipped up to "Did any of them look younger than 18?"."""
    await reporter.start_report()
    for _ in ("danger", "noticed", *LATER[:LATER.index("minors")]):
        [asked] = await reporter.answer(payload="report_skip")
    reporter.expect(asked, "report.ask_minors")


async def sent_report(client: AppClient, reporter: Reporter, anna: Console) -> tuple[str, dict[str, Any]]:
    """Sends the report: its tier in the queue and its answers, as a caseworker sees them."""
    await reporter.answer(payload="report_send")
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    return (await queue_item(anna, conversation_id))["tier"], report["details"]


@pytest.mark.parametrize("language", sorted(TYPED_IN))
async def test_whom_it_is_about_typed_in_words(client: AppClient, rasa: FakeRasa, language: str) -> None:
    """"Someone else" typed looped on "Please tap one of the buttons below" for ever (only the buttons' exact
    titles counted)."""
    reporter = Reporter(client, language)
    await reporter.start()
    warning, danger = await reporter.answer(TYPED_IN[language]["other"])
    reporter.expect(warning, "report.bystander")
    reporter.expect(danger, "report.ask_danger")
    english = Reporter(client, language)  # English words in another language's chat count as well
    await english.start()
    _, danger = await english.answer("Someone else")
    english.expect(danger, "report.ask_danger")
    myself = Reporter(client, language)
    await myself.start()
    [help_path] = await myself.answer(TYPED_IN[language]["me"])
    myself.expect(help_path, "report.about_me")
    assert [b["payload"] for b in help_path["buttons"]] == [item["payload"] for item in TEXTS.menus["help"]]
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 2  # none for "myself"


@pytest.mark.parametrize(("language", "words"), [("en", "I want to talk to a person"),
                                                  ("lt", "noriu kalbeti su zmogumi")])
async def test_a_person_asked_for_in_words_at_the_first_question_leaves_the_report(
        client: AppClient, rasa: FakeRasa, language: str, words: str) -> None:
    """Found walking the chat: typed at "Is this about you, or about someone else?", the request for a person got
    "Please tap one of the buttons" and the same question again and again. The NLU (Rasa's parse, no turn) takes
    the words for talk_to_person: the report's form is left and a person asked for, as the menu's button does."""
    rasa.intents[words] = ("talk_to_person", 0.93)
    rasa.replies["/talk_to_person"] = [{"custom": {"text": "handover_requested",
                                                   "handover": {"tier": "P4", "kind": "help"}}}]
    reporter = Reporter(client, language)
    await reporter.start()
    replies = await reporter.answer(words)
    assert rasa.received[-1]["message"] == "/talk_to_person"
    assert replies[0]["text"].startswith(TEXTS.text("queue.nobody", language).split("\n")[0])  # nobody online
    assert all(reply["text"] != text_of("report.pick_about", language) for reply in replies)
    conversation = await conversation_of(client, reporter.session)
    store = client.app[GATEWAY].store
    assert await store.flow(conversation) is None
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT state FROM conversation")) == "queued"
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 0


async def test_words_the_nlu_is_unsure_of_at_the_first_question_ask_it_again(client: AppClient,
                                                                              rasa: FakeRasa) -> None:
    rasa.intents["person maybe"] = ("talk_to_person", 0.3)
    reporter = Reporter(client, "en")
    await reporter.start()
    pick, again = await reporter.answer("person maybe")
    reporter.expect(pick, "report.pick_about")
    reporter.expect(again, "report.ask_about")
    [about_me] = await reporter.answer("about me")  # an answer to the question never asks the NLU
    reporter.expect(about_me, "report.about_me")
    assert rasa.parsed == ["person maybe"]


@pytest.mark.parametrize("language", sorted(TYPED_IN))
async def test_words_that_say_neither_offer_the_main_menu_as_a_way_out(client: AppClient, rasa: FakeRasa,
                                                                        language: str) -> None:
    """A person who did not mean to report is never stuck at the first question."""
    reporter = Reporter(client, language)
    await reporter.start()
    pick, again = await reporter.answer("skip")
    reporter.expect(pick, "report.pick_about")
    reporter.expect(again, "report.ask_about")
    assert [b["payload"] for b in again["buttons"]] == [DANGER_NOW, "report_about:me", "report_about:other", "/greet"]
    assert again["buttons"][-1]["title"] == TEXTS.text("menu.main", language)
    [greeting] = await reporter.answer(payload="/greet")
    assert greeting["text"] == text_of("greet", language)
    assert rasa.received[-1]["message"] == "/greet"
    [typed] = await reporter.answer("someone else")  # the report is left: words go to Rasa again
    assert typed["text"] == text_of("not_understood", language)
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 0


async def test_a_typed_yes_or_no_at_the_first_question_asks_it_again(client: AppClient, rasa: FakeRasa) -> None:
    """"Is this about you, or about someone else?" has no yes: a typed yes, no or ok is neither, and the question
    comes again with a kind line and 112 (nothing made, nothing sent to Rasa's turn); its buttons answer it then.
    Found checking: the Russian "не" (no) was read as "someone else", and a report was made."""
    for language, typed in (("en", "yes"), ("da", "ja"), ("ru", "не"), ("en", "ok")):
        reporter = Reporter(client, language)
        await reporter.start()
        pick, again = await reporter.answer(typed)
        reporter.expect(pick, "report.pick_about")
        assert "112" in pick["text"]
        reporter.expect(again, "report.ask_about")
        async with client.app[ENGINE].connect() as connection:
            assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 0, (language, typed)
    _, danger = await reporter.press(again, "other")
    reporter.expect(danger, "report.ask_danger")
    assert {turn["message"] for turn in rasa.received} == {"/greet"}  # the language chosen, nothing else


async def test_ok_or_thanks_answer_no_yes_no_question_and_it_comes_again(client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the chat: "ok" at "Did any of them look younger than 18?" was a yes, and the report a child's
    (P1). "ok", "vale", "تمام" acknowledge (screening/typed_answers.py), they tell nothing of what was seen: no
    answer, the question again with a kind line and 112, nothing kept; a real answer or a button answers then."""
    anna = await caseworker(client)
    for language, okay in (("en", "ok"), ("es", "vale"), ("ar", "تمام")):  # more: tests/unit/test_report_flow.py
        reporter = Reporter(client, language)
        await reach_minors(reporter)
        pick, again = await reporter.answer(okay)
        reporter.expect(pick, "report.pick_answer")
        assert "112" in pick["text"]
        reporter.expect(again, "report.ask_minors")
        minors = [item["payload"] for item in TEXTS.menus["report_minors"]]
        assert [b["payload"] for b in again["buttons"]] == [DANGER_NOW, *minors, *STEPS_MENU]
        [looks] = await reporter.press(again, "no")
        reporter.expect(looks, "report.ask_looks")
        tier, details = await sent_report(client, reporter, anna)
        assert tier == "P3" and details["minors"] == {"choice": "no"}, language


async def test_ok_at_danger_asks_again_and_a_typed_yes_still_answers(client: AppClient, rasa: FakeRasa) -> None:
    """The report's own first question: "ok" is no "yes, someone is in danger now" (it was: 112 and P1)."""
    anna = await caseworker(client)
    reporter = Reporter(client, "en")
    await reporter.start_report()
    pick, again = await reporter.answer("ok")
    reporter.expect(pick, "report.pick_answer")
    reporter.expect(again, "report.ask_danger")
    assert (await anna.call("GET", "/queue"))["items"] == []  # nothing urgent
    urgent, safe = await reporter.answer("yes")
    reporter.expect(urgent, "report.danger")
    reporter.expect(safe, "safety.check")
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["tier"] == "P1"


async def test_ok_at_the_police_questions_knows_nothing_but_gives_leave_to_share(client: AppClient,
                                                                                 rasa: FakeRasa) -> None:
    """"Do the police already know?" is about what is so: "okay" is no answer. "May the centre share your report
    with the police?" asks leave: "ok" gives it, as in the screening ("May I note this?")."""
    reporter = Reporter(client, "en")
    await reporter.reach_who("Someone works at night at the restaurant")
    [police_know] = await reporter.answer(payload="report_skip")
    reporter.expect(police_know, "report.ask_police_know")
    pick, again = await reporter.answer("okay")
    reporter.expect(pick, "report.pick_answer")
    reporter.expect(again, "report.ask_police_know")
    [police_share] = await reporter.answer("no")
    reporter.expect(police_share, "report.ask_police_share")
    [contact] = await reporter.answer("ok")
    reporter.expect(contact, "report.ask_contact")
    anna = await caseworker(client)
    _, details = await sent_report(client, reporter, anna)
    assert details["police_know"]["choice"] == "no" and details["police_share"]["choice"] == "yes"


@pytest.mark.parametrize("language", sorted(TYPED_IN))
async def test_a_typed_no_at_the_under_18_question_is_no_child_alarm(client: AppClient, rasa: FakeRasa,
                                                                     language: str) -> None:
    """Any typed words but the button's exact title made the report P1 ("nope", "ไม่")."""
    anna = await caseworker(client)
    for no in TYPED_IN[language]["no"]:
        reporter = Reporter(client, language)
        await reach_minors(reporter)
        [looks] = await reporter.answer(no)
        reporter.expect(looks, "report.ask_looks")
        tier, details = await sent_report(client, reporter, anna)
        assert tier == "P3", no
        assert details["minors"]["choice"] == "no", no


@pytest.mark.parametrize("language", sorted(TYPED_IN))
async def test_an_age_under_18_typed_makes_the_report_p1(client: AppClient, rasa: FakeRasa, language: str) -> None:
    reporter = Reporter(client, language)
    await reach_minors(reporter)
    young = TYPED_IN[language]["young"]
    urgent, safe = await reporter.answer(young)
    reporter.expect(urgent, "report.minors")
    reporter.expect(safe, "safety.check")
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    item = await queue_item(anna, conversation_id)
    assert item["tier"] == "P1" and "under 18" in item["summary"]
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"]["minors"] == {"choice": "yes", "words": young}  # the words kept for the caseworker


@pytest.mark.parametrize(("language", "young"), [("ro", "o fată de 15 ani"), ("ro", "una de 16 ani cred"),
                                                 ("en", "a girl, been there for 16 years maybe")])
async def test_an_age_under_18_that_reads_like_a_time_span_still_makes_the_report_p1(
        client: AppClient, rasa: FakeRasa, language: str, young: str) -> None:
    """Romanian "de 15 ani" is "15 years old" and "for 15 years": at this question a child missed costs more.
    ("o fată de 15 ani" is heard by the danger lexicon's child rule too, which answers first.)"""
    reporter = Reporter(client, language)
    await reach_minors(reporter)
    replies = await reporter.answer(young)
    assert "112" in "".join(reply["text"] for reply in replies)
    anna = await caseworker(client)
    assert (await queue_item(anna, await conversation_of(client, reporter.session)))["tier"] == "P1"


async def test_a_clock_time_at_the_under_18_question_is_no_age(client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the chat: "i saw a girl at 9" made the report P1, a child's. A clock time is words that are no
    answer: the question once more, and the report stays P3 (screening/age.py, content/screening/age_words.yml)."""
    anna = await caseworker(client)
    for language, typed in (("en", "i saw a girl at 9"), ("da", "en pige kl. 9"), ("ro", "o fată la ora 9"),
                            ("fr", "une fille à 9h")):
        reporter = Reporter(client, language)
        await reach_minors(reporter)
        [again] = await reporter.answer(typed)
        reporter.expect(again, "report.minors_noted")
        tier, details = await sent_report(client, reporter, anna)
        assert tier == "P3" and details["minors"] == {"words": typed}, language


@pytest.mark.parametrize("language", sorted(TYPED_IN))
async def test_words_at_the_under_18_question_ask_once_more_and_make_nothing_urgent(
        client: AppClient, rasa: FakeRasa, language: str) -> None:
    neither = TYPED_IN[language]["neither"]
    anna = await caseworker(client)
    reporter = Reporter(client, language)
    await reach_minors(reporter)
    [again] = await reporter.answer(neither)
    reporter.expect(again, "report.minors_noted")  # "Thank you, I noted that. Did any of them look younger …"
    assert "112" in again["text"]
    minors = [item["payload"] for item in TEXTS.menus["report_minors"]]
    assert [b["payload"] for b in again["buttons"]] == [DANGER_NOW, *minors, *STEPS_MENU]
    [looks] = await reporter.answer(neither)  # a second time: the report goes on
    reporter.expect(looks, "report.ask_looks")
    tier, details = await sent_report(client, reporter, anna)
    assert tier == "P3"
    assert details["minors"] == {"words": f"{neither}\n{neither}"}

    answered = Reporter(client, language)  # asked once more, then a button: the words stay beside the choice
    await reach_minors(answered)
    [again] = await answered.answer(neither)
    [looks] = await answered.press(again, "no")
    answered.expect(looks, "report.ask_looks")
    tier, details = await sent_report(client, answered, anna)
    assert tier == "P3" and details["minors"] == {"choice": "no", "words": neither}


@pytest.mark.parametrize(("language", "typed", "choice"), [
    ("en", "nope", "no"), ("en", "not sure", "unknown"), ("da", "ved ikke", "unknown"), ("th", "ไม่ค่ะ", "no")])
async def test_a_typed_no_or_dont_know_to_danger_is_not_urgent(client: AppClient, rasa: FakeRasa, language: str,
                                                                typed: str, choice: str) -> None:
    """Words that are no answer still count as a yes there (test_danger_or_a_minor_is_p1_at_once_with_112)."""
    reporter = Reporter(client, language)
    await reporter.start_report()
    [noticed] = await reporter.answer(typed)
    reporter.expect(noticed, "report.ask_noticed")
    tier, details = await sent_report(client, reporter, await caseworker(client))
    assert tier == "P3" and details["danger"] == {"choice": choice, "words": typed}


async def test_a_professional_report_is_a_partner_referral_with_contact_details(client: AppClient,
                                                                                rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.reach_who("Farm workers show signs of debt bondage")
    [police_know] = await reporter.answer(payload="report_who:union")
    reporter.expect(police_know, "report.ask_police_know")
    [police_share] = await reporter.answer(payload="report_skip")
    reporter.expect(police_share, "report.ask_police_share")
    [contact] = await reporter.press(police_share, "yes")
    reporter.expect(contact, "report.ask_contact_partner")
    [received] = await reporter.answer("Mette, 3F Odense, 12 34 56 78")
    assert CODE.search(received["text"])
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    assert (await queue_item(anna, conversation_id))["kind"] == "partner"
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"]["contact"] == {"words": "Mette, 3F Odense, 12 34 56 78"}
    assert report["details"]["police_share"] == {"choice": "yes"}


async def test_a_police_officer_is_not_asked_about_the_police(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.reach_who("Workers are driven to a warehouse at night")
    [contact] = await reporter.answer(payload="report_who:police")
    reporter.expect(contact, "report.ask_contact_partner")


async def test_a_second_session_adds_with_the_code_and_learns_nothing_else(client: AppClient,
                                                                           rasa: FakeRasa) -> None:
    first = Reporter(client, "en")
    code = await file_report(first, "Three women never leave the massage clinic on Vestergade",
                             where="Aarhus", place="massage")
    report_conversation = await conversation_of(client, first.session)

    later = Reporter(client, "fr")
    later.session = await client.new_session()
    await client.say(later.session, payload="lang:fr")
    [asked] = await later.answer(payload="report_code")
    later.expect(asked, "report.ask_code")
    status, ask = await later.answer(code.lower().replace("-", " "))  # as someone might type it
    later.expect(status, "report.status_received")
    later.expect(ask, "report.ask_addition")
    [added] = await later.answer("Il y a maintenant une quatrième femme")
    later.expect(added, "report.added")
    [done] = await later.answer(payload="report_done")
    later.expect(done, "report.addition_done")
    # Everything the second session was told: not a word of the report.
    told = " ".join(m["text"] for m in await messages_after(client, later.session))
    for secret in ("Vestergade", "Aarhus", "massage", "Three women", "clinic"):
        assert secret not in told

    anna = await caseworker(client)
    item = await queue_item(anna, report_conversation)
    assert item["summary"] == "report · massage clinic · 1 added later"  # the place kind in the console's words
    [report] = (await anna.call("GET", f"/conversations/{report_conversation}"))["reports"]
    assert [a["text"] for a in report["additions"]] == ["Il y a maintenant une quatrième femme"]

    # Once a caseworker has taken it up, the code tells that it was read; a resolved report comes back.
    await anna.call("POST", f"/conversations/{report_conversation}/claim")
    await anna.call("POST", f"/conversations/{report_conversation}/resolve")
    [asked] = await later.answer(payload="report_code")
    status, _ = await later.answer(code)
    later.expect(status, "report.status_read")
    await later.answer("Ils sont partis ce matin")
    item = await queue_item(anna, report_conversation)
    assert item["summary"].endswith("2 added later")


async def messages_after(client: AppClient, session: str) -> list[dict[str, Any]]:
    return (await client.messages(session))["messages"]


async def test_a_wrong_code_is_answered_kindly_and_guessing_is_slowed_down(client: AppClient,
                                                                           rasa: FakeRasa) -> None:
    code = await file_report(Reporter(client, "en"), "Workers sleep in the barn")
    guesser = Reporter(client, "en")
    guesser.session = await client.new_session()
    await guesser.answer(payload="report_code")
    for wrong in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        [reply] = await guesser.answer(wrong)
        guesser.expect(reply, "report.code_unknown")
        assert "barn" not in reply["text"]
    [reply] = await guesser.answer(code)  # even the right code is not checked now
    guesser.expect(reply, "report.code_wait", minutes="1")
    assert "112" in reply["text"]
    # Words that cannot be a code are not a guess, and not trapped: they leave the code question, Rasa answers.
    [reply] = await guesser.answer("they took my passport, help")
    guesser.expect(reply, "not_understood")
    assert rasa.received[-1]["message"] == "they took my passport, help"

    client.clock.advance(timedelta(minutes=2))  # the wait is over
    await guesser.answer(payload="report_code")
    status, _ = await guesser.answer(code)
    guesser.expect(status, "report.status_received")


async def test_wrong_codes_from_many_sessions_slow_everyone_down(client: AppClient, rasa: FakeRasa) -> None:
    code = await file_report(Reporter(client, "en"), "Workers sleep in the barn")
    for number in range(8):  # HAVN_WRONG_CODES_PER_MINUTE=8 in this test's app; two per session
        if number % 2 == 0:
            session = await client.new_session()
        await client.say(session, payload="report_code")
        await client.say(session, f"ZZZZ-ZZZ{number}")
    fresh = await client.new_session()
    await client.say(fresh, payload="report_code")
    [reply] = (await client.say(fresh, code))["messages"]
    assert reply["text"] == text_of("report.code_wait", "en", minutes="1")
    client.clock.advance(timedelta(minutes=2))
    [status, _] = (await client.say(fresh, code))["messages"]
    assert status["text"] == text_of("report.status_received", "en")


async def test_leaving_half_way_sends_the_report_and_gives_the_code(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_skip")
    await reporter.answer("A boy sells flowers every night, a man takes the money")
    received, rights = await reporter.answer(payload="/my_rights")
    assert CODE.search(received["text"])
    reporter.expect(rights, "answer.rights")
    [item] = (await (await caseworker(client)).call("GET", "/queue"))["items"]
    assert item["kind"] == "report"
    [typed] = await reporter.answer("hello again")  # the report is over: Rasa answers again
    assert typed["text"] == text_of("not_understood", "en")


# What was noticed names a Danish town: "Where was it?" is answered by it, the town kept as typed.
NAMED_PLACE = {
    "en": ("car wash in odense, workers sleep there", "odense"),
    "da": ("i byen aarhus sover arbejderne på vaskehallen", "aarhus"),
    "es": ("un lavadero de coches en Copenhague, los trabajadores duermen allí", "Copenhague"),
}
NO_PLACE = {"en": "workers sleep at the car wash", "da": "arbejderne sover på vaskehallen",
            "es": "los trabajadores duermen en el lavadero"}


@pytest.mark.parametrize("language", sorted(NAMED_PLACE))
async def test_a_town_named_in_what_was_noticed_is_where_and_where_is_not_asked(
        client: AppClient, rasa: FakeRasa, language: str) -> None:
    """It asked "Where was it?" after a description that said where."""
    described, town = NAMED_PLACE[language]
    anna = await caseworker(client)
    reporter = Reporter(client, language)
    await reporter.start_report()
    [noticed] = await reporter.answer(payload="report_danger:no")
    reporter.expect(noticed, "report.ask_noticed")
    [when] = await reporter.answer(described)
    reporter.expect(when, "report.ask_when")
    tier, details = await sent_report(client, reporter, anna)
    assert tier == "P3" and details["noticed"] == {"words": described} and details["where"] == {"words": town}

    unsure = Reporter(client, language)  # no town named: asked as before
    await unsure.start_report()
    await unsure.answer(payload="report_danger:no")
    [where] = await unsure.answer(NO_PLACE[language])
    unsure.expect(where, "report.ask_where")


async def test_a_report_left_without_a_word_reaches_the_queue_later(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_danger:no")
    anna = await caseworker(client)
    assert (await anna.call("GET", "/queue"))["items"] == []
    client.clock.advance(timedelta(minutes=31))  # the reporter went quiet
    await client.app[HANDOVER].sweep()
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["summary"] == "report being written"
    # The reporter comes back and finishes: the same report, now sent, with its code.
    [where] = await reporter.answer("Cleaners are driven to work at 4 am and look exhausted")
    reporter.expect(where, "report.ask_where")
    [received] = await reporter.answer(payload="report_send")
    assert CODE.search(received["text"])
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] and report["details"]["danger"] == {"choice": "no"}
    assert report["details"]["noticed"] == {"words": "Cleaners are driven to work at 4 am and look exhausted"}


async def test_changing_language_asks_the_same_question_again(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    set_language, question = await reporter.answer(payload="lang:es")  # the first question, no report yet
    assert set_language["text"] == text_of("language_set", "es")
    assert question["text"] == text_of("report.ask_about", "es")
    await reporter.answer(payload="report_about:other")
    set_language, question = await reporter.answer(payload="lang:fr")
    assert question["text"] == text_of("report.ask_danger", "fr")


async def test_a_caseworker_who_hands_back_a_report_being_written_lets_it_go_on(client: AppClient,
                                                                                  rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_danger:yes")  # P1 at once: a caseworker takes it
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    assert await reporter.answer("Are you there?") == []  # the caseworker answers, not the report's questions
    # A P1 nobody has answered yet goes back to the queue (walk 3), and the report goes on meanwhile.
    released = await anna.call("POST", f"/conversations/{conversation_id}/release")
    assert released["state"] == "queued"
    *_, told, again = await messages_after(client, reporter.session)
    assert told["text"] == text_of("queue.released_waiting", "en")
    assert again["text"] == text_of("report.ask_noticed", "en")


async def report_and_add(client: AppClient) -> tuple[Reporter, str, str]:
    """A filed report, and another session that added "More came today" with its code (still adding):
    (the reporter, the adding session, the code)."""
    reporter = Reporter(client, "en")
    code = await file_report(reporter, "Workers sleep in the barn")
    adder = await client.new_session()
    await client.say(adder, payload="report_code")
    await client.say(adder, code)
    await client.say(adder, "More came today")
    return reporter, adder, code


async def test_erasing_the_reporter_erases_the_report_and_what_was_added(client: AppClient, rasa: FakeRasa) -> None:
    reporter, _, code = await report_and_add(client)
    await client.delete_session(reporter.session)
    async with client.app[ENGINE].connect() as connection:
        for table in ("report", "report_addition"):
            assert await connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) == 0
    fresh = await client.new_session()
    await client.say(fresh, payload="report_code")
    [reply] = (await client.say(fresh, code))["messages"]
    assert reply["text"] == text_of("report.code_unknown", "en")


async def test_a_button_of_a_finished_report_gets_a_kind_answer(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await file_report(reporter, "Workers sleep in the barn")
    [reply] = await reporter.answer(payload="report_skip")
    reporter.expect(reply, "not_understood")
    await client.say(reporter.session, payload="report_place:palace", expect=400)  # not one of the buttons


async def test_telegram_report_command_with_a_code(tmp_path: Path, bot_api: FakeBotApi) -> None:
    settings = isolated_settings(tmp_path, HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url)
    async for client in start_app(settings):
        async with serving(settings.rasa_url, {}):
            code = await file_report(Reporter(client, "en"), "Workers sleep in the barn")
            chat = 424242
            await bot_api.push(bot_api.user_update(chat, f"/report {code}", language_code="en"))
            status, ask, notice = await bot_api.wait_for("sendMessage", chat_id=chat, count=3)
            assert status.params["text"] == text_of("report.status_received", "en")
            assert ask.params["text"] == text_of("report.ask_addition", "en")
            assert notice.params["text"] == privacy_notice("en", channel="telegram")
            seen = len(bot_api.calls)
            await bot_api.push(bot_api.user_update(chat, "/report"))
            intro, question = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen, count=2)
            assert intro.params["text"] == text_of("report.intro", "en")
            assert question.params["text"] == text_of("report.ask_about", "en")
            # On Telegram the code's text says that the report stays linked to this chat (its number encrypted).
            for payload, replies in (("report_about:other", 2), ("report_danger:no", 1)):
                seen = len(bot_api.calls)
                await bot_api.push(bot_api.user_update(chat, callback_data=payload))
                *_, asked = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen, count=replies)
            assert asked.params["text"] == text_of("report.ask_noticed", "en")
            seen = len(bot_api.calls)
            await bot_api.push(bot_api.user_update(chat, callback_data="report_send"))
            [received] = await bot_api.wait_for("sendMessage", chat_id=chat, since=seen, count=1)
            telegram_code = CODE.search(received.params["text"]).group(0)
            assert received.params["text"] == received_text("en", telegram_code, channel="telegram")
            assert "Telegram chat" in received.params["text"] and "encrypted" in received.params["text"]


def test_codes_are_short_random_and_read_forgivingly() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(CODE.fullmatch(code) for code in codes)
    assert not any(letter in "".join(codes) for letter in "ILOU")  # nothing to mistake for 1, 0 or V
    assert normalise_code(" k7m2 9xqp ") == "K7M2-9XQP"
    assert normalise_code("K7M2-9XQO") == "K7M2-9XQ0" and normalise_code("K7M2-9XQl") == "K7M2-9XQ1"
    assert normalise_code("K7M2-9XQ") is None and normalise_code("K7M2-9XQPU") is None
    assert normalise_code("hello world") is None


async def test_rotate_key_reencrypts_reports_and_what_was_added(client: AppClient, rasa: FakeRasa) -> None:
    reporter, adder, _ = await report_and_add(client)  # the adder's flow is still open: sealed too
    settings = client.app[SETTINGS]
    new = Fernet.generate_key().decode()
    async with engine_with_keys(settings, new, *settings.encryption_keys) as both:
        await Store(both).reseal_all()
    async with engine_with_keys(settings, new) as new_only:
        only_new = Reports(new_only, Pseudonymizer(settings.hash_key, (new,)), 30)
        [report] = await only_new.of_conversation(await conversation_of(client, reporter.session))
        assert report["details"]["noticed"] == {"words": "Workers sleep in the barn"}
        assert [a["text"] for a in report["additions"]] == ["More came today"]
        assert await Store(new_only).flow(await conversation_of(client, adder)) == Flow(
            FlowMode.ADDING, report_id=report["id"])


async def test_resolving_a_report_being_written_still_gives_its_code(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_danger:yes")  # P1 at once: a caseworker takes it and closes it
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/resolve")
    *_, resolved, received = await messages_after(client, reporter.session)
    assert resolved["text"] == text_of("queue.resolved", "en")
    reporter.expect_received(received)
    supervisor = await caseworker(client, "sofie", "supervisor")
    [report] = (await supervisor.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] is True


async def test_a_report_queued_by_the_sweep_is_not_queued_again_after_a_release(client: AppClient,
                                                                                 rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_skip")
    await reporter.answer("Cleaners are driven to work at 4 am")
    client.clock.advance(timedelta(minutes=31))  # the reporter went quiet
    handover = client.app[HANDOVER]
    await handover.sweep()
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/release")
    await handover.sweep()
    assert (await anna.call("GET", "/queue"))["items"] == []  # handed back on purpose: stays with the bot


async def test_someone_in_danger_pressed_late_still_gives_112_and_p1(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer(payload="report_danger:no")
    await reporter.answer("A man shouts at the workers")
    urgent, safe = await reporter.answer(payload="report_danger:yes")  # an old button, pressed now
    reporter.expect(urgent, "report.danger")
    reporter.expect(safe, "safety.check")  # a P1 stops the questions until it is safe to go on
    [where_again] = await reporter.answer(payload="safe_yes")
    reporter.expect(where_again, "report.ask_where")
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    assert (await queue_item(anna, conversation_id))["tier"] == "P1"

    after = Reporter(client, "en")  # and after the report is over, from the adding menu's button
    code = await file_report(after, "Workers sleep in the barn")
    urgent, safe = await after.answer(payload="report_danger:yes")
    after.expect(urgent, "report.danger")
    after.expect(safe, "safety.check")
    assert "112" in urgent["text"]
    assert (await queue_item(anna, await conversation_of(client, after.session)))["tier"] == "P1"
    assert CODE.fullmatch(code)


async def test_read_means_read_since_the_report_was_written(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await client.app[GATEWAY].store.request_handover(conversation_id, "P3", "help")  # an earlier handover
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/release")
    await reporter.answer(payload="report")  # then a report in the same conversation
    await reporter.answer(payload="report_about:other")
    await reporter.answer(payload="report_skip")
    await reporter.answer("Workers sleep in the barn")
    [received] = await reporter.answer(payload="report_send")
    code = CODE.search(received["text"]).group(0)
    other = await client.new_session()
    await client.say(other, payload="report_code")
    status, _ = (await client.say(other, code))["messages"]
    assert status["text"] == text_of("report.status_received", "en")  # not "read": that was before the report


@pytest.mark.parametrize(("language", "done", "send", "skip"), [
    ("en", "done", "send", "Skip"), ("da", "færdig", "send", "spring over"), ("ro", "gata!", "trimit", "Sar peste")])
async def test_skip_send_and_done_typed_are_those_buttons(client: AppClient, rasa: FakeRasa, language: str,
                                                          done: str, send: str, skip: str) -> None:
    """Found walking the chat: "done" typed at the signs was kept as a sign, again and again, and the report was
    never sent; "skip" typed at the under-18 question was noted as an answer. (The titles, or the first word of
    "Send the report now", as typed.)"""
    reporter = Reporter(client, language)
    await reporter.start_report()
    await reporter.answer(payload="report_skip")  # danger
    await reporter.answer("workers sleep in a van")  # what they noticed
    for _ in LATER[:LATER.index("minors")]:
        [minors] = await reporter.answer(payload="report_skip")
    reporter.expect(minors, "report.ask_minors")
    [looks] = await reporter.answer(skip)
    reporter.expect(looks, "report.ask_looks")
    await reporter.answer(payload="report_skip")  # looks
    await reporter.answer(payload="report_skip")  # asked_help
    [vehicles] = await reporter.answer(done)  # at the signs
    reporter.expect(vehicles, "report.ask_vehicles")
    [received] = await reporter.answer(send)
    reporter.expect_received(received)
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await (await caseworker(client)).call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"] == {"noticed": {"words": "workers sleep in a van"}}  # nothing else kept as an answer


@pytest.mark.parametrize(("language", "no"), [("es", "no"), ("da", "nej"), ("ro", "nu"), ("th", "ไม่")])
async def test_a_typed_no_at_the_signs_goes_on(client: AppClient, rasa: FakeRasa, language: str, no: str) -> None:
    """Found walking the chat: "no" typed at the signs was kept as a sign, and the list came again and again."""
    reporter = Reporter(client, language)
    await reporter.start_report()
    await reporter.answer(payload="report_skip")  # danger
    await reporter.answer("workers sleep in a van")  # noticed
    for _ in LATER[:LATER.index("signs")]:
        await reporter.answer(payload="report_skip")
    [vehicles] = await reporter.answer(no)
    reporter.expect(vehicles, "report.ask_vehicles")
    [received] = await reporter.answer(payload="report_send")
    reporter.expect_received(received)
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await (await caseworker(client)).call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert "signs" not in report["details"]


@pytest.mark.parametrize(("language", "typed"), [("en", "massage"), ("da", "Massage"), ("ro", "masaj"),
                                                 ("ar", "مساج"), ("th", "นวด")])
async def test_a_kind_of_place_typed_in_one_word_is_that_kind(client: AppClient, rasa: FakeRasa, language: str,
                                                             typed: str) -> None:
    """Found walking the chat: "massage" typed at the kind of place was kept as words only, and the report's
    place was unknown to the queue and the caseworker."""
    reporter = Reporter(client, language)
    await reporter.start_report()
    await reporter.answer(payload="report_skip")  # danger
    await reporter.answer(payload="report_skip")  # noticed
    for _ in LATER[:LATER.index("place")]:
        await reporter.answer(payload="report_skip")
    [relation] = await reporter.answer(typed)
    reporter.expect(relation, "report.ask_relation")
    [received] = await reporter.answer(payload="report_send")
    reporter.expect_received(received)
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await (await caseworker(client)).call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"]["place"] == {"choice": "massage", "words": typed}


async def test_words_after_a_child_s_report_is_urgent_stay_with_the_child_not_danger(
        client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the chat: danger answered "not sure", then "she looks 15" (P1, "Is it safe for you to write
    now?"), then a description: it was kept as "danger now: yes", and the line said "danger now"."""
    reporter = Reporter(client, "en")
    await reporter.start_report()
    await reporter.answer("not sure")
    await reporter.answer(payload="report_skip")  # noticed
    for _ in LATER[:LATER.index("minors")]:
        await reporter.answer(payload="report_skip")
    urgent, _ = await reporter.answer("she looks 15")
    reporter.expect(urgent, "report.minors")
    [looks] = await reporter.answer("asian women, a man takes their money")
    reporter.expect(looks, "report.ask_looks")  # the question that waited
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"]["danger"] == {"choice": "unknown", "words": "not sure"}
    assert report["details"]["minors"] == {"choice": "yes",
                                           "words": "she looks 15\nasian women, a man takes their money"}
    item = await queue_item(anna, conversation_id)
    assert item["tier"] == "P1" and "danger now" not in item["summary"] and "under 18" in item["summary"]


@pytest.mark.parametrize(("language", "typed"), [("en", "my code is {code}, I want to add something"),
                                                 ("da", "min kode er {code}"), ("ro", "am codul {code}")])
async def test_a_code_typed_in_a_sentence_opens_the_report_for_additions(client: AppClient, rasa: FakeRasa,
                                                                         language: str, typed: str) -> None:
    """Found walking the chat: "my code is …, I want to add something" got the self-harm reply (the danger net)
    and a P1 labelled self-harm; the code was never read. A word beside a number is no code."""
    code = await file_report(Reporter(client, "en"), "Three women never leave the clinic", where="Aarhus")
    later = Reporter(client, language)
    later.session = await client.new_session()
    await client.say(later.session, payload=f"lang:{language}")
    status, ask = await later.answer(typed.format(code=code.lower()))
    later.expect(status, "report.status_received")
    later.expect(ask, "report.ask_addition")
    [added] = await later.answer("there is a fourth woman now")
    later.expect(added, "report.added")
    async with client.app[ENGINE].connect() as connection:
        queued = await connection.scalar(text("SELECT COUNT(*) FROM conversation WHERE tier = 'P1'"))
    assert queued == 0  # nobody's self-harm
    assert rasa.received == [] or all(code.lower() not in sent["message"] for sent in rasa.received)


@pytest.mark.parametrize(("language", "typed"), [
    ("en", "i have a reference code {code}, i want to add something"), ("en", "i have a reference code {lower}"),
    ("da", "jeg har en kode {lower}, jeg vil tilføje noget"), ("es", "tengo un código {code}")])
async def test_a_code_after_the_word_code_opens_the_report_not_a_new_one(
        client: AppClient, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch, language: str, typed: str) -> None:
    """Found walking the chat (walk 3, item 7): "i have a reference code 08A7-MVGK, i want to add something" was
    read as the code "C0DE-08A7" (the word "code" and the code's first half), no report had it, and Rasa started
    a new report. The code the words overlap is the code."""
    monkeypatch.setattr("handover.reports.new_code", lambda: "08A7-MVGK")  # the walk's code: its first half mixed
    code = await file_report(Reporter(client, "en"), "Three women never leave the clinic", where="Aarhus")
    assert code == "08A7-MVGK"
    later = Reporter(client, language)
    later.session = await client.new_session()
    await client.say(later.session, payload=f"lang:{language}")
    heard = len(rasa.received)
    status, ask = await later.answer(typed.format(code=code, lower=code.lower()))
    later.expect(status, "report.status_received")
    later.expect(ask, "report.ask_addition")
    assert len(rasa.received) == heard  # not Rasa's: no new report
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 1


async def say_on_page(client: AppClient, session: str, typed: str, language: str) -> dict[str, Any]:
    """A message as the page sends it: from a browser in `language`, on a page that speaks it."""
    async with client.http.post(client.url("/api/webchat/messages"), json={"text": typed},
                                headers={**session_header(session), "Accept-Language": language,
                                         "X-Havn-Language": language}) as response:
        assert response.status == 200, await response.text()
        return await response.json()


@pytest.mark.parametrize(("language", "before"), [("da", None), ("da", "hej, jeg har set noget"), ("en", None),
                                                  ("en", "hello")])
@pytest.mark.parametrize("typed", ["{code}", "{joined}"])
async def test_a_code_typed_alone_keeps_the_page_language(client: AppClient, rasa: FakeRasa, language: str,
                                                          before: str | None, typed: str) -> None:
    """Found walking the chat (walk 3, item 6): "08A7-MVGK" or "08a7mvgk" on a Danish or English page was answered
    in Tagalog and the page switched to Tagalog; "K7M2-9XQP" (no report's) got French. A code carries no
    language: the conversation's stays."""
    code = await file_report(Reporter(client, "da"), "Tre kvinder går aldrig ud af klinikken", where="Aarhus")
    session = await client.new_session()
    if before is not None:
        await say_on_page(client, session, before, language)
    answer = await say_on_page(client, session, typed.format(code=code, joined=code.lower().replace("-", "")),
                               language)
    assert "page" not in answer  # the page is not switched
    texts = [message["text"] for message in answer["messages"]]
    assert text_of("report.status_received", language) in texts
    assert text_of("report.ask_addition", language) in texts
    # A code that is no report's: the words go to Rasa, in the page's language.
    answer = await say_on_page(client, await client.new_session(), "K7M2-9XQP", language)
    assert "page" not in answer and rasa.received[-1]["metadata"] == {"language": language, "staffed": False}


async def adding_to_a_report(client: AppClient, language: str, first_language: str = "en",
                             description: str = "Workers sleep in a container") -> tuple[Reporter, str]:
    """A report filed, then a new chat in `language` that opens it with its code to add to it: (that reporter, the
    report's conversation)."""
    first = Reporter(client, first_language)
    code = await file_report(first, description, where="Aarhus")
    report_conversation = await conversation_of(client, first.session)
    later = Reporter(client, language)
    later.session = await client.new_session()
    await client.say(later.session, payload=f"lang:{language}")
    await later.answer(payload="report_code")
    await later.answer(code)
    return later, report_conversation


@pytest.mark.parametrize(("language", "added", "child"), [
    ("en", "today i saw a girl maybe 15 years old going into the container, she was crying", True),
    ("da", "i dag så jeg en pige, måske 15 år, gå ind i containeren", True),
    ("es", "vi a una niña, tal vez 14 años, en la puerta", True),
    ("en", "the girl works 12 hours a day", False), ("da", "der er en fjerde kvinde nu", False)])
async def test_a_child_named_in_information_added_later_makes_the_report_p1(
        client: AppClient, rasa: FakeRasa, language: str, added: str, child: bool) -> None:
    """Found walking the chat (walk 3, item 8): "a girl maybe 15 years old" added with the code left the report P3.
    Someone under 18 told of makes it P1, as "yes" to the under-18 question does; the console says why. (Words the
    danger lexicon hears as the writer's own age, "en pige på 15", "una niña de 14", were P1 already, as danger.)"""
    later, report_conversation = await adding_to_a_report(client, language)
    [kept] = await later.answer(added)
    later.expect(kept, "report.added")
    anna = await caseworker(client)
    assert (await queue_item(anna, report_conversation))["tier"] == ("P1" if child else "P3")
    [report] = (await anna.call("GET", f"/conversations/{report_conversation}"))["reports"]
    assert [a["text"] for a in report["additions"]] == [added, *([CHILD_ADDED] if child else [])]


# Words of a bystander about someone under 18 that the danger lexicon hears as a child's own age (content/danger/).
CHILD_NAMED = {"en": "a girl of 15", "da": "en pige på 15", "ro": "o fată de 15 ani", "ar": "بنت تحت 18",
               "th": "เด็กผู้หญิงอายุ 15"}


async def conversation_state(client: AppClient, reporter: Reporter) -> ConversationState:
    """The conversation as the gateway hands it to bot/safety.py, with its report's flow."""
    conversation_id = await conversation_of(client, reporter.session)
    flow = await client.app[GATEWAY].store.flow(conversation_id)
    return ConversationState(conversation_id, State.BOT, reporter.language, True, flow=flow)


@pytest.mark.parametrize("language", CHILD_NAMED)  # one each: more than 5 P1s from one address queue at P3
async def test_someone_under_18_heard_in_a_report_is_someone_else_and_the_report_a_childs(
        client: AppClient, rasa: FakeRasa, language: str) -> None:
    """Found walking the chat: "en pige på 15" typed in a report was heard by the danger lexicon as the writer's own
    age: the bystander got the children's helpline as if they were the child, and the report was marked "someone
    in danger now". In a report an age is the other person's: bot/reporting.py `child` (what bot/safety.py
    calls for the lexicon's child cue) makes the report P1 as a child's, keeps the words, and thanks the writer."""
    lexicon, anna = DangerLexicon.load(), await caseworker(client)
    words = CHILD_NAMED[language]
    assert lexicon.match(words).cue == Cue.CHILD, language  # what bot/safety.py hears
    reporter = Reporter(client, language)
    await reporter.start_report()
    [noticed] = await reporter.answer(payload="report_skip")
    reporter.expect(noticed, "report.ask_noticed")
    conversation = await conversation_state(client, reporter)
    thanked, safe = await reporter.answer(words)  # typed: heard by bot/safety.py, answered by `child`
    assert thanked["text"] == text_of("report.minors", language), language
    assert TEXTS.text("danger.child", language) not in thanked["text"] and "112" in thanked["text"]
    assert safe["text"] == text_of("safety.check", language)
    await client.app[GATEWAY].assistant.settled()
    assert "/inform_age" not in [body["message"] for body in rasa.received]  # the writer is no child to the screening
    item = await queue_item(anna, conversation.id)
    assert item["tier"] == "P1" and "under 18" in item["summary"] and "danger now" not in item["summary"]
    [where] = await reporter.answer(payload="safe_yes")  # the questions go on where they stopped
    reporter.expect(where, "report.ask_where")
    tier, details = await sent_report(client, reporter, anna)
    assert tier == "P1", language
    assert details == {"noticed": {"words": words}, "minors": {"choice": "yes"}}, language


async def test_someone_under_18_heard_in_information_added_is_someone_else(client: AppClient,
                                                                           rasa: FakeRasa) -> None:
    later, report_conversation = await adding_to_a_report(client, "da", "da", "Arbejdere sover i en container")
    [thanked] = await later.answer("en pige på 15")
    assert thanked["text"] == text_of("report.added", "da")  # as for a child told there without the lexicon
    assert [button["payload"] for button in thanked["buttons"]] == [
        item["payload"] for item in TEXTS.menus["report_adding"]]
    anna = await caseworker(client)
    assert (await queue_item(anna, report_conversation))["tier"] == "P1"
    [report] = (await anna.call("GET", f"/conversations/{report_conversation}"))["reports"]
    assert [a["text"] for a in report["additions"]] == ["en pige på 15", CHILD_ADDED]


async def test_danger_words_added_are_marked_as_read_by_the_app_and_the_button_as_pressed(
        client: AppClient, rasa: FakeRasa) -> None:
    """Walk 4: danger typed as information added was marked "[Someone is in danger now: pressed by the reporter]",
    though nothing was pressed; the caseworker must know which it was."""
    later, report_conversation = await adding_to_a_report(client, "en")
    danger, _ = await later.answer("he is beating her right now")
    assert danger["text"] == text_of("report.danger", "en")
    await later.answer(payload="report_danger:yes")
    anna = await caseworker(client)
    [report] = (await anna.call("GET", f"/conversations/{report_conversation}"))["reports"]
    assert [a["text"] for a in report["additions"]] == ["he is beating her right now", DANGER_HEARD, DANGER_ADDED]


async def test_a_word_beside_a_number_is_no_code(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    reporter.session = await client.new_session()
    await reporter.answer("call 7020 2550 please")
    assert rasa.received[-1]["message"] == "call 7020 2550 please"


@pytest.mark.parametrize(("language", "typed"), [("en", "I got a code from you"), ("da", "jeg har en kode"),
                                                 ("ro", "am un cod de referinta"), ("ar", "عندي كود"),
                                                 ("th", "มีรหัสอ้างอิงค่ะ"), ("en", "I got a code"),
                                                 ("fr", "on m'a donné un code")])
async def test_i_have_a_code_typed_in_words_is_asked_for_the_code(client: AppClient, rasa: FakeRasa,
                                                                  language: str, typed: str) -> None:
    """Found walking the chat: "I have a reference code" typed was "I want to report" to the NLU, and a new report
    started. Typed, it is the main menu's button: the code is asked for, and the code then opens the report. Not
    danger either: "I got a code" and "on m'a donné un code" were danger to the danger net (no P1 below)."""
    code = await file_report(Reporter(client, "en"), "Three women never leave the clinic", where="Aarhus")
    later = Reporter(client, language)
    later.session = await client.new_session()
    await client.say(later.session, payload=f"lang:{language}")
    heard = len(rasa.received)
    [asked] = await later.answer(typed)
    later.expect(asked, "report.ask_code")
    assert [button["payload"] for button in asked["buttons"]] == ["/greet"]  # as the button's: the main menu
    assert len(rasa.received) == heard  # not Rasa's: no new report
    status, ask = await later.answer(code.lower())
    later.expect(status, "report.status_received")
    later.expect(ask, "report.ask_addition")
    [added] = await later.answer("there is a fourth woman now")
    later.expect(added, "report.added")
    async with client.app[ENGINE].connect() as connection:
        assert await connection.scalar(text("SELECT COUNT(*) FROM report")) == 1
        assert await connection.scalar(text("SELECT COUNT(*) FROM conversation WHERE tier = 'P1'")) == 0


async def test_i_have_a_code_typed_during_the_screening_is_asked_for_the_code_not_an_answer(
        client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the chat: "am un cod de referinta" at the screening's "What kind of work?" was taken as its
    answer ("noted"). It asks for the code; the screening's question waits in Rasa, which never heard it."""
    code = await file_report(Reporter(client, "en"), "Workers sleep in the barn")
    rasa.replies["/inform_age"] = [{"custom": {"text": "question.work", "menu": "screening_work"}}]
    reporter = Reporter(client, "ro")
    reporter.session = await client.new_session()
    await client.say(reporter.session, payload="lang:ro")
    [work] = await reporter.answer(payload="/inform_age:adult")
    assert "/inform_work:labour" in [button["payload"] for button in work["buttons"]]
    heard = len(rasa.received)
    [asked] = await reporter.answer("am un cod de referinta")
    reporter.expect(asked, "report.ask_code")
    assert [button["payload"] for button in asked["buttons"]] == ["/greet"]  # the button's own answer
    status, _ = await reporter.answer(code)
    reporter.expect(status, "report.status_received")
    assert len(rasa.received) == heard


async def test_asked_for_the_code_a_sentence_with_it_opens_the_report_and_i_have_it_asks_again(
        client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the chat: asked for the code after "I have a code", "my code is …" went to Rasa and the
    report was never opened; "I have it here" started a new report."""
    code = await file_report(Reporter(client, "en"), "Workers sleep in the barn")
    reporter = Reporter(client, "en")
    reporter.session = await client.new_session()
    await client.say(reporter.session, payload="lang:en")
    [asked] = await reporter.answer(payload="report_code")
    reporter.expect(asked, "report.ask_code")
    heard = len(rasa.received)
    [again] = await reporter.answer("yes I have the code")
    reporter.expect(again, "report.ask_code")
    status, ask = await reporter.answer(f"ok, my code is {code.lower()}, thanks")
    reporter.expect(status, "report.status_received")
    reporter.expect(ask, "report.ask_addition")
    assert len(rasa.received) == heard


# A bystander's description typed where a button was wanted (found walking the chat), per language: at the danger
# question, then at whom the report is about.
DESCRIBED = {
    "en": ("car wash in odense, workers sleep there", "there is a car wash in odense where the workers sleep inside",
           "they look scared and the boss keeps their phones"),
    "da": ("vaskehal i odense, arbejderne sover der", "der er en vaskehal i odense hvor arbejderne sover",
           "de ser bange ud og chefen tager deres telefoner"),
    "ro": ("spălătorie în odense, muncitorii dorm acolo", "există o spălătorie în odense unde dorm muncitorii",
           "ei par speriați și șeful le ține telefoanele"),
}


@pytest.mark.parametrize("language", sorted(DESCRIBED))
async def test_a_description_typed_at_the_danger_question_is_what_was_noticed_not_a_yes(
        client: AppClient, rasa: FakeRasa, language: str) -> None:
    """It was "yes": 112, the report urgent, and every later answer one question late."""
    described = DESCRIBED[language][0]
    anna = await caseworker(client)
    reporter = Reporter(client, language)
    await reporter.start_report()
    [again] = await reporter.answer(described)
    reporter.expect(again, "report.danger_noted")  # "Thank you, I noted that. Is anyone in danger right now? …"
    assert [b["payload"] for b in again["buttons"]] == [item["payload"] for item in TEXTS.menus["report_danger"]
                                                        ] + STEPS_MENU
    [when] = await reporter.press(again, "no")  # what was noticed is not asked again, nor where: it named odense
    reporter.expect(when, "report.ask_when")
    tier, details = await sent_report(client, reporter, anna)
    assert tier == "P3"
    assert details["danger"] == {"choice": "no"} and details["noticed"] == {"words": described}
    assert details["where"] == {"words": "odense"}

    twice = Reporter(client, language)  # words a second time: the report goes on, danger unanswered
    await twice.start_report()
    await twice.answer(described)
    [when] = await twice.answer(DESCRIBED[language][2])
    twice.expect(when, "report.ask_when")  # where: odense, from the first words
    tier, details = await sent_report(client, twice, anna)
    assert "danger" not in details and details["noticed"] == {"words": "\n".join([described,
                                                                                   DESCRIBED[language][2]])}
    assert details["where"] == {"words": "odense"}


@pytest.mark.parametrize("language", sorted(DESCRIBED))
async def test_a_description_of_others_at_the_first_question_is_someone_else_and_what_was_noticed(
        client: AppClient, rasa: FakeRasa, language: str) -> None:
    """Each got "Please tap one of the buttons below" and nothing typed was kept; then "they look scared and the
    boss keeps their phones" was taken for the writer's own danger (112, queued as a victim)."""
    _, there, they = DESCRIBED[language]
    anna = await caseworker(client)
    for described, town in ((there, "odense"), (they, None)):
        reporter = Reporter(client, language)
        await reporter.start()
        warning, danger = await reporter.answer(described)
        reporter.expect(warning, "report.bystander")
        reporter.expect(danger, "report.ask_danger")
        [following] = await reporter.press(danger, "no")
        reporter.expect(following, "report.ask_when" if town else "report.ask_where")  # a town named: where too
        tier, details = await sent_report(client, reporter, anna)
        assert tier == "P3", described
        assert details == {"danger": {"choice": "no"}, "noticed": {"words": described},
                           **({"where": {"words": town}} if town else {})}
        item = await queue_item(anna, await conversation_of(client, reporter.session))
        assert item["kind"] == "report"
    for neither in ("idk", "skip", "hi i want to report something"):  # asked again kindly, with its buttons
        reporter = Reporter(client, language)
        await reporter.start()
        pick, again = await reporter.answer(neither)
        reporter.expect(pick, "report.pick_about")
        assert [b["payload"] for b in again["buttons"]] == [DANGER_NOW, "report_about:me", "report_about:other",
                                                            "/greet"]
