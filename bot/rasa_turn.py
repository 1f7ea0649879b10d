"""Rasa's boundary: what Rasa answered for one turn, parsed into a typed object before anything acts on it.

Rasa's responses (domain/) and the custom actions (actions/, screening/questionnaire.py `ReplyPayload`) send
custom payloads, never words:
  {"text": "answer.shelter", "menu": "after_answer", "variables": {...}}   a text key to render
  {"handover": {"tier": "P1", "kind": "help"}}                               a person is asked for
  {"screening": {...}}                                                       the screening's result
  {"report": "start"}                                                        the app asks a report's questions
One answer may carry several of these. The gateway renders the texts, then applies the rest in one place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from core.vocabulary import Kind, Tier
from screening.types import ScreeningSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextKey:
    key: str
    menu: str | None = None
    variables: dict[str, str] = field(default_factory=dict)


class HandoverRequest(NamedTuple):
    tier: Tier
    kind: Kind


@dataclass(frozen=True)
class RasaTurn:
    texts: tuple[TextKey | str, ...] = ()  # a str: plain words Rasa sent instead of a key, passed on as they are
    handover: HandoverRequest | None = None  # the most urgent request of the turn
    screening: ScreeningSummary | None = None  # the last result of the turn (it quotes the person: sealed)
    report_start: bool = False

    @property
    def empty(self) -> bool:
        """Every rule answers something: nothing at all means a custom action failed."""
        return not (self.texts or self.handover or self.screening or self.report_start)


def parse_turn(answers: list[dict[str, Any]]) -> RasaTurn:
    texts: list[TextKey | str] = []
    handover: HandoverRequest | None = None
    screening: ScreeningSummary | None = None
    report_start = False
    for answer in answers:
        custom = answer.get("custom") or {}
        if "text" in custom:
            texts.append(TextKey(str(custom["text"]), custom.get("menu"),
                                 {str(k): str(v) for k, v in (custom.get("variables") or {}).items()}))
        elif answer.get("text"):
            log.warning("Rasa sent a plain text instead of a text key; passed on untranslated")
            texts.append(str(answer["text"]))
        if "handover" in custom:
            request = _handover(custom["handover"])
            if handover is None or request.tier < handover.tier:
                handover = HandoverRequest(request.tier, request.kind.at_least(handover.kind) if handover
                                           else request.kind)
        if "screening" in custom:
            screening = custom["screening"]
        if custom.get("report") == "start":
            report_start = True
    return RasaTurn(tuple(texts), handover, screening, report_start)


def _handover(request: dict[str, Any]) -> HandoverRequest:
    """An unknown tier or kind is read as the least urgent, plainest request rather than lost."""
    try:
        tier = Tier(request.get("tier", Tier.P4))
    except ValueError:
        tier = Tier.P4
    try:
        kind = Kind(request.get("kind", Kind.HELP))
    except ValueError:
        kind = Kind.HELP
    return HandoverRequest(tier, kind)
