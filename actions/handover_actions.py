"""Asking for a person: the handover request travels to the app as a custom payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.screening_actions import QUESTIONNAIRE
from screening.questionnaire import QUEUE, STAFFED, WAIT
from screening.types import ScreeningState


class ActionRequestHandover(Action):
    """"I want to talk to a person": queued with the tier the screening so far gives (P4 when there is none); and
    the screening's offer, at once when someone can answer, else after "I will wait" (the same intent, with
    {"queue": "wait"})."""

    def name(self) -> str:
        return "action_request_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        slot: ScreeningState | None = tracker.get_slot("screening")
        # The app's metadata (bot/assistant.py): "staffed": whether someone can answer now (absent: yes); "queue":
        # "wait" when the person answered "Nobody can answer right now…" with "I will wait": the offer kept back.
        metadata = tracker.latest_message.get("metadata") or {}
        if metadata.get(QUEUE) == WAIT:
            state, replies = QUESTIONNAIRE.offer_while_waiting(slot)
        else:
            state, replies = QUESTIONNAIRE.request_person(slot, staffed=metadata.get(STAFFED) is not False)
        for reply in replies:  # ReplyPayloads (screening/types.py): a handover request, texts, the summary
            dispatcher.utter_message(json_message=reply)
        return [SlotSet("screening", state)]
