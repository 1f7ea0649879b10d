"""The assistant's turn: ask Rasa, parse what it answered (bot/rasa_turn.py), render its text keys in the
person's language, then apply its side effects in one place: the screening's result is stored, a report's
questions start, a person is asked for (and the person told their place in the queue).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.clauses import clauses
from bot.danger import Cue
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.rasa_turn import RasaTurn, TextKey, parse_turn
from bot.reporting import START as START_REPORT
from bot.reporting import Reporting
from bot.safety import safety_check_said_yes, safety_check_waits
from core.messages import Message
from core.metrics import RASA_FAILURES
from core.texts import Texts
from core.vocabulary import Tier
from handover.requests import HandoverRequests
from handover.store import ConversationState, Store
from screening.questionnaire import CUE_MIN_CONFIDENCE, CUES, CUES_TOLD, DANGER_HEARD, QUEUE, STAFFED, WAIT

log = logging.getLogger(__name__)

# "I have asked a person from the centre to join this chat": said only when someone can answer. Otherwise the
# queue's notice says plainly that nobody can right now, with 112, the hotline and the chat's hours.
PERSON_ASKED = "handover_requested"
TALK_TO_PERSON = "/talk_to_person"  # the main menu's "I want to talk to a person"
# Typed words the NLU takes for "I want to talk to a person" at a report's first question leave the report for a
# person (bot/gateway.py); below this the NLU is guessing (its fallback threshold is 0.2, config.yml).
PERSON_MIN_CONFIDENCE = 0.5
# A cue the NLU hears in a message the app answered as danger is held for the screening (`heard`) from this
# confidence on: the bar the screening sets for a cue typed on its own (screening/questionnaire.py
# CUE_MIN_CONFIDENCE 0.45) and a little more, since nobody sees this guess until "May I note this?" after "Yes, go on"
# (the weakest right cues seen in the chat test messages were about 0.5).
HELD_CUE_MIN_CONFIDENCE = 0.5
NLU_FALLBACK = "nlu_fallback"  # the NLU's intent for words it does not understand (config.yml FallbackClassifier)


@dataclass
class Assistant:
    rasa: RasaClient
    texts: Texts
    store: Store
    requests: HandoverRequests
    reporting: Reporting
    choices: set[str] = field(init=False)
    # What `heard` is telling the screening in the background, by conversation id.
    _told: dict[str, set[asyncio.Task[None]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Choices from our own menus ("/inform_age:adult"): sent to Rasa as the intent, the choice as metadata.
        self.choices = {item["payload"] for items in self.texts.menus.values() for item in items
                        if ":" in item["payload"] and item["payload"].startswith("/")}

    async def ask(self, conversation: ConversationState, message: str, language: str,
                  address_hash: str) -> list[Message]:
        # Whether someone can answer now, looked up once for the turn and sent with it: asked for a person when
        # nobody can, the screening keeps its offer back, so that "keep waiting, or leave a message?" comes alone
        # (walk 3: both questions at once); the queue's notice agrees with it.
        staffed = await self.requests.staffed()
        metadata: dict[str, str | bool | list[str]] = {"language": language, STAFFED: staffed}
        if message in self.choices:
            message, metadata["choice"] = message.split(":", 1)
        elif not message.startswith("/") and len(told := await self._cues_told(message, language)) > 1:
            metadata[CUES_TOLD] = told  # two things told in one message: the screening asks both, one at a time
        await self._told_before(conversation.id)  # "Yes, go on" after danger: the cue held beside it is asked
        try:
            turn = parse_turn(await self.rasa.send(conversation.id, message, metadata))
        except RasaUnavailable as error:
            log.warning("Rasa unavailable (%s); the person got the fallback with the hotline", error)
            RASA_FAILURES.labels("unavailable").inc()
            return [self.texts.reply("rasa_unavailable", language)]
        if turn.empty:  # never leave a person unanswered
            log.warning("Rasa answered nothing (action server down?); the person got the fallback with the hotline")
            RASA_FAILURES.labels("empty").inc()
            return [self.texts.reply("rasa_unavailable", language)]
        told = await self._apply(turn, conversation, language, address_hash, staffed)
        asked = next((index for index, text in enumerate(turn.texts) if _is_person_asked(text)), None)
        if asked is None:
            return [*(self._render(text, language) for text in turn.texts), *told]
        # "I have asked a person…" (only when someone can answer), their place in the queue (or "Nobody can answer
        # right now…"), then what the screening asks (its offer): the question last, where its buttons answer
        # (docs/webchat.md: only the latest message's buttons do).
        person = [self._render(turn.texts[asked], language)] if staffed else []
        rest = [self._render(text, language) for index, text in enumerate(turn.texts) if index != asked]
        return [*rest[:asked], *person, *told, *rest[asked:]]

    async def offer_while_waiting(self, conversation_id: str, language: str) -> list[Message]:
        """"I will wait", the answer to "Nobody from the centre can answer right now…": the screening's offer it kept
        back while that question waited ("/talk_to_person" with {"queue": "wait"}, actions/handover_actions.py), or
        nothing (none kept back, or it was made). Only its words: no second request. Rasa down: nothing."""
        try:
            turn = parse_turn(await self.rasa.send(conversation_id, TALK_TO_PERSON,
                                                   {"language": language, QUEUE: WAIT}))
        except RasaUnavailable as error:
            log.warning("Rasa unavailable (%s); no offer of the questions after \"I will wait\"", error)
            RASA_FAILURES.labels("unavailable").inc()
            return []
        return [self._render(text, language) for text in turn.texts if not _is_person_asked(text)]

    async def wants_person(self, text: str) -> bool:
        """Whether the NLU takes `text` for "I want to talk to a person" (Rasa's parse only: no turn); Rasa down: no."""
        parsed = await self.rasa.intent(text)
        return parsed is not None and parsed[0] == TALK_TO_PERSON.removeprefix("/") and (
            parsed[1] >= PERSON_MIN_CONFIDENCE)

    async def without_greetings(self, typed: str, rest: str) -> str:
        """What goes to Rasa of a typed message whose leading greetings were taken off (`rest`, bot/danger.py
        `without_greetings`): the rest when the NLU is surer of what it says than of the whole message, else the
        message as typed. Walk 3: "السلام عليكم ما يدفعوا لي" was read as a greeting (0.76) and the pay complaint
        dropped, "ما يدفعوا لي" alone is about pay (0.82). Taken off always, "hi all" would be read as "all" and
        "salut ça va" as "ça va", a no. Measured with the model of 7 December on its own training examples (so the
        figures flatter it): of the 398 greetings and goodbyes with words after a greeting, the rest alone keeps
        103 read as they are, this choice 391 (typed: 396); of 5,532 other examples with a greeting put in front,
        4,502 are read right as typed, 5,292 with this choice. Both are parsed (`/model/parse`, nothing kept);
        Rasa down: as typed."""
        if rest == typed:
            return typed
        whole, alone = await asyncio.gather(self.rasa.intent(typed), self.rasa.intent(rest))
        surer = (whole is not None and alone is not None and alone[0] != NLU_FALLBACK and alone[1] > whole[1])
        return rest if surer else typed

    def heard(self, conversation_id: str, cue: Cue, language: str, words: str | None = None) -> None:
        """The danger lexicon heard self-harm words, or a person's age under 18, or the lexicon or the net heard
        danger, and the app answered them itself (bot/safety.py, 112 and the suicide or children's line, without
        Rasa). Tell the screening, in the background so that nothing waits for Rasa: the intent `danger` with the
        metadata {"lexicon": "self_harm"} sets its flag, silently; an age under 18 is the "Under 18" answer
        (`/inform_age` with the choice `under_18`), so that the screening does not ask a child their age again. The
        result it sends back (P1) is stored for the caseworker. Rasa down: the flag is lost, nothing else.

        Danger with `words` (the message, when it may be about the person: not a report's answer): the NLU is asked
        what else it hears in them (`/model/parse`, no turn), and each cue of the screening's ("my boss has my
        passport and won't let me leave": two) is held by it, silently, to be asked after "Yes, go on" (`_hold_cue`)."""
        if cue == Cue.DANGER and words and words.strip():
            self._in_background(conversation_id, self._hold_cue(conversation_id, words, language))
        elif cue in (Cue.SELF_HARM, Cue.CHILD):
            self._in_background(conversation_id, self._tell_screening(conversation_id, cue, language))

    def _in_background(self, conversation_id: str, telling: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(telling)
        told = self._told.setdefault(conversation_id, set())
        told.add(task)  # a reference, so the task is not collected before it ends

        def done(task: asyncio.Task[None]) -> None:
            told.discard(task)
            if not told and self._told.get(conversation_id) is told:
                del self._told[conversation_id]

        task.add_done_callback(done)

    async def _told_before(self, conversation_id: str) -> None:
        """Wait for what `heard` is still telling the screening about this conversation, so that a turn comes after
        it ("Yes, go on" pressed at once after the danger reply finds the cue held). Bounded by Rasa's timeout."""
        told = self._told.get(conversation_id)
        if told:
            await asyncio.gather(*told, return_exceptions=True)

    async def _hold_cue(self, conversation_id: str, words: str, language: str) -> None:
        """The cues the NLU hears in a danger message, told to the screening to hold: each cue's intent
        ("/cue_cannot_leave", never the words: they are no command) with the metadata {"lexicon": "danger"} and the
        words as its evidence. The cue of the whole message first, then those of its statements read one by one
        ("mi jefe tiene mi pasaporte y no me deja salir": the passport and the door), each told once, the last
        first so that the first comes back first (held cues come back the latest first). Nothing when the NLU hears
        no cue, or is unsure (HELD_CUE_MIN_CONFIDENCE). The screening answers nothing now. Rasa down: the cues are
        lost, nothing else."""
        whole = await self.rasa.intent(words)
        heard = [whole[0]] if whole is not None and whole[0] in CUES and whole[1] >= HELD_CUE_MIN_CONFIDENCE else []
        told = list(dict.fromkeys([*heard, *await self._cues_told(words, language, HELD_CUE_MIN_CONFIDENCE)]))
        try:
            for intent in reversed(told):
                await self.rasa.send(conversation_id, f"/{intent}",
                                     {"language": language, "lexicon": DANGER_HEARD, "words": words})
        except RasaUnavailable as error:
            log.warning("Rasa unavailable (%s); the screening did not hear the cue told beside danger", error)
            RASA_FAILURES.labels("unavailable").inc()

    async def _cues_told(self, text: str, language: str, min_confidence: float = CUE_MIN_CONFIDENCE) -> list[str]:
        """The screening's cues the NLU hears in the statements of `text` read one by one (bot/clauses.py), in
        order, each once: "they took my passport and I cannot leave the house" is ["ask_passport",
        "cue_cannot_leave"]. Read whole, such a message is one cue or none (the NLU names one intent). A statement's
        cue counts from the confidence a cue typed alone needs (screening/questionnaire.py CUE_MIN_CONFIDENCE).
        [] for a message of one statement, which costs no look-up; Rasa down: []."""
        statements = clauses(text, language)
        parsed = await asyncio.gather(*(self.rasa.intent(statement) for statement in statements))
        return list(dict.fromkeys(intent for intent, confidence in filter(None, parsed)
                                  if intent in CUES and confidence >= min_confidence))

    async def _tell_screening(self, conversation_id: str, cue: Cue, language: str) -> None:
        try:
            told = (("/inform_age", {"language": language, "choice": "under_18"}) if cue == Cue.CHILD
                    else ("/danger", {"language": language, "lexicon": str(cue)}))
            turn = parse_turn(await self.rasa.send(conversation_id, *told))
        except RasaUnavailable as error:
            log.warning("Rasa unavailable (%s); the screening did not hear the %s", error, cue)
            RASA_FAILURES.labels("unavailable").inc()
            return
        if turn.screening is not None:
            await self.store.save_screening(conversation_id, turn.screening)

    async def settled(self) -> None:
        """Wait for what `heard` sent in the background (tests, and a clean shutdown)."""
        while telling := [task for told in self._told.values() for task in told if not task.done()]:
            await asyncio.gather(*telling, return_exceptions=True)

    def _render(self, text: TextKey | str, language: str) -> Message:
        if isinstance(text, str):
            return Message(text)
        return self.texts.reply(text.key, language, text.menu, text.variables)

    async def _apply(self, turn: RasaTurn, conversation: ConversationState, language: str,
                     address_hash: str, staffed: bool) -> list[Message]:
        """What the turn asks the app to do besides speaking; returns what the person is told about it."""
        told: list[Message] = []
        if turn.screening is not None:  # the assessment and the person's own words, for the caseworker
            await self.store.save_screening(conversation.id, turn.screening)
        if turn.report_start:  # "I want to report something": the app asks the questions
            told.extend(await self.reporting.handle(conversation, None, START_REPORT, language, address_hash) or [])
        if turn.handover is not None:
            # A P1 while "Is it safe for you to write now?" waits unanswered: asked for, but neither that question
            # nor the danger notice said again (as the app's own danger reply, bot/safety.py). A person who asks
            # for a person themselves ("I want to talk to a person": its text is PERSON_ASKED) is always told as
            # anyone asking is: their place, or that nobody can answer now, when people are back and the choice to
            # wait or leave a message (found walking the chat: a child's request got the children's line alone,
            # without buttons; after "Yes, go on", the danger notice and the question again). A child stays P1.
            waits = turn.handover.tier == Tier.P1 and await safety_check_waits(self.store, conversation.id, language)
            asked_for = any(isinstance(text, TextKey) and text.key == PERSON_ASKED for text in turn.texts)
            if waits and not asked_for:
                await self.requests.ask(conversation.id, turn.handover.tier, turn.handover.kind, staffed=staffed)
            else:
                told.extend(await self.requests.ask_and_tell(conversation.id, turn.handover.tier, turn.handover.kind,
                                                              language, staffed, as_anyone=asked_for))
            if turn.handover.tier == Tier.P1:  # the same ending as the app's own danger reply (bot/safety.py)
                if (turn.screening is not None and turn.screening["age_band"] == "under_18"
                        and not await self._child_line_given(conversation.id)):
                    told.append(self.texts.reply("danger.child", language))
                # Asked once it waits; a person who asks for a person after saying it is safe is not asked again.
                if not waits and not (asked_for and await safety_check_said_yes(self.store, conversation.id,
                                                                                  language)):
                    told.append(self.texts.safety_check(language))
        return told

    async def _child_line_given(self, conversation_id: str) -> bool:
        """Whether the children's line was given in this conversation already, in any language: once is enough
        (found walking the chat: it came again with every request for a person), unless it is the answer itself
        (bot/safety.py: a child who says their age again gets it again)."""
        lines = {self.texts.text("danger.child", language) for language in self.texts.languages}
        return any(line in message.text for message in await self.store.said_by_bot(conversation_id)
                   for line in lines)


def _is_person_asked(text: TextKey | str) -> bool:
    return isinstance(text, TextKey) and text.key == PERSON_ASKED
