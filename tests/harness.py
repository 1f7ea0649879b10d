"""The real Rasa server and action server as child processes: used by the integration tests and bench/."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from bot import services
from core.config import Settings
from tests.conftest import free_port, make_settings

READY_TIMEOUT = 300  # seconds; loading TensorFlow and the model on a busy 2-core machine


class RasaStack:
    def __init__(self, settings: Settings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder
        self.environment = services.process_environment(settings)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        self.processes[name] = services.start(name, self.environment, self.folder / f"{name}.log")

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):  # it exited on its own (a port taken meanwhile, say)
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._rasa_ready() and self._get(f"{self.settings.action_server_url}/health") is not None:
                return
            for name, process in self.processes.items():
                if process.poll() is not None:
                    log = (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")
            time.sleep(1)
        raise TimeoutError(f"Rasa was not ready after {READY_TIMEOUT} s (logs in {self.folder})")

    def _rasa_ready(self) -> bool:
        status = self._get(f"{self.settings.rasa_url}/status?token={self.settings.rasa_token}")
        return bool(status and json.loads(status).get("model_file"))

    @staticmethod
    def _get(url: str) -> bytes | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            return None


def stack_settings(folder: Path) -> Settings:
    return make_settings(folder, HAVN_RASA_URL=f"http://127.0.0.1:{free_port()}",
                         HAVN_ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}")
