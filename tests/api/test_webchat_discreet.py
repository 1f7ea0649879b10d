"""A discreet web chat (issue 19): the title (tab, history, first heading, the log's label) and the tab icon say
nothing of trafficking or of the centre, in every language, with JavaScript or without; HAVN_PAGE_TITLE replaces
the title in every language. Back after Quick exit: tests/browser/test_webchat_discreet_browser.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import pytest

from bot.app import SETTINGS
from core.config import ConfigError
from tests.conftest import TEXTS, AppClient, isolated_settings, make_settings, start_app, webchat_session
from tests.fakes.rasa import serving

CONFIGURED = "Notes & recipes"  # an ampersand: the title is shown as text, escaped, never read as HTML
# What would tell someone checking the phone what this page is: "trafficking" in each language the chat speaks
# (the words of the titles before issue 19), and the centre's name.
TELLING = ("trafficking", "menneskehandel", "الاتجار", "трафик", "trata", "traite", "traficul", "торговл",
           "ค้ามนุษย์", "торгівл", "mua bán người", "人口贩卖", "Center mod", "Centre against")


def shown_title(html: str) -> dict[str, str]:
    """The page's title, its first heading and the label of its list of messages, as the browser reads them."""
    found = {"title": re.search(r"<title>(.*?)</title>", html), "heading": re.search(r"<h1[^>]*>(.*?)</h1>", html),
             "log": re.search(r'<div role="log"[^>]*aria-label="([^"]*)"', html)}
    return {name: unescape(match.group(1)) for name, match in found.items() if match}


def telling(text: str) -> list[str]:
    return [word for word in TELLING if word.casefold() in text.casefold()]


async def page(client: AppClient, language: str) -> str:
    async with client.http.get(client.url("/"), headers={"Accept-Language": language}) as response:
        assert response.status == 200
        return await response.text()


@pytest.fixture
async def configured(tmp_path: Path) -> AsyncIterator[AppClient]:
    async for app_client in start_app(isolated_settings(tmp_path, HAVN_PAGE_TITLE=CONFIGURED)):
        yield app_client


def test_the_words_that_would_tell_are_found() -> None:
    # The check below can fail: each earlier title is caught by it.
    old = ["Help chat – Centre against Human Trafficking", "Hjælpechat – Center mod Menneskehandel",
           "Chat de ajutor – Centrul împotriva traficului de persoane", "求助聊天 – 反人口贩卖中心"]
    assert all(telling(title) for title in old)


@pytest.mark.parametrize("language", TEXTS.languages)
async def test_the_title_is_neutral_in_the_pages_language(app_client: AppClient, language: str) -> None:
    html = await page(app_client, language)
    neutral = TEXTS.text("web.page_title", language)
    assert f'<html lang="{language}"' in html
    assert shown_title(html) == {"title": neutral, "heading": neutral, "log": neutral}
    # Nothing on the start screen names trafficking or the centre: not the header, the first words, the menu,
    # nor the page's words for later (the JSON in the page).
    assert telling(unescape(html)) == []


async def test_the_configured_title_is_the_same_in_every_language(configured: AppClient) -> None:
    for language in TEXTS.languages:
        html = await page(configured, language)
        assert shown_title(html) == {"title": CONFIGURED, "heading": CONFIGURED, "log": CONFIGURED}
        assert "<title>Notes &amp; recipes</title>" in html


async def test_without_javascript_the_answered_form_keeps_the_configured_title(configured: AppClient) -> None:
    async with configured.http.post(configured.url("/"), data={"text": "", "session": "forged"},
                                    headers={"Accept-Language": "da"}) as response:
        html = await response.text()
    assert response.status == 200
    assert TEXTS.text("web.session_ended", "da").split(".")[0] in unescape(html)  # the form's answer, not the start
    assert shown_title(html)["title"] == CONFIGURED


async def test_the_page_words_in_another_language_keep_the_configured_title(configured: AppClient) -> None:
    async with serving(configured.app[SETTINGS].rasa_url, {}):
        session = await configured.new_session()
        async with configured.http.post(configured.url("/api/webchat/messages"), json={"text": "انا خايف من الشرطة"},
                                        headers={**webchat_session(session), "X-Havn-Language": "en"}) as response:
            words = (await response.json())["page"]
    assert words["language"] == "ar"
    assert words["title"] == CONFIGURED  # webchat.js puts it in document.title as the page turns Arabic


async def test_the_tab_icon_is_a_plain_picture_served_as_one(app_client: AppClient) -> None:
    html = await page(app_client, "en")
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon
    async with app_client.http.get(app_client.url(icon.group(1))) as response:
        assert response.status == 200
        assert response.content_type == "image/svg+xml"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        svg = ElementTree.fromstring(await response.read())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    # A picture only: no script, no text (a word in it would show in the tab), nothing fetched from elsewhere.
    tags = {element.tag.split("}")[1] for element in svg.iter()}
    assert tags <= {"svg", "path"}
    assert not [value for element in svg.iter() for value in element.attrib.values() if "http" in value]


def test_a_configured_title_too_long_for_a_tab_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HAVN_PAGE_TITLE"):
        make_settings(tmp_path, HAVN_PAGE_TITLE="x" * 101)
    assert make_settings(tmp_path, HAVN_PAGE_TITLE="").page_title is None  # empty: the neutral default
