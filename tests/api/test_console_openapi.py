"""The console API against its OpenAPI document: every route is in it and nothing else, its schemas are valid,
every answer fits it (each endpoint once, with its errors), and errors under /api/ are JSON. On SQLite and
PostgreSQL, with a fake Rasa."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from jsonschema import Draft202012Validator

from bot.app import SETTINGS
from handover.app_keys import ACCOUNTS
from handover.console import HANDOVER
from tests.api.test_console_api import HANDOVER_REPLY, ask_for_person
from tests.conftest import AppClient
from tests.console_client import PASSWORD, conversation_of, login
from tests.fakes.rasa import FakeRasa, serving
from tests.openapi_contract import contract as openapi_contract


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    async with serving(client.app[SETTINGS].rasa_url, {"I need a person": HANDOVER_REPLY}) as fake:
        yield fake


async def test_openapi_describes_every_console_route(client: AppClient) -> None:
    async with client.http.get(client.url("/api/console/openapi.json")) as response:
        spec = await response.json()
    documented = {(method.upper(), path) for path, operations in spec["paths"].items() for method in operations}
    served = {(route.method, route.resource.canonical) for route in client.app.router.routes()
              if route.resource is not None and route.resource.canonical.startswith("/api/console")
              and route.method != "HEAD"}
    assert served == documented
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            for status, answer in operation["responses"].items():
                if int(status) >= 400:  # every error is {"error": "<sentence>"}
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert "security" not in spec["paths"]["/api/console/queue"]["get"]  # the document's default: a session
    assert spec["paths"]["/api/console/login"]["post"]["security"] == []


async def test_every_answer_fits_the_openapi_document(client: AppClient, rasa: FakeRasa) -> None:
    """Each endpoint once, with its errors; every answer is checked against the document (Console.call), and
    in the end every documented JSON answer has been seen and checked."""
    contract = await openapi_contract(client)
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "nobody", "password": "wrong"}) as response:
        contract.check("POST", "/api/console/login", response.status, await response.json())
    admin, anna = await login(client, "adam", "admin"), await login(client, "anna")
    ben = await admin.call("POST", "/caseworkers", {"name": "ben", "password": PASSWORD, "alias": "Ben"}, expect=201)
    await admin.call("POST", "/caseworkers", {"name": "ben", "password": PASSWORD}, expect=400)
    await anna.call("POST", "/caseworkers", {"name": "eve", "password": PASSWORD}, expect=403)
    await admin.call("GET", "/caseworkers")
    await admin.call("POST", "/caseworkers/unlock", {"name": "ben"})
    await admin.call("POST", "/caseworkers/unlock", {"name": "eve"}, expect=404)
    await admin.call("POST", "/caseworkers/unlock", {"nom": "ben"}, expect=400)
    await anna.call("POST", "/caseworkers/unlock", {"name": "ben"}, expect=403)
    await anna.call("GET", "/me")
    await anna.call("POST", "/language", {"language": "en"})
    await anna.call("POST", "/language", {"language": "fr"}, expect=400)
    await anna.call("GET", "/vocabulary")
    await anna.call("GET", "/canned?language=en")
    first = await conversation_of(client, (await ask_for_person(client))[0])
    await anna.call("GET", "/queue")
    _, code = await client.app[HANDOVER].reports.create(first)
    await anna.call("POST", "/reports/find", {"code": code})
    await anna.call("POST", "/reports/find", {"code": "K7M2-9XQP"}, expect=404)
    await anna.call("POST", "/reports/find", {"code": "nope"}, expect=400)
    await anna.call("GET", f"/conversations/{first}")
    assert (await anna.call("POST", "/queue/next"))["conversation_id"] == first
    assert (await anna.call("POST", "/queue/next"))["conversation_id"] is None
    await anna.call("POST", f"/conversations/{first}/notes", {"text": "a note"}, expect=201)
    await anna.call("POST", f"/conversations/{first}/notes", {"text": ""}, expect=400)
    sent = await anna.call("POST", f"/conversations/{first}/messages", {"text": "Hello"}, expect=201)
    await anna.call("GET", f"/conversations/{first}/messages?after={sent['message']['id']}")
    await anna.call("GET", f"/conversations/{first}/messages?after=last", expect=400)
    await anna.call("POST", f"/conversations/{first}/messages", {"text": "x" * 5000}, expect=413)
    await anna.call("POST", f"/conversations/{first}/transfer", {"caseworker_id": "ben"}, expect=400)
    await anna.call("POST", f"/conversations/{first}/transfer", {"caseworker_id": ben["id"]}, expect=409)  # away
    await client.app[ACCOUNTS].seen(ben["id"])  # ben's console connects
    await anna.call("POST", f"/conversations/{first}/transfer", {"caseworker_id": ben["id"]})
    await anna.call("POST", f"/conversations/{first}/release", expect=409)
    await anna.call("GET", f"/conversations/{first}", expect=403)
    await admin.call("POST", f"/conversations/{first}/release")  # a supervisor may end what another holds
    await anna.call("POST", f"/conversations/{first}/claim", expect=409)  # the bot has it again
    second = await conversation_of(client, (await ask_for_person(client))[0])
    await anna.call("POST", f"/conversations/{second}/claim")
    await anna.call("GET", f"/conversations/{second}/messages/{sent['message']['id']}/media", expect=404)
    await anna.call("POST", f"/conversations/{second}/resolve")
    await anna.call("GET", f"/conversations/{second}/messages/{sent['message']['id']}/media", expect=403)
    await anna.call("GET", "/conversations/does-not-exist", expect=404)
    await anna.call("GET", "/audit", expect=403)
    await anna.call("GET", "/stats", expect=403)
    await admin.call("GET", "/stats?group_by=year")
    await admin.call("GET", "/stats?to=soon", expect=400)
    await admin.call("GET", "/audit")
    await admin.call("GET", "/audit?before=newest", expect=400)
    await anna.call("POST", "/logout")
    await anna.call("GET", "/me", expect=401)
    # Every JSON answer; the media endpoint's files are checked in tests/api/test_media.py (they need Telegram).
    answers = {(method.upper(), path) for path, operations in contract.document["paths"].items()
               for method, operation in operations.items() for status, answer in operation["responses"].items()
               if int(status) < 300 and "application/json" in answer.get("content", {})}
    assert answers == {(method, path) for method, path, status in contract.checked if status < 300}


async def test_unknown_addresses_and_methods_under_api_answer_in_json(client: AppClient) -> None:
    async with client.http.get(client.url("/api/console/nothing")) as response:
        assert response.status == 404
        assert await response.json() == {"error": "There is nothing at this address."}
    async with client.http.delete(client.url("/api/console/queue")) as response:
        assert response.status == 405 and "GET" in response.headers["Allow"]
        assert await response.json() == {"error": "This address does not take DELETE requests."}
    async with client.http.post(client.url("/api/console/login"), data=b"username=anna") as response:
        assert response.status == 415  # a form post (from another site, too) is not read at all
        assert await response.json() == {"error": "Please send JSON, with the header Content-Type: application/json."}
    async with client.http.post(client.url("/api/console/login"), data=b"username=anna",
                                headers={"Content-Type": "application/json"}) as response:
        assert response.status == 400
        assert await response.json() == {"error": "Please send a JSON object."}
    async with client.http.get(client.url("/nothing")) as response:  # not the API: aiohttp's own page
        assert response.status == 404 and response.content_type != "application/json"
