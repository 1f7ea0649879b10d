"""When people answer: the chat's staffed hours and the hotline's (content/hours.yml), checked against a moment
and written in the person's language with Babel's CLDR day names and times.

The hours are data the centre confirms (they are marked VERIFY until it does); the bot never says that a person
is coming when nobody can (bot/safety.py) and tells the person when people are back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time

from core.yaml_file import read_yaml

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VARIABLES = frozenset({"chat_hours", "hotline_hours"})  # what the texts may show


@dataclass(frozen=True)
class Schedule:
    days: tuple[int, ...]  # 0 is Monday, as datetime.weekday()
    start: time
    end: time  # not included

    @classmethod
    def parse(cls, data: dict[str, Any], where: str) -> Schedule:
        try:
            days = tuple(sorted(WEEKDAYS.index(str(day)) for day in data["days"]))
            start, end = time.fromisoformat(str(data["from"])), time.fromisoformat(str(data["to"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{where}: needs days ({' '.join(WEEKDAYS)}), from and to (HH:MM)") from error
        if not days or start >= end:
            raise ValueError(f"{where}: needs at least one day and from before to")
        return cls(days, start, end)

    def open_at(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def describe(self, language: str) -> str:
        """"Monday–Friday 9:00 AM–3:00 PM", "mandag–fredag 09.00–15.00": days as runs, times as the locale
        writes them."""
        locale = Locale.parse(language)
        names = locale.days["format"]["wide"]
        runs: list[list[int]] = []
        for day in self.days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        days = ", ".join(names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}" for run in runs)
        start, end = (format_time(moment, "short", locale=locale) for moment in (self.start, self.end))
        return f"{days} {start}–{end}"


@dataclass(frozen=True)
class Hours:
    zone: ZoneInfo
    chat: Schedule
    hotline: Schedule

    @classmethod
    def load(cls, path: Path) -> Hours:
        data = read_yaml(path)
        return cls(ZoneInfo(str(data["timezone"])), Schedule.parse(data["chat"], f"{path.name}: chat"),
                   Schedule.parse(data["hotline"], f"{path.name}: hotline"))

    def chat_staffed_at(self, moment: datetime) -> bool:
        return self.chat.open_at(moment.astimezone(self.zone))

    def variables(self, language: str) -> dict[str, str]:
        return {"chat_hours": self.chat.describe(language), "hotline_hours": self.hotline.describe(language)}
