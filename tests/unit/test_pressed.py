"""The words of a pressed button (bot/pressed.py): the title of the button the person was offered, else the menus'
title in the language they were reading; never the payload. The store is a small fake here;
tests/api/test_console_api.py and tests/api/test_telegram_voices.py go through the app, the database and the
console API."""

from __future__ import annotations

import pytest

from bot.pressed import PressedTitles
from bot.reporting import ASK_CODE, START
from core.vocabulary import Command
from tests.conftest import TEXTS


class FakeStore:
    def __init__(self, offered: dict[str, str], language: str | None) -> None:
        self.offered, self.language = offered, language

    async def offered_title(self, address_hash: str, payload: str, lookback: int) -> str | None:
        return self.offered.get(payload)

    async def language_of(self, address_hash: str) -> str | None:
        return self.language


def titles(offered: dict[str, str] | None = None, language: str | None = None) -> PressedTitles:
    return PressedTitles(FakeStore(offered or {}, language), TEXTS)  # type: ignore[arg-type]


def test_every_payload_the_app_takes_has_words_in_every_language_never_itself() -> None:
    """What the gateway accepts (bot/gateway.py `is_valid_payload`): a menu's button, a command of its own (the web
    chat's Delete link, Telegram's /help), a language, a report's ways in."""
    accepted = (
        {item["payload"] for items in TEXTS.menus.values() for item in items}
        | set(Command)
        | {START, ASK_CODE}
        | {Command.choose_language(code) for code in TEXTS.languages}
    )
    pressed = titles()
    for language in TEXTS.languages:
        for payload in accepted:
            title = pressed.default_title(payload, language)
            assert title and title.strip() and title != payload, (language, payload)


async def test_the_words_offered_are_the_words_shown() -> None:
    """While adding to a report, "Someone is in danger now" (report_danger:yes, "Yes" at the report's question),
    and a sign with its "✓ ", read as offered."""
    danger_now, escorted = TEXTS.text("menu.danger_now", "en"), "✓ " + TEXTS.text("menu.sign_escorted", "en")
    pressed = titles({"report_danger:yes": danger_now, "report_signs:escorted": escorted}, "en")
    assert await pressed.title("hash", "report_danger:yes", "en") == danger_now
    assert pressed.default_title("report_danger:yes", "en") == TEXTS.text("menu.yes", "en")
    assert await pressed.title("hash", "report_signs:escorted", "en") == escorted


@pytest.mark.parametrize(("known", "new", "expected"), [("da", "pl", "da"), (None, "pl", "pl")])
async def test_a_button_no_message_offered_has_the_menus_words_in_the_language_the_person_read(
    known: str | None, new: str, expected: str
) -> None:
    """The web chat's start menu and Telegram's commands: the language of the person's conversation, or, before
    they have one, the language it will start in."""
    pressed = titles(language=known)
    assert await pressed.title("hash", Command.SAFE_STOP, new) == TEXTS.text("menu.safe_no", expected)
    assert await pressed.title("hash", Command.choose_language("ar"), new) == TEXTS.own_name("ar")


async def test_typed_words_pressed_nothing() -> None:
    assert await titles({"danger": "I am in danger now"}).title("hash", None, "en") is None
