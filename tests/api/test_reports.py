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
from core.pseudonym import Pseudonymizer
from handover.console import HANDOVER
from handover.report_flow import Flow, FlowMode
from handover.reports import Reports, new_code, normalise_code
from handover.store import Store
from tests.conftest import TEXTS, AppClient, engine_with_keys, isolated_settings, privacy_notice, start_app
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


class Reporter:
    """A web chat session that answers the report's questions, checking each question in its language."""

    def __init__(self, client: AppClient, language: str) -> None:
        self.client = client
        self.language = language
        self.session = ""

    async def start(self) -> list[dict[str, Any]]:
        """A new session presses "Report a suspicion" (after choosing its language, as the menu offers)."""
        self.session = await self.client.new_session()
        chosen = (await self.client.say(self.session, payload=f"lang:{self.language}"))["messages"]
        assert chosen[-1]["text"] == privacy_notice(self.language)
        return (await self.client.say(self.session, payload="report"))["messages"]

    async def answer(self, text: str | None = None, payload: str | None = None) -> list[dict[str, Any]]:
        return (await self.client.say(self.session, text, payload))["messages"]

    def expect(self, message: dict[str, Any], key: str, **variables: str) -> None:
        assert message["text"] == text_of(key, self.language, **variables), key


async def file_report(reporter: Reporter, noticed: str, **choices: str) -> str:
    """Answers every question (the noticed words and the place typed, the rest by button or Skip); returns
    the reference code."""
    await reporter.start()
    replies = await reporter.answer(noticed)
    for step in ("danger", "where", "when", "place", "people", "minors", "signs", "who", "contact"):
        choice = choices.get(step)
        if choice is None:
            replies = await reporter.answer(payload="report_skip")
        elif step == "where":
            replies = await reporter.answer(choice)
        else:
            replies = await reporter.answer(payload=f"report_{step}:{choice}")
            if step == "signs":
                replies = await reporter.answer(payload="report_done")
    [received] = replies
    code = CODE.search(received["text"]).group(0)
    reporter.expect(received, "report.received", code=code)
    return code


async def caseworker(client: AppClient, name: str = "anna", role: str = "caseworker") -> Console:
    return await login(client, name, role)


async def queue_item(console: Console, conversation_id: str) -> dict[str, Any]:
    items = (await console.call("GET", "/queue"))["items"]
    [item] = [item for item in items if item["conversation_id"] == conversation_id]
    return item


