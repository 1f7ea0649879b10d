"""The console API's OpenAPI document as a contract: each answer a test gets is checked against the schema the
document gives for that operation and status (tests/console_client.py checks every call it makes)."""

from __future__ import annotations

import re
import weakref
from typing import Any

from jsonschema import Draft202012Validator

from tests.conftest import AppClient

_CONTRACTS: weakref.WeakKeyDictionary[AppClient, Contract] = weakref.WeakKeyDictionary()


class Contract:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.checked: set[tuple[str, str, int]] = set()  # (method, documented path, status)
        self._paths = [(re.compile("^" + re.sub(r"{\w+}", "[^/]+", path) + "$"), path)
                       for path in document["paths"]]

    def operation_of(self, method: str, url_path: str) -> tuple[str, dict[str, Any]]:
        """The documented path and operation for a request (the query string is ignored)."""
        url_path = url_path.split("?", 1)[0]
        for pattern, path in self._paths:
            if pattern.match(url_path) and method.lower() in self.document["paths"][path]:
                return path, self.document["paths"][path][method.lower()]
        raise AssertionError(f"{method} {url_path} is not in the OpenAPI document")

    def check(self, method: str, url_path: str, status: int, body: Any) -> None:
        """The answer fits the document: its status is documented for the operation, and its JSON body is valid
        against that response's schema (components resolved within the document)."""
        path, operation = self.operation_of(method, url_path)
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {path} answered {status}, documented: {sorted(responses)}"
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": self.document["components"]})
        problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                    for error in validator.iter_errors(body)]
        assert not problems, f"{method} {path} {status} does not fit the document: {problems}"
        self.checked.add((method.upper(), path, status))

    def check_file(self, method: str, url_path: str, status: int, content_type: str) -> None:
        """A file, not JSON (a photo a person sent): its status is documented with this content type."""
        path, operation = self.operation_of(method, url_path)
        documented = operation["responses"].get(str(status), {}).get("content", {})
        assert content_type in documented, f"{method} {path} {status} answered {content_type}: {sorted(documented)}"
        self.checked.add((method.upper(), path, status))


async def contract(client: AppClient) -> Contract:
    """The document the app serves, fetched once per app under test."""
    if client not in _CONTRACTS:
        async with client.http.get(client.url("/api/console/openapi.json")) as response:
            assert response.status == 200
            _CONTRACTS[client] = Contract(await response.json())
    return _CONTRACTS[client]
