"""Reporting a suspicion, run by the app itself (no Rasa): the report's questions, the reference code, and
adding information later with the code.

Why not Rasa: every answer is kept as typed, for a person to read, so there is nothing to classify; a
bystander's "they took her passport" must not start the victim's screening; and reporting must work while
Rasa is down. Rasa only recognises "I want to report something" and answers with {"report": "start"}.

The first question is whether the report is about the writer or about someone else. "About me" leaves the
report for the help path (the help menu, with the screening and 112; no Rasa needed): a person who needs help
is not asked a bystander's questions, and no report row is ever made for them. "About someone else" makes the
report, warns the writer not to confront anyone or rescue anyone themselves, and asks about danger first. Typed
words count as either when they say it ("a friend", "not me": handover/report_about.py); other words get the
question again with the main menu's button, so that a person who did not mean to report is never stuck.

Typed answers to the other questions (handover/report_flow.py): a button's title, a yes, no or don't know in
any language (screening/typed_answers.py), and at the under-18 question an age (screening/age.py). An "ok" or a
"thanks" at a yes/no question answers nothing: the question again, kindly, with 112 (`report.pick_answer`).

Where a conversation stands is kept in its sealed `flow` (handover/report_flow.py `Flow`):
  Flow(REPORT, "about")                 asked whether it is about the writer (no report yet)
  Flow(REPORT, step, report_id, code)   answering the report's questions
  Flow(CODE)                            asked for a reference code
  Flow(ADDING, report_id=…)             adding information to a report
A report reaches the queue when it is sent, at once as P1 when someone is in danger or under 18, and by the
sweep when its writer stopped half-way (nothing answered is lost).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

from core.messages import Button, Message
from core.texts import Texts
from core.vocabulary import EventType, Kind, Tier
from handover import report_flow
from handover.hub import Hub, HubEvent
from handover.report_about import describes_others, typed_about
from handover.report_child import tells_of_a_child
from handover.report_code_words import says_has_code
from handover.report_flow import Flow, FlowMode
from handover.report_places import with_town
from handover.reports import Reports, StoredReport, code_in_text, normalise_code
from handover.requests import HandoverRequests
from handover.store import ConversationState, Store
from screening.age import ages_in_text
from screening.typed_answers import acknowledgement, typed_answer

START, ASK_CODE = "report", "report_code"
ABOUT_ME, ABOUT_OTHER = "me", "other"  # the choices of the first question ("report_about:me")
HELP_MENU = "help"  # the help path's menu (content/menus.yml): the screening, a person, 112 first
MAIN_MENU = "/greet"  # the main menu's button (content/menus.yml `report_code`): the way out of the first question
# What the reference code links to differs by channel (content/texts/report/*.yml `report.code_*`).
CODE_TEXTS = {"telegram": "report.code_telegram", "webchat": "report.code_webchat"}
SKIP, SEND, DONE = "report_skip", "report_send", "report_done"
DANGER_NOW = "report_danger:yes"
CHOSEN = "✓ "  # before a sign already chosen: the same in every language
QUIET_FOR = timedelta(minutes=30)  # a report left half-way is sent after this
DANGER_ADDED = "[Someone is in danger now: pressed by the reporter]"  # for the console, which is in English
DANGER_HEARD = "[Someone is in danger now: read by the app in the words added]"  # typed, not the button
CHILD_ADDED = "[Someone under 18 named in the words added: read by the app]"  # the reason a report became P1


class Reporting:
    def __init__(self, store: Store, reports: Reports, texts: Texts, requests: HandoverRequests, hub: Hub) -> None:
        self.store = store
        self.reports = reports
        self.texts = texts
        self._requests = requests
        self.hub = hub
        # Every button of the report's menus, and the two ways in; nothing else is a report command.
        self.commands = {START, ASK_CODE} | {item["payload"] for name, items in texts.menus.items()
                                              if name.startswith("report") for item in items
                                              if not item["payload"].startswith("/")}

    def wants(self, conversation: ConversationState, payload: str | None) -> bool:
        """Whether this message belongs to a report (a flow is open, or a report button was pressed)."""
        return conversation.flow is not None or payload in self.commands

    async def handle(self, conversation: ConversationState, text: str | None, payload: str | None,
                     language: str, address_hash: str) -> list[Message] | None:
        """The replies, or None when the message is not the report's after all (words typed where a code was
        asked): then the gateway asks Rasa, so that nobody gets stuck with "wrong code"."""
        flow = conversation.flow
        if payload == START:
            return [*await self.leave(conversation.id, flow, language), *await self._start(conversation.id, language)]
        if payload == ASK_CODE:
            left = await self.leave(conversation.id, flow, language)
            if text and text.strip():  # Telegram's "/report CODE"
                return [*left, *await self._check_code(conversation.id, text, language, address_hash)]
            return [*left, *await self._ask_code(conversation.id, language)]
        if payload == DANGER_NOW and (flow is None or flow.mode == FlowMode.CODE or flow.report_id is None):
            # Pressed late (the report is over), or at the first question (no report yet, and it may be about the
            # writer): 112 still comes first, and a person is asked for.
            await self._requests.ask(conversation.id, Tier.P1, Kind.REPORT)
            return [self._say("report.danger", language), self.texts.safety_check(language)]
        if flow is None:  # another button of a report that is over
            return [self._say("not_understood", language, "main")]
        if flow.mode == FlowMode.REPORT:
            return await self._answer(conversation.id, flow, text, payload, language)
        if flow.mode == FlowMode.CODE:
            return await self._typed_code(conversation.id, text or "", payload, language, address_hash)
        return await self._add(conversation.id, flow, text, payload, language)

    async def repeat(self, conversation_id: str, language: str) -> list[Message]:
        """The question a report is waiting for, asked again (after a language change, or when a caseworker
        handed the conversation back); [] when no report is open."""
        flow = await self.store.flow(conversation_id)
        if flow is None:
            return []
        if flow.mode == FlowMode.CODE:
            return [self._say("report.ask_code", language, "report_code")]
        if flow.mode == FlowMode.ADDING:
            return [self._say("report.ask_addition", language, "report_adding")]
        if flow.paused:  # "Yes, go on" after danger: the question that waited is asked now
            await self.store.set_flow(conversation_id, replace(flow, paused=False))
        report = await self.reports.get(flow.report_id) if flow.report_id is not None else None
        return [self._ask(flow.step or report_flow.ABOUT, report.details if report else {}, language)]

    async def leave(self, conversation_id: str, flow: Flow | None, language: str,
                    queue: bool = True) -> list[Message]:
        """The person went elsewhere (another button, a new report, a caseworker closed the conversation): a
        report with answers is sent, and they get its code; an empty one is dropped, and they are told so."""
        if flow is None:
            return []
        await self.store.set_flow(conversation_id, None)
        if flow.mode != FlowMode.REPORT or flow.report_id is None:  # nothing written, nothing kept
            return []
        report = await self.reports.get(flow.report_id)
        if report is None:
            return []
        if not report.details:
            await self.reports.delete(report.id)
            return [self._say("report.cancelled", language)]
        if queue:
            await self._send(report.id, report.conversation_id, report.details)
        else:
            await self.reports.mark_sent(report.id)
        return [self._received(flow.code or "", report, language, None)]

    async def close(self, conversation_id: str, language: str) -> list[Message]:
        """A caseworker resolved a conversation whose report was still being written: it counts as sent as it
        is (a caseworker has seen it; no queue), and its writer still gets the code."""
        return await self.leave(conversation_id, await self.store.flow(conversation_id), language, queue=False)

    async def send_quiet_reports(self) -> int:
        """Reports whose writer stopped half-way, sent to the queue as they are (the queue sweep calls this)."""
        sent = 0
        for report_id in await self.reports.stale(QUIET_FOR):
            report = await self.reports.get(report_id)
            if report is not None:  # queued as it is, once; it counts as sent only when its writer sends it
                await self.reports.mark_swept(report.id)
                await self._requests.ask(report.conversation_id, report_flow.tier(report.details),
                                         report_flow.kind(report.details))
                sent += 1
        return sent

    # --- the report's questions ----------------------------------------------------------------------

    async def _start(self, conversation_id: str, language: str) -> list[Message]:
        """Asks whom it is about first; the report itself is made only for someone else."""
        await self.store.set_flow(conversation_id, Flow(FlowMode.REPORT, report_flow.ABOUT))
        return [self._say("report.intro", language), self._ask(report_flow.ABOUT, {}, language)]

    async def _about(self, conversation_id: str, text: str | None, payload: str | None,
                     language: str) -> list[Message]:
        """"About me": the help path, and nothing of a report is kept. "About someone else": the report is made,
        the writer is warned not to confront or rescue anyone, and the danger question comes first; typed words
        count when they say which ("someone else", "a friend", "myself"). Anything else (Skip, Send, other
        words) asks again, with the main menu's button as a way out: words typed here may be a person's own
        story, and are not a bystander's answer."""
        prefix = f"report_{report_flow.ABOUT}:"
        choice = payload.removeprefix(prefix) if payload and payload.startswith(prefix) else None
        noticed = None  # a description of other people typed here: what was noticed, given ahead
        if payload is None and text:
            choice, noticed = self._typed_about(text, language)
        if choice == ABOUT_ME:
            await self.store.set_flow(conversation_id, None)
            return [self._say("report.about_me", language, HELP_MENU)]
        if choice != ABOUT_OTHER:  # words: a kind line first, so the same question again does not look deaf
            asked = self._ask(report_flow.ABOUT, {}, language)
            again = replace(asked, buttons=(*asked.buttons, Button(self.texts.text("menu.main", language), MAIN_MENU)))
            return [self._say("report.pick_about", language), again] if payload is None and text else [again]
        report_id, code = await self.reports.create(conversation_id)
        if noticed:  # kept as the answer to "What did you notice?", which is then not asked (report_flow.next_step),
            # nor "Where was it?" when it names a town
            await self.reports.save(report_id, with_town(report_flow.record({}, "noticed", None, noticed), noticed))
        step = report_flow.FIRST_QUESTION
        await self.store.set_flow(conversation_id, Flow(FlowMode.REPORT, step, report_id, code))
        return [self._say("report.bystander", language), self._ask(step, {}, language)]

    def _typed_about(self, text: str, language: str) -> tuple[str | None, str | None]:
        """Words typed at the first question: (the choice they name, a description of others kept as noticed)."""
        choice = (report_flow.typed_choice(report_flow.ABOUT, text, self._titles(report_flow.ABOUT, language))
                  or typed_about(text, language))
        if choice is None and describes_others(text, language):  # "there is a car wash where the workers …"
            return ABOUT_OTHER, text
        return choice, None

    def whom_unanswered(self, conversation: ConversationState, text: str | None, language: str) -> bool:
        """Words typed at the first question ("Is this about you, or about someone else?") that answer it in no
        way: they may ask for something else ("I want to talk to a person", bot/gateway.py)."""
        flow = conversation.flow
        return (flow is not None and flow.mode == FlowMode.REPORT and flow.report_id is None and bool(text)
                and not flow.paused and self._typed_about(text or "", language)[0] is None)

    async def _answer(self, conversation_id: str, flow: Flow, text: str | None, payload: str | None,
                      language: str) -> list[Message]:
        if flow.report_id is None:  # the first question: about the writer, or about someone else
            return await self._about(conversation_id, text, payload, language)
        report = await self.reports.get(flow.report_id)
        if report is None:  # erased meanwhile (retention, or the writer's own Delete in another tab)
            await self.store.set_flow(conversation_id, None)
            return [self._say("report.cancelled", language, "main")]
        step, details = flow.step or report_flow.FIRST_QUESTION, report.details
        if payload == DANGER_NOW and step != "danger":  # an earlier "yes" pressed late still counts, at once
            answered = report_flow.with_danger(details, None)
            await self.reports.save(report.id, answered)
            await self._requests.ask(report.conversation_id, Tier.P1, report_flow.kind(answered))
            await self.store.set_flow(conversation_id, replace(flow, paused=True))
            return [self._say("report.danger", language), self.texts.safety_check(language)]
        if flow.paused:  # the words after "Is it safe for you to write now?", instead of "Yes, go on": they
            # are kept with the answer that made the report urgent (danger now, or else anyone under 18), since
            # the question waiting was not asked yet; it is asked now. A child's report is no "danger now".
            answered = details
            if payload is None and text:
                answered = (report_flow.with_danger(details, text) if report_flow.is_urgent(details, "danger")
                            or not report_flow.is_urgent(details, "minors")
                            else report_flow.record(details, "minors", None, text))
            if answered != details:
                await self.reports.save(report.id, answered)
            await self.store.set_flow(conversation_id, replace(flow, paused=False))
            return [self._ask(step, answered, language)]
        if payload is None and text:  # "Skip", "Send the report now" or "Done" typed: those buttons
            payload = self._typed_step_button(step, text, language)
            text = None if payload else text
        if payload == SEND:
            return await self._finish(report.id, conversation_id, flow, details, language)
        choice = payload.split(":", 1)[1] if payload and payload.startswith(f"report_{step}:") else None
        if payload is not None and payload not in (SKIP, DONE) and not (
                choice and report_flow.is_choice(step, choice, self.texts.menus)):
            return [self._ask(step, details, language)]  # a button of another question: ask this one again
        words = text if payload is None else None
        if words and self._acknowledges_only(step, words, language):  # "ok" at "Is anyone in danger right now?":
            # no answer, nothing kept, and no step further
            return [self._say("report.pick_answer", language), self._ask(step, details, language)]
        if words and step in report_flow.MENUS:
            choice, words = self._typed(step, words, language)
        if step == "danger" and choice is None and words:
            return await self._noticed_at_danger(report.id, conversation_id, flow, details, words, language)
        answered = report_flow.record(details, step, choice, words)
        if step == report_flow.AHEAD:  # a town named: "Where was it?" is answered too
            answered = with_town(answered, words)
        if answered != details:
            await self.reports.save(report.id, answered)
        if report_flow.asks_again(step, details, choice, words):  # kindly, once: "Thank you, I noted that. …"
            asked = self._ask(step, answered, language)
            return [replace(asked, text=self._say("report.minors_noted", language).text)]
        urgent = step in report_flow.URGENT_STEPS and report_flow.is_urgent(answered, step)
        if urgent:
            await self._requests.ask(report.conversation_id, Tier.P1, report_flow.kind(answered))
        if step == "signs" and payload is not None and payload not in (DONE, SKIP):
            # A sign tapped: the same list with its mark toggled, in place of the one tapped (no new message
            # with all the buttons again).
            return [replace(self._ask(step, answered, language), replaces=True)]
        if step == "signs" and payload is None:  # words typed about the signs: noted, and the list again
            return [self._say("report.sign_noted", language, None), self._ask(step, answered, language)]
        following = report_flow.next_step(step, answered)
        if following is None:
            return [*await self._finish(report.id, conversation_id, flow, answered, language)]
        await self.store.set_flow(conversation_id, replace(flow, step=following, paused=urgent))
        if urgent:  # a P1 stops the questions until the writer says it is safe to go on ("safe_yes")
            return [self._say(report_flow.URGENT_STEPS[step], language), self.texts.safety_check(language)]
        return [self._ask(following, answered, language)]

    async def _noticed_at_danger(self, report_id: int, conversation_id: str, flow: Flow, details: report_flow.Details,
                                 words: str, language: str) -> list[Message]:
        """Words typed at "Is anyone in danger right now?" that are no yes, no or don't know, and that the danger
        lexicon did not hear (bot/safety.py answers those first, with 112): not a yes, but what was noticed, given
        ahead ("car wash in odense, workers sleep there"). Found walking the chat: they made the report urgent with
        112, and every later answer landed one question late. The danger question is asked once more, kindly, as
        the under-18 question is: it decides whether 112 comes at once, and a guess ("unknown") would be an answer
        the writer never gave. Words a second time (what was noticed is kept already): the report goes on, the
        danger question unanswered, as when it is skipped, so that nobody is asked the same thing again and again."""
        answered = with_town(report_flow.record(details, "noticed", None, words), words)
        await self.reports.save(report_id, answered)
        if "noticed" not in details:
            asked = self._ask("danger", answered, language)
            return [replace(asked, text=self._say("report.danger_noted", language).text)]
        following = report_flow.next_step("danger", answered)
        if following is None:
            return await self._finish(report_id, conversation_id, flow, answered, language)
        await self.store.set_flow(conversation_id, replace(flow, step=following))
        return [self._ask(following, answered, language)]

    async def danger(self, conversation: ConversationState, words: str | None,
                     language: str) -> list[Message] | None:
        """Danger heard while a report is written or added to (bot/safety.py): the words are kept as the answer
        to the question asked (or as an addition), the report is marked "someone is in danger now" and becomes
        P1, and the questions stop. None when no report is being written or added to."""
        flow = conversation.flow
        if flow is None or flow.mode == FlowMode.CODE or flow.report_id is None:  # no report yet: the usual reply
            return None
        report = await self.reports.get(flow.report_id)
        if report is None:
            return None
        if flow.mode == FlowMode.ADDING:  # the words kept as an addition, the report marked: one P1 request
            kept = (words or "").strip()[:report_flow.MAX_WORDS]
            await self._append(report.id, report.conversation_id, [*filter(None, [kept]), DANGER_HEARD],
                               Tier.P1, report_flow.kind(report.details))
            return [self._say("report.danger", language), self.texts.safety_check(language)]
        step = flow.step or report_flow.FIRST_QUESTION
        if flow.paused or step == "danger" or not words:
            # Typed at the danger question, or after "Is it safe for you to write now?" while the next question
            # waits unseen: the words are kept with the danger answer, beside any said before.
            answered = report_flow.with_danger(report.details, words)
            following = step
            if step == "danger" and words and not flow.paused:  # the danger question answered: the next one
                following = report_flow.next_step(step, answered)
        else:  # typed as the answer to the question shown: kept as its answer; danger is "yes" too
            answered = report_flow.with_danger(report_flow.record(report.details, step, None, words), None)
            if step == report_flow.AHEAD:  # a town named: "Where was it?" is answered too
                answered = with_town(answered, words)
            following = report_flow.next_step(step, answered) if step != "signs" else step
        await self.reports.save(report.id, answered)
        await self._requests.ask(report.conversation_id, Tier.P1, report_flow.kind(answered))
        await self.store.set_flow(conversation.id, replace(flow, step=following or step, paused=True))
        return [self._say("report.danger", language), self.texts.safety_check(language)]

    async def child(self, conversation: ConversationState, words: str | None,
                    language: str) -> list[Message] | None:
        """Someone under 18 heard while a report is written or added to (the danger lexicon's child cue: "en pige
        på 15", "a girl of 15"). The writer tells of someone else, so the age is that person's: the report becomes
        P1 as with "yes" to "Did any of them look younger than 18?", the words are kept (as the answer to the
        question shown, `report_flow.with_child`, or as an addition), and the writer is told so as after that yes
        (`report.minors`, the questions stopping until it is safe to go on; an addition is noted as `_add` notes a
        child told), never given the children's line as if they were the child (found walking the chat). None
        when no report is being written or added to: then the usual reply (bot/safety.py)."""
        flow = conversation.flow
        if flow is None or flow.mode == FlowMode.CODE or flow.report_id is None:
            return None
        report = await self.reports.get(flow.report_id)
        if report is None:
            return None
        if flow.mode == FlowMode.ADDING:
            kept = (words or "").strip()[:report_flow.MAX_WORDS]
            await self._append(report.id, report.conversation_id, [*filter(None, [kept]), CHILD_ADDED],
                               Tier.P1, report_flow.kind(report.details))
            return [self._say("report.added", language, "report_adding")]  # as for a child told there (`_add`)
        waiting = flow.step or report_flow.FIRST_QUESTION
        # After "Is it safe for you to write now?" the question waiting is unseen: the words go with the child.
        at = "minors" if flow.paused else waiting
        answered = report_flow.with_child(report.details, at, words)
        if at == "danger":  # kept as what was noticed: a town named there is where it was
            answered = with_town(answered, words)
        following = waiting  # danger is still to be answered; the signs' list stays open
        if not flow.paused and waiting not in ("danger", "signs"):
            following = report_flow.next_step(waiting, answered) or waiting
        await self.reports.save(report.id, answered)
        await self._requests.ask(report.conversation_id, Tier.P1, report_flow.kind(answered))
        await self.store.set_flow(conversation.id, replace(flow, step=following, paused=True))
        return [self._say("report.minors", language), self.texts.safety_check(language)]

    async def _finish(self, report_id: int, conversation_id: str, flow: Flow,
                      details: report_flow.Details, language: str) -> list[Message]:
        await self.store.set_flow(conversation_id, None)
        if not details:  # "Send" before any answer: there is nothing to send
            await self.reports.delete(report_id)
            return [self._say("report.cancelled", language, "main")]
        await self._send(report_id, conversation_id, details)
        report = await self.reports.get(report_id)
        return [self._received(flow.code or "", report, language, "main")]

    async def _send(self, report_id: int, conversation_id: str, details: report_flow.Details) -> None:
        await self.reports.mark_sent(report_id)
        await self._requests.ask(conversation_id, report_flow.tier(details), report_flow.kind(details))

    def _received(self, code: str, report: StoredReport | None, language: str, menu: str | None) -> Message:
        """What happens next (with the answer about the police, when there is one), then the code and what it is
        (and is not) linked to on this channel: one message, ending with the safety line."""
        parts = [self.texts.text("report.received", language)]
        if report is not None and "police_share" in report.details:
            parts.append(self.texts.text("report.police_answer", language))
        channel = report.channel if report is not None else ""
        told = self._say(CODE_TEXTS.get(channel, CODE_TEXTS["webchat"]), language, menu, {"code": code})
        return Message("\n".join([*parts, told.text]), told.buttons, code=code or None)

    def _typed_step_button(self, step: str, words: str, language: str) -> str | None:
        """The payload of Skip, Send or (at the signs) Done when `words` are its title, in any language, or the
        first word of a title of several in the person's own ("send" for "Send the report now", "trimite").
        Found walking the chat: a reporter who typed "done" at the signs could never send the report (the words
        were kept as signs); a typed "no" there is Done too (it was kept as a sign, and the list came again)."""
        typed = " ".join(words.strip().strip(".!").casefold().split())
        if step == "signs" and typed_answer(words, language) == "no":  # "no", "nej": no signs seen, go on
            return DONE
        wanted = {SKIP, SEND, DONE} if step == "signs" else {SKIP, SEND}
        for code in dict.fromkeys([language, *self.texts.languages]):
            for button in (*self.texts.menu("report_steps", code), *self.texts.menu("report_signs", code)):
                title = button.title.casefold()
                if button.payload in wanted and (typed == title or (
                        code == language and len(title.split()) > 1 and typed == title.split()[0])):
                    return button.payload
        return None

    def _acknowledges_only(self, step: str, words: str, language: str) -> bool:
        """Words that only acknowledge where that answers nothing (report_flow.acknowledges_only); a button's title
        typed is still that button."""
        return (report_flow.acknowledges_only(step, acknowledgement(words, language))
                and report_flow.typed_choice(step, words, self._titles(step, language)) is None)

    def _typed(self, step: str, words: str, language: str) -> tuple[str | None, str | None]:
        """(choice, words kept) for words typed at a question with buttons. A button's title is that button, and
        nothing more. A typed yes, no or don't know, or at the under-18 question an age, is that button's choice,
        with the words kept beside it for the caseworker ("nope", "she looks 15"), and so is one word naming a kind of
        place, a relation or a profession ("massage"); other words are kept alone."""
        titles = self._titles(step, language)
        titled = report_flow.typed_choice(step, words, titles)
        if titled is not None:
            return titled, None
        named = report_flow.typed_word_choice(step, words, titles[0])  # "massage" at the kind of place
        if named is not None:
            return named, words
        ages = ages_in_text(words, young_anywhere=True) if step == "minors" else []
        return report_flow.typed_answer_choice(step, typed_answer(words, language), ages, self.texts.menus), words

    def _titles(self, step: str, language: str) -> list[dict[str, str]]:
        """Each choice of `step` → its title, in the person's language first, then in every other one: "nej" typed
        in an English chat is still "no", not words that make a report urgent."""
        return [{button.payload.split(":", 1)[1]: button.title
                 for button in self.texts.menu(report_flow.MENUS[step], code) if ":" in button.payload}
                for code in dict.fromkeys([language, *self.texts.languages])]

    def _ask(self, step: str, details: report_flow.Details, language: str) -> Message:
        ask = report_flow.question(step, details)
        buttons = self.texts.menu(ask.menu, language) if ask.menu else ()
        if step == "signs":
            chosen = {f"report_signs:{sign}" for sign in report_flow.chosen_signs(details)}
            buttons = tuple(Button(CHOSEN + b.title if b.payload in chosen else b.title, b.payload)
                            for b in buttons)
        if ask.steps_menu:
            buttons = (*buttons, *self.texts.menu("report_steps", language))
        if step != "danger":  # "Someone is in danger now" first under every question (the danger step asks it)
            buttons = (Button(self.texts.text("menu.danger_now", language), DANGER_NOW), *buttons)
        return Message(self.texts.text(ask.key, language), buttons)

    # --- the reference code --------------------------------------------------------------------------

    async def _typed_code(self, conversation_id: str, text: str, payload: str | None, language: str,
                          address_hash: str) -> list[Message] | None:
        """An answer to "Please write your reference code": the code, alone or in words ("my code is K7M2-9XQP"),
        is checked; "I have a code" again asks again; other words leave the question (None: Rasa answers them).
        Found walking the chat: asked for the code after typing "I have a code", "my code is …" went to Rasa."""
        if payload is not None:
            return [self._say("report.ask_code", language, "report_code")]
        code = normalise_code(text) or code_in_text(text)
        if code is not None:
            return await self._check_code(conversation_id, code, language, address_hash)
        if says_has_code(text, language):
            return [self._say("report.ask_code", language, "report_code")]
        await self.store.set_flow(conversation_id, None)
        return None

    async def _check_code(self, conversation_id: str, typed: str, language: str, address_hash: str) -> list[Message]:
        """A valid code opens the report for additions and tells only whether it was read; nothing else."""
        await self.store.set_flow(conversation_id, Flow(FlowMode.CODE))
        code = normalise_code(typed)
        if code is None:  # cannot be a code: not a guess either
            return [self._say("report.code_unknown", language, "report_code")]
        turn = await self.reports.reserve_check(address_hash)
        if isinstance(turn, timedelta):  # not even checked: a right code would teach a guesser as much
            minutes = str(max(1, math.ceil(turn.total_seconds() / 60)))
            return [self._say("report.code_wait", language, "report_code", {"minutes": minutes})]
        report_id = await self.reports.find(code)
        if report_id is None:
            return [self._say("report.code_unknown", language, "report_code")]
        await self.reports.forgive(turn)
        return await self._open(conversation_id, report_id, language)

    async def _ask_code(self, conversation_id: str, language: str) -> list[Message]:
        """"Please write your reference code", and the next message is read as one (the button's answer)."""
        await self.store.set_flow(conversation_id, Flow(FlowMode.CODE))
        return [self._say("report.ask_code", language, "report_code")]

    async def code_in_words(self, conversation_id: str, text: str, language: str,
                            address_hash: str) -> list[Message] | None:
        """A reference code typed in a sentence, outside a report ("my code is K7M2-9XQP, I want to add
        something"): the report opened for additions, as with the button; None when it holds none, or one that
        is no report's (then the words are words, for Rasa; the check counts against guessing all the same).
        Words that say "I have a reference code" without one ("i got a code from you", "am un cod de
        referinta": handover/report_code_words.py) are the button: the code is asked for. Found walking the
        chat: Rasa took them for "I want to report" and a new report started, or, in the screening, for an
        answer about the kind of work."""
        code = code_in_text(text)
        if code is None:
            return await self._ask_code(conversation_id, language) if says_has_code(text, language) else None
        turn = await self.reports.reserve_check(address_hash)
        if isinstance(turn, timedelta):
            return None
        report_id = await self.reports.find(code)
        if report_id is None:
            return None
        await self.reports.forgive(turn)
        return await self._open(conversation_id, report_id, language)

    async def _open(self, conversation_id: str, report_id: int, language: str) -> list[Message]:
        """A report found by its code, open for additions: whether it was read, and what to add."""
        await self.store.set_flow(conversation_id, Flow(FlowMode.ADDING, report_id=report_id))
        status = "report.status_read" if await self.reports.was_read(report_id) else "report.status_received"
        return [self._say(status, language), self._say("report.ask_addition", language, "report_adding")]

    async def _add(self, conversation_id: str, flow: Flow, text: str | None, payload: str | None,
                   language: str) -> list[Message]:
        if payload == DONE:
            await self.store.set_flow(conversation_id, None)
            return [self._say("report.addition_done", language, "main")]
        if payload is not None and payload != DANGER_NOW:
            return [self._say("report.ask_addition", language, "report_adding")]
        report = await self.reports.get(flow.report_id)
        if report is None:  # purged or erased since the code was checked
            await self.store.set_flow(conversation_id, None)
            return [self._say("report.code_unknown", language, "main")]
        words = DANGER_ADDED if payload == DANGER_NOW else (text or "").strip()[:report_flow.MAX_WORDS]
        if not words:
            return [self._say("report.ask_addition", language, "report_adding")]
        # Someone under 18 told of ("a girl maybe 15", "en pige på 15"): P1, as "yes" to the under-18 question is.
        child = payload is None and tells_of_a_child(words)
        tier = Tier.P1 if payload == DANGER_NOW or child else report_flow.tier(report.details)
        await self._append(report.id, report.conversation_id, [words, *([CHILD_ADDED] if child else [])], tier,
                           report_flow.kind(report.details))
        key = "report.danger" if payload == DANGER_NOW else "report.added"
        return [self._say(key, language, "report_adding")]

    async def _append(self, report_id: int, conversation_id: str, additions: list[str], tier: Tier,
                      kind: Kind) -> None:
        """Information added to a sent report: kept, and the report's conversation queued again (once)."""
        for words in additions:
            await self.reports.add(report_id, words)
        await self._requests.ask(conversation_id, tier, kind, reopen=True)
        await self.hub.publish(HubEvent(EventType.CONVERSATION, conversation_id))

    def _say(self, key: str, language: str, menu: str | None = None,
             variables: dict[str, str] | None = None) -> Message:
        return self.texts.reply(key, language, menu, variables)
