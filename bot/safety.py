"""Danger heard on every path, before and beside the NLU.

Every message a person sends is looked at here first, whatever state the conversation is in: with the bot,
in a report, in the screening, waiting in the queue, held by a caseworker, and when Rasa is down. A danger cue
is the "I am in danger now" button, words of the danger lexicon (bot/danger.py, content/danger/), or, where the
lexicon has nothing to say, the danger net's judgement (bot/danger_net.py, trained on examples); Rasa's `danger`
intent stays as a third net behind them (bot/assistant.py gives its P1 the same ending).

What a danger cue gets, in one turn and without Rasa:
  - 112 first (`danger`), then the self-harm line or the children's line when the cue is one of those;
  - a P1 request for a person, and an honest word about it: a person is asked to join only when one can
    (somebody online, within staffed hours); otherwise "nobody can write to you right now, call 112" and the
    hotline's hours (handover/waiting.py); the on-call worker is woken (handover/oncall.py);
  - the questions stop: "Is it safe for you to write now?" (Yes, go on / No, I must stop).
While a caseworker holds the conversation the bot still gives 112 at once, the conversation becomes P1 and the
consoles ring and mark it; the caseworker, not the bot, goes on from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.danger import Cue, DangerLexicon, Listened
from bot.danger_net import DangerNet
from bot.last_question import last_asked
from bot.reporting import Reporting
from core.messages import Message
from core.texts import Texts
from core.vocabulary import Command, EventType, Kind, State, Tier
from handover.hub import Hub, HubEvent
from handover.report_about import describes_others
from handover.report_code_words import only_about_code
from handover.report_flow import FlowMode
from handover.reports import code_in_text
from handover.requests import HandoverRequests
from handover.store import ConversationState, Store
from screening.typed_answers import typed_answer

NOTHING_HEARD = Listened((), mentions_danger=False)  # the danger button, or a message without text
# Messages looked back at for whether "Is it safe for you to write now?" still waits unanswered: a few turns of cues
# and their confirmations may come between a danger message and the next.
SAFETY_CHECK_WAIT_LOOKBACK = 24
SAFETY_ANSWERS = (Command.SAFE_GO_ON, Command.SAFE_STOP)  # the buttons of "Is it safe for you to write now?"


async def safety_check_waits(store: Store, conversation_id: str, language: str) -> bool:
    """Whether "Is it safe for you to write now?" was asked in the last SAFETY_CHECK_WAIT_LOOKBACK messages and not
    answered since: no Yes/No pressed after it, and the person's first message after it no typed yes/no. A P1 then
    (the app's danger reply, or Rasa's) says 112 without that question and the notice of who can answer again."""
    latest = await store.latest(conversation_id, SAFETY_CHECK_WAIT_LOOKBACK)
    asked = last_asked(latest[1:], Command.SAFE_GO_ON)  # [0]: this message
    if asked.question is None or asked.pressed(SAFETY_ANSWERS) is not None:
        return False
    after = asked.first_reply
    return after is None or after.payload is not None or typed_answer(after.text, language) not in ("yes", "no")


async def safety_check_said_yes(store: Store, conversation_id: str, language: str) -> bool:
    """Whether the last answer in this conversation to "Is it safe for you to write now?" was yes: the "Yes, go on"
    button, or a typed yes as the person's first message after the question (bot/gateway.py reads it as that
    button). A person who asks for a person themselves is then not asked again (bot/assistant.py)."""
    asked = last_asked(reversed(await store.transcript(conversation_id)), Command.SAFE_GO_ON)
    pressed = asked.pressed(SAFETY_ANSWERS)
    if pressed is not None:
        return pressed == Command.SAFE_GO_ON
    # The last question unanswered: asked again, whatever was answered before.
    after = asked.first_reply
    return (asked.question is not None and after is not None and after.payload is None
            and typed_answer(after.text, language) == "yes")


@dataclass(frozen=True)
class Safety:
    lexicon: DangerLexicon
    net: DangerNet
    texts: Texts
    requests: HandoverRequests
    reporting: Reporting
    hub: Hub

    def hear(self, text: str | None, payload: str | None) -> tuple[Cue | None, Listened]:
        """The cue to answer (the danger button, or the most serious the lexicon heard), and what the lexicon
        heard: every cue with the words as typed (kept, sealed, with the message for the caseworkers' queue line),
        and whether danger words are there at all (for `net_cue`)."""
        if payload == Command.DANGER:
            return Cue.DANGER, NOTHING_HEARD
        listened = self.lexicon.listen(text) if text else NOTHING_HEARD
        return (listened.heard[0][0] if listened.heard else None), listened

    def language_of(self, text: str | None, cue: Cue | None) -> str | None:
        """The one language whose words for the cue the lexicon heard (bot/language_policy.py lets it lead a
        message the detector cannot place); None for the button, or words of several languages."""
        return self.lexicon.language_of(text, cue) if text and cue is not None else None

    def net_cue(self, conversation: ConversationState, text: str | None, listened: Listened) -> Cue | None:
        """Danger, or self-harm, in words the lexicon does not know, in the danger net's judgement
        (bot/danger_net.py); asked when neither the button nor the lexicon heard danger. Not while a report is
        written or added to: the report asks whether anyone is in danger now itself, and a bystander's description
        of what they saw ("cars come every night after 11") is the very wording the net learnt as danger. Nor with
        a reference code typed, or a short "I have a code" without it: words about a report too ("my code is
        K7M2-9XQP, I want to add something" was self-harm to the net, "I got a code" danger). Nor at a report's first
        question (about you or someone else?) with words that describe other people: they answer "someone else"
        and are what was noticed (handover/report_about.py; found walking the chat: "they look scared and the boss
        keeps their phones" was taken for the writer's own danger). The lexicon still hears every answer."""
        flow = conversation.flow
        in_report = flow is not None and flow.report_id is not None
        describing = (flow is not None and flow.mode == FlowMode.REPORT and flow.report_id is None and text
                      and describes_others(text, conversation.language))
        if not text or in_report or describing or code_in_text(text) or only_about_code(text):
            return None
        return self.net.cue_beside(listened, text)

    async def respond(self, conversation: ConversationState, cue: Cue, text: str | None,
                      language: str, check_waits: bool = False) -> list[Message]:
        """`check_waits`: "Is it safe for you to write now?" was asked and not answered yet (bot/gateway.py): 112 and
        the P1 request again, but neither that question nor the notice of who can answer said once more (found
        walking the chat: "I am scared", then "I am 16" got both twice)."""
        if conversation.state == State.ASSIGNED:
            await self.requests.ask(conversation.id, Tier.P1, Kind.HELP)  # the tier rises; it stays theirs
            await self.hub.publish(HubEvent(EventType.DANGER, conversation.id, Tier.P1))
            return self._first(cue, language)
        if cue == Cue.CHILD:  # in a report an age named is someone else's: the report's own reply, no children's line
            reported = await self.reporting.child(conversation, text, language)
            if reported is not None:
                return reported
        reported = await self.reporting.danger(conversation, text, language)
        if reported is not None:  # in a report: the words are kept as its answer, the report becomes P1; its
            return [*self._beside_112(cue, language), *reported]  # reply says 112 itself
        if check_waits:
            await self.requests.ask(conversation.id, Tier.P1, Kind.HELP)
            return self._first(cue, language)
        told = await self.requests.ask_and_tell(conversation.id, Tier.P1, Kind.HELP, language)
        return [*self._first(cue, language), *told, self.texts.safety_check(language)]

    def _first(self, cue: Cue, language: str) -> list[Message]:
        """112 first, then what the cue adds. The children's line ends with the safety line (112 and the
        hotline) itself."""
        if cue == Cue.CHILD:
            return self._beside_112(cue, language)
        return [self.texts.reply("danger", language), *self._beside_112(cue, language)]

    def _beside_112(self, cue: Cue, language: str) -> list[Message]:
        """Self-harm adds the suicide-prevention line; a child who said their age gets the children's line."""
        if cue == Cue.SELF_HARM:
            return [self.texts.reply("danger.self_harm", language)]
        if cue == Cue.CHILD:
            return [self.texts.reply("danger.child", language)]
        return []
