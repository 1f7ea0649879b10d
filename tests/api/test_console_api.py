"""The handover to a caseworker through the console API, on SQLite and on PostgreSQL, with a fake Rasa.

A person asks for a person in the web chat; caseworkers log in, see the queue, claim, answer, release,
resolve and transfer; the person is told each step in their language; roles are enforced.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.app import ENGINE, GATEWAY, SETTINGS
from handover.console import HANDOVER
from tests.conftest import TEXTS, AppClient, privacy_notice
from tests.console_client import PASSWORD, Console, add_caseworker, conversation_of, login, messages_to_person
from tests.fakes.rasa import FakeRasa, serving

HANDOVER_REPLY = [{"custom": {"text": "handover_requested"}}, {"custom": {"handover": {"tier": "P2", "kind": "help"}}}]
DANGER_REPLY = [{"custom": {"text": "danger"}}, {"custom": {"handover": {"tier": "P1", "kind": "help"}}}]
GREETING = [{"custom": {"text": "greet", "menu": "main"}}]
SCREENING = {"assessment": "trafficking_indicated", "tier": "P2", "dimensions": {"CD": True},
             "indicators": [{"id": "CD-01", "dimension": "CD", "weight": "S"}], "age_band": "adult",
             "answers": {"CD-01": "yes", "EX-01": "no"}, "evidence": {"CD-01": "boss keeps my passport"}}


@pytest.fixture
async def rasa(client: AppClient) -> AsyncIterator[FakeRasa]:
    replies = {"I need a person": HANDOVER_REPLY, "he is coming": DANGER_REPLY, "hello": GREETING,
               "jeg har brug for et menneske": HANDOVER_REPLY}
    async with serving(client.app[SETTINGS].rasa_url, replies) as fake:
        yield fake


async def go_online(client: AppClient, console: Console) -> aiohttp.ClientWebSocketResponse:
    """Presence as a console gives it: a WebSocket that stays open (closed with the test's HTTP session)."""
    return await client.http.ws_connect(client.url("/api/console/ws"),
                                        headers={"Authorization": f"Bearer {console.token}"})


async def ask_for_person(client: AppClient, text: str = "I need a person") -> tuple[str, list[dict[str, Any]]]:
    """A new web chat asks for a person; returns its session and the replies before the privacy notice (and
    before the row of likely languages that follows it when the language is an unsure guess)."""
    session = await client.new_session()
    messages = (await client.say(session, text))["messages"]
    if messages[-1]["text"] in {TEXTS.text("language_guess", code) for code in TEXTS.languages}:
        messages = messages[:-1]
    *replies, notice = messages
    assert notice["text"] in (privacy_notice("en"), privacy_notice("da"))
    return session, replies


async def held_by_anna(client: AppClient) -> tuple[str, str, Console]:
    """A web chat that asked for a person, claimed by the caseworker anna: (session, conversation id, anna)."""
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    return session, conversation_id, anna


async def test_login_wrong_password_is_refused_and_audited(client: AppClient) -> None:
    await add_caseworker(client, "anna")
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "anna", "password": "wrong password!"}) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "Wrong name or password."
    async with client.http.post(client.url("/api/console/login"),
                                json={"username": "nobody", "password": PASSWORD}) as response:
        assert response.status == 401
    supervisor = await login(client, "sofie", "supervisor")
    events = [(event["action"], event["caseworker"], event["detail"])
              for event in (await supervisor.call("GET", "/audit"))["items"]]
    assert events[:3] == [("login", "sofie", None), ("login_failed", None, None), ("login_failed", "anna", None)]


async def test_logout_ends_the_session(client: AppClient) -> None:
    console = await login(client, "anna")
    assert (await console.call("GET", "/me"))["name"] == "anna"
    await console.call("POST", "/logout")
    await console.call("GET", "/me", expect=401)


