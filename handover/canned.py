"""Canned responses: ready answers in the person's language, from content/canned/<language>.yml.

The files are the source (translators edit them); at start the app copies them into the `canned_response`
table, which the console reads, so that every app instance offers the same set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.models import CannedResponse
from core.texts import Texts, placeholders
from core.yaml_file import read_yaml


class CannedItem(TypedDict):
    short_code: str
    text: str


def load_canned(content_dir: Path, texts: Texts) -> dict[str, dict[str, str]]:
    """language → {short code: text with the facts filled in}."""
    found: dict[str, dict[str, str]] = {}
    for language in texts.languages:
        data = read_yaml(content_dir / "canned" / f"{language}.yml")
        data.pop("_meta")
        found[language] = {str(code): str(text).format_map(texts.values) for code, text in data.items()}
    return found


def canned_problems(content_dir: Path, texts: Texts) -> list[str]:
    """Missing or extra short codes, changed placeholders, a missing review status; empty when sound."""
    raw = {language: read_yaml(content_dir / "canned" / f"{language}.yml")
           for language in texts.languages}
    reference = raw[texts.default_language]
    found = []
    for language, data in raw.items():
        if data.get("_meta", {}).get("status") not in ("reviewed", "machine-drafted"):
            found.append(f"canned/{language}: _meta.status must be reviewed or machine-drafted")
        for code in sorted(set(reference) ^ set(data)):
            found.append(f"canned/{language}: short code {code!r} is {'missing' if code in reference else 'extra'}")
        for code, text in data.items():
            if code != "_meta" and code in reference and placeholders(str(text)) != placeholders(str(reference[code])):
                found.append(f"canned/{language}: {code!r} has other placeholders than in {texts.default_language}")
    return found


class CannedResponses:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def replace_all(self, canned: dict[str, dict[str, str]]) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(CannedResponse))
            rows = [{"short_code": code, "language": language, "text": text}
                    for language, items in canned.items() for code, text in items.items()]
            if rows:
                await connection.execute(insert(CannedResponse), rows)

    async def for_language(self, language: str) -> list[CannedItem]:
        query = (select(CannedResponse.short_code, CannedResponse.text).where(CannedResponse.language == language)
                 .order_by(CannedResponse.id))
        async with self._engine.connect() as connection:
            return [CannedItem(short_code=row.short_code, text=row.text) for row in await connection.execute(query)]
