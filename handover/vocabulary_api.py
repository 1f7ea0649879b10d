"""GET /api/console/vocabulary: the words the console shows, from their source of truth.

The tiers (and which of them ring), the conversation states, kinds and senders come from core/vocabulary.py;
the screening dimensions from the catalogue (content/indicators.yml). The console loads this once after login
instead of repeating the values in its script. Labels are in the caseworker's console language
(content/console/<code>.yml `state.*`, `kind.*`, `sender.*`, `dimension.*`).
"""

from __future__ import annotations

from aiohttp import web

from core.vocabulary import Kind, Sender, State, Tier
from handover import api_models as m
from handover.accounts import Account
from handover.console_api import api
from handover.console_words import WORDS, ConsoleWords, language_of
from screening.catalogue import load_catalogue


def vocabulary(words: ConsoleWords, language: str) -> dict[str, list[dict[str, object]]]:
    """The lists in their source order: tiers most urgent first, dimensions in the catalogue's order. Every member
    needs a label: a new one without it fails the endpoint (and its test) instead of showing blank."""
    return {
        "tiers": [{"value": tier.value, "urgent": tier.urgent} for tier in Tier],
        "states": [{"value": state.value, "label": words.text(language, f"state.{state}")} for state in State],
        "kinds": [{"value": kind.value, "label": words.text(language, f"kind.{kind}")} for kind in Kind],
        "senders": [{"value": sender.value, "label": words.text(language, f"sender.{sender}")} for sender in Sender],
        "dimensions": [{"code": code, "label": words.text(language, f"dimension.{code}")}
                       for code in load_catalogue().dimensions],
    }


@api.get("/vocabulary", "The tiers, states, kinds, senders and screening dimensions the console shows",
         response=m.Vocabulary)
async def get_vocabulary(request: web.Request, account: Account) -> m.Vocabulary:
    return m.Vocabulary.model_validate(vocabulary(request.app[WORDS], language_of(request, account)))