async def test_nobody_online_the_person_is_told_honestly_with_112_and_a_choice(
        client: AppClient, rasa: FakeRasa) -> None:
    session, replies = await ask_for_person(client)
    # No "I have asked a person to join this chat" first: nobody can come.
    assert [reply["text"].splitlines()[0] for reply in replies] == [
        "Nobody from the centre can answer in this chat right now. Your request stays in the queue."]
    assert "112" in replies[0]["text"] and "+45 70 20 25 50" in replies[0]["text"]
    assert [button["payload"] for button in replies[0]["buttons"]] == ["queue_wait", "queue_message"]
    waiting = (await client.say(session, payload="queue_message"))["messages"]
    assert waiting[0]["text"].startswith("Write your message here.")
    console = await login(client, "anna")
    assert [item["tier"] for item in (await console.call("GET", "/queue"))["items"]] == ["P2"]  # still waiting


async def test_with_a_caseworker_online_the_person_learns_their_place_in_their_language(
        client: AppClient, rasa: FakeRasa) -> None:
    console = await login(client, "anna")
    await go_online(client, console)
    await ask_for_person(client)
    _, replies = await ask_for_person(client, "jeg har brug for et menneske")
    assert replies[-1]["text"].startswith("Du er nummer 2 i køen.")
    # A claim now gives the estimate: later requests hear a rough wait from recent claim times.
    assert (await console.call("POST", "/queue/next"))["conversation_id"]
    _, replies = await ask_for_person(client)
    assert replies[-1]["text"].startswith("You are number 2 in the queue. Lately, people waited about 1 minute.")


async def test_queue_is_most_urgent_first_then_longest_waiting(client: AppClient, rasa: FakeRasa) -> None:
    rasa.replies["p3"] = [{"custom": {"handover": {"tier": "P3"}}}]
    for message in ("p3", "I need a person", "he is coming", "I need a person"):
        await ask_for_person(client, message)
    console = await login(client, "anna")
    items = (await console.call("GET", "/queue"))["items"]
    assert [item["tier"] for item in items] == ["P1", "P2", "P2", "P3"]
    assert items[1]["waiting_seconds"] >= items[2]["waiting_seconds"]
    assert {item["kind"] for item in items} == {"help"} and {item["channel"] for item in items} == {"webchat"}
    assert all(item["alias"].startswith("Visitor ") for item in items)


async def test_one_caseworker_wins_the_claim_and_the_bot_falls_silent(client: AppClient, rasa: FakeRasa) -> None:
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    anna, ben = await login(client, "anna"), await login(client, "ben")
    results = await asyncio.gather(
        anna.client.http.post(client.url(f"/api/console/conversations/{conversation_id}/claim"),
                              headers={"Authorization": f"Bearer {anna.token}"}),
        ben.client.http.post(client.url(f"/api/console/conversations/{conversation_id}/claim"),
                             headers={"Authorization": f"Bearer {ben.token}"}))
    assert sorted(response.status for response in results) == [200, 409]
    for response in results:
        response.release()
    joined = (await messages_to_person(client, session))[-1]
    assert joined["sender"] == "system"
    assert joined["text"] in (f"{alias} from the centre has joined the chat. You can write now.\n"
                              "In danger now? Call 112. Our hotline: +45 70 20 25 50."
                              for alias in ("Anna", "Ben"))  # the alias only
    sent_to_rasa = len(rasa.received)
    assert (await client.say(session, "hello?"))["messages"] == []
    assert len(rasa.received) == sent_to_rasa  # routed by the conversation's state: Rasa is not asked


async def test_while_held_the_person_talks_to_the_caseworker_not_the_bot(client: AppClient, rasa: FakeRasa) -> None:
    session, conversation_id, anna = await held_by_anna(client)
    sent_to_rasa = len(rasa.received)
    assert (await client.say(session, "are you there?"))["messages"] == []
    assert len(rasa.received) == sent_to_rasa  # the bot does not talk over the caseworker
    transcript = (await anna.call("GET", f"/conversations/{conversation_id}"))["messages"]
    assert transcript[-1] == {**transcript[-1], "sender": "user", "text": "are you there?"}
    reply = await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Yes, I am here."},
                            expect=201)
    *earlier, answer = await messages_to_person(client, session)  # read back from the store
    assert answer["text"] == "Yes, I am here." and answer["sender"] == "caseworker"
    assert answer["author"] == "Anna"  # her alias, for the page's "Anna · from the centre"
    assert all(message["author"] is None for message in earlier)  # the bot's and the notices: no author
    later = (await anna.call("GET", f"/conversations/{conversation_id}/messages?after={reply['message']['id']}"))
    assert later["messages"] == [] and later["state"] == "assigned"


