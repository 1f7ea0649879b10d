"""The screening conversation as a pure state machine: (state, what the person said) → (new state, replies).

No Rasa and no I/O here, so that every path can be tested on its own (tests/unit/test_questionnaire.py);
actions/screening_actions.py is the thin Rasa wrapper that keeps the state in the `screening` slot.

How it goes (docs/screening.md):
- offered, never forced: "May I ask you up to 12 questions…?" (the real maximum for this person) with yes / no;
- then the age band and the kind of work, then the catalogue's `questions` in order, one at a time, each after
  its place ("3 of 12"), with yes / no / not sure / skip / why / stop; a question whose answer is known, or
  whose dimension is already positive (unless a tier rule names it), is not asked;
- free text that matches an indicator ("they took my passport") is thanked for and the person is asked whether
  it may be noted ("Thank you for telling me that … May I note this for the person who helps you?"); a "yes"
  counts as the answer and the person's own words are kept as evidence; anything else notes nothing. A question
  ("can my employer keep my passport?") tells nothing: it is answered, and the note is asked only if it is about
  them ("If someone keeps your passport or ID, may I note this …?");
- self-harm words the app's danger lexicon heard arrive as intent "danger" with `lexicon="self_harm"`: the
  flag is set silently (the app has answered with 112 and asked for P1 already);
- a cue told in a message the app answered as danger itself ("my boss has my passport and won't let me leave")
  arrives as the cue's intent with `lexicon="danger"` and the person's words: it is held silently (no reply, the
  questions not started) and reflected once the person answers "Is it safe for you to write now?" with "Yes, go on"
  (intent safe_to_write), as any cue would be;
- the NLU's `danger` intent alone (the app's lexicon and danger net, which hear every message first, heard
  nothing) is asked, not assumed: "Are you in danger now? Call 112, or tap 'I am in danger now'" (DANGER_CHECK),
  with the danger button, and the question that waits after it; no P1 (docs/danger.md, "The NLU's danger"); so
  are emoji alone that look like danger ("🔪😱", screening/emoji.py), and other emoji alone get a kind reply;
- an answer that makes the tier P1 gives 112 at once and asks for a person;
- at the end (or on "stop") the answers given are kept, and when anything was answered "yes" a person is
  asked for with the tier the scorer gives.

The state is a ScreeningState, the replies ReplyPayloads (their shapes, the contract with the app, are in
screening/types.py): {"text": key, "menu": name} to say, {"handover": {"tier", "kind"}} to ask for a person,
{"screening": summary} for the caseworker. The words are in content/texts/screening/<language>.yml.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from screening.age import age_from_text
from screening.catalogue import TIERS, Catalogue, Question, load_catalogue
from screening.emoji import emoji_only, looks_like_danger
from screening.normalise import normalise
from screening.scoring import STRENGTH, assess
from screening.typed_answers import acknowledgement, typed_answer
from screening.types import (
    AgeBand,
    Answer,
    Exploitation,
    ReplyPayload,
    ScreeningRequest,
    ScreeningState,
    ScreeningSummary,
    Tier,
)

# Intents that carry an indicator when a person says them about themselves: the question they answer (its id,
# content/indicators.yml `questions`), and the answer the bot gives to the question part (None: a statement
# only). The bot reflects it back before it counts.
CUES: dict[str, tuple[str, str | None]] = {
    "ask_passport": ("CD-01", "answer.passport"),
    "ask_debt": ("CD-02", "answer.debt"),
    "ask_pay": ("EX-02", "answer.pay"),
    "ask_forced_crime": ("CD-06", "answer.forced_crime"),
    "cue_cannot_leave": ("CD-03", None),
    "cue_watched": ("CD-03.watched", None),  # watched, followed, phone checked: counts for CD-03, not P1 alone
    "cue_violence": ("CD-04", None),
    "cue_threatened": ("CD-05", None),
    "cue_family_threatened": ("CD-13", None),
    "cue_forced_clients": ("CD-07", None),
    "cue_long_hours": ("EX-01", None),
    "cue_fines": ("EX-03", None),
}
# A cue is reflected back as what the person told ("Thank you for telling me that someone threatens to hurt
# you"): below this confidence the NLU is guessing, and the message counts as not understood. "who will read it?"
# was cue_threatened at 0.36; the weakest right cues seen in the chat test messages were about 0.5.
CUE_MIN_CONFIDENCE = 0.45
# The metadata the app sends with "I want to talk to a person" (bot/assistant.py, actions/handover_actions.py):
# {"staffed": false} when nobody can answer now (the offer is kept back), {"queue": "wait"} when the person
# answered "Nobody can answer right now…" with "I will wait" (the offer kept back is made).
STAFFED = "staffed"
QUEUE = "queue"
WAIT = "wait"
ANSWER_INTENTS: dict[str, Answer] = {"affirm": "yes", "deny": "no", "unsure": "unknown"}
# "I want to report something" (typed: the report button never reaches Rasa): the app asks the report's questions
# (bot/reporting.py). Not while the screening waits for an answer: then the person is telling their own story
# ("we live 10 people in one room" after "May I note this?" was the NLU's `report`), and the words are what the
# screening does with words it did not understand.
REPORT = "report"
SKIP = "skip"  # the Skip button: `/unsure:skip`, the not-sure intent with the choice "skip" (no answer at all)
# What the danger lexicon heard (bot/danger.py), when the app tells the questionnaire after answering itself.
LEXICON_FLAGS = {"danger": "immediate_danger", "self_harm": "self_harm"}
# The metadata with the cues the NLU heard in a message's statements read one by one, when two or more
# (bot/assistant.py, actions/screening_actions.py): the `told` of `Questionnaire.handle`.
CUES_TOLD = "cues"
# With a cue's intent instead of "danger": the app heard danger in the message (its lexicon or its net), answered it
# itself (112, a person asked for, "Is it safe for you to write now?"), and the NLU heard this cue in the same words
# (bot/assistant.py `heard`). The cue is held, silently, and asked after "Yes, go on".
DANGER_HEARD = "danger"
# The NLU's `danger` intent on a typed message: the app heard no danger in it (bot/safety.py hears every message
# before Rasa does), so the NLU alone thinks so. Measured on both blind sets (tests/data/danger, danger2) it found 4
# of 1,184 danger messages the app's detector missed and fired on 102 of 1,658 ordinary ones ("is it dangerous to go
# to the police?"): a P1 and the danger block for 6 % of ordinary questions. So it asks, with 112 and the danger
# button (one tap: the app's danger reply and a P1), instead of raising a P1.
DANGER_CHECK = "danger.check"
EMOJI_ONLY = "emoji_only"  # words are understood better: write, or tap a button; 112 (content/screening/emoji.yml)
GOODBYE = "goodbye"  # the NLU's goodbye answer (domain/core.yml utter_goodbye), also to thanks alone
AGE_CHOICES = {"under_18": 17, "adult": 18, "unknown": None}  # the scorer needs only "under 18 or not"
WORK_CHOICES: tuple[Exploitation, ...] = ("sexual", "labour", "criminal", "unknown")
# A question mark of any script: "?" (Latin, Cyrillic, Thai …), "？" (full width: Chinese), "؟" (Arabic), "¿"
# (Spanish, which may open a question and leave it unclosed on a phone) and the Greek question mark U+037E — never
# the semicolon U+003B it looks like, which joins two statements ("they took my passport; they dont pay me").
QUESTION_MARKS = frozenset("?？؟¿\u037e")
MAX_QUOTE = 500  # characters of the person's own words kept as evidence for one indicator
P1: Tier = "P1"
QUESTION_MENUS = frozenset({"screening_offer", "screening_answer", "screening_confirm", "screening_age",
                            "screening_work"})  # a reply with one of these menus asks something


def heard_intent(intent: str, confidence: float | None) -> str:
    """The intent the screening acts on: a cue the NLU is not sure of is not understood (see CUE_MIN_CONFIDENCE);
    `confidence` None (not given) trusts the intent."""
    if intent in CUES and confidence is not None and confidence < CUE_MIN_CONFIDENCE:
        return "nlu_fallback"
    return intent


def new_state() -> ScreeningState:
    return {
        "answers": {},  # question ID → yes / no / unknown
        "evidence": {},  # question ID → the person's own words
        "age": "not_asked",  # not_asked | an age | None (prefer not to say)
        "exploitation": None,  # None until asked; then labour / sexual / criminal / unknown
        "work_words": None,  # what they typed for the kind of work, if not a button
        "immediate_danger": False,
        "self_harm": False,  # the danger lexicon heard self-harm words (the app tells us, bot/assistant.py)
        "skipped": [],  # question ids the person skipped: never asked again, no answer
        "asked": 0,  # questions answered or skipped since the questions began: the "3" of "3 of 12"
        "pending": None,  # offer | age | work | question:<ID> | cue:<ID>
        "resume": None,  # the question to go back to after a cue was confirmed
        "quote": None,  # the words of the cue waiting for confirmation
        "held_cues": [],  # earlier cues still to confirm, put back when another cue came: asked again after it
        "cue_was_question": False,  # the cue waiting came as a question: its note is asked "if this is about you"
        "offered": False,
        "offer_waits": False,  # nobody could answer when they asked for a person: offered after "I will wait"
        "finished": False,
        "requested_tier": None,  # the most urgent tier already asked for
        "paused": False,  # after a P1 the app asks "Is it safe for you to write now?": a yes/no answers that
    }


def _restore(state: ScreeningState | None) -> ScreeningState:
    """The state from the slot with every key (a slot written by an older version may lack some)."""
    return {**new_state(), **state} if state else new_state()


def _request(state: ScreeningState) -> ScreeningRequest:
    age = state["age"] if isinstance(state["age"], int) else None
    return {"age": age, "exploitation": state["exploitation"] or "unknown",
            "immediate_danger": state["immediate_danger"], "self_harm": state["self_harm"],
            "questions": state["answers"]}


def indicator_answers(answers: dict[str, Answer], catalogue: Catalogue) -> dict[str, Answer]:
    """The answers by indicator, as the caseworker and the statistics read them: a "yes" to any question of an
    indicator is its answer ("CD-03.watched" yes → CD-03 yes), else "not sure", else "no"."""
    merged: dict[str, Answer] = {}
    for ident, answer in answers.items():
        question = catalogue.questions.get(ident)
        indicator = question.indicator if question else ident
        if indicator not in merged or STRENGTH[answer] > STRENGTH[merged[indicator]]:
            merged[indicator] = answer
    return merged


def summary(state: ScreeningState, catalogue: Catalogue | None = None) -> ScreeningSummary:
    """What the caseworker sees: the scorer's result plus the answers and the person's own words."""
    catalogue = catalogue or load_catalogue()
    result = assess(_request(state), catalogue)
    return {
        **result,
        "age_band": _age_band(state["age"]),
        "exploitation": state["exploitation"] or "unknown",
        "immediate_danger": state["immediate_danger"],
        "self_harm": state["self_harm"],
        "answers": indicator_answers(state["answers"], catalogue),
        "questions": dict(state["answers"]),
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
        # Question ids a tier rule names: asked even when their dimension is already positive (they raise the tier).
        self._tier_questions = frozenset().union(*(rule.any_yes for rule in self.catalogue.rules.tiers))

    def handle(self, state: ScreeningState | None, intent: str, text: str = "", choice: str | None = None,
               lexicon: str | None = None, language: str | None = None,
               told: Sequence[str] = ()) -> tuple[ScreeningState, list[ReplyPayload]]:
        """One message: the intent Rasa recognised, the text as typed, a button's choice (age/work/skip) if any,
        the conversation's language (for a typed age or yes/no: "jeg er 17", "nu").

        `told`: the cues the NLU heard in the message's statements read one by one, when it heard two or more
        (CUES_TOLD, bot/assistant.py): "they took my passport and I cannot leave the house" is both. The one the
        message is reflected as (its intent; the first told when the NLU was unsure of the whole) is asked first,
        the others held behind it, one question at a time (`_told_too`).

        `lexicon`: the app heard danger or self-harm words itself (bot/danger.py) and has already answered with
        112 and asked for a person; it tells the questionnaire (intent "danger"), which only notes the flag. With a
        cue's intent and `lexicon="danger"` (DANGER_HEARD), `text` the person's words: the cue is held silently."""
        state = _restore(state)
        state["answers"], state["evidence"] = dict(state["answers"]), dict(state["evidence"])
        state["skipped"], state["held_cues"] = list(state["skipped"]), list(state["held_cues"])
        if intent == "danger" and lexicon in LEXICON_FLAGS:
            state[LEXICON_FLAGS[lexicon]] = True  # type: ignore[literal-required]
            state["requested_tier"] = P1  # the app asked for P1 already; no second request, no words
            state["paused"] = True  # and asked "Is it safe for you to write now?"
            return state, [{"screening": summary(state, self.catalogue)}]
        if intent in CUES and lexicon == DANGER_HEARD:
            self._hold(state, intent, text)
            return state, []  # nothing said now: the app has answered, and "Is it safe for you to write now?" waits
        if intent == "danger" or looks_like_danger(text):  # the NLU alone, or "🔪😱": asked, not assumed (DANGER_CHECK)
            return state, [*self._danger_check(state), {"screening": summary(state, self.catalogue)}]
        if intent == REPORT:
            if not _waits_for_answer(state):
                return state, [{"report": "start"}]
            intent = "nlu_fallback"
        told = [cue for cue in told if cue in CUES]
        if intent == "nlu_fallback" and told:  # unsure of the whole, sure of its statements
            intent = told[0]
        replies = self._dispatch(state, intent, text, choice, language)
        if intent in CUES:
            replies.extend(self._told_too(state, [cue for cue in told if cue != intent], text))
        first, last = self._handover(state)
        if any(reply.get("handover", {}).get("tier") == P1 for reply in first):
            state["paused"] = True
            # A P1 stops the questions: the app asks "Is it safe for you to write now?" instead, and "Yes, go
            # on" (intent safe_to_write) asks the question that waits in state["pending"].
            replies = [reply for reply in replies if reply.get("menu") not in QUESTION_MENUS
                       and not _part_of_question(reply)]
        return state, [*first, *replies, *last]

    def request_person(self, state: ScreeningState | None,
                       staffed: bool = True) -> tuple[ScreeningState, list[ReplyPayload]]:
        """"I want to talk to a person": ask for one with the tier the answers so far give; while they wait, offer the
        questions (once), since the answers help the person who will read them.

        `staffed`: someone can answer now (the app says so in the message's metadata; unknown counts as yes). When
        nobody can, the app asks "keep waiting, or leave a message?" and the offer waits for "I will wait"
        (`offer_while_waiting`): one question at a time (walk 3: both came at once, and "ok thanks" answered the
        offer nobody had looked at)."""
        state = _restore(state)
        result = summary(state, self.catalogue)
        previous = state["requested_tier"]
        tier = result["tier"] if previous is None or TIERS.index(result["tier"]) < TIERS.index(previous) else previous
        state["requested_tier"] = tier
        replies: list[ReplyPayload] = [{"text": "handover_requested", "handover": {"tier": tier, "kind": "help"}}]
        if not state["offered"] and state["pending"] is None:
            if staffed:
                state.update({"offered": True, "pending": "offer", "offer_waits": False})
                replies.append(self._offer(state))
            else:
                state["offer_waits"] = True
        return state, [*replies, {"screening": result}]

    def offer_while_waiting(self, state: ScreeningState | None) -> tuple[ScreeningState, list[ReplyPayload]]:
        """"I will wait", the answer to "Nobody from the centre can answer right now…": the offer `request_person`
        kept back, once. Nothing when none was kept back, or it was made since, or a question waits."""
        state = _restore(state)
        waits, state["offer_waits"] = state["offer_waits"], False
        if not waits or state["offered"] or state["finished"] or state["pending"] is not None:
            return state, []
        state.update({"offered": True, "pending": "offer"})
        return state, [self._offer(state)]

    # --- what the person said ----------------------------------------------------------------------------

    def _dispatch(self, state: ScreeningState, intent: str, text: str, choice: str | None,
                  language: str | None) -> list[ReplyPayload]:
        pending = state["pending"] or ""
        if intent in CUES:
            return self._cue(state, intent, text)
        if intent == "stop_questions":
            return self._stop(state)
        # A typed yes / no / not sure ("y", "ja", "nu", "ок", "ใช่") wins over the NLU's guess for a short message.
        # No answer at all: polite words alone ("thanks", "tak"), or marks with no word ("?", "...", "🙏"; a 👍 is
        # the emoji yes typed_answer reads), whatever the NLU guessed (walk 3: "?" noted a cue). A button's text
        # is its payload ("/affirm") or nothing.
        ack = acknowledgement(text, language)
        said = typed_answer(text, language)
        wordless = bool(text.strip()) and not normalise(text)
        if said is None and ack != "polite" and not wordless:
            said = ANSWER_INTENTS.get(intent)
        if state["paused"]:
            # After a P1 the app asked "Is it safe for you to write now?": a yes or a no answers that question,
            # never the screening question that waits (a "yes, it is safe" is not a "yes, I am locked in").
            if intent == "safe_to_write" or said == "yes":
                state["paused"] = False
                return self._go_on(state)
            if said == "no":
                return [{"text": "safety.stop"}]
            # Anything else ("not sure", "ok", "?") is no answer to it, and never to the screening question that
            # waits unseen (walk 4: "not sure" answered the passport question nobody had shown, and "Is it safe?"
            # stayed open, so the next question's "no" got the goodbye): the safety question again, with 112.
            if said is not None or ack or wordless:
                return [{"text": "safety.check", "menu": "safety_check"}, {"text": "safety_line"}]
        if intent == "safe_to_write":  # after a P1 the question waited until the person said it is safe
            return self._go_on(state)
        if intent == "why_ask":
            # The answer names only buttons of the menu that comes with it: Skip and Stop are under a question
            # (screening_answer); the offer, a reflected cue, the age and the work have other buttons, so their
            # answer names none.
            if pending.startswith("question:"):
                return [{"text": "screening.why"}, *self._repeat(state)]
            if not pending:
                state["pending"] = "offer"
            return [{"text": "screening.why_general"}, *self._repeat(state)]
        if intent == "start_screening":
            state.update({"finished": False, "offered": True, "paused": False})
            return self._next(state) if state["pending"] in (None, "offer") else self._repeat(state)
        if intent == "inform_age" or (pending == "age" and intent == "nlu_fallback"):
            return self._age(state, text, choice, language)
        if intent == "inform_work" or (pending == "work" and intent == "nlu_fallback"):
            return self._work(state, text, choice)
        if said and pending:
            if choice == SKIP and pending.startswith("question:"):
                return self._skip(state, pending.split(":", 1)[1])
            if ack == "okay" and pending.startswith("question:"):
                # "ok", "ok thanks" consent to a request (the offer, "May I note this?") but do not answer "Has
                # anyone hit you?" (walk 3: false P1s): the question again, with the buttons.
                return [{"text": "screening.pick_one"}, *self._repeat(state)]
            return self._answer(state, pending, said)
        if pending and (ack or wordless):  # "thanks", "?", "🙏": no answer, and nothing to keep with a cue
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        if pending.startswith("cue:") and _is_question(text):
            # A question not understood while "May I note this?" waits: said so, that they may ask it in other words,
            # and the note asked again; it is no evidence for the cue (a question is not a confession). Found walking
            # the chat: asked in another language after an apology for it ("scuze, nu vorbesc bine engleza. pot sa
            # merg la politie?"), it was kept silently as the cue's words, the note asked again, and never answered.
            return [{"text": "not_understood"}, *self._repeat(state)]
        if pending.startswith("cue:") and text.strip():
            # More words while "May I note this?" waits ("I get no pay", not understood): kept with the cue's words
            # for the person who helps, noted with them on a yes, and the question asked again.
            state["quote"] = _joined(state["quote"], text)
            return self._repeat(state)
        if pending:
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        if wordless and emoji_only(text):  # "😭😭": someone wrote, without words: kindly, never "not understood"
            return [{"text": EMOJI_ONLY, "menu": "main"}]
        if ack == "polite":
            # Thanks alone, with no question waiting: the reply English and Danish thanks get from the NLU (their
            # goodbye examples, utter_goodbye). Danish "tak" alone cannot be one of those examples, being the
            # Polish yes the NLU then hears; in a Danish chat it is thanks here (in a Polish one an answer).
            return [{"text": GOODBYE}]
        return [{"text": "not_understood", "menu": "main"}]

    def _cue(self, state: ScreeningState, intent: str, text: str) -> list[ReplyPayload]:
        ident, answer = CUES[intent]
        known = self._known(state, self.catalogue.questions[ident])
        replies: list[ReplyPayload] = []
        if answer:
            replies.append({"text": answer, "menu": "after_answer"} if known else {"text": answer})
        if known:
            return replies or [{"text": "screening.noted", "menu": "after_answer"}]  # known: never ask twice
        if (state["pending"] or "").startswith("question:"):
            state["resume"] = state["pending"]
        elif (state["pending"] or "").startswith("cue:") and state["pending"] != f"cue:{ident}":
            # Another cue while one waits ("they took my passport", then "they dont pay me"): the first is put back
            # with its words and asked again once this one is answered; nothing told is lost.
            state["held_cues"].append({"pending": state["pending"], "quote": state["quote"],
                                       "cue_was_question": state["cue_was_question"]})
        # "Can my employer keep my passport?" asks; it does not tell that anyone does. Only the intents with an
        # answer are questions as often as statements; "they hit me" (cue_violence …) tells, whatever its marks.
        earlier = state["quote"] if state["pending"] == f"cue:{ident}" else None  # the same told again: both kept
        state.update({"pending": f"cue:{ident}", "quote": _joined(earlier, text),
                      "cue_was_question": answer is not None and _is_question(text)})
        # Violence or confinement would make it P1: the way to 112 comes before the question.
        safety: list[ReplyPayload] = [{"text": "safety_line"}] if self._tier_if_yes(ident) == P1 else []
        return [*replies, *safety, _reflection(state, ident)]

    def _hold(self, state: ScreeningState, intent: str, text: str) -> None:
        """A cue told in a message the app answered as danger: held with the person's words, as a cue put back while
        another waits is (state["held_cues"]), and nothing asked now; `_go_on` asks it after "Yes, go on", or it
        comes after the cue that waits. Known already (answered, skipped, its indicator a yes): nothing to hold."""
        ident, answer = CUES[intent]
        if self._known(state, self.catalogue.questions[ident]):
            return
        told = f"cue:{ident}"
        if state["pending"] == told:  # the very cue that waits: its words kept with it
            state["quote"] = _joined(state["quote"], text)
            return
        for number, held in enumerate(state["held_cues"]):
            if held["pending"] == told:
                state["held_cues"][number] = {**held, "quote": _joined(held["quote"], text)}
                return
        state["held_cues"].append({"pending": told, "quote": _joined(None, text),
                                   "cue_was_question": answer is not None and _is_question(text)})

    def _told_too(self, state: ScreeningState, others: list[str], text: str) -> list[ReplyPayload]:
        """More cues told in the message than the one it was reflected as: held behind the cue that waits, asked
        after it one at a time, the first told first; when none waits (the first was known already), the first not
        known is reflected now. Found walking the chat: "they took my passport and I cannot leave the house" was
        asked about the passport alone, and the locked door was lost."""
        others = [intent for intent in others if not self._known(state, self.catalogue.questions[CUES[intent][0]])]
        replies: list[ReplyPayload] = []
        if others and not (state["pending"] or "").startswith("cue:"):
            replies = self._cue(state, others.pop(0), text)
        for intent in reversed(others):  # held cues come back the latest first
            self._hold(state, intent, text)
        return replies

    def _take_held(self, state: ScreeningState) -> None:
        """The latest cue held that is not known since becomes the one that waits, what waited coming back after it."""
        while state["held_cues"]:
            held = state["held_cues"].pop()
            if not self._known(state, self.catalogue.questions[held["pending"].split(":", 1)[1]]):
                state.update({**held, "resume": state["pending"]})
                break

    def _go_on(self, state: ScreeningState) -> list[ReplyPayload]:
        """"Yes, go on" after "Is it safe for you to write now?": a cue held beside danger first (the latest), with
        what waited to come back after it; else what waited; else the main menu."""
        if not (state["pending"] or "").startswith("cue:"):  # a cue that waits keeps the held ones behind it
            self._take_held(state)
        return self._repeat(state) or [{"text": "safety.go_on", "menu": "main"}]

    def _tier_if_yes(self, ident: str) -> Tier:
        return assess({"questions": {ident: "yes"}}, self.catalogue)["tier"]

    def _answer(self, state: ScreeningState, pending: str, value: Answer) -> list[ReplyPayload]:
        """An answer to what is pending (state["pending"], never empty here)."""
        if pending == "offer":
            state["offered"] = True
            if value == "yes":
                return self._next(state)
            state["pending"] = None
            return [{"text": "screening.declined", "menu": "main"}]
        if pending in ("age", "work"):
            # A typed "not sure" is the "Prefer not to say" / "Not sure" button (found walking the chat: "idk",
            # "nie wiem", "ไม่แน่ใจ" got "Please use one of the buttons"); a yes or a no answers neither question.
            if value == "unknown":
                return self._age(state, "", "unknown", None) if pending == "age" else self._work(state, "", "unknown")
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        kind, ident = pending.split(":", 1)
        if kind == "question":
            state["answers"][ident] = value
            state["asked"] += 1
            return self._next(state)
        # A reflected cue asks "May I note this …?": yes notes it, with their words; anything else notes nothing
        # (it is not a "no" to the question) and the question is not asked again.
        if value == "yes":
            state["answers"][ident] = "yes"
            if state["quote"]:
                state["evidence"][ident] = state["quote"]
        elif ident not in state["skipped"]:
            state["skipped"].append(ident)
        state.update({"quote": None, "cue_was_question": False, "pending": state["resume"], "resume": None})
        self._take_held(state)  # a cue put back waits before the question: the latest first
        noted: ReplyPayload = {"text": "screening.noted" if value == "yes" else "screening.not_noted"}
        if state["pending"]:
            return [noted, *self._repeat(state)]
        if not state["offered"]:
            state.update({"offered": True, "pending": "offer"})
            return [noted, self._offer(state)]
        return [{**noted, "menu": "after_answer"}]

    def _skip(self, state: ScreeningState, ident: str) -> list[ReplyPayload]:
        """Skip: no answer (not even "not sure"), and the question is not asked again."""
        if ident not in state["skipped"]:
            state["skipped"].append(ident)
        state["asked"] += 1
        return self._next(state)

    def _age(self, state: ScreeningState, text: str, choice: str | None, language: str | None) -> list[ReplyPayload]:
        if choice in AGE_CHOICES:
            state["age"] = AGE_CHOICES[choice]
        elif (age := age_from_text(text, language)) is not None:  # the number next to an age word, never another
            state["age"] = age
        elif state["pending"] == "age" and typed_answer(text, language) == "unknown":  # "idk": prefer not to say
            state["age"] = AGE_CHOICES["unknown"]
        elif state["pending"] == "age":
            return [{"text": "screening.pick_one"}, *self._repeat(state)]
        else:
            return [{"text": "not_understood", "menu": "main"}]
        if state["pending"] == "age":
            state["asked"] += 1
            return self._next(state)
        return [{"text": "screening.noted"}, *self._repeat(state)]

    def _work(self, state: ScreeningState, text: str, choice: str | None) -> list[ReplyPayload]:
        if choice in WORK_CHOICES:
            state["exploitation"] = choice
        else:  # typed: keep their words for the caseworker; the kind stays for a person to judge
            state["exploitation"] = state["exploitation"] or "unknown"
            state["work_words"] = text.strip()[:MAX_QUOTE] or None
        if state["pending"] == "work":
            state["asked"] += 1
            return self._next(state)
        # Told beside another question ("在工厂" at "How old are you?"): noted, and that question again. Found
        # walking the chat: "I noted it" came alone, with no question and no buttons, and the person was stuck.
        # With no question waiting (walk 4: "i work on a farm" as a first message), "noted" had come alone too: the
        # menu after an answer with it (its first button "I am in danger now"), and 112.
        return ([{"text": "screening.noted"}, *waiting] if (waiting := self._repeat(state))
                else [{"text": "screening.noted", "menu": "after_answer"}, {"text": "safety_line"}])

    def _stop(self, state: ScreeningState) -> list[ReplyPayload]:
        was_asking = state["pending"] not in (None, "offer")
        state.update({"pending": None, "resume": None, "quote": None, "cue_was_question": False, "held_cues": [],
                      "offered": True,
                      "finished": was_asking or state["finished"]})
        return [{"text": "screening.stopped" if was_asking else "screening.declined", "menu": "main"}]

    # --- what the bot asks next --------------------------------------------------------------------------

    def _known(self, state: ScreeningState, question: Question) -> bool:
        """Answered or skipped, or its indicator already a "yes" through another question: never asked. A question a
        tier rule names (CD-03, kept in: P1) is not known through one the rules do not name (CD-03.watched): being
        watched does not tell whether they can leave, and that "yes" would raise the tier."""
        if question.id in state["answers"] or question.id in state["skipped"]:
            return True
        raises_tier = question.id in self._tier_questions
        return any(state["answers"].get(other.id) == "yes" for other in self.catalogue.questions.values()
                   if other.indicator == question.indicator
                   and (not raises_tier or other.id in self._tier_questions))

    def _to_ask(self, state: ScreeningState, settled: bool = True) -> list[str]:
        """The questions still to ask, in order: age and work while unknown, then every question not known.

        `settled`: leave out a question whose dimension is already positive, unless a tier rule names it (a
        "yes" would change nothing the scorer gives). Without it: the most that may still be asked."""
        items = [item for item, unknown in (("age", state["age"] == "not_asked"),
                                            ("work", state["exploitation"] is None)) if unknown]
        positive = summary(state, self.catalogue)["dimensions"] if settled else {}
        for question in self.catalogue.questions.values():
            if self._known(state, question):
                continue
            dimension = self.catalogue.indicators[question.indicator].dimension
            if positive.get(dimension) and question.id not in self._tier_questions:
                continue
            items.append(f"question:{question.id}")
        return items

    def _offer(self, state: ScreeningState) -> ReplyPayload:
        """"May I ask you up to N questions?": N the most this person may still be asked."""
        total = state["asked"] + len(self._to_ask(state, settled=False))
        return {"text": "screening.offer", "menu": "screening_offer", "variables": {"total": str(total)}}

    def _next(self, state: ScreeningState) -> list[ReplyPayload]:
        remaining = self._to_ask(state)
        if not remaining:
            state.update({"pending": None, "finished": True})
            return [{"text": "screening.done", "menu": "after_answer"}]
        state["pending"] = remaining[0]
        return self._repeat(state)

    def _repeat(self, state: ScreeningState) -> list[ReplyPayload]:
        """The question that is waiting for an answer, asked (again) after its place; [] when none is."""
        pending = state["pending"]
        if pending is None:
            return []
        if pending == "offer":
            return [self._offer(state)]
        if pending.startswith("cue:"):
            return [_reflection(state, pending.split(":", 1)[1])]
        total = state["asked"] + len(self._to_ask(state))
        place: ReplyPayload = {"text": "screening.progress",
                               "variables": {"step": str(state["asked"] + 1), "total": str(max(total, 1))}}
        if pending in ("age", "work"):
            return [place, {"text": f"question.{pending}", "menu": f"screening_{pending}"}]
        question = self.catalogue.questions[pending.split(":", 1)[1]]
        warning: list[ReplyPayload] = [{"text": question.warn}] if question.warn else []
        return [*warning, place, {"text": f"question.{question.id}", "menu": "screening_answer"}]

    # --- asking for a person -----------------------------------------------------------------------------

    def _danger_check(self, state: ScreeningState) -> list[ReplyPayload]:
        """"Are you in danger now?" with 112 and the danger button: the main menu's (its first button), or, when a
        question waits, that question again, whose menu has the danger button first too. Nothing is noted."""
        if state["pending"] is None:
            return [{"text": DANGER_CHECK, "menu": "main"}]
        return [{"text": DANGER_CHECK}, *self._repeat(state)]

    def _handover(self, state: ScreeningState) -> tuple[list[ReplyPayload], list[ReplyPayload]]:
        """(replies to put first, replies to put last): a request for a person when the tier calls for it.

        P1 (danger, self-harm, a child with any "yes", violence, confinement) at once, with 112 before anything
        else; otherwise when the questions are over and something was answered "yes". A request is repeated only
        when the tier becomes more urgent. Every turn ends with the summary for the console.
        """
        result = summary(state, self.catalogue)
        tier = result["tier"]
        wanted = tier == P1 or (state["finished"] and "yes" in state["answers"].values())
        previous = state["requested_tier"]
        last: list[ReplyPayload] = [{"screening": result}]
        more_urgent = previous is None or TIERS.index(tier) < TIERS.index(previous)
        if not (wanted and more_urgent):
            return [], last
        state["requested_tier"] = tier
        request: ReplyPayload = {"handover": {"tier": tier, "kind": "help"}}
        if tier != P1:
            return [], [{**request, "text": "handover_requested"}, *last]
        if state["immediate_danger"]:
            return [request], last  # the danger reply already gives 112 first
        return [{**request, "text": "danger"}], last


def _waits_for_answer(state: ScreeningState) -> bool:
    """A question of the screening or a cue's "May I note this?" is waiting (not the offer to ask questions)."""
    pending = state["pending"] or ""
    return pending in ("age", "work") or pending.startswith(("question:", "cue:"))


def _is_question(text: str) -> bool:
    """A question mark anywhere in the message (QUESTION_MARKS): the same rule in every language."""
    return any(character in QUESTION_MARKS for character in text)


def _joined(quote: str | None, text: str) -> str | None:
    """The words kept for a cue with more of the person's words after them, at most MAX_QUOTE characters."""
    return "\n".join(filter(None, (quote, text.strip())))[:MAX_QUOTE] or None


def _reflection(state: ScreeningState, ident: str) -> ReplyPayload:
    """The cue waiting, reflected as it came: thanks for what they told ("cue.CD-01"), or, for a question, the note
    asked only if it is about them ("cue_asked.CD-01")."""
    kind = "cue_asked" if state["cue_was_question"] else "cue"
    return {"text": f"{kind}.{ident}", "menu": "screening_confirm"}


def _part_of_question(reply: ReplyPayload) -> bool:
    """The words that go with a question (its place, a warning): held back with it after a P1."""
    return reply.get("text", "").startswith(("screening.progress", "screening.warn."))
