"""docs/data-protection.md keeps up with the code: every table the app stores is in the record of processing
(GDPR art. 30), and the retention it states is the configured default."""

from __future__ import annotations

import re

from core.config import ROOT, Settings
from core.models import Base

DOC = ROOT / "docs" / "data-protection.md"
PUBLIC = {"canned_response"}  # the centre's ready answers, copied from content/canned/: nobody's data


def record_of_processing() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Record of processing")
    return text[start:text.index("\n## ", start + 1)]


def test_every_table_is_in_the_record_of_processing() -> None:
    record = record_of_processing()
    named = set(re.findall(r"`([a-z_]+)(?:\.[a-z_]+)?`", record))
    missing = sorted(set(Base.metadata.tables) - PUBLIC - named)
    assert missing == [], f"tables not in the record of processing in {DOC.name}"


def test_the_record_states_the_configured_retention() -> None:
    days = Settings.model_fields["retention_days"].default
    assert f"`HAVN_RETENTION_DAYS` (default {days:g}" in record_of_processing()