async def test_release_gives_the_person_back_to_the_bot(client: AppClient, rasa: FakeRasa) -> None:
    session, conversation_id, anna = await held_by_anna(client)
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Hello, I am Anna."}, expect=201)
    released = await anna.call("POST", f"/conversations/{conversation_id}/release")  # answered: back to the bot
    assert released == {"conversation_id": conversation_id, "state": "bot"}
    assert (await messages_to_person(client, session))[-1]["text"].startswith(
        "The person from the centre has left the chat. I can help you again.")
    assert (await client.say(session, "hello"))["messages"][0]["text"].startswith("Hello.")
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "too late"}, expect=409)


@pytest.mark.parametrize(("text", "tier"), [("he is coming", "P1"), ("I need a person", "P2")])
async def test_a_release_before_any_answer_puts_the_person_back_in_the_queue_at_their_tier(
        client: AppClient, rasa: FakeRasa, text: str, tier: str) -> None:
    """Walk 3: one key press took a P1 that had waited an hour out of the queue and out of every list, and the
    person was told the centre had left. Nobody had written to them: their request for a person is still open."""
    first, _ = await ask_for_person(client, text)
    client.clock.advance(timedelta(minutes=5))
    await ask_for_person(client, text)  # someone who asked later, at the same tier
    conversation_id = await conversation_of(client, first)
    anna, ben = await login(client, "anna"), await login(client, "ben")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    released = await anna.call("POST", f"/conversations/{conversation_id}/release")
    assert released == {"conversation_id": conversation_id, "state": "queued"}
    told = (await messages_to_person(client, first))[-1]["text"]
    assert told == TEXTS.reply("queue.released_waiting", "en").text and "112" in told
    waiting = (await ben.call("GET", "/queue"))["items"]
    assert [item["tier"] for item in waiting] == [tier, tier]
    assert waiting[0]["conversation_id"] == conversation_id  # its place kept: first in line, as before the claim
    assert waiting[0]["waiting_seconds"] >= 300
    assert (await ben.call("POST", "/queue/next"))["conversation_id"] == conversation_id


async def test_a_report_read_by_a_caseworker_goes_back_to_the_bot(client: AppClient, rasa: FakeRasa) -> None:
    """Kept: a report queued for a caseworker to read (nobody asked for a person) is given back to the bot."""
    session = await client.new_session()
    await client.say(session, "hello")
    conversation_id = await conversation_of(client, session)
    await client.app[GATEWAY].store.request_handover(conversation_id, "P3", "report")
    anna = await login(client, "anna")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    assert (await anna.call("POST", f"/conversations/{conversation_id}/release"))["state"] == "bot"
    assert (await anna.call("GET", "/queue"))["items"] == []


async def test_resolve_closes_and_the_next_message_opens_a_new_conversation(client: AppClient, rasa: FakeRasa) -> None:
    session, conversation_id, anna = await held_by_anna(client)
    await anna.call("POST", f"/conversations/{conversation_id}/resolve")
    assert (await messages_to_person(client, session))[-1]["text"].startswith(
        "The person from the centre has closed this conversation.")
    await client.say(session, "hello")
    assert rasa.received[-1]["sender"] != conversation_id
    assert await conversation_of(client, session) != conversation_id
    await anna.call("POST", f"/conversations/{conversation_id}/claim", expect=409)


