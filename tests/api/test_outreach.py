"""Outreach links end to end (issue 19, item 2), on SQLite and PostgreSQL: `/?lang=uk&src=farm-lolland` opens the
web chat in Ukrainian and counts the source once per new session; Telegram's `/start uk_farm-lolland` sets the
language and counts once per new chat; the supervisors' statistics show the counts by source and month, small
ones hidden, and nothing anywhere links the source to a person; the card page is for supervisors only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from bot.app import ENGINE
from core.models import OutreachCount
from tests.conftest import TEXTS, AppClient, isolated_settings, privacy_notice, start_app, webchat_session
from tests.console_client import PASSWORD, add_caseworker, login
from tests.databases import database_url
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.rasa import serving
from tests.unit.test_outreach_card import decoded

SOURCE = "farm-lolland"
CHAT = 4242001


@pytest.fixture(params=["sqlite", "postgresql"])
async def client(request: pytest.FixtureRequest, tmp_path: Path, bot_api: FakeBotApi) -> AsyncIterator[AppClient]:
    """The app with Telegram on the fake Bot API, a fake Rasa, and room for many sessions from one address."""
    async with database_url(request.param, f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}") as url:
        settings = isolated_settings(tmp_path, HAVN_DATABASE_URL=url, HAVN_LIMIT_SESSIONS="100/600",
                                     HAVN_TELEGRAM_TOKEN="123456:TEST-token", HAVN_TELEGRAM_API_URL=bot_api.url,
                                     HAVN_PUBLIC_URL="https://chat.example.org",
                                     HAVN_TELEGRAM_BOT_USERNAME="havn_test_bot")
        async with serving(settings.rasa_url, {}):
            async for app_client in start_app(settings):
                yield app_client


async def counts(client: AppClient) -> dict[tuple[str, str], int]:
    async with client.app[ENGINE].connect() as connection:
        rows = await connection.execute(select(OutreachCount.source, OutreachCount.channel, OutreachCount.count))
        return {(source, channel): number for source, channel, number in rows}


async def page(client: AppClient, query: str, accept_language: str = "en-GB,en") -> str:
    async with client.http.get(client.url(f"/{query}"), headers={"Accept-Language": accept_language}) as response:
        assert response.status == 200
        return await response.text()


async def start_session(client: AppClient, body: dict[str, object] | None, expect: int = 201) -> dict:
    async with client.http.post(client.url("/api/webchat/sessions"), json=body) as response:
        assert response.status == expect, await response.text()
        return await response.json()


async def say(client: AppClient, session: str, body: dict[str, object]) -> list[dict]:
    async with client.http.post(client.url("/api/webchat/messages"), json=body,
                                headers={**webchat_session(session), "Accept-Language": "da-DK,da"}) as response:
        assert response.status == 200, await response.text()
        return (await response.json())["messages"]


async def every_stored_text(client: AppClient) -> str:
    """Every row of every table but the counts', as text: where a source could hide."""
    async with client.app[ENGINE].connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        rows = [await connection.execute(text(f'SELECT * FROM "{table}"'))
                for table in tables if table not in ("outreach_count", "alembic_version")]
    return repr([list(result) for result in rows])


async def test_the_web_link_opens_the_chat_in_its_language_and_counts_the_source_once(client: AppClient) -> None:
    html = await page(client, f"?lang=uk&src={SOURCE}")
    assert '<html lang="uk" dir="ltr">' in html and TEXTS.text("web.page_title", "uk") in html
    assert '"link_language": "uk"' in html and f'"source": "{SOURCE}"' in html
    assert f'action="/?lang=uk&amp;src={SOURCE}"' in html  # without JavaScript the link rides in the form
    await page(client, f"?lang=uk&src={SOURCE}")  # a reload counts nothing: nobody has written
    assert await counts(client) == {}
    # What the page's script does: the source once, when it starts the session; the language with each message.
    session = (await start_session(client, {"source": SOURCE}))["session"]
    assert await counts(client) == {(SOURCE, "webchat"): 1}
    replies = await say(client, session, {"payload": "help", "language": "uk"})  # from a Danish browser
    assert replies[0]["text"] == TEXTS.reply("help", "uk", "main").text
    assert replies[-1]["text"].startswith(privacy_notice("uk"))
    await say(client, session, {"text": "ок", "language": "uk"})
    async with client.http.get(client.url("/api/webchat/messages"), headers=webchat_session(session)) as response:
        assert response.status == 200
    async with client.app[ENGINE].connect() as connection:
        assert list(await connection.execute(text("SELECT language FROM conversation"))) == [("uk",)]
    assert await counts(client) == {(SOURCE, "webchat"): 1}  # messages and polls count nothing more
    assert SOURCE not in await every_stored_text(client)


