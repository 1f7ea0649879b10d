"""var/ is private: the folder 0700, every file in it 0600.

It holds the app's SQLite database (caseworkers' password hashes, sealed words), Rasa's tracker database, the
generated secrets and the processes' logs: nothing another local user should read. `make_private` sets the
process's umask, so that whatever the app and the processes it starts (Rasa, the action server, supervisord) create
later is private from birth, and fixes what an older version left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def make_private(var_dir: Path) -> None:
    """Set the umask for this process and its children, create `var_dir` 0700 and make what is in it
    private (folders 0700, files 0600); symbolic links are left alone (their targets are not ours)."""
    os.umask(UMASK)
    var_dir.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _chmod(var_dir, FOLDER_MODE)
    for folder, folders, files in os.walk(var_dir):
        for name in folders:
            _chmod(Path(folder, name), FOLDER_MODE)
        for name in files:
            _chmod(Path(folder, name), FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        status = path.lstat()
        if not stat.S_ISLNK(status.st_mode) and stat.S_IMODE(status.st_mode) != mode:
            path.chmod(mode)
    except FileNotFoundError:  # a journal that SQLite removed while we walked
        pass
