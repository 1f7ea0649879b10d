"""GET /api/console/vocabulary: the console's tiers, states, kinds, senders and dimensions, from their source.

Exactly the members of core/vocabulary.py's enums and every dimension of content/indicators.yml (read here
from the file itself, not through the scorer's parser), and nothing without a login. Also: the script that
uses it is served as JavaScript modules under the page's strict Content-Security-Policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.vocabulary import Kind, Sender, State, Tier
from screening.scoring import DEFAULT_CATALOGUE
from tests.conftest import AppClient
from tests.console_client import login

STATIC = Path(__file__).resolve().parents[2] / "handover" / "static"


async def test_the_vocabulary_is_exactly_the_enums_and_the_catalogues_dimensions(app_client: AppClient) -> None:
    anna = await login(app_client, "anna")
    vocabulary = await anna.call("GET", "/vocabulary")

    assert set(vocabulary) == {"tiers", "states", "kinds", "senders", "dimensions"}
    assert vocabulary["tiers"] == [{"value": tier.value, "urgent": tier.urgent} for tier in Tier]
    assert [tier["value"] for tier in vocabulary["tiers"] if tier["urgent"]] == ["P1", "P2"]
    for name, enum in (("states", State), ("kinds", Kind), ("senders", Sender)):
        assert [term["value"] for term in vocabulary[name]] == [member.value for member in enum], name
        assert all(isinstance(term["label"], str) and term["label"].strip() for term in vocabulary[name]), name
    assert {term["value"]: term["label"] for term in vocabulary["states"]}["queued"] == "waiting for a person"

    catalogue = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    assert vocabulary["dimensions"] == [{"code": dimension["code"], "label": dimension["label"]}
                                        for dimension in catalogue["dimensions"]]
    used = list(dict.fromkeys(indicator["dimension"] for indicator in catalogue["indicators"]))
    assert [dimension["code"] for dimension in vocabulary["dimensions"]] == used  # every one, none more
    assert vocabulary["dimensions"][0] == {"code": "DR", "label": "Deceptive recruitment"}


async def test_the_vocabulary_needs_a_login(app_client: AppClient) -> None:
    url = app_client.url("/api/console/vocabulary")
    async with app_client.http.get(url) as response:
        assert response.status == 401
        assert await response.json() == {"error": "Please log in."}
    async with app_client.http.get(url, headers={"Authorization": "Bearer not-a-session"}) as response:
        assert response.status == 401


async def test_the_console_script_is_served_as_modules_under_a_strict_policy(app_client: AppClient) -> None:
    async with app_client.http.get(app_client.url("/console")) as response:
        policy = response.headers["Content-Security-Policy"]
        html = await response.text()
    assert "default-src 'self'" in policy and "unsafe" not in policy
    scripts = re.findall(r"<script[^>]*>", html)
    # One script runs; the console's words ride beside it as inert JSON data, which no browser executes.
    assert [tag for tag in scripts if 'type="application/json"' not in tag] == [
        '<script type="module" src="/console/static/main.js">']
    assert [tag for tag in scripts if 'type="application/json"' in tag] == [
        '<script type="application/json" id="console-words">']
    seen, waiting = set(), ["main.js"]
    while waiting:  # main.js and every module it imports, directly or not
        module = waiting.pop()
        seen.add(module)
        async with app_client.http.get(app_client.url(f"/console/static/{module}")) as response:
            assert response.status == 200, module
            assert response.content_type in ("text/javascript", "application/javascript"), module
            script = await response.text()
        waiting += [name for name in re.findall(r'from "\./([a-z_]+\.js)"', script) if name not in seen]
    assert seen == {path.name for path in STATIC.glob("*.js")}  # no module left out, none stale