async def test_a_link_not_ours_opens_the_usual_page_and_counts_nothing(client: AppClient) -> None:
    html = await page(client, "?lang=xx&src=Not%20A%20Source", accept_language="ro-RO,ro")
    assert '<html lang="ro"' in html  # the browser's language, as without a link
    assert '"source": null' in html and '"link_language": null' in html and 'action="/"' in html
    html = await page(client, f"?lang=&src={SOURCE}&lang=uk")
    assert '<html lang="' in html  # repeated or empty parameters are no error either
    refused = await start_session(client, {"source": "Farm Lolland"}, expect=400)
    assert "like farm-lolland" in refused["error"]
    await start_session(client, None)  # the page without a link sends nothing: no count
    assert await counts(client) == {}


async def test_the_page_without_javascript_counts_the_source_once_for_its_new_session(client: AppClient) -> None:
    form = {"text": "добрий день, мені потрібна допомога"}
    headers = {"Sec-Fetch-Site": "same-origin", "Accept-Language": "da-DK,da"}
    async with client.http.post(client.url(f"/?lang=uk&src={SOURCE}"), data=form, headers=headers) as response:
        assert response.status == 200
        html = await response.text()
    token = re.search(r'name="session" value="([^"]+)"', html)
    assert token and '<html lang="uk"' in html
    async with client.http.post(client.url(f"/?lang=uk&src={SOURCE}"), data={**form, "session": token.group(1)},
                                headers=headers) as response:
        assert response.status == 200
    assert await counts(client) == {(SOURCE, "webchat"): 1}


async def test_the_telegram_deep_link_sets_the_language_and_counts_once(client: AppClient, bot_api: FakeBotApi) -> None:
    await bot_api.push(bot_api.user_update(CHAT, f"/start uk_{SOURCE}", language_code="da"))
    first = await bot_api.wait_for("sendMessage", chat_id=CHAT)
    assert first[0].params["text"] == TEXTS.reply("language_set", "uk").text
    async with client.app[ENGINE].connect() as connection:
        assert list(await connection.execute(text("SELECT language, language_chosen FROM conversation"))) == [
            ("uk", True)]
    assert await counts(client) == {(SOURCE, "telegram"): 1}
    since = len(bot_api.calls)
    await bot_api.push(bot_api.user_update(CHAT, f"/start uk_{SOURCE}", language_code="da"))  # the same card again
    await bot_api.wait_for("sendMessage", chat_id=CHAT, since=since)
    assert await counts(client) == {(SOURCE, "telegram"): 1}
    assert SOURCE not in await every_stored_text(client)


@pytest.mark.parametrize("argument", ["hu_farm", "uk_Farm", "uk", "uk_farm lolland", "x" * 70])
async def test_a_deep_link_not_ours_is_a_plain_start(client: AppClient, bot_api: FakeBotApi, argument: str) -> None:
    await bot_api.push(bot_api.user_update(CHAT + 1, f"/start {argument}", language_code="ro"))
    replies = await bot_api.wait_for("sendMessage", chat_id=CHAT + 1, count=2)
    assert replies[0].params["text"] != TEXTS.reply("language_set", "uk").text
    async with client.app[ENGINE].connect() as connection:
        assert list(await connection.execute(text("SELECT language_chosen FROM conversation"))) == [(False,)]
    assert await counts(client) == {}


