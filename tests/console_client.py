"""A caseworker's side of the console API, for tests: log in, call the API, find a web chat's conversation.

Every answer that goes through here is checked against the OpenAPI document the app serves (its status is
documented for the operation, its body fits that response's schema)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.app import ENGINE, GATEWAY
from handover.accounts import Accounts
from tests.conftest import AppClient, webchat_address
from tests.openapi_contract import contract

PASSWORD = "correct horse battery"


class Console:
    """One caseworker's API client (Bearer token)."""

    def __init__(self, client: AppClient, token: str, account: dict[str, Any]) -> None:
        self.client = client
        self.token = token
        self.account = account

    async def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        async with self.client.http.request(method, self.client.url(f"/api/console{path}"), json=body,
                                            headers={"Authorization": f"Bearer {self.token}"}) as response:
            assert response.status == expect, await response.text()
            answer = await response.json()
        (await contract(self.client)).check(method, f"/api/console{path}", response.status, answer)
        return answer


async def add_caseworker(client: AppClient, name: str, role: str = "caseworker") -> None:
    await Accounts(client.app[ENGINE]).add(name, PASSWORD, role, alias=name.title())


async def login(client: AppClient, name: str, role: str = "caseworker") -> Console:
    await add_caseworker(client, name, role)
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": name, "password": PASSWORD}) as response:
        assert response.status == 200
        body = await response.json()
    (await contract(client)).check("POST", "/api/console/login", 200, body)
    return Console(client, body["token"], body["caseworker"])


async def conversation_of(client: AppClient, session: str) -> str:
    """The newest conversation of a web chat session, as the database has it."""
    address_hash = client.app[GATEWAY].pseudonymizer.address_hash("webchat", webchat_address(session))
    async with client.app[ENGINE].connect() as connection:
        return await connection.scalar(text(
            "SELECT conversation.id FROM conversation JOIN contact ON contact.id = conversation.contact_id "
            "WHERE contact.address_hash = :h ORDER BY conversation.created_at DESC LIMIT 1"), {"h": address_hash})


async def messages_to_person(client: AppClient, session: str, after: int = 0) -> list[dict[str, Any]]:
    return (await client.messages(session, after))["messages"]
