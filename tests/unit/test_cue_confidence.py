"""A cue the NLU is not sure of is not reflected back as something the person told (screening/questionnaire.py
`heard_intent`, used by actions/screening_actions.py): found walking the chat, "who will read it?" (cue_threatened
at 0.36) got "Thank you for telling me that someone threatens to hurt you"."""

from __future__ import annotations

from screening.questionnaire import CUE_MIN_CONFIDENCE, Questionnaire, heard_intent


def test_an_unsure_cue_is_not_understood_and_a_sure_one_is_reflected() -> None:
    assert heard_intent("cue_threatened", 0.36) == "nlu_fallback"
    assert heard_intent("ask_pay", CUE_MIN_CONFIDENCE - 0.01) == "nlu_fallback"
    assert heard_intent("cue_threatened", 0.59) == "cue_threatened"  # "not allowed to call my family": 0.59
    assert heard_intent("cue_threatened", None) == "cue_threatened"


def test_other_intents_keep_their_name_however_unsure() -> None:
    # The danger intent, a yes, a question: acted on as before (the danger lexicon and net hear danger anyway).
    for intent in ("danger", "affirm", "ask_anonymous", "nlu_fallback"):
        assert heard_intent(intent, 0.21) == intent


def test_while_a_cue_waits_an_unsure_cue_does_not_replace_it() -> None:
    questionnaire = Questionnaire()
    state, _ = questionnaire.handle(None, "ask_pay", "they dont pay me")
    state, replies = questionnaire.handle(state, heard_intent("cue_threatened", 0.36), "who will read it?")
    assert state["pending"] == "cue:EX-02"
    assert {"text": "cue.CD-05", "menu": "screening_confirm"} not in replies
    assert {"text": "cue.EX-02", "menu": "screening_confirm"} in replies  # asked again, with 112 before it
