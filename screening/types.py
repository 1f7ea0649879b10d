"""The shapes that travel as JSON: the scorer's request and result, the questionnaire's state (Rasa's `screening`
slot), the summary it hands to the app, and the replies Rasa's custom actions send to the app.

TypedDicts rather than dataclasses: these values cross Rasa's tracker and HTTP as plain JSON objects and arrive
as dicts; a TypedDict names their keys and types without changing what travels. Python 3.10 (the action server)
has no NotRequired, so each TypedDict is either total (every key is always written) or total=False (any key may
be absent).

The vocabulary is spelled as plain strings. The tiers "P1"…"P4" and the handover kinds "help", "report",
"partner" are equal to the app's StrEnums core.vocabulary.Tier and core.vocabulary.Kind (a StrEnum member == its
string, so the app can compare or look them up directly), but screening/ must not import core/: the action server
runs this package without the app. Keep these Literals and core/vocabulary.py in step.
"""

from __future__ import annotations

from typing import Literal, TypedDict

# --- the vocabulary ---------------------------------------------------------------------------------------

Answer = Literal["yes", "no", "unknown"]  # "unknown" is the "not sure" button
Exploitation = Literal["labour", "sexual", "criminal", "unknown"]
Dimension = Literal["DR", "CR", "AVR", "EX", "CD", "AVD"]
Weight = Literal["S", "M", "W"]  # strong, medium, weak
AssessmentName = Literal["trafficking_indicated", "exploitation_indicated", "indicators_present", "no_indicators"]
Tier = Literal["P1", "P2", "P3", "P4"]  # == core.vocabulary.Tier; P1 the most urgent
HandoverKind = Literal["help", "report", "partner"]  # == core.vocabulary.Kind
AgeBand = Literal["under_18", "adult", "unknown"]
IndicatorId = str  # "CD-01": the dimension and two digits, as in content/indicators.yml
QuestionId = str  # "CD-01" or "CD-03.watched": the indicator it counts for, maybe a part after a dot


# --- the scorer (screening/scoring.py) --------------------------------------------------------------------


class ScreeningRequest(TypedDict, total=False):
    """What assess() scores (and `havn screen FILE.json` reads); every key optional, defaults in the comments.

    assess() checks it strictly: it also takes a plain dict from JSON and refuses what does not fit this shape.
    """

    age: int | None  # None (the default): unknown, the adult lists
    exploitation: Exploitation  # "unknown"
    immediate_danger: bool  # False
    self_harm: bool  # False
    answers: dict[IndicatorId, Answer]  # {}
    questions: dict[QuestionId, Answer]  # {}: answers to the bot's questions (content/indicators.yml `questions`)


class IndicatorHit(TypedDict):
    """An indicator answered "yes", with the weight it had on the list used."""

    id: IndicatorId
    dimension: Dimension
    weight: Weight


class Assessment(TypedDict):
    """assess()'s result: the triage aid for the queue, never a finding that someone is or is not a victim."""

    dimensions: dict[Dimension, bool]  # all six, True when positive
    assessment: AssessmentName
    tier: Tier
    indicators: list[IndicatorHit]  # catalogue order


# --- the conversation (screening/questionnaire.py) --------------------------------------------------------


class HeldCue(TypedDict):
    """A cue waiting for "May I note this?" put back when another cue came: restored as it was once that is answered."""

    pending: str  # "cue:<ID>"
    quote: str | None
    cue_was_question: bool


class ScreeningState(TypedDict):
    """The questionnaire's state, kept between messages in Rasa's `screening` slot (type any).

    questionnaire.new_state() writes every key; a slot written by an older version may lack some, and the
    questionnaire fills them in with the defaults before it reads the state.
    """

    answers: dict[QuestionId, Answer]  # by question id (content/indicators.yml `questions`)
    evidence: dict[QuestionId, str]  # the person's own words for a confirmed cue, at most MAX_QUOTE characters
    age: int | Literal["not_asked"] | None  # None: they preferred not to say
    exploitation: Exploitation | None  # None until asked
    work_words: str | None  # what they typed for the kind of work, if not a button
    immediate_danger: bool
    self_harm: bool  # the danger lexicon heard self-harm words (the app told the questionnaire)
    skipped: list[QuestionId]  # skipped with the Skip button: no answer, never asked again
    asked: int  # questions (age and work included) answered or skipped in the flow: the "3" of "3 of 12"
    pending: str | None  # what waits for an answer: "offer" | "age" | "work" | "question:<ID>" | "cue:<ID>"
    resume: str | None  # the "question:<ID>" to go back to once a cue is confirmed or denied
    quote: str | None  # the words of the cue waiting for confirmation
    held_cues: list[HeldCue]  # cues put back when another came while they waited: asked again after it, latest first
    cue_was_question: bool  # that cue came as a question: the note is asked "if it is about you" (cue_asked.<ID>)
    offered: bool  # the questions were offered (or started): never offered again
    offer_waits: bool  # nobody could answer their request for a person: the offer comes after "I will wait"
    finished: bool  # the questions were done or stopped
    requested_tier: Tier | None  # the most urgent tier a person was already asked for
    paused: bool  # after a P1 the app asked "Is it safe for you to write now?": a yes/no answers that, not a question


class ScreeningSummary(Assessment):
    """What the caseworker sees: the scorer's result plus the answers and the person's own words.

    Sent to the app as the custom payload {"screening": summary} at the end of every screening turn; the app
    stores it encrypted (it quotes the person) and the assessment alone in clear. Every key is always written.
    """

    age_band: AgeBand
    exploitation: Exploitation
    immediate_danger: bool
    self_harm: bool
    answers: dict[IndicatorId, Answer]  # by indicator: a "yes" to any of its questions is a yes
    questions: dict[QuestionId, Answer]  # by question, as asked ("CD-03.watched")
    evidence: dict[QuestionId, str]
    work_words: str | None
    finished: bool


# --- the replies: the contract with the app's Rasa boundary (bot/gateway.py) -------------------------------


class HandoverRequest(TypedDict):
    """Ask for a person: the app queues the conversation with this tier (it keeps the more urgent of two)."""

    tier: Tier
    kind: HandoverKind  # the questionnaire only asks with "help"


class ReplyPayload(TypedDict, total=False):
    """One custom payload from Rasa to the app: `dispatcher.utter_message(json_message=payload)` in an action,
    or `- custom: {...}` in a domain response; the app finds it as the `custom` of one of Rasa's answers.

    Any combination of keys may come in one payload, and the app acts on each one present:
    - text: the text key to say in the person's language (content/texts/<language>.yml), with the buttons of the
      menu `menu` (content/menus.yml) and `variables` filled into the text; without it the payload says nothing;
    - handover: a request for a person;
    - screening: the summary to store on the conversation (it replaces the one before);
    - report: "start" ("I want to report something", while no screening question waits): the app asks the
      report's questions itself.
    The questionnaire sends text (+ menu, + variables: the question's place {step} and {total} in
    screening.progress, the number of questions {total} in screening.offer), handover (+ text, or alone right
    after the danger text) and screening (alone, last in every turn); or report alone.
    """

    text: str  # a text key, e.g. "screening.offer", "question.CD-01", "cue.CD-01", "cue_asked.CD-01", "danger"
    menu: str  # a menu name, e.g. "screening_answer"
    variables: dict[str, str]
    handover: HandoverRequest
    screening: ScreeningSummary
    report: Literal["start"]
