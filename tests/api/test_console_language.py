"""The console's language (issue 19): a caseworker's choice, kept with their account (migration 0012), else
their browser's Accept-Language; the page, the vocabulary, the queue's lines and the API's error sentences
follow it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import SETTINGS
from tests.conftest import AppClient
from tests.console_client import PASSWORD, Console, login
from tests.fakes.rasa import FakeRasa, serving

DANGER_REPLY = [{"custom": {"text": "danger"}}, {"custom": {"handover": {"tier": "P1", "kind": "help"}}}]


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"he is coming": DANGER_REPLY}) as fake:
        yield fake


async def test_a_new_caseworker_follows_the_browser_and_the_choice_is_kept(client: AppClient) -> None:
    anna = await login(client, "anna")
    assert anna.account["language"] == "en"  # a client without Accept-Language: English
    assert (await anna.call("GET", "/me"))["language"] == "en"
    assert (await anna.call("POST", "/language", {"language": "da"}))["language"] == "da"
    assert (await anna.call("GET", "/me"))["language"] == "da"
    # Kept with the account, not the session: the next login (from an English browser) finds it.
    async with client.http.post(client.url("/api/console/login"), json={"username": "anna", "password": PASSWORD},
                                headers={"Accept-Language": "en-GB"}) as response:
        assert (await response.json())["caseworker"]["language"] == "da"
    refused = await anna.call("POST", "/language", {"language": "de"}, expect=400)
    assert refused["error"] == 'Send {"language": "da"} eller {"language": "en"}.'
    assert (await anna.call("GET", "/me"))["language"] == "da"


async def test_errors_come_in_the_caseworkers_language(client: AppClient) -> None:
    anna = await login(client, "anna")
    wrong = {"code": "nope"}
    assert (await anna.call("POST", "/reports/find", wrong, expect=400))["error"] == (
        "A reference code has 8 letters and digits, like K7M2-9XQP. Please check it.")
    await anna.call("POST", "/language", {"language": "da"})
    assert (await anna.call("POST", "/reports/find", wrong, expect=400))["error"] == (
        "En referencekode har 8 bogstaver og cifre, fx K7M2-9XQP. Tjek den.")
    assert (await anna.call("GET", "/conversations/nothing", expect=404))["error"] == "Samtalen findes ikke."
    assert (await anna.call("POST", "/caseworkers", {"name": "x"}, expect=403))["error"] == (
        "Din rolle giver ikke lov til dette.")


@pytest.mark.parametrize(("header", "sentence"), [("da-DK,da;q=0.9", "Forkert navn eller adgangskode."),
                                                  ("en-US,en;q=0.9", "Wrong name or password."),
                                                  ("de-DE", "Wrong name or password.")])
async def test_before_login_the_browser_decides(client: AppClient, header: str, sentence: str) -> None:
    async with client.http.post(client.url("/api/console/login"), json={"username": "nobody", "password": "no"},
                                headers={"Accept-Language": header}) as response:
        assert response.status == 401
        assert (await response.json())["error"] == sentence


async def test_the_page_comes_in_the_language_with_its_words_for_the_script(client: AppClient) -> None:
    async with client.http.get(client.url("/console"), headers={"Accept-Language": "da"}) as response:
        page = await response.text()
    assert '<html lang="da">' in page
    assert "<title>havn-konsol</title>" in page
    assert 'id="console-words"' in page and "minutter" in page
    async with client.http.get(client.url("/console")) as response:
        page = await response.text()
    assert '<html lang="en">' in page and "<title>havn console</title>" in page


async def test_the_vocabulary_and_the_queue_line_in_danish(client: AppClient, rasa: FakeRasa) -> None:
    anna: Console = await login(client, "anna")
    await anna.call("POST", "/language", {"language": "da"})
    session = await client.new_session()
    await client.say(session, "he is coming")
    vocabulary = await anna.call("GET", "/vocabulary")
    assert {state["value"]: state["label"] for state in vocabulary["states"]}["queued"] == "venter på et menneske"
    assert vocabulary["dimensions"][0] == {"code": "DR", "label": "Vildledende rekruttering"}
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["summary"].startswith("i fare nu")
    assert item["language_name"] == "Engelsk (English)"


async def test_the_statistics_page_in_danish(client: AppClient) -> None:
    sofie = await login(client, "sofie", "supervisor")
    await sofie.call("POST", "/language", {"language": "da"})
    async with client.http.get(client.url("/console/stats"),
                               headers={"Authorization": f"Bearer {sofie.token}"}) as response:
        assert response.status == 200
        page = await response.text()
    assert '<html lang="da">' in page
    assert "<h1>Statistik</h1>" in page and "Kontakter over tid" in page and "Tilbage til konsollen" in page
    assert "Statistics" not in page
    async with client.http.get(client.url("/console/stats"), headers={"Accept-Language": "da"}) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "Log ind."