async def test_transfer_moves_the_conversation_and_the_right_to_answer(client: AppClient, rasa: FakeRasa) -> None:
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    anna, ben = await login(client, "anna"), await login(client, "ben")
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    await ben.call("POST", f"/conversations/{conversation_id}/transfer", {"caseworker_id": anna.account["id"]},
                   expect=409)  # ben does not hold it
    await go_online(client, ben)
    await anna.call("POST", f"/conversations/{conversation_id}/transfer", {"caseworker_id": ben.account["id"]})
    # The person is told who writes now (found walking the console: a new name came with no word).
    assert (await messages_to_person(client, session))[-1]["text"].startswith(
        "Ben from the centre has joined the chat. You can write now.")
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "hi"}, expect=409)
    await ben.call("POST", f"/conversations/{conversation_id}/messages", {"text": "hi"}, expect=201)
    await anna.call("GET", f"/conversations/{conversation_id}", expect=403)  # held by someone else now
    assert (await ben.call("GET", "/queue"))["assigned"][0]["assignee"] == "Ben"


async def test_no_transfer_to_a_caseworker_who_is_away(client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the console: a P1 could be handed to a colleague shown "offline"; it left Waiting and sat with
    someone away. The API refuses, in the caseworker's language, and the conversation stays where it was."""
    session = await client.new_session()
    await client.say(session, "help me he is coming")  # a P1
    conversation_id = await conversation_of(client, session)
    anna, ben = await login(client, "anna"), await login(client, "ben")  # ben logged in, his console is closed
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    refused = await anna.call("POST", f"/conversations/{conversation_id}/transfer",
                              {"caseworker_id": ben.account["id"]}, expect=409)
    assert refused["error"] == ("Ben is not online now: the person would wait with nobody to answer. "
                                "Please choose someone who is online.")
    await anna.call("POST", "/language", {"language": "da"})
    refused = await anna.call("POST", f"/conversations/{conversation_id}/transfer",
                              {"caseworker_id": ben.account["id"]}, expect=409)
    assert refused["error"].startswith("Ben er ikke online nu")
    [held] = (await anna.call("GET", "/queue"))["assigned"]
    assert (held["conversation_id"], held["assignee"]) == (conversation_id, "Anna")
    await go_online(client, ben)  # his console connects: now he may take it
    await anna.call("POST", f"/conversations/{conversation_id}/transfer", {"caseworker_id": ben.account["id"]})
    assert (await ben.call("GET", "/queue"))["assigned"][0]["assignee"] == "Ben"


async def test_a_transfer_by_someone_who_does_not_hold_the_conversation_is_refused_before_presence(
        client: AppClient, rasa: FakeRasa) -> None:
    """Found by a tester: ben, who does not hold anna's conversation, asking to hand it to carl (away) was told
    "Carl is not online now" instead of that he does not hold it. Who may move it is checked first."""
    _, conversation_id, anna = await held_by_anna(client)
    ben, carl = await login(client, "ben"), await login(client, "carl")  # carl's console is closed
    await go_online(client, ben)
    refused = await ben.call("POST", f"/conversations/{conversation_id}/transfer",
                             {"caseworker_id": carl.account["id"]}, expect=409)
    assert refused["error"] == "You do not hold this conversation."
    # To someone online, or back to anna, the answer is the same: it is not ben's to move.
    for target in (ben, anna):
        refused = await ben.call("POST", f"/conversations/{conversation_id}/transfer",
                                 {"caseworker_id": target.account["id"]}, expect=409)
        assert refused["error"] == "You do not hold this conversation."
    # A supervisor may move anyone's conversation, so for her carl's presence is what counts.
    supervisor = await login(client, "sofie", "supervisor")
    refused = await supervisor.call("POST", f"/conversations/{conversation_id}/transfer",
                                    {"caseworker_id": carl.account["id"]}, expect=409)
    assert refused["error"].startswith("Carl is not online now")
    [held] = (await anna.call("GET", "/queue"))["assigned"]
    assert (held["conversation_id"], held["assignee"]) == (conversation_id, "Anna")


def actions_on(conversation_id: str, caseworker_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every console action on one conversation: (method, path, body)."""
    path = f"/conversations/{conversation_id}"
    return [("GET", path, None), ("GET", f"{path}/messages?after=0", None),
            ("GET", f"{path}/messages/1/media", None), ("POST", f"{path}/messages", {"text": "Are you still there?"}),
            ("POST", f"{path}/notes", {"text": "gone?"}),
            ("POST", f"{path}/claim", None), ("POST", f"{path}/transfer", {"caseworker_id": caseworker_id}),
            ("POST", f"{path}/release", None), ("POST", f"{path}/resolve", None)]


async def test_every_action_on_a_conversation_the_person_deleted_says_they_deleted_it(
        client: AppClient, rasa: FakeRasa) -> None:
    """Walk 3 item 17: answering a conversation the person had erased said "Claim the conversation before you
    answer." (409). Every console action on it now says plainly that the person deleted it (410), for its holder
    and a supervisor, in the caseworker's language; an id that never was a conversation is 404."""
    session, conversation_id, anna = await held_by_anna(client)
    ben, sofie = await login(client, "ben"), await login(client, "sofie", "supervisor")
    await go_online(client, ben)
    await client.delete_session(session)  # the web chat's "Delete this conversation"
    for console in (anna, ben, sofie):
        for method, path, body in actions_on(conversation_id, ben.account["id"]):
            answer = await console.call(method, path, body, expect=410)
            assert answer["error"] == "The person deleted this conversation. Nothing of it is kept.", (method, path)
    await anna.call("POST", "/language", {"language": "da"})
    answer = await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "Hej?"}, expect=410)
    assert answer["error"] == "Personen har slettet samtalen. Intet af den er gemt."
    await anna.call("POST", "/language", {"language": "en"})
    for method, path, body in actions_on("never-was-one", ben.account["id"]):
        assert (await anna.call(method, path, body, expect=404))["error"] == "No such conversation.", (method, path)