@pytest.mark.parametrize("language", ["en", "da", "ro", "ar"])
async def test_a_whole_report_in_the_reporters_language(client: AppClient, rasa: FakeRasa, language: str) -> None:
    reporter = Reporter(client, language)
    intro, first = await reporter.start()
    reporter.expect(intro, "report.intro")
    assert "112" in intro["text"]
    reporter.expect(first, "report.ask_noticed")
    assert [b["payload"] for b in first["buttons"]] == [DANGER_NOW, *STEPS_MENU]
    script = [
        ({"text": "Six workers sleep in a garage behind the car wash"}, "report.ask_danger", "report_danger"),
        ({"payload": "report_danger:no"}, "report.ask_where", None),
        ({"text": "Køge"}, "report.ask_when", "report_when"),
        ({"payload": "report_when:week"}, "report.ask_place", "report_place"),
        ({"payload": "report_place:car_wash"}, "report.ask_people", "report_people"),
        ({"payload": "report_people:more_than_5"}, "report.ask_minors", "report_minors"),
        ({"payload": "report_minors:no"}, "report.ask_signs", "report_signs"),
    ]
    for answer, asked, menu in script:
        [question] = await reporter.answer(**answer)
        reporter.expect(question, asked)
        expected = [item["payload"] for item in TEXTS.menus[menu]] if menu else []
        danger_first = [] if asked == "report.ask_danger" else [DANGER_NOW]  # "Someone is in danger now"
        assert [b["payload"] for b in question["buttons"]] == danger_first + expected + STEPS_MENU
    noted, signs = await reporter.answer(payload="report_signs:lives_at_work")
    reporter.expect(noted, "report.sign_noted")
    assert signs["buttons"][3]["title"] == "✓ " + TEXTS.text("menu.sign_lives_at_work", language)
    await reporter.answer(payload="report_signs:long_hours")
    [who] = await reporter.answer(payload="report_done")
    reporter.expect(who, "report.ask_who")
    [contact] = await reporter.answer(payload="report_who:private")
    reporter.expect(contact, "report.ask_contact")
    [received] = await reporter.answer(payload="report_skip")
    code = CODE.search(received["text"]).group(0)
    reporter.expect(received, "report.received", code=code)
    assert "menu.have_code" in [item["title"] for item in TEXTS.menus["main"]]
    assert "report_code" in [b["payload"] for b in received["buttons"]]

    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    item = await queue_item(anna, conversation_id)
    assert (item["kind"], item["tier"]) == ("report", "P2")  # two signs
    assert item["summary"] == "report · car wash · 2 signs"  # buttons only, never the reporter's words
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] is True and report["additions"] == []
    assert report["details"] == {
        "noticed": {"words": "Six workers sleep in a garage behind the car wash"}, "danger": {"choice": "no"},
        "where": {"words": "Køge"}, "when": {"choice": "week"}, "place": {"choice": "car_wash"},
        "people": {"choice": "more_than_5"}, "minors": {"choice": "no"},
        "signs": {"choices": ["lives_at_work", "long_hours"]}, "who": {"choice": "private"}}
    stored = client.rows("SELECT code_hash, details FROM report") if client.app[SETTINGS].database_url.startswith(
        "sqlite") else []
    for code_hash, details in stored:  # neither the code nor the answers in clear
        assert code not in code_hash and "Køge" not in details and "garage" not in details


