"""The words of the button a person pressed, as they saw them, kept with their message for the caseworkers.

A press reaches the app as a payload ("safe_no", "/affirm", "report_signs:escorted"): a code, never shown to a
caseworker. What the person read was the button's title, in their language, sometimes with a mark ("✓ " before
a sign already chosen). That title is the newest button with this payload among the last messages the person
was sent; a press of a button no stored message offered (the web chat's start menu and its Delete link,
Telegram's /start, /help, /delete) gets its title from the menus (content/menus.yml) or the command's own text,
in the language the person was reading. Stored in the message's sealed body, it is encrypted and erased with the
message, as the text is.
"""

from __future__ import annotations

from core.texts import Texts
from core.vocabulary import Command
from handover.store import Store

# How many of the person's latest messages from the bot or a caseworker hold the buttons they may have pressed:
# a turn is a few messages (a reply, the privacy notice, a row of languages); an older keyboard is rarely used.
LOOKBACK = 20
# Gateway commands no menu offers: Telegram's commands and the web chat's Delete link, with the command's text.
COMMAND_TITLES = {Command.HELP: "command.help", Command.DELETE_ASK: "command.delete"}


class PressedTitles:
    def __init__(self, store: Store, texts: Texts) -> None:
        self._store = store
        self._texts = texts
        # The first menu's title for each payload: a payload in several menus may have other words in another
        # ("report_danger:yes"), which only the offered title tells; these are for a button no message offered.
        self._keys: dict[str, str] = dict(COMMAND_TITLES)
        for items in texts.menus.values():
            for item in items:
                self._keys.setdefault(item["payload"], item["title"])

    async def title(self, address_hash: str, payload: str | None, new_language: str) -> str | None:
        """The pressed button's words; None for a message that pressed none. `new_language`: the language of a
        person who has no conversation yet."""
        if payload is None:
            return None
        offered = await self._store.offered_title(address_hash, payload, LOOKBACK)
        if offered is not None:
            return offered
        return self.default_title(payload, await self._store.language_of(address_hash) or new_language)

    def default_title(self, payload: str, language: str) -> str | None:
        """The title the menus give this payload in `language`; a language's own name for its choice; None for a
        payload the app does not offer (the gateway refuses those before anything is stored)."""
        chosen = payload.removeprefix(f"{Command.LANGUAGE}:")
        if chosen != payload and chosen in self._texts.languages:
            return self._texts.own_name(chosen)
        key = self._keys.get(payload)
        return None if key is None else self._texts.text(key, language)