async def test_roles_caseworkers_cannot_manage_accounts_or_read_the_audit_log(client: AppClient) -> None:
    anna = await login(client, "anna")
    await anna.call("POST", "/caseworkers", {"name": "eve", "password": PASSWORD, "role": "admin"}, expect=403)
    await anna.call("GET", "/audit", expect=403)
    supervisor = await login(client, "sofie", "supervisor")
    await supervisor.call("POST", "/caseworkers", {"name": "eve", "password": PASSWORD, "role": "admin"}, expect=403)
    assert (await supervisor.call("GET", "/audit"))["items"]
    admin = await login(client, "adam", "admin")
    created = await admin.call("POST", "/caseworkers", {"name": "carl", "password": PASSWORD, "role": "caseworker"},
                               expect=201)
    assert created == {**created, "name": "carl", "role": "caseworker"}
    assert (await admin.call("POST", "/caseworkers", {"name": "carl", "password": PASSWORD, "role": "caseworker"},
                             expect=400))["error"] == "a caseworker called 'carl' exists already"
    await admin.call("POST", "/caseworkers", {"name": "dan", "password": "short", "role": "caseworker"}, expect=400)


async def test_a_supervisor_opens_any_conversation_a_caseworker_only_waiting_or_own(
        client: AppClient, rasa: FakeRasa) -> None:
    session = await client.new_session()
    await client.say(session, "hello")  # the bot holds it: nobody asked for a person
    conversation_id = await conversation_of(client, session)
    anna, sofie = await login(client, "anna"), await login(client, "sofie", "supervisor")
    await anna.call("GET", f"/conversations/{conversation_id}", expect=403)
    assert (await sofie.call("GET", f"/conversations/{conversation_id}"))["state"] == "bot"
    await anna.call("GET", "/conversations/does-not-exist", expect=404)
    audit = (await sofie.call("GET", "/audit"))["items"]
    assert audit[0] == {**audit[0], "action": "view", "caseworker": "sofie", "conversation_id": conversation_id}


async def test_the_cookie_needs_the_console_header_for_changes(client: AppClient, rasa: FakeRasa) -> None:
    await add_caseworker(client, "anna")
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    # A browser: it keeps the HttpOnly cookie that login sets (unsafe=True: the app is on an IP address) and,
    # as Chromium does for 127.0.0.1, sends the Secure cookie over plain http to a loopback address.
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[client.url("/")])
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        async with browser.post(client.url("/api/console/login"),
                                json={"username": "anna", "password": PASSWORD}) as response:
            assert response.status == 200
            assert response.cookies["havn_console"]["httponly"] and response.cookies["havn_console"]["samesite"]
        async with browser.get(client.url("/api/console/me")) as response:
            assert response.status == 200
        claim = client.url(f"/api/console/conversations/{conversation_id}/claim")
        async with browser.post(claim) as response:
            assert response.status == 403  # what a page on another site could send
        async with browser.post(claim, headers={"X-Havn-Console": "1"}) as response:
            assert response.status == 200


