"""The bot's last question (bot/last_question.py): the latest message of the bot's or a caseworker's with the
question's button, what came since (newest first), the person's first reply, and the buttons they pressed since."""

from __future__ import annotations

from bot.last_question import last_asked
from core.messages import Button, Message
from core.vocabulary import Command, Sender

SAFE = Message("Is it safe for you to write now?", (Button("Yes, go on", Command.SAFE_GO_ON),))
DELETE = Message("Delete everything?", (Button("Yes, delete", Command.DELETE_CONFIRMED),))
NOTICE = Message("What is kept, and for how long.")


def person(text: str, payload: str | None = None) -> Message:
    return Message(text, payload=payload, sender=Sender.USER)


def test_the_latest_asking_is_found_with_what_came_since_newest_first() -> None:
    first, second = person("I am scared"), person("he is here")
    asked = last_asked([second, NOTICE, first, SAFE, person("hello"), SAFE], Command.SAFE_GO_ON)
    assert asked.question is SAFE
    assert asked.since == (second, NOTICE, first)
    assert asked.first_reply is first
    assert not asked.awaits_reply


def test_a_question_with_only_the_bots_or_a_caseworkers_messages_since_awaits_a_reply() -> None:
    caseworker = Message("I am here.", sender=Sender.CASEWORKER, author="Anna")
    asked = last_asked([caseworker, NOTICE, SAFE, person("help")], Command.SAFE_GO_ON)
    assert asked.awaits_reply
    assert asked.first_reply is None


def test_another_question_is_not_this_one() -> None:
    asked = last_asked([NOTICE, DELETE, person("delete")], Command.SAFE_GO_ON)
    assert asked.question is None
    assert asked.since == (NOTICE, DELETE, person("delete"))  # every message looked at
    assert not asked.awaits_reply


def test_a_caseworkers_question_counts_and_a_persons_message_never_asks() -> None:
    from_caseworker = Message(SAFE.text, SAFE.buttons, sender=Sender.CASEWORKER)
    assert last_asked([from_caseworker], Command.SAFE_GO_ON).question is from_caseworker
    echoed = Message("Yes, go on", SAFE.buttons, sender=Sender.USER)  # not stored so, but never a question
    assert last_asked([echoed], Command.SAFE_GO_ON).question is None


def test_the_latest_button_pressed_since_is_told_also_without_the_question() -> None:
    answers = (Command.SAFE_GO_ON, Command.SAFE_STOP)
    stop, go_on = person("No, I must stop", Command.SAFE_STOP), person("Yes, go on", Command.SAFE_GO_ON)
    assert last_asked([stop, NOTICE, go_on, SAFE], Command.SAFE_GO_ON).pressed(answers) == Command.SAFE_STOP
    assert last_asked([person("hi"), SAFE, go_on], Command.SAFE_GO_ON).pressed(answers) is None  # before it
    assert last_asked([go_on], Command.SAFE_GO_ON).pressed(answers) == Command.SAFE_GO_ON
