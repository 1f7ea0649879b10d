"""Asking for a person: the handover request travels to the app as a custom payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

# Intent → (queue tier, text key). Danger comes first in the reply: 112 before anything else.
REQUESTS = {
    "danger": ("P1", "danger"),
    "talk_to_person": ("P4", "handover_requested"),
}


class ActionRequestHandover(Action):
    def name(self) -> str:
        return "action_request_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        tier, text = REQUESTS.get(intent, REQUESTS["talk_to_person"])
        dispatcher.utter_message(json_message={"text": text, "handover": {"tier": tier, "kind": "help"}})
        return []
