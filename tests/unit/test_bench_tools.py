"""The load benches' own parts (bench/): what they check must be able to fail.

The exactly-once check finds a missing and a duplicated row and leaves a transport error's message uncertain; the
scripts use every language of the tests' data and ask for a person; the process finder finds a listening socket.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

from cryptography.fernet import Fernet

from bench import danger, machine, stored
from bench.chat_script import ASK_FOR_PERSON, ASKING_SHARE, Scripts, typed_lines
from bench.stack import BENCH_NETWORK, person_address
from core.db import create_engine, migrate_async
from core.messages import Message
from core.pseudonym import Pseudonymizer
from core.vocabulary import Sender
from handover.store import Store

HASH_KEY = "bench-test-hash-key"


async def test_the_exactly_once_check_counts_rows_per_session(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'havn.db'}"
    await migrate_async(url)
    keys = Pseudonymizer(HASH_KEY, (Fernet.generate_key().decode(),))
    engine = create_engine(url, keys)
    store = Store(engine)
    stored_rows = {"exact": 3, "short": 1, "doubled": 3, "unsure": 2}  # "silent" wrote nothing: no row at all
    for address, rows in stored_rows.items():
        address_hash = keys.address_hash("webchat", address)
        conversation = await store.receive("webchat", address_hash, address, "en", Message("hello"))
        await store.add_messages(conversation.id, Sender.BOT, [Message("a reply")])  # not the person's: not counted
        for _ in range(rows - 1):
            await store.receive("webchat", address_hash, address, "en", Message("more"))
    await engine.dispose()
    sent = {"exact": stored.Sent(3), "short": stored.Sent(2), "doubled": stored.Sent(2),
            "unsure": stored.Sent(1, unknown=1), "silent": stored.Sent(0)}

    result = await stored.check(url, HASH_KEY, sent)

    assert (result.sessions, result.accepted, result.stored) == (5, 8, 9)
    assert (result.exact, result.missing, result.extra, result.uncertain) == (2, 1, 1, 1)
    assert not result.exactly_once
    del sent["short"], sent["doubled"]
    assert (await stored.check(url, HASH_KEY, sent)).exactly_once


def test_the_check_reads_the_url_forms_people_write() -> None:
    assert stored.async_url("postgresql://postgres@127.0.0.1/havn") == "postgresql+asyncpg://postgres@127.0.0.1/havn"
    assert stored.async_url("sqlite:///var/havn.db") == "sqlite+aiosqlite:///var/havn.db"
    assert stored.async_url("postgresql+asyncpg://h/db") == "postgresql+asyncpg://h/db"


def test_scripts_speak_every_language_of_the_data_and_some_ask_for_a_person() -> None:
    scripts = Scripts()
    people = [scripts.for_person(number) for number in range(40)]
    assert {language for language, _ in people} == set(typed_lines()) and len(scripts.languages) >= 16
    asking = [number for number, (_, lines) in enumerate(people)
              if any(line.payload == ASK_FOR_PERSON for line in lines)]
    assert asking == list(range(0, 40, ASKING_SHARE))
    assert all(line.text for _, lines in people for line in lines if line.payload is None)
    assert people == [scripts.for_person(number) for number in range(40)]  # the same on every run


def test_each_person_has_an_address_of_their_own_in_the_benchmark_range() -> None:
    addresses = {person_address(number) for number in range(5000)}
    assert len(addresses) == 5000
    assert all(ipaddress.ip_address(address) in BENCH_NETWORK for address in addresses)


def test_the_listening_process_and_its_memory_are_found() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert os.getpid() in machine.listening_pids(port)
    assert os.getpid() not in machine.listening_pids(port)
    assert (machine.rss_kib(os.getpid()) or 0) > 1000
    assert machine.rss_kib(2**22 + 1) is None  # above the kernel's pid limit: never a process


def test_the_danger_bench_pools_several_sets_language_by_language(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "en.yml").write_text('danger: ["help me now"]\nordinary: ["hello"]\n', encoding="utf-8")
    (second / "en.yml").write_text('danger: ["he is here"]\nself_harm: ["i want to die"]\n', encoding="utf-8")
    (second / "da.yml").write_text('ordinary: ["hej"]\n', encoding="utf-8")
    sets = danger.pooled([first, second])
    assert list(sets) == ["da", "en"]
    assert sets["en"]["danger"] == ["help me now", "he is here"]
    assert sets["en"]["self_harm"] == ["i want to die"] and sets["en"]["ordinary"] == ["hello"]
    assert sets["da"] == {"danger": [], "self_harm": [], "child": [], "ordinary": ["hej"]}