async def test_screening_result_and_summary_reach_the_console(client: AppClient, rasa: FakeRasa) -> None:
    rasa.replies["my boss keeps my passport"] = [{"custom": {"screening": SCREENING}}, *HANDOVER_REPLY]
    session, _ = await ask_for_person(client, "my boss keeps my passport")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    [item] = (await anna.call("GET", "/queue"))["items"]
    assert item["summary"] == "confiscation of documents · trafficking indicated"  # CD-01 by its name
    assert item["key_words"] == ["boss keeps my passport"]
    conversation = await anna.call("GET", f"/conversations/{conversation_id}")
    assert conversation["screening"]["evidence"] == {"CD-01": "boss keeps my passport"}
    assert conversation["assessment"] == "trafficking_indicated"
    assert conversation["heard_in_chat"] == []


async def test_danger_heard_in_the_chat_reaches_the_console_beside_a_calm_screening(client: AppClient,
                                                                                    rasa: FakeRasa) -> None:
    """Found walking the console: the header said P1 "danger now", the screening panel "Tier P4, Immediate
    danger: no", for the danger was heard by the app's danger words, not by the screening's questions. The API
    says what the chat heard, for the panel to say so."""
    session = await client.new_session()
    await client.say(session, "help me he is coming")
    conversation_id = await conversation_of(client, session)
    await client.app[GATEWAY].store.save_screening(conversation_id, {"tier": "P4", "immediate_danger": False})
    anna = await login(client, "anna")
    conversation = await anna.call("GET", f"/conversations/{conversation_id}")
    assert (conversation["tier"], conversation["screening"]["tier"]) == ("P1", "P4")
    assert conversation["heard_in_chat"] == ["danger"]


async def test_notes_are_private_and_sealed(client: AppClient, rasa: FakeRasa) -> None:
    session, conversation_id, anna = await held_by_anna(client)
    await anna.call("POST", f"/conversations/{conversation_id}/notes", {"text": "Speaks Thai, lives at the clinic"},
                    expect=201)
    await anna.call("POST", f"/conversations/{conversation_id}/notes", {"text": "  "}, expect=400)
    notes = (await anna.call("GET", f"/conversations/{conversation_id}"))["notes"]
    assert [(note["author"], note["text"]) for note in notes] == [("anna", "Speaks Thai, lives at the clinic")]
    assert all("Thai" not in message["text"] for message in await messages_to_person(client, session))
    async with client.app[ENGINE].connect() as connection:
        stored = await connection.scalar(text("SELECT body FROM note"))
    assert "Thai" not in stored


async def test_canned_responses_in_the_persons_language(client: AppClient) -> None:
    anna = await login(client, "anna")
    danish = {item["short_code"]: item["text"] for item in (await anna.call("GET", "/canned?language=da"))["items"]}
    english = {item["short_code"]: item["text"] for item in (await anna.call("GET", "/canned?language=en"))["items"]}
    assert set(danish) == set(english) and danish["safe_now"] != english["safe_now"]
    assert "112" in danish["safe_now"] and "{" not in danish["phone"]


async def test_abandoned_claims_go_back_to_the_queue_and_the_person_is_told(client: AppClient, rasa: FakeRasa) -> None:
    session, conversation_id, anna = await held_by_anna(client)
    handover = client.app[HANDOVER]
    await handover.sweep()
    assert (await anna.call("GET", "/queue"))["assigned"]  # within the grace period nothing happens
    client.clock.advance(timedelta(hours=1))  # claimed an hour ago, and no console of hers is connected
    await handover.sweep()
    queue = await anna.call("GET", "/queue")
    assert queue["assigned"] == [] and [item["conversation_id"] for item in queue["items"]] == [conversation_id]
    assert (await messages_to_person(client, session))[-1]["text"].startswith(
        "The person from the centre lost the connection. You are back in the queue.")


