"""GET /api/console/vocabulary: the console's tiers, states, kinds, senders and dimensions, from their source.

Exactly the members of core/vocabulary.py's enums and every dimension of content/indicators.yml (read here
from the file itself, not through the scorer's parser), and nothing without a login. Also: the script that
uses it is served as JavaScript modules under the page's strict Content-Security-Policy.
"""

from __future__ import annotations

import yaml

from core.vocabulary import Kind, Sender, State, Tier
from screening.scoring import DEFAULT_CATALOGUE
from tests.conftest import AppClient
from tests.console_client import login


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

