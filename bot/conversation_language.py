"""Which language a conversation is answered in: explicit choice > the text (confirmed, or a guess the next
messages may still correct) > the device's hint > the default (the policy itself: bot/language_policy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.language import Detection, LanguageDetector
from bot.language_policy import LanguageChoice, decide_language
from core.messages import Button, Message
from core.texts import Texts
from core.vocabulary import Command, LanguageGuess, State
from handover.reports import without_codes
from handover.store import ConversationState, Store

NO_DETECTION = Detection(None, 0.0)


@dataclass(frozen=True)
class Said:
    """What the person sent, as far as the language is concerned."""

    text: str | None
    payload: str | None
    hint: str | None  # the device's language: Telegram's language_code, the browser's Accept-Language
    danger_language: str | None = None  # the one language whose danger words the message holds (bot/danger.py)


class LanguageTurn(NamedTuple):
    language: str  # the language of this turn's replies
    row: list[Message]  # when the language is an unsure guess: "is this your language?" with the likely ones


class ConversationLanguage:
    def __init__(self, detector: LanguageDetector, texts: Texts, store: Store) -> None:
        self._detector = detector
        self._texts = texts
        self._store = store

    def detect(self, said: Said) -> Detection:
        # With a button, the text is not words in a language (Telegram's "/report K7M2-9XQP").
        words = _words(said)
        return self._detector.detect(words) if words and not said.payload else NO_DETECTION

    def for_new(self, said: Said, detection: Detection = NO_DETECTION) -> str:
        """The language a new conversation starts in."""
        return self._decide(said, detection, current=None, guess=None).language

    async def for_turn(self, conversation: ConversationState, said: Said, detection: Detection) -> LanguageTurn:
        payload = said.payload or ""
        if payload.startswith(f"{Command.LANGUAGE}:"):
            language = payload.split(":", 1)[1]
            await self._store.set_language(conversation.id, language, chosen=True)
            return LanguageTurn(language, [])
        typing_a_code = conversation.flow is not None and conversation.flow.mode == "code"  # not words
        if conversation.language_chosen or not _words(said) or said.payload or typing_a_code:
            return LanguageTurn(conversation.language, [])
        # A new conversation was stored with for_new's language as a weak guess; this decision says more.
        current = None if conversation.new else conversation.language
        choice = self._decide(said, detection, current, conversation.language_guess)
        if (choice.language, choice.guess) != (conversation.language, conversation.language_guess):
            await self._store.set_language(conversation.id, choice.language, chosen=False, guess=choice.guess)
        # While a caseworker holds the conversation the bot says nothing, this row neither.
        return LanguageTurn(choice.language, self._row(choice) if conversation.state != State.ASSIGNED else [])

    def _decide(self, said: Said, detection: Detection, current: str | None,
                guess: LanguageGuess | None) -> LanguageChoice:
        return decide_language(
            detection=detection, text=_words(said), current=current, guess=guess, hint=said.hint,
            supported=self._texts.languages, default=self._texts.default_language, danger=said.danger_language,
        )

    def _row(self, choice: LanguageChoice) -> list[Message]:
        """Each likely language in its own name, one tap to choose it (the gateway handles "lang:<code>")."""
        if not choice.likely:
            return []
        buttons = tuple(Button(self._texts.own_name(code), Command.choose_language(code)) for code in choice.likely)
        return [Message(self._texts.text("language_guess", choice.language), buttons)]


def _words(said: Said) -> str:
    """The words typed, without anything that looks like a reference code: a code carries no language, and alone
    ("08A7-MVGK", "K7M2-9XQP") the detector read it as Tagalog or French and the page switched to it (walk 3)."""
    return without_codes(said.text or "").strip()
