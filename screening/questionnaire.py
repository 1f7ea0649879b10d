"""The screening conversation as a pure state machine: (state, what the person said) → (new state, replies).

No Rasa and no I/O here, so that every path can be tested on its own (tests/unit/test_questionnaire.py);
actions/screening_actions.py is the thin Rasa wrapper that keeps the state in the `screening` slot.

How it goes (docs/screening.md):
- offered, never forced: "May I ask a few questions…?" with yes / no;
- then the age band and the kind of work, then the indicator questions in the catalogue's `question_order`,
  one at a time, with yes / no / not sure / stop / why; questions already answered are skipped;
- free text that matches an indicator ("they took my passport") is reflected back ("You wrote that … Is that
  right?"); a "yes" counts as the answer and the person's own words are kept as evidence;
- immediate danger, or an answer that makes the tier P1, gives 112 at once and asks for a person;
- at the end (or on "stop") the answers given are kept, and when anything was answered "yes" a person is
  asked for with the tier the scorer gives.

The state is a ScreeningState, the replies ReplyPayloads (their shapes, the contract with the app, are in
screening/types.py): {"text": key, "menu": name} to say, {"handover": {"tier", "kind"}} to ask for a person,
{"screening": summary} for the caseworker. The words are in content/texts/<language>.yml.
"""

from __future__ import annotations

import re
from typing import Literal

from screening.catalogue import TIERS, Catalogue, load_catalogue
from screening.scoring import assess
from screening.types import AgeBand, Answer, Exploitation, ReplyPayload, ScreeningState, ScreeningSummary, Tier

# Intents that carry an indicator when a person says them about themselves, and the answer the bot gives
# to the question part (None: a statement only). The bot reflects the indicator back before it counts.
CUES: dict[str, tuple[str, str | None]] = {
    "ask_passport": ("CD-01", "answer.passport"),
    "ask_debt": ("CD-02", "answer.debt"),
    "ask_pay": ("EX-02", "answer.pay"),
    "ask_forced_crime": ("CD-06", "answer.forced_crime"),
    "cue_cannot_leave": ("CD-03", None),
    "cue_violence": ("CD-04", None),
    "cue_threatened": ("CD-05", None),
    "cue_family_threatened": ("CD-13", None),
    "cue_forced_clients": ("CD-07", None),
    "cue_long_hours": ("EX-01", None),
    "cue_fines": ("EX-03", None),
}
ANSWER_INTENTS: dict[str, Answer] = {"affirm": "yes", "deny": "no", "unsure": "unknown"}
AGE_CHOICES = {"under_18": 17, "adult": 18, "unknown": None}  # the scorer needs only "under 18 or not"
WORK_CHOICES: tuple[Exploitation, ...] = ("sexual", "labour", "criminal", "unknown")
MAX_QUOTE = 500  # characters of the person's own words kept as evidence for one indicator
P1: Tier = "P1"
QUESTION_MENUS = frozenset({"screening_offer", "screening_answer", "screening_confirm", "screening_age",
                            "screening_work"})  # a reply with one of these menus asks something


def new_state() -> ScreeningState:
    return {
        "answers": {},  # indicator ID → yes / no / unknown
        "evidence": {},  # indicator ID → the person's own words
        "age": "not_asked",  # not_asked | an age | None (prefer not to say)
        "exploitation": None,  # None until asked; then labour / sexual / criminal / unknown
        "work_words": None,  # what they typed for the kind of work, if not a button
        "immediate_danger": False,
        "pending": None,  # offer | age | work | question:<ID> | cue:<ID>
        "resume": None,  # the question to go back to after a cue was confirmed
        "quote": None,  # the words of the cue waiting for confirmation
        "offered": False,
        "finished": False,
        "requested_tier": None,  # the most urgent tier already asked for
    }


def _restore(state: ScreeningState | None) -> ScreeningState:
    """The state from the slot with every key (a slot written by an older version may lack some)."""
    return {**new_state(), **state} if state else new_state()


def summary(state: ScreeningState, catalogue: Catalogue | None = None) -> ScreeningSummary:
    """What the caseworker sees: the scorer's result plus the answers and the person's own words."""
    age = state["age"] if isinstance(state["age"], int) else None
    result = assess({"age": age, "exploitation": state["exploitation"] or "unknown",
                     "immediate_danger": state["immediate_danger"], "answers": state["answers"]}, catalogue)
    return {
        **result,
        "age_band": _age_band(state["age"]),
        "exploitation": state["exploitation"] or "unknown",
        "immediate_danger": state["immediate_danger"],
        "answers": dict(state["answers"]),
        "evidence": dict(state["evidence"]),
        "work_words": state["work_words"],
        "finished": state["finished"],
    }