async def test_a_long_wait_is_told_once_with_112_and_the_hotline(client: AppClient, rasa: FakeRasa) -> None:
    anna = await login(client, "anna")
    await go_online(client, anna)
    session, replies = await ask_for_person(client)
    assert replies[-1]["text"].startswith("You are number 1 in the queue.")
    client.clock.advance(timedelta(hours=1))  # queued an hour ago
    await client.app[HANDOVER].sweep()
    await client.app[HANDOVER].sweep()
    told = [m for m in await messages_to_person(client, session) if m["text"].startswith("Nobody from the centre")]
    assert len(told) == 1 and "112" in told[0]["text"]


async def test_live_events_reach_a_connected_console(client: AppClient, rasa: FakeRasa) -> None:
    anna = await login(client, "anna")
    async with client.http.ws_connect(client.url("/api/console/ws"),
                                      headers={"Authorization": f"Bearer {anna.token}"}) as socket:
        await ask_for_person(client, "he is coming")
        events = [await socket.receive_json(timeout=5) for _ in range(2)]
    assert {event["type"] for event in events} == {"queue", "message"}
    [queued] = [event for event in events if event["type"] == "queue"]
    assert queued["tier"] == "P1" and queued["urgent"] is True
    assert all("text" not in event for event in events)


async def test_bad_requests_get_a_clear_message(client: AppClient, rasa: FakeRasa) -> None:
    anna = await login(client, "anna")
    session, _ = await ask_for_person(client)
    conversation_id = await conversation_of(client, session)
    await anna.call("POST", f"/conversations/{conversation_id}/claim")
    assert "text" in (await anna.call("POST", f"/conversations/{conversation_id}/messages", {"txt": "x"},
                                      expect=400))["error"]
    await anna.call("POST", f"/conversations/{conversation_id}/messages", {"text": "x" * 5000}, expect=413)
    await anna.call("POST", f"/conversations/{conversation_id}/transfer", {"caseworker_id": "ben"}, expect=400)
    async with client.http.get(client.url("/api/console/queue")) as response:
        assert response.status == 401


async def test_the_conversation_names_its_language_as_the_queue_does(client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the console: the queue said "Tagalog" (the server's names), the open conversation "Filipino"
    (the browser's); both now come from the server."""
    session = await client.new_session()
    await client.say(session, payload="lang:tl")
    await client.say(session, payload="danger")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    [item] = (await anna.call("GET", "/queue"))["items"]
    details = await anna.call("GET", f"/conversations/{conversation_id}")
    assert details["language_name"] == item["language_name"] == "Tagalog"


async def test_the_persons_button_presses_show_as_the_words_they_saw_never_as_payloads(
        client: AppClient, rasa: FakeRasa) -> None:
    """Found walking the console: each button the person pressed was an empty line in the transcript, so that a
    caseworker could not see "I am in danger now" or "No, I must stop". Each press now shows the button's words in
    the person's language (a start menu's, which no stored message offered, too), and what was typed stays as
    typed; never a payload. The words are sealed with the message."""
    session = await client.new_session()
    await client.say(session, payload="lang:da")  # from the page's start menu
    await client.say(session, payload="danger")
    await client.say(session, payload="safe_no")  # at "Is it safe for you to write now?"
    await client.say(session, "hello")
    conversation_id = await conversation_of(client, session)
    anna = await login(client, "anna")
    messages = (await anna.call("GET", f"/conversations/{conversation_id}"))["messages"]
    own = [(message["text"], message["pressed"]) for message in messages if message["sender"] == "user"]
    assert own == [("", "Dansk"), ("", TEXTS.text("menu.danger", "da")), ("", TEXTS.text("menu.safe_no", "da")),
                   ("hello", None)]
    shown = str([message for message in messages if message["sender"] == "user"])
    assert not any(payload in shown for payload in ("lang:da", "danger", "safe_no"))
    async with client.app[ENGINE].connect() as connection:
        bodies = list(await connection.scalars(text("SELECT body FROM message")))
    assert bodies and not any(TEXTS.text("menu.safe_no", "da") in body for body in bodies)
