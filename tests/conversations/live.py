"""The conversation tests, second half: the same test stories replayed against the real Rasa server and the real
action server, which this starts on free loopback ports and stops at the end.

`rasa test core --e2e` (the first half, run by `make test-conversations` just before this) checks what Rasa
*predicts*: the intent of every typed line and each next action. Rasa 3.6 never runs an action there (it loads
the model without endpoints and compares predictions only), so a custom action that breaks on the action server
would still pass. Here each story is sent turn by turn through Rasa's REST channel; for every turn the tracker
must show the story's intent and actions, and each custom action must have sent what the story's
`metadata: replies` says. When the action server fails, Rasa logs the error, keeps the conversation going and
drops the action's events: the replies are then missing and the story fails.

Run: .venv/bin/python -m tests.conversations.live --results results/conversations
(`--results` first checks what `rasa test core` wrote there: every story ran and none failed.)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.config import ROOT

STORIES_DIR = Path(__file__).parent
ACTION_FAILED = "Encountered an exception while running action"  # Rasa's log line when a custom action fails


@dataclass
class Turn:
    text: str | None  # None: an intent only (a button), sent as "/intent"
    intent: str
    actions: list[str] = field(default_factory=list)


@dataclass
class Story:
    name: str
    source: str
    turns: list[Turn]
    replies: list[list[str]]  # one per custom action step, in order

    def custom_steps(self, customs: set[str]) -> int:
        return sum(action in customs for turn in self.turns for action in turn.actions)


def custom_actions() -> set[str]:
    """The actions the action server runs: those the domain lists (responses are utter_*, Rasa's own are not
    listed)."""
    names: set[str] = set()
    for path in sorted((ROOT / "domain").glob("*.yml")):
        names.update(yaml.safe_load(path.read_text("utf-8")).get("actions") or [])
    return names


def load_stories(folder: Path = STORIES_DIR) -> list[Story]:
    stories = []
    for path in sorted(folder.glob("test_*.yml")):
        for item in yaml.safe_load(path.read_text("utf-8")).get("stories") or []:
            turns: list[Turn] = []
            for step in item["steps"]:
                if "intent" in step:
                    text = step.get("user")
                    turns.append(Turn(text.strip() if text else None, step["intent"]))
                elif "action" in step and turns:
                    turns[-1].actions.append(step["action"])
                else:
                    raise ValueError(f"{path.name}: {item['story']!r}: only user/intent and action steps are "
                                     f"replayed, not {step}")
            replies = (item.get("metadata") or {}).get("replies") or []
            stories.append(Story(item["story"], path.name, turns, [list(r) for r in replies]))
    return stories


def check_rasa_results(results: Path, stories: list[Story]) -> list[str]:
    """What `rasa test core` wrote: every story evaluated (a misnamed file is silently skipped) and none failed."""
    report = json.loads((results / "story_report.json").read_text("utf-8"))
    counts = report.get("conversation_accuracy") or {"correct": 0, "total": 0}
    problems = []
    if counts["total"] != len(stories):
        problems.append(f"rasa test core evaluated {counts['total']} stories, tests/conversations has "
                        f"{len(stories)}")
    failed = (results / "failed_test_stories.yml").read_text("utf-8")
    if counts["correct"] != counts["total"] or not failed.startswith("# None of the test stories failed"):
        problems.append(f"rasa test core: {counts['total'] - counts['correct']} of {counts['total']} stories "
                        f"failed (each wrong prediction is marked '# predicted: ...'):\n{failed}")
    return problems


def render(payload: dict[str, Any]) -> str | None:
    """A custom payload as the stories write it: its text key, and `handover:<tier>` for a request for a person;
    None for the screening summary sent to the app alone."""
    parts = [str(payload["text"])] if payload.get("text") else []
    if payload.get("handover"):
        parts.append(f"handover:{payload['handover']['tier']}")
    return " ".join(parts) or None


class Rasa:
    """Rasa's HTTP API on 127.0.0.1, straight (never through a proxy from the environment)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, path: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        with self.opener.open(request, timeout=60) as response:
            return json.loads(response.read())

    def say(self, sender: str, message: str) -> None:
        # Rasa's webhooks need the token too (rasa_plugins/rasa_server.py), as the app sends it.
        self._call("/webhooks/rest/webhook", {"sender": sender, "message": message},
                   headers={"Authorization": f"Bearer {self.token}"})

    def events(self, sender: str) -> list[dict[str, Any]]:
        return self._call(f"/conversations/{sender}/tracker?token={self.token}")["events"]


