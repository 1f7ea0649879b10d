"""What /proc (Linux) says about the app processes and the machine: the resident memory of a process, by pid or
as the one listening on a port, and how busy the machine is (figures measured on a busy machine are slower).

Behind HAProxy the port's listener is the proxy, not an app: name the app processes by pid then.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
LISTEN = "0A"  # the TCP state "listening" in /proc/net/tcp


def listening_pids(port: int) -> list[int]:
    """The processes with a socket listening on `port` (IPv4 or IPv6), found through their sockets' inodes."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        path = PROC / "net" / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(str(fd.readlink()) in inodes for fd in (entry / "fd").iterdir()):
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return sorted(pids)


def rss_kib(pid: int) -> int | None:
    """VmRSS of `pid` in KiB; None when the process is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def describe(pid: int) -> str:
    """The process's command line, shortened, to show which process was measured."""
    try:
        words = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return " ".join(word.decode(errors="replace") for word in words if word)[:80]


def busy() -> str:
    """ "load average 1.2 / 0.8 / 0.5 (1, 5, 15 min) on 2 cores" """
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1, 5, 15 min) on {os.cpu_count()} cores"
