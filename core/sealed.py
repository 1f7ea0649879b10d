"""Sealed columns: a column type that encrypts on the way into the database and decrypts on the way out.

`Sealed` holds text, `SealedJSON` a JSON value; both are `TEXT` in the schema (a Fernet token), so the
schema is the same as with hand-sealed text. Every statement seals and unseals through them: inserts and
updates (`insert(Note).values(body=…)`, executemany too) and selects of whole rows or single columns, so no
caller handles a token.

The keys are not global: each engine carries its own sealer (`core.db.create_engine(url, sealer)` puts it on
the engine's dialect, which SQLAlchemy hands to the type for every value), so two apps with different keys
can run in one process. An engine without a sealer reads and writes every other column and refuses sealed
ones with a clear error.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from sqlalchemy import Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

_ATTRIBUTE = "havn_sealer"


class Sealer(Protocol):
    """What the columns need of core.pseudonym.Pseudonymizer: MultiFernet's encrypt and decrypt."""

    def seal(self, plain: str) -> str: ...

    def unseal(self, token: str) -> str: ...


def attach_sealer(engine: AsyncEngine | Engine, sealer: Sealer) -> None:
    """Seal and unseal this engine's sealed columns with `sealer` (its first key seals, all unseal)."""
    setattr(engine.dialect, _ATTRIBUTE, sealer)


def sealer_of(dialect: Dialect) -> Sealer:
    sealer: Sealer | None = getattr(dialect, _ATTRIBUTE, None)
    if sealer is None:
        raise RuntimeError("this engine has no sealer for encrypted columns: create it with "
                           "core.db.create_engine(url, sealer)")
    return sealer


class Sealed(TypeDecorator[str]):
    """Text, encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else sealer_of(dialect).seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else sealer_of(dialect).unseal(value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON value (a dict, usually), encrypted at rest. Python's None is SQL NULL, not JSON null."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else sealer_of(dialect).seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(sealer_of(dialect).unseal(value))
