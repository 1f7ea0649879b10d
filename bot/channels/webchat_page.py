"""The web chat page's own words in one language, and the phone numbers it turns into `tel:` links.

The page (bot/templates/webchat.html, bot/static/webchat.js) starts in the browser's language; once the
conversation's language is known or changes, the JSON replies carry these words again (bot/channels/webchat.py),
so that the header, the 112 line, the placeholder, `lang` and `dir` follow the language the person writes.

The title (the tab, the browser's history, the first heading) is neutral, "Help and advice": someone else may
check the phone, and its history must not name trafficking or the centre. HAVN_PAGE_TITLE replaces it in every
language.
"""

from __future__ import annotations

import re
from typing import Protocol

from core.messages import Button, Message
from core.vocabulary import Command, Sender

# The page's words: name in the page → text key (content/texts/<lang>.yml).
WORDS = {
    "title": "web.page_title", "input_label": "web.input_label", "send": "web.send", "quick_exit": "web.quick_exit",
    "quick_exit_hint": "web.quick_exit_hint", "delete": "web.delete", "delete_confirm": "web.delete_confirm",
    "deleted": "web.deleted", "error": "web.error", "session_ended": "web.session_ended",
    "safety_line": "safety_line", "not_sent": "web.not_sent", "refresh": "web.refresh",
    "from_centre": "from_centre", "code_label": "web.code_label", "copy": "web.copy", "copied": "web.copied",
    "too_long": "too_long",  # said before sending a text longer than the server takes, as the server would say it
}
# Placeholders the page fills in itself: a caseworker's alias comes with each of their messages.
FILLED_BY_PAGE = {"alias": "{alias}"}
# The danger buttons stand out (red, bold), so that a frightened person finds them; bot/static/webchat.js too.
DANGER_PAYLOADS = frozenset({Command.DANGER.value, "report_danger:yes"})  # the second: bot/reporting.py DANGER_NOW
# Fact values (content/facts.yml) that are phone numbers, shown as links a phone can call.
PHONE_FACTS = ("emergency", "hotline", "police_non_urgent", "suicide_line", "children_line")


class PageTexts(Protocol):
    """What the page needs of core.texts.Texts."""

    values: dict[str, str]

    def text(self, key: str, language: str, variables: dict[str, str] | None = None) -> str: ...

    def menu(self, name: str, language: str) -> tuple[Button, ...]: ...

    def direction(self, language: str) -> str: ...


def phone_numbers(texts: PageTexts) -> dict[str, str]:
    """Each phone number as written ("+45 70 20 25 50") → its link ("tel:+4570202550")."""
    numbers = (texts.values[name] for name in PHONE_FACTS if name in texts.values)
    return {number: "tel:" + re.sub(r"[^\d+]", "", number) for number in numbers}


def words(texts: PageTexts, language: str, title: str | None = None) -> dict[str, str]:
    """The page's words in `language`; `title` (HAVN_PAGE_TITLE), when set, is the title in every language."""
    said = {name: texts.text(key, language, FILLED_BY_PAGE) for name, key in WORDS.items()}
    if title:
        said["title"] = title
    return said


def page_words(texts: PageTexts, language: str, title: str | None = None) -> dict[str, object]:
    """What the page needs to speak `language`: its words, `lang`, `dir` and the phone numbers to link."""
    return {**words(texts, language, title), "language": language, "direction": texts.direction(language),
            "numbers": phone_numbers(texts)}


def number_parts(text: str, numbers: dict[str, str]) -> list[tuple[str, str | None]]:
    """The text cut into plain pieces (link None) and phone numbers (with their tel: link), in order; a number
    counts only when no digit touches it ("112" is not found in "1120"). bot/static/webchat.js does the same."""
    if not numbers:
        return [(text, None)]
    # Longest first, so that a number containing a shorter one is taken whole.
    alternatives = "|".join(re.escape(number) for number in sorted(numbers, key=len, reverse=True))
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in re.finditer(rf"(?<!\d)(?:{alternatives})(?!\d)", text):
        if match.start() > position:
            parts.append((text[position:match.start()], None))
        parts.append((match.group(), numbers[match.group()]))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], None))
    return parts


def shown_buttons(buttons: tuple[Button, ...]) -> list[dict[str, object]]:
    """Buttons as the page's template shows them, the danger ones marked."""
    return [{"title": button.title, "payload": button.payload, "danger": button.payload in DANGER_PAYLOADS}
            for button in buttons]


def bubble(message: Message, label: str | None, with_buttons: bool) -> dict[str, object]:
    """A message as the page without JavaScript shows it: who wrote it (`label`: "Anna · from the centre" for a
    caseworker), its buttons when they still answer, a report's code in a box of its own."""
    return {"sender": str(message.sender), "text": message.text, "label": label, "code": message.code,
            "buttons": shown_buttons(message.buttons) if with_buttons else []}


def in_place(messages: list[Message]) -> list[Message]:
    """The messages in order, each one that `replaces` (the report's sign list, a mark toggled) taking the place
    of the message to the person before it, as the page with JavaScript and Telegram show it."""
    shown: list[Message] = []
    for message in messages:
        if message.replaces and shown and shown[-1].sender != Sender.USER:
            shown[-1] = message
        else:
            shown.append(message)
    return shown
