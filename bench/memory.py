"""Memory of one app instance (`havn app`): its RSS once started and after many web chat turns, and where it goes.

    .venv/bin/python bench/memory.py [--turns 500] [--concurrency 10] [--json FILE] [--no-parts]

1. The app: `havn app` as its own process with the embedded defaults (SQLite in a temporary var folder), a fake
   Rasa (tests/fakes/rasa.py) on its port, no Telegram. RSS when it first answers (the language detector is
   warmed up by then), then after `--turns` web chat messages: sessions of five messages each, in the chat's
   languages (tests/data/chat_messages), `--concurrency` sessions at a time. The app's own /metrics is read too:
   its process_resident_memory_bytes and the turns it counted.
2. The parts, each loaded alone in a fresh interpreter (RSS over a bare one that imported only psutil): the
   imports of the whole app, the texts, the language detector (built and warmed up, then after malloc_trim),
   the danger lexicon and net, the database engine with the migrations run.

Target: ≤ 300 MB per instance (docs/scale.md, "Memory").
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil

# Only the standard library and psutil at the top: a part's interpreter must hold nothing but that part.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CONTENT_DIR = ROOT / "content"
if TYPE_CHECKING:
    import aiohttp

CHAT_MESSAGES = ROOT / "tests" / "data" / "chat_messages"
MESSAGES_PER_SESSION = 5
TARGET_MB = 300.0
PARTS = ("bare", "imports", "texts", "language", "language-trimmed", "danger", "database")
MB = 2**20


# --- the parts, each in a fresh interpreter ------------------------------------------------------------


def load_part(part: str, folder: Path) -> float:
    """Runs inside the subprocess: what `part` holds once the app has loaded it. Returns the RSS (MB) once its
    modules were imported, before its data was loaded."""
    if part == "imports":
        import bot.app  # noqa: F401  everything `havn app` imports, nothing built

        return rss_mb()
    if part == "texts":
        from core.config import load_languages
        from core.texts import Texts

        imported = rss_mb()
        Texts(CONTENT_DIR, *load_languages(CONTENT_DIR))
        return imported
    if part in ("language", "language-trimmed"):
        from bot.language import LanguageDetector
        from bot.memory import release_freed
        from core.config import load_languages

        imported = rss_mb()
        detector = LanguageDetector(load_languages(CONTENT_DIR)[0])
        detector.warm_up()
        for path in sorted(CHAT_MESSAGES.glob("*.txt")):  # every script's models, as the chat will need them
            for line in path.read_text(encoding="utf-8").splitlines():
                detector.detect(line)
        if part == "language-trimmed":
            release_freed()
        return imported
    if part == "danger":
        from bot.danger import DangerLexicon
        from bot.danger_net import DangerNet

        imported = rss_mb()
        DangerLexicon.load(CONTENT_DIR / "danger")
        DangerNet.load(CONTENT_DIR / "danger_net.json")
        return imported
    if part == "database":
        from cryptography.fernet import Fernet

        from core.db import create_engine, migrate_async
        from core.pseudonym import Pseudonymizer

        imported = rss_mb()

        async def open_database() -> None:
            url = f"sqlite+aiosqlite:///{folder / 'havn.db'}"
            await migrate_async(url)
            engine = create_engine(url, Pseudonymizer("bench-key", (Fernet.generate_key().decode(),)))
            async with engine.connect():
                pass

        asyncio.run(open_database())
        return imported
    return rss_mb()  # bare


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / MB


def measure_part(part: str) -> dict[str, float]:
    """{"imported": RSS once its modules are in, "loaded": RSS with its data too}, in MB."""
    with tempfile.TemporaryDirectory(prefix="havn-memory-") as folder:
        command = [sys.executable, str(Path(__file__).resolve()), "--probe", part, "--folder", folder]
        output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.splitlines()[-1])


# --- the app, as its own process -----------------------------------------------------------------------


def chat_lines() -> list[str]:
    """The chat-style messages of every language, interleaved: each session writes in one language."""
    by_language = [path.read_text(encoding="utf-8").splitlines() for path in sorted(CHAT_MESSAGES.glob("*.txt"))]
    return [line for group in itertools.zip_longest(*by_language) for line in group if line]


def spawn_app(folder: Path, rasa_url: str, port: int) -> subprocess.Popen[bytes]:
    from tests.conftest import free_port
    from tests.fakes.rasa import TOKEN as RASA_TOKEN

    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("HAVN_")},
        "HAVN_VAR_DIR": str(folder),
        "HAVN_PORT": str(port),
        "HAVN_RASA_URL": rasa_url,
        "HAVN_RASA_TOKEN": RASA_TOKEN,
        "HAVN_ACTION_SERVER_URL": f"http://127.0.0.1:{free_port()}",
        "HAVN_LIMIT_SESSIONS": "1000000/600",  # every session comes from 127.0.0.1 here
        "HAVN_LIMIT_MESSAGES": "1000000/60",
        "HAVN_LIMIT_HANDOVER_REQUESTS": "1000000/3600",  # the danger words in the chat messages ask for people
        "HAVN_LIMIT_P1_PER_SOURCE": "1000000/3600",
        "HAVN_LOG_LEVEL": "WARNING",
        "HAVN_LOG_FORMAT": "json",
    }
    with open(folder / "app.log", "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "app"], cwd=ROOT, env=environment,
                                stdout=log, stderr=subprocess.STDOUT)


async def wait_started(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> float:
    """Seconds until the app answers at all (it serves only once its start-up, detector included, is done)."""
    import aiohttp

    started = time.perf_counter()
    while process.poll() is None:
        try:
            async with http.get(f"{url}/metrics"):
                return time.perf_counter() - started
        except aiohttp.ClientError:
            await asyncio.sleep(0.2)
    raise RuntimeError("the app stopped while starting; see its app.log")


async def scrape(http: aiohttp.ClientSession, url: str) -> dict[str, float]:
    async with http.get(f"{url}/metrics") as response:
        text = await response.text()
    turns = sum(float(value) for value in re.findall(r'^havn_turns_total\{channel="webchat",[^}]*\} (\S+)$', text,
                                                          flags=re.MULTILINE))
    [rss] = re.findall(r"^process_resident_memory_bytes (\S+)$", text, flags=re.MULTILINE)
    return {"turns": turns, "rss_mb": float(rss) / MB}


async def converse(http: aiohttp.ClientSession, url: str, lines: list[str], sessions: int,
                   concurrency: int) -> Counter[int]:
    """The statuses the turns got: all 200 unless something failed (reported, not hidden)."""
    numbers = iter(range(sessions))
    statuses: Counter[int] = Counter()

    async def worker() -> None:
        for number in numbers:
            async with http.post(f"{url}/api/webchat/sessions") as response:
                token = (await response.json())["session"]
            for turn in range(MESSAGES_PER_SESSION):
                text = lines[(number * MESSAGES_PER_SESSION + turn) % len(lines)]
                async with http.post(f"{url}/api/webchat/messages", json={"text": text},
                                     headers={"X-Havn-Session": token}) as response:
                    statuses[response.status] += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


async def measure_app(turns: int, concurrency: int) -> dict[str, Any]:
    import aiohttp

    from tests.conftest import free_port
    from tests.fakes.rasa import serving

    with tempfile.TemporaryDirectory(prefix="havn-memory-") as name:
        folder = Path(name)
        rasa_url = f"http://127.0.0.1:{free_port()}"
        async with serving(rasa_url, {}), aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{(port := free_port())}"
            process = spawn_app(folder, rasa_url, port)
            try:
                ready_s = await wait_started(http, url, process)
                rss = psutil.Process(process.pid)
                at_start = rss.memory_info().rss / MB
                started = time.perf_counter()
                statuses = await converse(http, url, chat_lines(), max(1, turns // MESSAGES_PER_SESSION),
                                          concurrency)
                took = time.perf_counter() - started
                after = rss.memory_info().rss / MB
                seen = await scrape(http, url)
            finally:
                process.terminate()
                process.wait()
            log = (folder / "app.log").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in log]  # HAVN_LOG_FORMAT=json: one object per line, or this fails
    logged = Counter(f"{record['level']} {record['logger']}" for record in records)
    errors = [record["message"] for record in records if record["level"] == "ERROR"]  # no words, no ids in them
    return {"statuses": {str(status): count for status, count in statuses.items()}, "errors": errors[:3],
            "ready_s": ready_s, "start_mb": at_start, "after_mb": after, "turns": seen["turns"],
            "turns_s": took, "metrics_rss_mb": seen["rss_mb"], "logged": dict(logged)}


def report(app: dict[str, Any] | None, parts: dict[str, dict[str, float]]) -> None:
    if app:
        print(f"havn app (SQLite, fake Rasa, no Telegram), ready in {app['ready_s']:.1f} s")
        print(f"  RSS at start                 {app['start_mb']:7.1f} MB")
        print(f"  RSS after {app['turns']:4.0f} web chat turns {app['after_mb']:7.1f} MB  "
              f"(/metrics says {app['metrics_rss_mb']:.1f} MB; {app['turns_s']:.1f} s)")
        print(f"  target ≤ {TARGET_MB:.0f} MB: {'met' if app['after_mb'] <= TARGET_MB else 'MISSED'}")
        statuses = ", ".join(f"{count} × {status}" for status, count in app["statuses"].items())
        print(f"  turns' HTTP statuses: {statuses}")
        for error in app["errors"]:
            print(f"  app error: {error}")
        print("  logged (WARNING and above): " + (", ".join(f"{count} {what}" for what, count in app["logged"].items())
                                                  or "nothing"))
    if parts:
        bare = parts["bare"]["loaded"]
        print("\nParts, each alone in a fresh interpreter: RSS in MB; its imports and its data over a bare one")
        print(f"  {'part':18} {'RSS':>7} {'imports':>8} {'data':>7}")
        for part, figures in parts.items():
            print(f"  {part:18} {figures['loaded']:7.1f} {figures['imported'] - bare:8.1f} "
                  f"{figures['loaded'] - figures['imported']:7.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--no-parts", action="store_true", help="only the app")
    parser.add_argument("--no-app", action="store_true", help="only the parts")
    parser.add_argument("--probe", choices=PARTS, help=argparse.SUPPRESS)  # internal: one part
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        imported = load_part(args.probe, args.folder)
        print(json.dumps({"imported": imported, "loaded": rss_mb()}))
        return 0
    app = None if args.no_app else asyncio.run(measure_app(args.turns, args.concurrency))
    parts = {} if args.no_parts else {part: measure_part(part) for part in PARTS}
    report(app, parts)
    if args.json:
        Path(args.json).write_text(json.dumps({"app": app, "parts": parts}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