def replay(rasa: Rasa, story: Story, customs: set[str]) -> list[str]:
    """Send the story turn by turn; what differs from it, as sentences (empty: it passed)."""
    sender = f"conversation-test-{uuid.uuid4().hex}"
    expected_replies = list(story.replies)
    problems: list[str] = []
    seen = 0
    for number, turn in enumerate(story.turns, 1):
        rasa.say(sender, turn.text if turn.text is not None else f"/{turn.intent}")
        events = rasa.events(sender)
        new, seen = events[seen:], len(events)
        where = f"turn {number} ({turn.text!r})" if turn.text else f"turn {number} (/{turn.intent})"
        users = [e for e in new if e["event"] == "user"]
        intent = users[-1]["parse_data"]["intent"]["name"] if users else None
        if intent != turn.intent:
            problems.append(f"{where}: intent {intent}, the story says {turn.intent}")
        ran: list[tuple[str, list[str]]] = []  # each action run this turn, with what it sent
        for event in new[new.index(users[-1]) + 1 if users else 0:]:
            if event["event"] == "action" and event["name"] != "action_listen":
                ran.append((event["name"], []))
            elif event["event"] == "bot" and ran:
                shown = render((event.get("data") or {}).get("custom") or {})
                if shown:
                    ran[-1][1].append(shown)
        if [name for name, _ in ran] != turn.actions:
            problems.append(f"{where}: actions {[name for name, _ in ran]}, the story says {turn.actions}")
            return problems  # the rest of the story would follow another path
        for name, sent in ran:
            if name in customs:
                wanted = expected_replies.pop(0)
                if sent != wanted:
                    problems.append(f"{where}: {name} sent {sent}, the story says {wanted}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, help="the folder `rasa test core --out` wrote; checked first")
    args = parser.parse_args()
    stories = load_stories()
    if not stories:
        print("tests/conversations: no test stories found: failing on purpose")
        return 1
    customs = custom_actions()
    unmatched = [f"{story.source}: {story.name!r} has {story.custom_steps(customs)} custom action steps and "
                 f"{len(story.replies)} lists under metadata: replies"
                 for story in stories if story.custom_steps(customs) != len(story.replies)]
    if unmatched:
        print("\n".join(unmatched))
        return 1
    if args.results:
        problems = check_rasa_results(args.results, stories)
        if problems:
            print("\n".join(problems))
            return 1
        print(f"rasa test core: all {len(stories)} stories passed (NLU intents and predicted actions)")

    # Imported here: the harness pulls in the app's test helpers, not needed for the check above.
    from tests.harness import RasaStack, stack_settings

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="havn-conversations-") as temporary:
        folder = Path(temporary)
        stack = RasaStack(stack_settings(folder), folder)
        failures: dict[str, list[str]] = {}
        try:
            stack.start("actions")
            stack.start("rasa")
            stack.wait_ready()
            ready = time.monotonic() - started
            rasa = Rasa(stack.settings.rasa_url, stack.settings.rasa_token)
            for story in stories:
                problems = replay(rasa, story, customs)
                if problems:
                    failures[f"{story.source}: {story.name}"] = problems
        finally:
            stack.stop_all()
        log = (folder / "rasa.log").read_text(errors="replace")
    for name, problems in failures.items():
        print(f"FAILED {name}")
        for problem in problems:
            print(f"  {problem}")
    errors = [line for line in log.splitlines() if ACTION_FAILED in line]
    if errors:
        print("Rasa's log says a custom action failed:\n  " + "\n  ".join(errors))
    turns = sum(len(story.turns) for story in stories)
    checked = sum(len(story.replies) for story in stories)
    print(f"live Rasa + action server: {len(stories) - len(failures)} of {len(stories)} stories passed, {turns} "
          f"turns, {checked} custom action replies checked ({ready:.0f} s to start, "
          f"{time.monotonic() - started - ready:.0f} s to replay)")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