async def test_the_statistics_show_sources_by_month_small_counts_hidden(client: AppClient, bot_api: FakeBotApi) -> None:
    for _ in range(6):
        await start_session(client, {"source": SOURCE})
    for _ in range(5):
        await start_session(client, {"source": "clinic-2"})
    sofia = await login(client, "sofia", "supervisor")
    published = (await sofia.call("GET", "/stats?group_by=day"))["outreach"]
    month = client.clock.now().strftime("%Y-%m")
    assert published["months"] == [month]  # by month, whatever the other tables are grouped by
    rows = {(row["source"], row["channel"]): row["counts"] for row in published["rows"]}
    assert rows == {(SOURCE, "webchat"): {month: 6, "all": 6}, ("clinic-2", "webchat"): {month: 5, "all": 5},
                    ("all", "all"): {month: 11, "all": 11}}
    await bot_api.push(bot_api.user_update(CHAT, "/start ro_clinic-2", language_code="ro"))
    await bot_api.wait_for("sendMessage", chat_id=CHAT)
    published = (await sofia.call("GET", "/stats?group_by=month"))["outreach"]
    rows = {(row["source"], row["channel"]): row["counts"] for row in published["rows"]}
    # The 1 is hidden; with it, the total less the cells shown would give it away: so the rest is hidden too
    # (handover/stats_suppress.py, the same rule as every other table).
    assert rows == {(SOURCE, "webchat"): {month: "x", "all": "x"}, ("clinic-2", "webchat"): {month: "x", "all": "x"},
                    ("clinic-2", "telegram"): {month: "<5", "all": "<5"}, ("all", "all"): {month: "x", "all": "x"}}
    async with client.http.get(client.url("/api/console/stats?format=csv"),
                               headers={"Authorization": f"Bearer {sofia.token}"}) as response:
        lines = list(csv.reader(io.StringIO(await response.text())))
    assert ["outreach", "clinic-2 (telegram)", month, "<5"] in lines and ["outreach", "all (all)", "all", "x"] in lines
    async with client.http.get(client.url("/console/stats"), cookies={"havn_console": sofia.token}) as response:
        html = await response.text()
    assert 'id="outreach"' in html and f"<th scope=\"row\">{SOURCE}</th>" in html
    earlier = (await sofia.call("GET", "/stats?from=2020-01-01&to=2020-02-29"))["outreach"]
    assert earlier["months"] == ["2020-01", "2020-02"] and earlier["rows"][-1]["counts"]["all"] == "<5"


async def test_the_card_page_is_for_supervisors(client: AppClient) -> None:
    anna, sofia = await login(client, "anna"), await login(client, "sofia", "supervisor")
    async with client.http.get(client.url("/console/outreach")) as response:
        assert response.status == 401
    for path in ("/console/outreach", f"/console/outreach/card?language=uk&source={SOURCE}"):
        async with client.http.get(client.url(path), cookies={"havn_console": anna.token}) as response:
            assert response.status == 403
    async with client.http.get(client.url("/console/outreach"), cookies={"havn_console": sofia.token}) as response:
        assert response.status == 200
        html = await response.text()
    assert 'action="/console/outreach/card"' in html and "Українська (uk)" in html and "t.me/havn_test_bot" in html


async def test_a_supervisor_downloads_the_card_and_a_bad_source_is_explained(client: AppClient,
                                                                               tmp_path: Path) -> None:
    await add_caseworker(client, "sofia", "supervisor")
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "sofia", "password": PASSWORD}) as response:
        cookie = {"havn_console": (await response.json())["token"]}
    async with client.http.get(client.url(f"/console/outreach/card?language=uk&source={SOURCE}&format=png"),
                               cookies=cookie) as response:
        assert response.status == 200 and response.content_type == "image/png"
        assert f'filename="card-uk-{SOURCE}.png"' in response.headers["Content-Disposition"]
        (tmp_path / "card.png").write_bytes(await response.read())
    assert decoded(tmp_path / "card.png") == [f"https://chat.example.org/?lang=uk&src={SOURCE}"]
    async with client.http.get(client.url(f"/console/outreach/card?language=uk&source={SOURCE}&format=pdf"),
                               cookies=cookie) as response:
        assert response.content_type == "application/pdf" and (await response.read()).startswith(b"%PDF-")
    async with client.http.get(client.url("/console/outreach/card?language=uk&source=Farm%20X&format=pdf"),
                               cookies=cookie) as response:
        assert response.status == 400 and "like farm-lolland" in await response.text()
    async with client.http.get(client.url(f"/console/outreach/card?language=hu&source={SOURCE}"),
                               cookies=cookie) as response:
        assert response.status == 400 and "Known languages: da, en" in await response.text()
    async with client.http.get(client.url("/console/outreach/card?language=uk&source=x&format=gif"),
                               cookies=cookie) as response:
        assert response.status == 400
