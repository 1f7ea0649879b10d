"""The queue line through the app (handover/queue_lines.py), and finding a report by its reference code
(handover/report_lookup.py): on SQLite and on PostgreSQL, with a fake Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.app import ENGINE, SETTINGS
from handover.console import HANDOVER
from handover.report_lookup import WRONG_LOOKUPS
from tests.api.test_console_api import HANDOVER_REPLY, SCREENING, ask_for_person
from tests.conftest import AppClient
from tests.console_client import conversation_of, login
from tests.fakes.rasa import FakeRasa, serving

DANGER_WORDS = "help me now he is coming back"  # in the danger lexicon (content/danger/en.yml)
NOTHING_FOUND = {**SCREENING, "assessment": "no_indicators", "tier": "P4", "dimensions": {}, "indicators": [],
                 "answers": {}, "evidence": {}, "immediate_danger": False, "finished": False}


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {"I need a person": HANDOVER_REPLY, "hello": [{"custom": {"screening": NOTHING_FOUND}}]}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


async def test_a_danger_conversation_reads_danger_now_with_the_person_s_words(client: AppClient,
                                                                               rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, DANGER_WORDS)  # the app's own net: 112, and P1
    await client.say(session, "hello")  # Rasa's screening has found nothing (yet)
    anna = await login(client, "anna")
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["tier"] == "P1"
    assert item["summary"] == "danger now" and "no indicators" not in item["summary"]
    assert item["key_words"] == ["help me now"]
    assert (item["language"], item["language_name"]) == ("en", "English")
    # What the lexicon heard is kept with the message, sealed: never in clear in the database.
    said = await client.app[HANDOVER].store.said_by_person(item["conversation_id"])
    assert [message.flagged for message in said] == [(("danger", "help me now"),), ()]
    async with client.app[ENGINE].connect() as connection:
        bodies = list(await connection.scalars(text("SELECT body FROM message")))
    assert bodies and not any("help me" in str(body) for body in bodies)


async def test_the_passport_case_names_its_indicator_and_the_language(client: AppClient, rasa: FakeRasa) -> None:
    rasa.replies["jeg har brug for et menneske"] = [{"custom": {"screening": SCREENING}}, *HANDOVER_REPLY]
    await ask_for_person(client, "jeg har brug for et menneske")
    anna = await login(client, "anna")
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["summary"] == "confiscation of documents · trafficking indicated"
    assert item["key_words"] == ["boss keeps my passport"]  # the words the person agreed to note
    assert item["language_name"] == "Danish (Dansk)"


async def test_a_caseworker_finds_a_report_by_its_code_audited(client: AppClient, rasa: FakeRasa) -> None:
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    report_id, code = await client.app[HANDOVER].reports.create(conversation_id)
    anna, sofie = await login(client, "anna"), await login(client, "sofie", "supervisor")

    typed = code.lower().replace("-", " ").replace("0", "o")  # as read out on the phone
    found = await anna.call("POST", "/reports/find", {"code": typed})
    assert found == {"report_id": report_id, "conversation_id": conversation_id, "alias": found["alias"],
                     "state": "queued", "can_open": True}
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    missing = await anna.call("POST", "/reports/find", {"code": wrong}, expect=404)
    assert missing["error"] == "No report has this reference code. Please check it with the person."
    malformed = await anna.call("POST", "/reports/find", {"code": "K7M2-9XQ"}, expect=400)
    assert "8 letters and digits" in malformed["error"]
    await anna.call("POST", "/reports/find", {"code": 12345678}, expect=400)  # not even text
    await anna.call("POST", "/reports/find", {"code": "x" * 100}, expect=413)  # with a sentence

    lookups = [event for event in (await sofie.call("GET", "/audit"))["items"] if event["action"] == "report_lookup"]
    assert [(event["caseworker"], event["conversation_id"], event["detail"]) for event in lookups] == [
        ("anna", None, "not a code"), ("anna", None, "no such code"), ("anna", conversation_id, "found")]
    assert not any(code in str(event) for event in lookups)  # who looked, never the code

    await client.app[HANDOVER].queue.claim(conversation_id, sofie.account["id"])
    held = await anna.call("POST", "/reports/find", {"code": code})
    assert (held["state"], held["can_open"]) == ("assigned", False)  # found, but hers to open only
    assert (await sofie.call("POST", "/reports/find", {"code": code}))["can_open"] is True


async def test_finding_a_report_needs_a_session_and_wrong_codes_are_limited(client: AppClient) -> None:
    async with client.http.post(client.url("/api/console/reports/find"), json={"code": "K7M2-9XQP"}) as response:
        assert response.status == 401
    anna, ben = await login(client, "anna"), await login(client, "ben")
    for _ in range(WRONG_LOOKUPS.count):
        await anna.call("POST", "/reports/find", {"code": "K7M2-9XQP"}, expect=404)
    refused = await anna.call("POST", "/reports/find", {"code": "K7M2-9XQP"}, expect=429)
    assert "Too many wrong reference codes" in refused["error"]
    await ben.call("POST", "/reports/find", {"code": "K7M2-9XQP"}, expect=404)  # counted per caseworker
    sofie = await login(client, "sofie", "supervisor")
    details = [event["detail"] for event in (await sofie.call("GET", "/audit"))["items"]
               if event["action"] == "report_lookup" and event["caseworker"] == "anna"]
    assert details == ["refused: too many wrong codes", *["no such code"] * WRONG_LOOKUPS.count]
