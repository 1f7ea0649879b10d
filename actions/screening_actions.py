"""Rasa's side of the screening: the state lives in the `screening` slot, the logic in screening/questionnaire.py."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from screening.questionnaire import CUES, CUES_TOLD, DANGER_HEARD, Questionnaire, heard_intent
from screening.types import ScreeningState

QUESTIONNAIRE = Questionnaire()


class ActionScreening(Action):
    """Every message that can belong to the screening: answers, cues, danger, "why", "stop", not understood."""

    def name(self) -> str:
        return "action_screening"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        message = tracker.latest_message
        recognised = message.get("intent") or {}
        intent = heard_intent(recognised.get("name") or "nlu_fallback", recognised.get("confidence"))
        metadata = message.get("metadata") or {}
        # A button's choice (age band, kind of work, skip) arrives as metadata checked by the app, never as text;
        # so does what the app's danger lexicon heard ("lexicon": "danger" | "self_harm", bot/assistant.py). A cue
        # the NLU heard in a message the app answered as danger comes as the cue's intent ("/cue_cannot_leave") with
        # {"lexicon": "danger", "words": what the person wrote}: the words are the evidence, never read as a command.
        text = message.get("text") or ""
        if intent in CUES and metadata.get("lexicon") == DANGER_HEARD:
            words = metadata.get("words")
            text = words if isinstance(words, str) else ""
        # The cues the app's NLU look-up heard in the message's statements one by one (bot/assistant.py), when two
        # or more: only the screening's own cue names are taken (the questionnaire filters them).
        told = metadata.get(CUES_TOLD)
        told = [cue for cue in told if isinstance(cue, str)] if isinstance(told, list) else []
        slot: ScreeningState | None = tracker.get_slot("screening")
        state, replies = QUESTIONNAIRE.handle(slot, intent, text, metadata.get("choice"),
                                              metadata.get("lexicon"), metadata.get("language"), told)
        for reply in replies:  # ReplyPayloads (screening/types.py): what the app reads as the answer's `custom`
            dispatcher.utter_message(json_message=reply)
        return [SlotSet("screening", state)]
