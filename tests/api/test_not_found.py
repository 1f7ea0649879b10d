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


BROWSER_PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what a browser's address bar asks
SCRIPT, STYLESHEET = "*/*", "text/css,*/*;q=0.1"  # what a <script> and a <link rel=stylesheet> ask


@pytest.mark.parametrize("path", ["/static/nothing.js", "/static/old/page.html", "/console/static/nothing.css"])
async def test_a_browser_asking_for_a_missing_file_under_a_static_folder_gets_the_kind_page(
        client: AppClient, path: str) -> None:
    # aiohttp's static folders answered an empty 404 with no content type for a file that is not there.
    headers = {"Accept": BROWSER_PAGE, "Accept-Language": "pl"}
    async with client.http.get(client.url(path), headers=headers) as response:
        assert response.status == 404 and response.content_type == "text/html"
        page = await response.text()
    assert 'lang="pl"' in page and TEXTS.text("page.open_chat", "pl") in page


@pytest.mark.parametrize("accept", [SCRIPT, STYLESHEET, "", "text/html;q=0"])
@pytest.mark.parametrize("path", ["/static/nothing.js", "/console/static/nothing.css"])
async def test_a_script_asking_for_a_missing_file_gets_a_short_text(client: AppClient, path: str,
                                                                    accept: str) -> None:
    async with client.http.get(client.url(path), headers={"Accept": accept}) as response:
        assert response.status == 404 and response.content_type == "text/plain"
        assert (await response.text()).strip()


async def test_a_file_that_is_there_is_still_served(client: AppClient) -> None:
    async with client.http.get(client.url("/static/webchat.js"), headers={"Accept": SCRIPT}) as response:
        assert response.status == 200 and "javascript" in response.content_type
        assert len(await response.read()) > 1000
