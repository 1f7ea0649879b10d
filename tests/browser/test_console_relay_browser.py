"""The console page with two app instances (docs/scale.md): open on instance B, it shows at once what a person did
through instance A; with Redis down it says it is polling and still shows new conversations within seconds
(every 3 s, not the 30 s of the safety refresh); with Redis back it is live again, without a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.test_console_browser import console_page
from tests.console_client import add_caseworker
from tests.scaled import Pair, asks_for_a_person, two_instances

pytestmark = pytest.mark.browser

pair = pytest.fixture(two_instances, name="pair")
SOONER_THAN_THE_SAFETY_REFRESH = 15_000  # ms; the page's safety refresh (main.js) comes every 30 s


async def test_the_console_on_b_polls_while_redis_is_down_and_is_live_again_after(browser: Browser, pair: Pair) -> None:
    await add_caseworker(pair.a, "anna")
    page, problems = await console_page(browser, pair.b)
    live = page.locator("#live")
    await expect(live).to_have_attribute("data-state", "live")
    await asks_for_a_person(pair.a)
    await expect(page.locator("#queue li.queue-item")).to_have_count(1)  # pushed from A through Redis

    pair.redis.kill()
    await expect(live).to_have_attribute("data-state", "polling")
    await expect(live).to_have_text("updating every few seconds")
    await asks_for_a_person(pair.a)  # no event reaches B: the page finds it by polling
    await expect(page.locator("#queue li.queue-item")).to_have_count(2, timeout=SOONER_THAN_THE_SAFETY_REFRESH)

    pair.redis.start()
    await expect(live).to_have_attribute("data-state", "live", timeout=30_000)  # the relay's next try
    await asks_for_a_person(pair.a)
    await expect(page.locator("#queue li.queue-item")).to_have_count(3)
    assert problems == []