async def test_every_question_can_be_skipped(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    replies = []
    for _ in range(9):
        [question] = await reporter.answer(payload="report_skip")
        replies.append(question)
    assert [r["text"] for r in replies] == [text_of(f"report.ask_{step}", "en") for step in (
        "danger", "where", "when", "place", "people", "minors", "signs", "who", "contact")]
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
    await reporter.start()
    await reporter.answer("Men locked in a van at night")
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
    await reporter.start()
    for skipped in ("noticed", "danger", "where", "when", "place", "people", "minors"):
        if skipped == step:
            break
        await reporter.answer(payload="report_skip")
    urgent, safe = await reporter.answer(**answer)
    reporter.expect(urgent, "report.danger" if step == "danger" else "report.minors")
    if step == "danger":
        assert urgent["text"].startswith("Ring 112")
    reporter.expect(safe, "safety.check")  # a P1 stops the questions …
    [following] = await reporter.answer(payload="safe_yes")  # … until it is safe to go on
    reporter.expect(following, "report.ask_where" if step == "danger" else "report.ask_signs")
    conversation_id = await conversation_of(client, reporter.session)
    item = await queue_item(await caseworker(client), conversation_id)  # queued now, before it is finished
    assert item["tier"] == "P1"
    assert ("danger now" if step == "danger" else "under 18") in item["summary"]


async def test_a_typed_no_is_not_urgent(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    await reporter.answer("Someone works at night at the restaurant")
    [where] = await reporter.answer("no")
    reporter.expect(where, "report.ask_where")
    await reporter.answer(payload="report_send")
    [item] = (await (await caseworker(client)).call("GET", "/queue"))["items"]
    assert item["tier"] == "P3"


async def test_a_professional_report_is_a_partner_referral_with_contact_details(client: AppClient,
                                                                                rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    await reporter.answer("Farm workers show signs of debt bondage")
    for _ in range(7):
        await reporter.answer(payload="report_skip")
    [contact] = await reporter.answer(payload="report_who:union")
    reporter.expect(contact, "report.ask_contact_partner")
    [received] = await reporter.answer("Mette, 3F Odense, 12 34 56 78")
    assert CODE.search(received["text"])
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    assert (await queue_item(anna, conversation_id))["kind"] == "partner"
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["details"]["contact"] == {"words": "Mette, 3F Odense, 12 34 56 78"}


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
    assert item["summary"] == "report · massage · 1 added later"
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
    await reporter.start()
    await reporter.answer("A boy sells flowers every night, a man takes the money")
    received, rights = await reporter.answer(payload="/my_rights")
    assert CODE.search(received["text"])
    reporter.expect(rights, "answer.rights")
    [item] = (await (await caseworker(client)).call("GET", "/queue"))["items"]
    assert item["kind"] == "report"
    [typed] = await reporter.answer("hello again")  # the report is over: Rasa answers again
    assert typed["text"] == text_of("not_understood", "en")


async def test_a_report_left_without_a_word_reaches_the_queue_later(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    await reporter.answer("Cleaners are driven to work at 4 am and look exhausted")
    anna = await caseworker(client)
    assert (await anna.call("GET", "/queue"))["items"] == []
    client.clock.advance(timedelta(minutes=31))  # the reporter went quiet
    await client.app[HANDOVER].sweep()
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["summary"] == "report being written"
    # The reporter comes back and finishes: the same report, now sent, with its code.
    [danger_question_again] = await reporter.answer(payload="report_danger:no")
    reporter.expect(danger_question_again, "report.ask_where")
    [received] = await reporter.answer(payload="report_send")
    assert CODE.search(received["text"])
    conversation_id = await conversation_of(client, reporter.session)
    [report] = (await anna.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] and report["details"]["danger"] == {"choice": "no"}


async def test_changing_language_asks_the_same_question_again(client: AppClient, rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    await reporter.answer("Someone sleeps at the pizzeria")
    set_language, question = await reporter.answer(payload="lang:es")
    assert set_language["text"] == text_of("language_set", "es")
    assert question["text"] == text_of("report.ask_danger", "es")


async def test_a_caseworker_who_hands_back_a_report_being_written_lets_it_go_on(client: AppClient,
                                                                                  rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
    await reporter.answer("Kids are working in the field")
    await reporter.answer(payload="report_danger:yes")  # P1 at once: a caseworker takes it
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    assert await reporter.answer("Are you there?") == []  # the caseworker answers, not the report's questions
    await anna.call("POST", f"/conversations/{conversation_id}/release")
    *_, released, again = await messages_after(client, reporter.session)
    assert released["text"] == text_of("queue.released", "en")
    assert again["text"] == text_of("report.ask_where", "en")


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
            assert question.params["text"] == text_of("report.ask_noticed", "en")


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
    await reporter.start()
    await reporter.answer("Kids are working in the field")
    await reporter.answer(payload="report_danger:yes")  # P1 at once: a caseworker takes it and closes it
    conversation_id = await conversation_of(client, reporter.session)
    anna = await caseworker(client)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/resolve")
    *_, resolved, received = await messages_after(client, reporter.session)
    assert resolved["text"] == text_of("queue.resolved", "en")
    code = CODE.search(received["text"]).group(0)
    reporter.expect(received, "report.received", code=code)
    supervisor = await caseworker(client, "sofie", "supervisor")
    [report] = (await supervisor.call("GET", f"/conversations/{conversation_id}"))["reports"]
    assert report["sent"] is True


async def test_a_report_queued_by_the_sweep_is_not_queued_again_after_a_release(client: AppClient,
                                                                                 rasa: FakeRasa) -> None:
    reporter = Reporter(client, "en")
    await reporter.start()
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
    await reporter.start()
    await reporter.answer("A man shouts at the workers")
    await reporter.answer(payload="report_danger:no")
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
    await reporter.answer("Workers sleep in the barn")
    [received] = await reporter.answer(payload="report_send")
    code = CODE.search(received["text"]).group(0)
    other = await client.new_session()
    await client.say(other, payload="report_code")
    status, _ = (await client.say(other, code))["messages"]
    assert status["text"] == text_of("report.status_received", "en")  # not "read": that was before the report
