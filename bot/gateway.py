"""The gateway: the one way every message travels, whatever channel it came from.

inbound → pseudonymise the address → store the message → pick the language → danger? (bot/safety.py, in
every state: 112, P1, the questions stop; a cue of the screening's in the same words is held for it to ask after
"Yes, go on", bot/assistant.py `heard`) → otherwise route (a command the app answers itself, a typed request
to delete the chat among them; a report's questions; otherwise the assistant: Rasa's turn, rendered in the
person's language, its side effects applied; nothing while a caseworker holds the conversation) → a new
conversation's first reply always shows 112 → store the replies → tell the consoles → hand the replies to the
channel.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from bot.assistant import TALK_TO_PERSON, Assistant
from bot.conversation_language import ConversationLanguage, Said
from bot.danger import Cue
from bot.delete_words import asks_to_delete
from bot.last_question import last_asked
from bot.limits import ChannelLimits, Limited
from bot.person_lock import LocalLocks, PersonLock
from bot.pressed import PressedTitles
from bot.queue_words import queue_answer
from bot.reporting import Reporting
from bot.safety import Safety, safety_check_waits
from bot.turn_metrics import measured
from core.messages import MAX_TEXT, Media, Message, well_formed
from core.pseudonym import Pseudonymizer
from core.sources import from_source
from core.texts import Texts
from core.vocabulary import Command, EventType, Sender, State
from handover.hub import Hub, HubEvent
from handover.outbox import Outbox
from handover.outreach_counts import OutreachCounter
from handover.retention import Retention
from handover.store import ConversationState, Store
from screening.typed_answers import typed_answer

# Answers to "nobody can answer right now" (handover/waiting.py); the request stays in the queue either way.
QUEUE_ANSWERS = {Command.QUEUE_WAIT: "queue.keep_waiting", Command.QUEUE_MESSAGE: "queue.leave_message"}
# Typed text that starts like a Rasa command, after any white space ("/restart", " /session_start", "//greet").
TYPED_COMMAND = re.compile(r"^[\s/]+")
# The apostrophe of an English contraction ("don't", "I’m": phones put it in, often curly): Rasa's tokenizer cuts
# "don't" into "don" and "t", and the NLU examples write "dont" nine times in ten. Only before these endings, so
# French "j'ai", "l'homme" and the Ukrainian apostrophe ("м'ясо") stay. Walk 4: "they don't pay me" was not
# understood where "dont" was (measured on the trained model: 188 English examples typed with apostrophes, 180
# read as their intent, 184 with the apostrophe dropped).
CONTRACTION_MARK = re.compile(r"(?<=\w)['’](?=(?:t|m|s|re|ve|ll|d)\b)", re.IGNORECASE)
# The Telegram channel's name (bot/channels/telegram.py imports this module, so it is not imported from there).
TELEGRAM = "telegram"
# The erasure's confirmation ends with how to remove the chat from the device too, in the channel's own terms:
# Telegram's chat menu ("Delete chat"); the web chat has no such menu, so it says what its page's own "Delete this
# conversation" says (close the tab, clear the browser history), whether the link, the Yes button or a typed yes
# started it.
DELETE_DONE = {TELEGRAM: "delete_done"}
WEB_DELETE_DONE = "web.deleted"
# Messages looked back at for "Is it safe to write now?": this one and the bot's last turn (its reply, the request,
# the notice, the question, a row of languages).
SAFETY_CHECK_LOOKBACK = 8


@dataclass(frozen=True)
class Inbound:
    """What a channel adapter hands over: never stored as such, the address is pseudonymised first."""

    channel: str
    address: str  # a Telegram chat id or a web chat session token
    text: str | None = None  # what they typed, or a photo's caption
    payload: str | None = None
    language_hint: str | None = None  # Telegram's language_code
    media: Media | None = None  # a photo, a voice note, a location… (bot/channels/telegram_media.py)
    # Who the limits count it against (core/sources.py): the web chat's client address, as a keyed hash; None
    # for Telegram, which has no address: its chat (the address hash) is the source.
    source: str | None = None
    # The channel edits the pressed message with a reply that takes its place (Message.replaces), instead of
    # sending it: that reply is stored but not queued for delivery.
    edits: bool = False

    def well_formed(self) -> Inbound:
        """The same, with text every later step can take (core/messages.py `well_formed`)."""
        return replace(self, text=well_formed(self.text), language_hint=well_formed(self.language_hint))

    @property
    def said(self) -> Said:
        return Said(self.text, self.payload, self.language_hint)

    @property
    def message(self) -> Message:
        """What is stored: the text or payload; for media its marker ("[photo]"), any caption, and the media."""
        if self.media is None:
            return Message(self.text or "", (), self.payload)
        return Message(" ".join(filter(None, (self.media.marker, (self.text or "").strip()))), media=self.media)


class InvalidPayload(ValueError):
    pass


def _typed_delete(inbound: Inbound) -> Inbound:
    """A typed "delete this chat", "xoa het" or "supprimer" is the Delete button (Telegram's /delete): the same
    question, with Yes and No, in every state; never the erasure itself (bot/delete_words.py)."""
    if inbound.payload is None and inbound.text and asks_to_delete(inbound.text):
        return replace(inbound, payload=Command.DELETE_ASK)
    return inbound


class Gateway:
    def __init__(self, store: Store, pseudonymizer: Pseudonymizer, language: ConversationLanguage,
                 safety: Safety, assistant: Assistant, reporting: Reporting, texts: Texts, retention: Retention,
                 hub: Hub, outbox: Outbox, *, controller: str, limits: ChannelLimits | None = None,
                 outreach: OutreachCounter | None = None, locks: PersonLock | None = None) -> None:
        self.store = store
        self.pressed = PressedTitles(store, texts)  # a button's words, kept with the person's message
        self.outbox = outbox
        self.outreach = outreach  # counts the outreach link a new conversation came through (core/outreach.py)
        self.limits = limits
        self.safety = safety
        self.pseudonymizer = pseudonymizer
        self.language = language
        self.assistant = assistant
        self.reporting = reporting
        self.texts = texts
        self.retention = retention
        self.hub = hub
        self.controller = controller  # who is responsible for the data (HAVN_CONTROLLER_NAME), in the privacy notice
        # One message at a time per person, so that replies keep the order of the questions: on this instance
        # alone (SQLite), or on every instance sharing the database (bot/person_lock.py).
        self.locks = locks or LocalLocks()
        # Payloads a client may send: a button of one of our menus (a Rasa intent such as "/my_rights", a choice
        # "/inform_age:adult", a report's answer), a gateway command, a language. Nothing else reaches Rasa:
        # no "/restart", no "/session_start", no entity syntax ("/intent{...}") that would set slots.
        self._buttons = {item["payload"] for items in texts.menus.values() for item in items}

    def is_valid_payload(self, payload: str) -> bool:
        chosen = payload.removeprefix(f"{Command.LANGUAGE}:")
        return (
            payload in Command.__members__.values()
            or (payload != chosen and chosen in self.texts.languages)
            or payload in self._buttons
            or payload in self.reporting.commands
        )

    @measured({Limited: "limited", InvalidPayload: "invalid"})  # counted and timed at /metrics
    async def handle(self, inbound: Inbound) -> list[Message]:
        """One message from a person; returns the replies to deliver to them (empty when a caseworker holds it)."""
        if inbound.payload is not None and not self.is_valid_payload(inbound.payload):
            raise InvalidPayload("unknown button")
        inbound = inbound.well_formed()  # the detector, the lexicon, sealing and Rasa all need real Unicode
        address_hash = self.pseudonymizer.address_hash(inbound.channel, inbound.address)
        async with self.locks.hold(address_hash), self._within_limits(inbound, address_hash):
            if inbound.payload == Command.DELETE_CONFIRMED:
                return await self._erase(address_hash, inbound)
            cue, listened = self.safety.hear(inbound.text, inbound.payload)
            said = replace(inbound.said, danger_language=self.safety.language_of(inbound.text, cue))
            detection = self.language.detect(said)
            new_language = self.language.for_new(said, detection)
            pressed = await self.pressed.title(address_hash, inbound.payload, new_language)
            conversation = await self.store.receive(
                inbound.channel, address_hash, inbound.address, new_language,
                replace(inbound.message, flagged=listened.heard, pressed=pressed),
            )
            if cue is None:  # its P1 shows on the queue line; its words are the whole message, not kept twice
                cue = self.safety.net_cue(conversation, inbound.text, listened)
            language, language_row = await self.language.for_turn(conversation, said, detection)
            if cue is None:  # danger is heard first: "yes, he is here now" is never an erasure
                inbound = await self._typed_delete_answer(conversation, inbound, language)
                if inbound.payload == Command.DELETE_CONFIRMED:
                    await self._erasure_allowed(inbound, address_hash, language)
                    return await self._erase(address_hash, inbound)
            replies = (await self.safety.respond(conversation, cue, inbound.text, language,
                                                 await safety_check_waits(self.store, conversation.id, language))
                       if cue is not None
                       else await self._route(conversation, inbound, language, address_hash))
            # Self-harm: the screening's flag; danger: a cue told with it, held to ask later (not a report's answer,
            # nor words typed at its questions or for a code: maybe about someone else); a child: the screening's
            # "Under 18", but not in a report, where the age is the other person's (bot/reporting.py `child`).
            if cue is not None and not (cue == Cue.CHILD and conversation.flow is not None):
                self.assistant.heard(conversation.id, cue, language,
                                     inbound.text if conversation.flow is None else None)
            if conversation.new:
                replies = self._first_reply(replies, language, inbound.channel)
            replies.extend(language_row)  # unsure of the language: the likely ones, one tap each
            if not replies:
                await self.hub.publish(HubEvent(EventType.MESSAGE, conversation.id))
                return []
            # Stored and, on a channel that pushes, queued for the delivery worker, which is woken at once.
            return await self.outbox.send(conversation.id, Sender.BOT, replies,
                                          shown_first=inbound.edits and replies[0].replaces)

    async def _route(self, conversation: ConversationState, inbound: Inbound, language: str,
                     address_hash: str) -> list[Message]:
        inbound = await self._typed_safety_answer(conversation, _typed_delete(inbound), language)
        inbound = await self._typed_queue_answer(conversation, inbound)
        answered = self._command(conversation, inbound, language)
        if answered and inbound.payload == Command.QUEUE_WAIT:
            # "I will wait": now the screening's offer, which waited while the queue's question did (one question
            # at a time); nothing after "I will leave a message".
            return [*answered, *await self.assistant.offer_while_waiting(conversation.id, language)]
        if answered is not None:
            return answered
        if inbound.payload == Command.SAFE_GO_ON:  # the question that waited (a report's, or Rasa's screening)
            return (await self.reporting.repeat(conversation.id, language)
                    or await self.assistant.ask(conversation, "/safe_to_write", language, address_hash))
        if inbound.payload and inbound.payload.startswith(f"{Command.LANGUAGE}:"):
            confirmation = self.texts.reply("language_set", language)
            if conversation.flow is not None:  # in the middle of a report: the same question, in the new language
                return [confirmation, *await self.reporting.repeat(conversation.id, language)]
            return [confirmation, *await self.assistant.ask(conversation, "/greet", language, address_hash)]
        if conversation.flow is None and inbound.payload is None and inbound.text:
            opened = await self.reporting.code_in_words(conversation.id, inbound.text, language, address_hash)
            # "my code is K7M2-9XQP": the report, open for additions; "I have a code" (also while Rasa's
            # screening waits for an answer): asked for the code, as the main menu's button does.
            if opened is not None:
                return opened
        if (inbound.payload is None and self.reporting.whom_unanswered(conversation, inbound.text, language)
                and await self.assistant.wants_person(inbound.text or "")):
            # "I want to talk to a person" typed at "Is this about you, or about someone else?" (no report made
            # yet): the report's form is left, and a person asked for as the menu's button does. Found walking the
            # chat: "noriu kalbeti su zmogumi" got "Please tap one of the buttons" again and again.
            await self.reporting.leave(conversation.id, conversation.flow, language)
            return await self.assistant.ask(replace(conversation, flow=None), TALK_TO_PERSON, language, address_hash)
        if self.reporting.wants(conversation, inbound.payload) and not (inbound.payload or "").startswith("/"):
            reported = await self.reporting.handle(conversation, inbound.text, inbound.payload, language,
                                                   address_hash)
            if reported is not None:
                return reported
            conversation = replace(conversation, flow=None)  # words, not a code: Rasa answers them
        # Another button during a report: the report is sent as it is (its code first), then the answer.
        left = await self.reporting.leave(conversation.id, conversation.flow, language)
        conversation = replace(conversation, flow=None)
        # Typed text never reaches Rasa as "/intent" or "/intent{...}" (" /restart", "\n/session_start"): that
        # syntax is for our own buttons. Nor, when the NLU is surer of the rest, with the greetings in front of it
        # ("السلام عليكم، ما يدفعوا لي": walk 3); the message is stored as typed.
        message = inbound.payload or await self._for_rasa(inbound.text or "")
        return [*left, *await self.assistant.ask(conversation, message, language, address_hash)]

    async def _for_rasa(self, text: str) -> str:
        """Typed text as it goes to Rasa's turn (and its tracker): without a command's slash, without the apostrophe
        of an English contraction (CONTRACTION_MARK), and without its leading greetings (bot/danger.py,
        short_words.yml) when the NLU is surer of what follows them (bot/assistant.py `without_greetings`); a
        greeting alone ("hello") goes as it is."""
        typed = CONTRACTION_MARK.sub("", TYPED_COMMAND.sub("", text))
        rest = TYPED_COMMAND.sub("", self.safety.lexicon.without_greetings(typed))
        return await self.assistant.without_greetings(typed, rest)

    async def _typed_safety_answer(self, conversation: ConversationState, inbound: Inbound,
                                   language: str) -> Inbound:
        """A typed "no", "nej", "nu" or "yes" to "Is it safe for you to write now?" is that button: a person who
        must stop gets the discreet goodbye, not "I did not understand" (the report's questions too)."""
        if inbound.payload is not None or not inbound.text:
            return inbound
        answer = typed_answer(inbound.text, language)
        if answer not in ("yes", "no") or not await self._asked_if_safe(conversation.id):
            return inbound
        return replace(inbound, payload=Command.SAFE_GO_ON if answer == "yes" else Command.SAFE_STOP)

    async def _typed_delete_answer(self, conversation: ConversationState, inbound: Inbound,
                                   language: str) -> Inbound:
        """A typed "yes", "ja", "ใช่" or "no" right after "Delete everything?" is that question's Yes or No button,
        in every state (screening/typed_answers.py reads it); anything else goes its way and the question is
        dropped."""
        if inbound.payload is not None or not inbound.text:
            return inbound
        # A yes erases for good: only a whole "yes" ("yes he took my passport" is no yes to this); a no keeps.
        answer = typed_answer(inbound.text, language)
        if answer == "yes":
            answer = typed_answer(inbound.text, language, whole=True)
        if answer not in ("yes", "no") or not await self._asked_to_delete(conversation.id):
            return inbound
        return replace(inbound, payload=Command.DELETE_CONFIRMED if answer == "yes" else Command.DELETE_KEPT)

    async def _asked_to_delete(self, conversation_id: str) -> bool:
        """Whether "Delete everything?" was the last thing said before this message of the person's: only the
        bot's messages since, and none of them another question (the privacy notice or the row of languages of
        the same reply may follow it; a caseworker's "are you safe?" or the queue's question may not)."""
        latest = await self.store.latest(conversation_id, SAFETY_CHECK_LOOKBACK)
        asked = last_asked(latest[1:], Command.DELETE_CONFIRMED)  # [0]: this message
        return asked.question is not None and asked.question.sender == Sender.BOT and all(
            message.sender == Sender.BOT
            and all(button.payload.startswith(f"{Command.LANGUAGE}:") for button in message.buttons)
            for message in asked.since)

    async def _asked_if_safe(self, conversation_id: str) -> bool:
        """Whether the bot's last turn (its messages before this one of the person's) asked if it is safe."""
        latest = await self.store.latest(conversation_id, SAFETY_CHECK_LOOKBACK)
        return last_asked(latest[1:], Command.SAFE_GO_ON).awaits_reply  # [0]: this message

    def _first_reply(self, replies: list[Message], language: str, channel: str) -> list[Message]:
        """However a conversation starts (a greeting, a button, a deep link, again after /delete or a resolve),
        its first reply ends with what is kept, for how long and who reads it, who is responsible for it and
        where to complain (on Telegram also that Telegram sees the chat), and shows 112 and the hotline: the
        safety line goes under that notice when nothing before it named 112."""
        notice = self.texts.reply("privacy_notice", language, variables={"retention_days": f"{self.retention.days:g}"})
        parts = [notice.text, self.texts.text("privacy_notice.responsible", language, {"controller": self.controller})]
        if channel == TELEGRAM:
            parts.append(self.texts.text("privacy_notice.telegram", language))
        notice = Message("\n".join(parts), notice.buttons)
        if not any(self.texts.values["emergency"] in reply.text for reply in replies):
            notice = Message(f"{notice.text}\n{self.texts.text('safety_line', language)}", notice.buttons)
        return [*replies, notice]

    def _command(self, conversation: ConversationState, inbound: Inbound, language: str) -> list[Message] | None:
        """What the app answers itself, without Rasa; None when the message is not one of these."""
        # Erasure is the person's right whoever holds the conversation.
        if inbound.payload == Command.DELETE_ASK:
            return [self.texts.reply("delete_ask", language, "delete_confirm")]
        if inbound.payload == Command.DELETE_KEPT:
            return [self.texts.reply("delete_kept", language)]
        if conversation.state == State.ASSIGNED:
            return []  # the caseworker answers; the bot does not talk over them
        if inbound.payload == Command.SAFE_STOP:  # a short, discreet goodbye; the request stays in the queue
            return [self.texts.reply("safety.stop", language)]
        if inbound.payload == Command.LANGUAGE:
            return [Message(self.texts.text("language_prompt", language), self.texts.language_menu())]
        if inbound.payload == Command.HELP:
            return [self.texts.reply("help", language, "main")]
        if inbound.payload in QUEUE_ANSWERS:
            return [self.texts.reply(QUEUE_ANSWERS[Command(inbound.payload)], language)]
        if inbound.text is not None and len(inbound.text) > MAX_TEXT:
            return [self.texts.reply("too_long", language)]
        if inbound.media is not None and not (inbound.text or "").strip():  # a caption is answered as text
            return [self.texts.reply("media_received" if inbound.media.kind.kept else "media_not_kept", language)]
        if inbound.payload is None and not (inbound.text or "").strip():
            return [self.texts.reply("text_only", language)]
        return None

    async def _typed_queue_answer(self, conversation: ConversationState, inbound: Inbound) -> Inbound:
        """A typed "I will wait", "jeg venter", "voi aștepta" or "ฉันจะรอ" (or "I will leave a message") right after
        "Nobody from the centre can answer right now… keep waiting, or leave a message?" is that button, the
        screening's offer after "I will wait" included (bot/queue_words.py). Found walking the chat: typed, it went
        to Rasa, and the offer never came."""
        if inbound.payload is not None or not inbound.text:
            return inbound
        answer = queue_answer(inbound.text)
        if answer is None:
            return inbound
        latest = await self.store.latest(conversation.id, SAFETY_CHECK_LOOKBACK)
        if not last_asked(latest[1:], Command.QUEUE_WAIT).awaits_reply:  # [0]: this message
            return inbound
        return replace(inbound, payload=answer)

    async def erase(self, address_hash: str) -> None:
        """Everything about this person, now, in the app and in Rasa (the web chat's Delete, Telegram's /delete)."""
        if await self.retention.erase_person(address_hash):
            await self.hub.publish(HubEvent(EventType.QUEUE))  # gone from the queue and from any console

    async def _erase(self, address_hash: str, inbound: Inbound) -> list[Message]:
        """The confirmation is sent but not stored: nothing of the person is left. It fits the channel (DELETE_DONE)."""
        language = await self.store.language_of(address_hash) or self.language.for_new(inbound.said)
        await self.erase(address_hash)
        done = replace(self.texts.reply(DELETE_DONE.get(inbound.channel, WEB_DELETE_DONE), language), erased=True)
        return [done.stored(Sender.SYSTEM, 0, self.store.clock.now())]

    @asynccontextmanager
    async def _within_limits(self, inbound: Inbound, address_hash: str) -> AsyncIterator[None]:
        """Limited (bot/limits.py) when this message is over a limit: the person is told so, with 112. Within,
        the handover's limits (P1s, requests for a person) count by the message's source too. Checked once the
        person's lock is held: nothing may be awaited before it, or two messages of one person could swap."""
        source = inbound.source or address_hash
        if self.limits is not None:
            verdict, key = await self.limits.message(inbound.channel, source, inbound.payload)
            if not verdict.allowed:
                language = await self.store.language_of(address_hash) or self.language.for_new(inbound.said)
                raise Limited([self.limits.reply(key, language, self.store.clock.now())], verdict)
        with from_source(source):
            yield

    async def _erasure_allowed(self, inbound: Inbound, address_hash: str, language: str) -> None:
        """A typed "yes" to "Delete everything?" counts as an erasure, as the Yes button does (bot/limits.py): over
        that limit, Limited."""
        if self.limits is not None:
            verdict = await self.limits.erasure(inbound.source or address_hash)
            if not verdict.allowed:
                raise Limited([self.limits.reply("limited.delete", language, self.store.clock.now())], verdict)
