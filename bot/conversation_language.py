"""Which language a conversation is answered in: explicit choice > confident detection > Telegram's
language_code > the language used so far (the policy itself: bot/language.py `choose_language`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.language import Detection, LanguageDetector
from bot.language_policy import choose_language
from core.texts import Texts
from core.vocabulary import Command
from handover.store import ConversationState, Store

NO_DETECTION = Detection(None, 0.0)


@dataclass(frozen=True)
class Said:
    """What the person sent, as far as the language is concerned."""

    text: str | None
    payload: str | None
    hint: str | None  # Telegram's language_code


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, texts: Texts, store: Store) -> None:
        self._detector = detector
        self._texts = texts
        self._store = store

    def detect(self, said: Said) -> Detection:
        # With a button, the text is not words in a language (Telegram's "/report K7M2-9XQP").
        return self._detector.detect(said.text) if said.text and not said.payload else NO_DETECTION

    def for_new(self, said: Said, detection: Detection = NO_DETECTION) -> str:
        """The language a new conversation starts in."""
        return self._choose(said, detection, current=None)

    async def for_turn(self, conversation: ConversationState, said: Said, detection: Detection) -> str:
        payload = said.payload or ""
        if payload.startswith(f"{Command.LANGUAGE}:"):
            language = payload.split(":", 1)[1]
            await self._store.set_language(conversation.id, language, chosen=True)
            return language
        typing_a_code = conversation.flow is not None and conversation.flow.mode == "code"  # not words
        if conversation.language_chosen or not said.text or said.payload or typing_a_code:
            return conversation.language
        language = self._choose(said, detection, current=conversation.language)
        if language != conversation.language:
            await self._store.set_language(conversation.id, language, chosen=False)
        return language

    def _choose(self, said: Said, detection: Detection, current: str | None) -> str:
        return choose_language(
            detection=detection, text=said.text or "", current=current, telegram_code=said.hint,
            supported=self._texts.languages, default=self._texts.default_language,
        )
