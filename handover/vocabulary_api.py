"""GET /api/console/vocabulary: the words the console shows, from their source of truth.

The tiers (and which of them ring), the conversation states, kinds and senders come from core/vocabulary.py;
the screening dimensions and their labels from the catalogue (content/indicators.yml). The console loads
this once after login instead of repeating the values in its script. Labels are English, as the console is.
"""

from __future__ import annotations

from aiohttp import web

from core.vocabulary import Kind, Sender, State, Tier
from handover import api_models as m
from handover.accounts import Account
from handover.console_api import api
from screening.catalogue import load_catalogue

# Every member needs a label: a new one without it fails the endpoint (and its test) instead of showing blank.
STATE_LABELS = {State.BOT: "with the bot", State.QUEUED: "waiting for a person", State.ASSIGNED: "held",
                State.RESOLVED: "resolved"}
KIND_LABELS = {Kind.HELP: "help", Kind.REPORT: "report", Kind.PARTNER: "partner"}
SENDER_LABELS = {Sender.USER: "Person", Sender.BOT: "Bot", Sender.CASEWORKER: "Caseworker", Sender.SYSTEM: "System"}


def vocabulary() -> dict[str, list[dict[str, object]]]:
    """The lists in their source order: tiers most urgent first, dimensions in the catalogue's order."""
    return {
        "tiers": [{"value": tier.value, "urgent": tier.urgent} for tier in Tier],
        "states": [{"value": state.value, "label": STATE_LABELS[state]} for state in State],
        "kinds": [{"value": kind.value, "label": KIND_LABELS[kind]} for kind in Kind],
        "senders": [{"value": sender.value, "label": SENDER_LABELS[sender]} for sender in Sender],
        "dimensions": [{"code": code, "label": label} for code, label in load_catalogue().dimensions.items()],
    }


@api.get("/vocabulary", "The tiers, states, kinds, senders and screening dimensions the console shows",
         response=m.Vocabulary)
async def get_vocabulary(request: web.Request, account: Account) -> m.Vocabulary:
    return m.Vocabulary.model_validate(vocabulary())
