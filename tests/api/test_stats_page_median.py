"""The statistics page's median time to a first human reply (handover/templates/stats.html): a figure hidden
because fewer than 5 conversations had a reply reads "hidden (fewer than 5)" with no unit after it (the tester
read "hidden s"), and a shown figure keeps its unit; in English and Danish."""

from __future__ import annotations

import re

import pytest

from tests.api.test_console_api import ask_for_person, rasa  # noqa: F401 (a fixture: Rasa asks for a person)
from tests.conftest import AppClient
from tests.console_client import Console, conversation_of, login

pytestmark = pytest.mark.usefixtures("rasa")  # the fake Rasa asks for a person


async def median_shown(client: AppClient, supervisor: Console) -> str:
    async with client.http.get(client.url("/console/stats"),
                               headers={"Authorization": f"Bearer {supervisor.token}"}) as response:
        assert response.status == 200
        page = await response.text()
    found = re.search(r'<strong id="total-median">(.*?)</strong>(.*?)</p>', page, re.S)
    assert found is not None
    assert found.group(2).strip() == ""  # nothing after the figure: its unit goes with a number only
    return found.group(1).strip()


async def test_a_hidden_median_says_why_and_has_no_unit(client: AppClient) -> None:
    sofie = await login(client, "sofie", "supervisor")
    assert await median_shown(client, sofie) == "hidden (fewer than 5)"  # none yet counts as fewer than 5
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "I am here."}, expect=201)
    assert await median_shown(client, sofie) == "hidden (fewer than 5)"
    await sofie.call("POST", "/language", {"language": "da"})
    assert await median_shown(client, sofie) == "skjult (færre end 5)"


async def test_a_shown_median_keeps_its_unit(client: AppClient) -> None:
    anna = await login(client, "anna")
    for _ in range(5):
        session, _ = await ask_for_person(client)
        conversation_id = await conversation_of(client, session)
        await anna.call("POST", f"/conversations/{conversation_id}/claim")
        await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "I am here."}, expect=201)
        await anna.call("POST", f"/conversations/{conversation_id}/resolve")
    sofie = await login(client, "sofie", "supervisor")
    assert re.fullmatch(r"\d+ s", await median_shown(client, sofie))
