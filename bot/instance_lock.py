"""One `havn app` per SQLite database: a second one is refused with a sentence (docs/scale.md "Instances").

SQLite serves one app process: the per-person order, the periodic jobs and the console's live events of several
processes would need Redis and a database server. The first app holds an exclusive flock on a file next to the
database for as long as it runs (the kernel lets go when the process ends, however it ends); a second app finds
it taken and stops before it serves anything. PostgreSQL takes any number of instances: nothing is held.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

SQLITE = "sqlite"


class AlreadyRunning(RuntimeError):
    pass


def sqlite_path(database_url: str) -> Path | None:
    """The SQLite file of `database_url`, or None for another database."""
    if not database_url.startswith(SQLITE):
        return None
    return Path(database_url.split("///", 1)[1])


def hold_database(database_url: str) -> int | None:
    """Hold the SQLite database for this process (the file descriptor of its lock; kept open until the process
    ends); None for PostgreSQL. AlreadyRunning, with a sentence that says what to do, when another app holds it."""
    database = sqlite_path(database_url)
    if database is None:
        return None
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(f"{database}.app-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise AlreadyRunning(
            f"Another havn app is already using the SQLite database {database}; several instances need "
            "PostgreSQL (HAVN_DATABASE_URL) and Redis (HAVN_REDIS_URL); see docs/scale.md.") from None
    return descriptor
