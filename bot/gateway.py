"""The gateway: the one way every message travels, whatever channel it came from.

inbound → pseudonymise the address → store the message → pick the language → route
(bot: Rasa; queued: Rasa keeps helping; assigned: the caseworker, Rasa stays silent)
→ render Rasa's keys into the person's language (a handover request adds the place in the queue)
→ store the replies → tell the consoles → hand the replies to the channel.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from bot.language import Detection, LanguageDetector
from bot.language_policy import choose_language
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.reporting import START as START_REPORT
from bot.reporting import Reporting
from core.messages import MAX_TEXT, Message
from core.models import utcnow
from core.pseudonym import Pseudonymizer
from core.texts import Texts
from core.vocabulary import Command, Sender
from handover.hub import Hub
from handover.queue import URGENT_TIERS
from handover.retention import Retention
from handover.store import ConversationState, Store
from handover.waiting import WaitingRoom

log = logging.getLogger(__name__)

HELP_PAYLOAD = "help"
# Answers to "nobody can answer right now" (handover/waiting.py); the request stays in the queue either way.
QUEUE_PAYLOADS = {"queue_wait": "queue.keep_waiting", "queue_message": "queue.leave_message"}
# Erasure on request (Telegram's /delete): asked, then confirmed or kept; answered without Rasa.
DELETE_ASK, DELETE_CONFIRMED, DELETE_KEPT = "delete", "delete_yes", "delete_no"
NO_DETECTION = Detection(None, 0.0)
Deliver = Callable[[str, list[Message]], Awaitable[None]]
# Payloads a client may send: a bare Rasa intent, a choice from one of our menus ("/inform_age:adult",
# sent to Rasa as the intent with the choice as metadata), or a gateway command. No Rasa entity syntax
# ("/intent{...}"), so that nobody can set slots by crafting a payload.
INTENT_PAYLOAD = re.compile(r"/[a-z][a-z0-9_]{0,60}")


@dataclass(frozen=True)
class Inbound:
    """What a channel adapter hands over: never stored as such, the address is pseudonymised first."""

    channel: str
    address: str  # a Telegram chat id or a web chat session token
    text: str | None = None
    payload: str | None = None
    language_hint: str | None = None  # Telegram's language_code


class InvalidPayload(ValueError):
    pass


class Gateway:
    def __init__(self, store: Store, rasa: RasaClient, texts: Texts, detector: LanguageDetector,
                 pseudonymizer: Pseudonymizer, waiting: WaitingRoom, hub: Hub, retention: Retention,
                 reporting: Reporting) -> None:
        self.store = store
        self.rasa = rasa
        self.texts = texts
        self.detector = detector
        self.pseudonymizer = pseudonymizer
        self.waiting = waiting
        self.hub = hub
        self.retention = retention
        self.reporting = reporting
        self._choices = {item["payload"] for items in texts.menus.values() for item in items
                         if ":" in item["payload"] and item["payload"].startswith("/")}
        self._deliverers: dict[str, Deliver] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._lock_users: dict[str, int] = {}

    def add_deliverer(self, channel: str, deliver: Deliver) -> None:
        """How to reach a person on `channel` outside a reply (the web chat needs none: it fetches)."""
        self._deliverers[channel] = deliver

    async def send_to_person(self, conversation_id: str, sender: str, messages: list[Message]) -> list[Message]:
        """A message not prompted by the person (a caseworker's reply, a queue notice): store, then deliver."""
        stored = await self.store.add_messages(conversation_id, sender, messages)
        channel, address = await self.store.reply_address(conversation_id)
        deliver = self._deliverers.get(channel)
        if deliver is not None:
            await deliver(address, stored)
        return stored

    def is_valid_payload(self, payload: str) -> bool:
        chosen = payload.removeprefix(f"{Command.LANGUAGE}:")
        return (
            payload in (Command.LANGUAGE, HELP_PAYLOAD, DELETE_ASK, DELETE_CONFIRMED, DELETE_KEPT, *QUEUE_PAYLOADS)
            or (payload != chosen and chosen in self.texts.languages)
            or INTENT_PAYLOAD.fullmatch(payload) is not None
            or payload in self._choices
            or payload in self.reporting.commands
        )

    async def handle(self, inbound: Inbound) -> list[Message]:
        """One message from a person; returns the replies to deliver to them (empty when a caseworker holds it)."""
        if inbound.payload is not None and not self.is_valid_payload(inbound.payload):
            raise InvalidPayload("unknown button")
        address_hash = self.pseudonymizer.address_hash(inbound.channel, inbound.address)
        async with self._serialised(address_hash):
            if inbound.payload == DELETE_CONFIRMED:
                return await self._erase(address_hash, inbound)
            # With a button, the text is not words in a language (Telegram's "/report K7M2-9XQP").
            detection = self.detector.detect(inbound.text) if inbound.text and not inbound.payload else NO_DETECTION
            conversation = await self.store.receive(
                inbound.channel, address_hash, inbound.address, self._choose(inbound, detection, current=None),
                Message(inbound.text or "", (), inbound.payload),
            )
            language = await self._language(conversation, inbound, detection)
            replies = await self._route(conversation, inbound, language, address_hash)
            if conversation.new:  # the first answer says what is kept, for how long, who reads it
                replies.append(self.texts.reply(
                    "privacy_notice", language, variables={"retention_days": f"{self.retention.days:g}"}))
            stored = await self.store.add_messages(conversation.id, "bot", replies) if replies else []
            await self.hub.publish({"type": "message", "conversation_id": conversation.id})
            return stored

    async def _route(self, conversation: ConversationState, inbound: Inbound, language: str,
                     address_hash: str) -> list[Message]:
        # Erasure is the person's right whoever holds the conversation.
        if inbound.payload == DELETE_ASK:
            return [self.texts.reply("delete_ask", language, "delete_confirm")]
        if inbound.payload == DELETE_KEPT:
            return [self.texts.reply("delete_kept", language)]
        if conversation.state == "assigned":
            return []  # the caseworker answers; the bot does not talk over them
        if inbound.payload == Command.LANGUAGE:
            return [Message(self.texts.text("language_prompt", language), self.texts.language_menu())]
        if inbound.payload == HELP_PAYLOAD:
            return [self.texts.reply("help", language, "main")]
        if inbound.payload in QUEUE_PAYLOADS:
            return [self.texts.reply(QUEUE_PAYLOADS[inbound.payload], language)]
        if inbound.text is not None and len(inbound.text) > MAX_TEXT:
            return [self.texts.reply("too_long", language)]
        if inbound.payload and inbound.payload.startswith(f"{Command.LANGUAGE}:"):
            confirmation = self.texts.reply("language_set", language)
            if conversation.flow is not None:  # in the middle of a report: the same question, in the new language
                return [confirmation, *await self.reporting.repeat(conversation.id, language)]
            return [confirmation, *await self._ask_rasa(conversation, "/greet", language, address_hash)]
        if inbound.payload is None and not (inbound.text or "").strip():
            return [self.texts.reply("text_only", language)]
        if self.reporting.wants(conversation, inbound.payload) and not (inbound.payload or "").startswith("/"):
            reported = await self.reporting.handle(conversation, inbound.text, inbound.payload, language,
                                                   address_hash)
            if reported is not None:
                return reported
            conversation = replace(conversation, flow=None)  # words, not a code: Rasa answers them
        # Another button during a report: the report is sent as it is (its code first), then the answer.
        left = await self.reporting.leave(conversation.id, conversation.flow, language)
        conversation = replace(conversation, flow=None)
        # Typed text never reaches Rasa as "/intent{...}": that syntax is for our own buttons.
        message = inbound.payload or (inbound.text or "").lstrip("/")
        return [*left, *await self._ask_rasa(conversation, message, language, address_hash)]

    async def _ask_rasa(self, conversation: ConversationState, message: str, language: str,
                        address_hash: str) -> list[Message]:
        metadata = {"language": language}
        if message in self._choices:
            message, metadata["choice"] = message.split(":", 1)
        try:
            answers = await self.rasa.send(conversation.id, message, metadata)
        except RasaUnavailable as error:
            log.warning("Rasa unavailable (%s); the person got the fallback with the hotline", error)
            return [self.texts.reply("rasa_unavailable", language)]
        if not answers:
            # Every rule answers something; silence means a failed custom action. Never leave a person unanswered.
            log.warning("Rasa answered nothing (action server down?); the person got the fallback with the hotline")
            return [self.texts.reply("rasa_unavailable", language)]
        replies: list[Message] = []
        handover_tier = None
        for answer in answers:
            custom: dict[str, Any] = answer.get("custom") or {}
            if "screening" in custom:  # the assessment and the person's own words, for the caseworker
                await self.store.save_screening(conversation.id, custom["screening"])
            if "handover" in custom:
                request = custom["handover"]
                handover_tier = request.get("tier", "P4")
                await self.store.request_handover(conversation.id, handover_tier, request.get("kind", "help"))
            if custom.get("report") == "start":  # "I want to report something": the app asks the questions
                replies.extend(await self.reporting.handle(conversation, None, START_REPORT, language,
                                                           address_hash) or [])
            if "text" in custom:
                replies.append(self.texts.reply(custom["text"], language, custom.get("menu"),
                                                               custom.get("variables")))
            elif answer.get("text"):
                log.warning("Rasa sent a plain text instead of a text key; passed on untranslated")
                replies.append(Message(answer["text"]))
        if handover_tier is not None:
            replies.extend(await self._handover_requested(conversation.id, handover_tier, language))
        return replies

    async def _handover_requested(self, conversation_id: str, tier: str, language: str) -> list[Message]:
        """Tell the consoles (ringing for P1/P2) and the person their place in the queue."""
        await self.hub.publish({"type": "queue", "conversation_id": conversation_id, "tier": tier,
                                "urgent": tier in URGENT_TIERS})
        notice = await self.waiting.notice(conversation_id, language)
        return [notice] if notice else []

    async def erase(self, address_hash: str) -> None:
        """Everything about this person, now, in the app and in Rasa (the web chat's Delete, Telegram's /delete)."""
        if await self.retention.erase_person(address_hash):
            await self.hub.publish({"type": "queue"})  # gone from the queue and from any console

    async def _erase(self, address_hash: str, inbound: Inbound) -> list[Message]:
        """The confirmation is sent but not stored: nothing of the person is left."""
        language = await self.store.language_of(address_hash) or self._choose(inbound, NO_DETECTION, current=None)
        await self.erase(address_hash)
        done = self.texts.reply("delete_done", language)
        return [done.stored(Sender.SYSTEM, 0, utcnow())]

    async def _language(self, conversation: ConversationState, inbound: Inbound, detection: Detection) -> str:
        """Explicit choice > confident detection > Telegram's language_code > the language used so far."""
        payload = inbound.payload or ""
        if payload.startswith(f"{Command.LANGUAGE}:"):
            language = payload.split(":", 1)[1]
            await self.store.set_language(conversation.id, language, chosen=True)
            return language
        typing_a_code = (conversation.flow or {}).get("mode") == "code"  # a code is not words in a language
        if conversation.language_chosen or not inbound.text or inbound.payload or typing_a_code:
            return conversation.language
        language = self._choose(inbound, detection, current=conversation.language)
        if language != conversation.language:
            await self.store.set_language(conversation.id, language, chosen=False)
        return language

    def _choose(self, inbound: Inbound, detection: Detection, current: str | None) -> str:
        return choose_language(
            detection=detection, text=inbound.text or "", current=current,
            telegram_code=inbound.language_hint, supported=self.texts.languages,
            default=self.texts.default_language,
        )

    @asynccontextmanager
    async def _serialised(self, key: str) -> AsyncIterator[None]:
        """One message at a time per person, so that replies keep the order of the questions."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._lock_users[key] = self._lock_users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[key] -= 1
            if not self._lock_users[key]:
                del self._lock_users[key], self._locks[key]
