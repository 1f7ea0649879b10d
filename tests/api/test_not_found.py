"""A page that is not there: a kind page in the browser's language with the way to the chat and 112, not
aiohttp's bare "404: Not Found" (found walking the app); the JSON paths keep their JSON sentence."""

from __future__ import annotations

import pytest

from tests.conftest import TEXTS, AppClient


@pytest.mark.parametrize(("path", "accept", "language"), [
    ("/nope", "da-DK,da;q=0.9", "da"), ("/console/nope", "en", "en"), ("/ro/chat", "ro", "ro"),
    ("/a/b/c.html", "ar", "ar"), ("/chat?lang=vi", "th-TH", "vi")])
async def test_an_address_that_is_not_there_gets_a_kind_page(client: AppClient, path: str, accept: str,
                                                             language: str) -> None:
    async with client.http.get(client.url(path), headers={"Accept-Language": accept}) as response:
        assert response.status == 404
        assert response.content_type == "text/html"
        page = await response.text()
    assert f'lang="{language}"' in page and 'href="/"' in page
    assert TEXTS.text("page.not_found", language) in page.replace("&#x27;", "'")
    assert TEXTS.text("page.open_chat", language) in page and "112" in page


async def test_the_api_keeps_its_json_sentence(client: AppClient) -> None:
    async with client.http.get(client.url("/api/webchat/nope")) as response:
        assert response.status == 404 and response.content_type == "application/json"
        assert "error" in await response.json()
