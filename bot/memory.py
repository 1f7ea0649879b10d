"""Memory the process freed, given back to the system.

Loading lingua's models (bot/language_backends.py) parses their compressed files into tables: the tables stay,
but the buffers they were parsed from are freed into glibc's heap, which keeps them for later and so counts them
in the process's RSS for its whole life (about 50 MB with sixteen languages, bench/memory.py). `malloc_trim`
hands the free pages back. Elsewhere than glibc (musl, macOS) there is no such call and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)


def release_freed() -> bool:
    """True when glibc gave freed memory back (or had none to give); False where there is no malloc_trim."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        log.debug("no malloc_trim here: freed memory stays with the allocator")
        return False
    trim(0)
    return True