def _age_band(age: int | Literal["not_asked"] | None) -> AgeBand:
    if age == "not_asked" or age is None:
        return "unknown"
    return "under_18" if age < 18 else "adult"


class Questionnaire:
    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()

    def handle(self, state: ScreeningState | None, intent: str, text: str = "",
               choice: str | None = None) -> tuple[ScreeningState, list[ReplyPayload]]:
        """One message: the intent Rasa recognised, the text as typed, a button's choice (age/work) if any."""
        state = _restore(state)
        state["answers"], state["evidence"] = dict(state["answers"]), dict(state["evidence"])
        replies = self._dispatch(state, intent, text, choice)
        first, last = self._handover(state, always=intent == "danger")
        if any(reply.get("handover", {}).get("tier") == P1 for reply in first):
            # A P1 stops the questions: the app asks "Is it safe for you to write now?" instead, and "Yes, go
            # on" (intent safe_to_write) asks the question that waits in state["pending"].
            replies = [reply for reply in replies if reply.get("menu") not in QUESTION_MENUS]
        return state, [*first, *replies, *last]

    def request_person(self, state: ScreeningState | None) -> tuple[ScreeningState, list[ReplyPayload]]:
        """"Talk to a person": ask for one with the tier the answers so far give; while they wait, offer the
        questions (once), since the answers help the person who will read them."""
        state = _restore(state)
        result = summary(state, self.catalogue)
        previous = state["requested_tier"]
        tier = result["tier"] if previous is None or TIERS.index(result["tier"]) < TIERS.index(previous) else previous
        state["requested_tier"] = tier
        replies: list[ReplyPayload] = [{"text": "handover_requested", "handover": {"tier": tier, "kind": "help"}}]
        if not state["offered"] and state["pending"] is None:
            state.update({"offered": True, "pending": "offer"})
            replies.append({"text": "screening.offer", "menu": "screening_offer"})
        return state, [*replies, {"screening": result}]

    # --- what the person said ----------------------------------------------------------------------------

    def _dispatch(self, state: ScreeningState, intent: str, text: str, choice: str | None) -> list[ReplyPayload]:
        pending = state["pending"] or ""
        if intent == "danger":
            state["immediate_danger"] = True
            return [{"text": "danger"}]  # 112 first and alone: no question now
        if intent in CUES:
            return self._cue(state, intent, text)
        if intent == "stop_questions":
            return self._stop(state)
        if intent == "safe_to_write":  # after a P1 the question waited until the person said it is safe
            return self._repeat(state) or [{"text": "safety.go_on", "menu": "main"}]
        if intent == "why_ask":
            return [{"text": "screening.why"}, *(self._repeat(state) or [{"text": "screening.offer",
                                                                             "menu": "screening_offer"}])]
        if intent == "start_screening":
            state.update({"finished": False, "offered": True})
            return self._next(state) if state["pending"] in (None, "offer") else self._repeat(state)
        if intent == "inform_age" or (pending == "age" and intent == "nlu_fallback"):
            return self._age(state, text, choice)
        if intent == "inform_work" or (pending == "work" and intent == "nlu_fallback"):
            return self._work(state, text, choice)
        if intent in ANSWER_INTENTS and pending:
            return self._answer(state, pending, ANSWER_INTENTS[intent])
        if pending:
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        return [{"text": "not_understood", "menu": "main"}]

    def _cue(self, state: ScreeningState, intent: str, text: str) -> list[ReplyPayload]:
        ident, answer = CUES[intent]
        known = state["answers"].get(ident) is not None
        replies: list[ReplyPayload] = []
        if answer:
            replies.append({"text": answer, "menu": "after_answer"} if known else {"text": answer})
        if known:
            return replies or [{"text": "screening.noted", "menu": "after_answer"}]  # known: never ask twice
        if (state["pending"] or "").startswith("question:"):
            state["resume"] = state["pending"]
        state.update({"pending": f"cue:{ident}", "quote": text.strip()[:MAX_QUOTE] or None})
        # Violence or confinement would make it P1: the way to 112 comes before the question.
        safety: list[ReplyPayload] = [{"text": "safety_line"}] if self._tier_if_yes(ident) == P1 else []
        return [*replies, *safety, {"text": f"cue.{ident}", "menu": "screening_confirm"}]

    def _tier_if_yes(self, ident: str) -> Tier:
        return assess({"answers": {ident: "yes"}}, self.catalogue)["tier"]

    def _answer(self, state: ScreeningState, pending: str, value: Answer) -> list[ReplyPayload]:
        """An answer to what is pending (state["pending"], never empty here)."""
        if pending == "offer":
            state["offered"] = True
            if value == "yes":
                return self._next(state)
            state["pending"] = None
            return [{"text": "screening.declined", "menu": "main"}]
        if pending in ("age", "work"):
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        kind, ident = pending.split(":", 1)
        state["answers"][ident] = value
        if kind == "question":
            return self._next(state)
        if value == "yes" and state["quote"]:
            state["evidence"][ident] = state["quote"]
        state.update({"quote": None, "pending": state["resume"], "resume": None})
        noted: ReplyPayload = {"text": "screening.noted" if value == "yes" else "screening.not_noted"}
        if state["pending"]:
            return [noted, *self._repeat(state)]
        if not state["offered"]:
            state.update({"offered": True, "pending": "offer"})
            return [noted, {"text": "screening.offer", "menu": "screening_offer"}]
        return [{**noted, "menu": "after_answer"}]

    def _age(self, state: ScreeningState, text: str, choice: str | None) -> list[ReplyPayload]:
        if choice in AGE_CHOICES:
            state["age"] = AGE_CHOICES[choice]
        elif digits := re.search(r"\b(\d{1,2})\b", text):
            state["age"] = int(digits.group(1))
        elif state["pending"] == "age":
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        else:
            return [{"text": "not_understood", "menu": "main"}]
        return self._next(state) if state["pending"] == "age" else [{"text": "screening.noted"}]

    def _work(self, state: ScreeningState, text: str, choice: str | None) -> list[ReplyPayload]:
        if choice in WORK_CHOICES:
            state["exploitation"] = choice
        else:  # typed: keep their words for the caseworker; the kind stays for a person to judge
            state["exploitation"] = state["exploitation"] or "unknown"
            state["work_words"] = text.strip()[:MAX_QUOTE] or None
        return self._next(state) if state["pending"] == "work" else [{"text": "screening.noted"}]

    def _stop(self, state: ScreeningState) -> list[ReplyPayload]:
        was_asking = state["pending"] not in (None, "offer")
        state.update({"pending": None, "resume": None, "quote": None, "offered": True,
                      "finished": was_asking or state["finished"]})
        return [{"text": "screening.stopped" if was_asking else "screening.declined", "menu": "main"}]

    # --- what the bot asks next --------------------------------------------------------------------------

    def _next(self, state: ScreeningState) -> list[ReplyPayload]:
        if state["age"] == "not_asked":
            state["pending"] = "age"
        elif state["exploitation"] is None:
            state["pending"] = "work"
        else:
            ident = next((i for i in self.catalogue.question_order if i not in state["answers"]), None)
            if ident is None:
                state.update({"pending": None, "finished": True})
                return [{"text": "screening.done", "menu": "after_answer"}]
            state["pending"] = f"question:{ident}"
        return self._repeat(state)

    @staticmethod
    def _repeat(state: ScreeningState) -> list[ReplyPayload]:
        """The question that is waiting for an answer, asked (again); [] when none is."""
        pending = state["pending"]
        if pending is None:
            return []
        if pending == "offer":
            return [{"text": "screening.offer", "menu": "screening_offer"}]
        if pending in ("age", "work"):
            return [{"text": f"question.{pending}", "menu": f"screening_{pending}"}]
        kind, ident = pending.split(":", 1)
        return [{"text": f"{kind if kind == 'cue' else 'question'}.{ident}",
                 "menu": "screening_confirm" if kind == "cue" else "screening_answer"}]

    # --- asking for a person -----------------------------------------------------------------------------

    def _handover(self, state: ScreeningState, always: bool) -> tuple[list[ReplyPayload], list[ReplyPayload]]:
        """(replies to put first, replies to put last): a request for a person when the tier calls for it.

        P1 (danger, a child with any "yes", violence, confinement) at once, with 112 before anything else;
        otherwise when the questions are over and something was answered "yes". A request is repeated only when
        the tier becomes more urgent, or on every danger message (the conversation may have been released since).
        Every turn ends with the summary for the console.
        """
        result = summary(state, self.catalogue)
        tier = result["tier"]
        wanted = tier == P1 or (state["finished"] and "yes" in state["answers"].values())
        previous = state["requested_tier"]
        last: list[ReplyPayload] = [{"screening": result}]
        more_urgent = previous is None or TIERS.index(tier) < TIERS.index(previous)
        if not always and not (wanted and more_urgent):
            return [], last
        state["requested_tier"] = tier
        request: ReplyPayload = {"handover": {"tier": tier, "kind": "help"}}
        if tier != P1:
            return [], [{**request, "text": "handover_requested"}, *last]
        if state["immediate_danger"]:
            return [request], last  # the danger reply already gives 112 first
        return [{**request, "text": "danger"}], last
