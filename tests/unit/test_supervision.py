"""`havn run`'s supervisor (bot/supervision.py) with stand-in programs: the one killed is started again, the others
keep running, and stopping supervisord stops every program (the real processes: tests/integration)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import supervision

SUPERVISORD = Path(sys.executable).parent / "supervisord"
SUPERVISORCTL = Path(sys.executable).parent / "supervisorctl"
# Each stand-in appends its pid to a file named after it, then waits: a restart shows as a second line.
PROGRAMS = {name: f"echo $$ >> $PIDS/{name}; exec sleep 600" for name in ("rasa", "actions", "app")}


def pids(folder: Path, name: str) -> list[int]:
    path = folder / name
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.1)


def running(configuration: Path) -> set[str]:
    status = subprocess.run([SUPERVISORCTL, "--configuration", configuration, "status"], capture_output=True,
                            text=True).stdout
    return {line.split()[0] for line in status.splitlines() if " RUNNING " in f" {line} "}


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    folder = tmp_path / "pids"
    folder.mkdir()
    configuration = supervision.write_config(PROGRAMS, tmp_path, tmp_path)
    process = subprocess.Popen([SUPERVISORD, "--nodaemon", "--configuration", configuration],
                               env={**os.environ, "PIDS": str(folder)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # RUNNING: up for longer than START_SECONDS. A program that dies sooner counts as a failed start, which
        # supervisord retries whatever the restart policy says: only a kill after that tests the policy.
        wait_for(lambda: running(configuration) == set(PROGRAMS), seconds=supervision.START_SECONDS + 20)
        yield process, folder
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_the_configuration_is_private_and_names_every_program_with_a_restart_policy(tmp_path: Path) -> None:
    path = supervision.write_config({"app": "exec .venv/bin/havn app"}, tmp_path, tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    parser = supervision.config({"app": "exec .venv/bin/havn app"}, tmp_path, tmp_path)
    assert parser["program:app"]["autorestart"] == "true"
    assert parser["program:app"]["command"] == "/bin/sh -c 'exec .venv/bin/havn app'"
    assert parser["unix_http_server"]["chmod"] == "0700"


@pytest.mark.parametrize("victim", sorted(PROGRAMS))
def test_a_killed_program_is_started_again_and_the_others_keep_running(
        supervised: tuple[subprocess.Popen[bytes], Path], victim: str) -> None:
    _, folder = supervised
    before = {name: pids(folder, name) for name in PROGRAMS}
    os.kill(before[victim][0], signal.SIGKILL)
    wait_for(lambda: len(pids(folder, victim)) == 2)
    assert alive(pids(folder, victim)[1])
    for name in set(PROGRAMS) - {victim}:
        assert pids(folder, name) == before[name] and alive(before[name][0])


def test_stopping_supervisord_stops_every_program(supervised: tuple[subprocess.Popen[bytes], Path]) -> None:
    process, folder = supervised
    running = [pids(folder, name)[0] for name in PROGRAMS]
    process.send_signal(signal.SIGINT)  # Ctrl-C in the terminal of `make run`
    assert process.wait(timeout=30) == 0
    assert not [pid for pid in running if alive(pid)]
