"""The screening conversation (screening/questionnaire.py), path by path, without Rasa."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import CONTENT_DIR, load_languages
from core.texts import Texts
from screening.catalogue import load_catalogue
from screening.questionnaire import CUES, Questionnaire

Q = Questionnaire()
ORDER = load_catalogue().question_order
LANGUAGES, DEFAULT = load_languages(CONTENT_DIR)
TEXTS = Texts(CONTENT_DIR, LANGUAGES, DEFAULT)


def texts(replies: list[dict[str, Any]]) -> list[str]:
    """The text keys said, without a question's place ("Question 3 of 12"; tested on its own below)."""
    return [reply["text"] for reply in replies if "text" in reply and reply["text"] != "screening.progress"]


def asked(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply that asks (the one with a question's menu)."""
    [reply] = [reply for reply in replies if reply.get("menu", "").startswith("screening_")]
    return reply


def place(replies: list[dict[str, Any]]) -> tuple[int, int]:
    """A question's place, as the person reads it: (3, 12) for "Question 3 of 12"."""
    [variables] = [reply["variables"] for reply in replies if reply.get("text") == "screening.progress"]
    return int(variables["step"]), int(variables["total"])


def handovers(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [reply["handover"] for reply in replies if "handover" in reply]


def screening(replies: list[dict[str, Any]]) -> dict[str, Any]:
    [summary] = [reply["screening"] for reply in replies if "screening" in reply]
    return summary


def run(*turns: tuple[str, str] | tuple[str, str, str] | str, state: dict[str, Any] | None = None
        ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Several messages in a row; returns the last state and the last replies."""
    replies: list[dict[str, Any]] = []
    for turn in turns:
        intent, text, choice = (turn, "", None) if isinstance(turn, str) else (*turn, None)[:3]
        state, replies = Q.handle(state, intent, text, choice)
    assert state is not None
    return state, replies


def started(age: str = "adult", work: str = "labour") -> dict[str, Any]:
    state, replies = run("start_screening", ("inform_age", "", age), ("inform_work", "", work))
    assert texts(replies) == [f"question.{ORDER[0]}"]
    return state


def test_every_key_the_questionnaire_can_say_exists_in_every_language() -> None:
    keys = {"screening.offer", "screening.why", "screening.why_general", "screening.declined", "screening.stopped",
            "screening.done", "screening.noted", "screening.not_noted", "screening.pick_one", "screening.progress",
            "question.age", "question.work", "danger", "safety_line", "handover_requested", "not_understood",
            "safety.go_on"}
    keys |= {question.warn for question in load_catalogue().questions.values() if question.warn}
    keys |= {f"question.{ident}" for ident in ORDER} | {f"cue.{ident}" for ident, _ in CUES.values()}
    keys |= {answer for _, answer in CUES.values() if answer}
    for language in LANGUAGES:
        assert sorted(keys - set(TEXTS.by_language[language])) == [], language


def test_starting_asks_age_then_work_then_the_most_telling_question() -> None:
    state, replies = run("start_screening")
    assert asked(replies) == {"text": "question.age", "menu": "screening_age"}
    state, replies = run(("inform_age", "", "adult"), state=state)
    assert asked(replies) == {"text": "question.work", "menu": "screening_work"}
    state, replies = run(("inform_work", "", "sexual"), state=state)
    assert asked(replies) == {"text": f"question.{ORDER[0]}", "menu": "screening_answer"}
    assert screening(replies)["exploitation"] == "sexual"


def test_answers_walk_the_whole_order_and_end_with_thanks() -> None:
    state = started()
    for ident in ORDER:
        assert state["pending"] == f"question:{ident}"
        state, replies = run("deny", state=state)
    assert texts(replies) == ["screening.done"]
    assert state["finished"] and handovers(replies) == []  # nothing answered "yes": nobody is called
    assert screening(replies)["assessment"] == "no_indicators"


def test_not_sure_counts_as_unknown_and_is_not_asked_again() -> None:
    state, _ = run("unsure", state=started())
    assert state["answers"] == {ORDER[0]: "unknown"}
    assert state["pending"] == f"question:{ORDER[1]}"


def test_stop_ends_at_once_keeps_the_answers_and_asks_for_a_person_when_something_was_yes() -> None:
    state = started()
    state, _ = run("deny", state=state)  # CD-03 no
    state, _ = run("affirm", state=state)  # CD-01 yes → P2
    state, replies = run("stop_questions", state=state)
    assert "screening.stopped" in texts(replies) and state["pending"] is None
    assert state["answers"] == {ORDER[0]: "no", ORDER[1]: "yes"}
    assert handovers(replies) == [{"tier": "P2", "kind": "help"}]
    assert "handover_requested" in texts(replies)


def test_why_gets_an_honest_answer_and_the_same_question_again() -> None:
    state = started()
    state, replies = run("why_ask", state=state)
    assert texts(replies) == ["screening.why", f"question.{ORDER[0]}"]
    assert state["answers"] == {}


def test_offer_can_be_declined_and_is_never_forced() -> None:
    state, replies = Q.request_person(None)
    assert texts(replies) == ["handover_requested", "screening.offer"]
    assert handovers(replies) == [{"tier": "P4", "kind": "help"}]
    state, replies = run("deny", state=state)
    assert texts(replies) == ["screening.declined"] and state["pending"] is None
    _, replies = Q.request_person(state)  # asked again later: no second offer
    assert texts(replies) == ["handover_requested"]


def test_a_cue_is_answered_reflected_and_counts_only_when_confirmed_with_the_persons_words() -> None:
    words = "my boss keeps my passport since march"
    state, replies = run(("ask_passport", words))
    assert texts(replies) == ["answer.passport", "cue.CD-01"]
    assert replies[1]["menu"] == "screening_confirm"
    assert state["answers"] == {}  # not before they confirm
    state, replies = run("affirm", state=state)
    assert state["answers"] == {"CD-01": "yes"} and state["evidence"] == {"CD-01": words}
    assert texts(replies) == ["screening.noted", "screening.offer"]  # then the questions are offered
    assert screening(replies)["tier"] == "P2"


def test_a_cue_not_to_be_noted_notes_nothing_keeps_no_words_and_is_not_asked_again() -> None:
    # "May I note this for the person who helps you?" — "no" is not a "no" to the question: nothing is noted.
    state, replies = run(("cue_fines", "they take fines"), "deny")
    assert state["answers"] == {} and state["evidence"] == {} and state["skipped"] == ["EX-03"]
    assert texts(replies)[0] == "screening.not_noted"
    state, _ = run("start_screening", ("inform_age", "", "adult"), ("inform_work", "", "labour"), state=state)
    asked_ids = []
    while state["pending"]:
        asked_ids.append(state["pending"])
        state, _ = run("deny", state=state)
    assert "question:EX-03" not in asked_ids


def test_a_question_answered_by_free_text_is_skipped() -> None:
    state, _ = run(("cue_cannot_leave", "they lock the door at night"), "affirm")  # CD-03 = ORDER[0]
    state, replies = run("start_screening", ("inform_age", "", "adult"), ("inform_work", "", "labour"), state=state)
    assert texts(replies) == [f"question.{ORDER[1]}"]


def test_a_cue_during_the_questions_is_confirmed_and_the_questions_go_on() -> None:
    state = started()
    state, replies = run(("cue_long_hours", "i work 14 hours every day"), state=state)
    assert texts(replies) == ["cue.EX-01"]
    state, replies = run("affirm", state=state)
    assert texts(replies) == ["screening.noted", f"question.{ORDER[0]}"]
    asked = []
    while state["pending"]:
        asked.append(state["pending"])
        state, _ = run("deny", state=state)
    assert "question:EX-01" not in asked and len(asked) == len(ORDER) - 1  # never asked again
    assert state["answers"]["EX-01"] == "yes"


def test_a_cue_already_known_is_not_asked_twice() -> None:
    state, _ = run(("ask_debt", "i owe them 5000"), "affirm")
    state, replies = run(("ask_debt", "the debt keeps growing"), state=state)
    assert texts(replies) == ["answer.debt"] and state["pending"] != "cue:CD-02"


@pytest.mark.parametrize("intent", ["cue_cannot_leave", "cue_violence"])
def test_violence_or_confinement_shows_112_before_the_question_and_confirmed_it_is_p1(intent: str) -> None:
    state, replies = run((intent, "words"))
    assert texts(replies)[0] == "safety_line"
    state, replies = run("affirm", state=state)
    assert texts(replies)[0] == "danger"  # 112 first
    assert handovers(replies) == [{"tier": "P1", "kind": "help"}]


def test_danger_gives_112_first_and_a_p1_request_every_time() -> None:
    state, replies = run(("danger", "he is coming"))
    assert texts(replies) == ["danger"] and handovers(replies) == [{"tier": "P1", "kind": "help"}]
    assert screening(replies)["immediate_danger"] is True
    _, replies = run(("danger", "help now"), state=state)  # again, maybe after a release: asked again
    assert texts(replies) == ["danger"] and handovers(replies) == [{"tier": "P1", "kind": "help"}]


def test_a_child_with_any_yes_is_p1() -> None:
    state = started(age="under_18")
    state, replies = run("deny", "affirm", state=state)  # CD-03 no, CD-01 yes
    assert texts(replies)[0] == "danger" and handovers(replies) == [{"tier": "P1", "kind": "help"}]
    assert screening(replies)["age_band"] == "under_18"


def test_a_p1_answer_stops_the_questions_until_it_is_safe_to_write() -> None:
    state = started(age="under_18")
    state, replies = run("deny", "affirm", state=state)  # CD-03 no, CD-01 yes: P1 (a child)
    assert texts(replies) == ["danger"]  # no next question: the app asks "is it safe for you to write now?"
    waiting = state["pending"]
    assert waiting == f"question:{ORDER[2]}"
    state, replies = run("safe_to_write", state=state)
    assert texts(replies) == [f"question.{ORDER[2]}"] and state["pending"] == waiting


def test_danger_while_a_question_waits_keeps_it_for_later() -> None:
    state, replies = run(("danger", "he is coming"), state=started())
    assert texts(replies) == ["danger"] and state["pending"] == f"question:{ORDER[0]}"
    _, replies = run("safe_to_write", state=state)
    assert texts(replies) == [f"question.{ORDER[0]}"]


def test_safe_to_write_with_nothing_waiting_says_go_on_with_the_menu() -> None:
    state, _ = run(("danger", "help now"))
    _, replies = run("safe_to_write", state=state)
    assert replies[0] == {"text": "safety.go_on", "menu": "main"}


def test_a_typed_age_is_read_and_a_typed_job_is_kept_as_words() -> None:
    state, _ = run("start_screening", ("nlu_fallback", "im 16"))
    assert state["age"] == 16 and state["pending"] == "work"
    state, replies = run(("nlu_fallback", "i clean offices"), state=state)
    assert state["exploitation"] == "unknown" and state["work_words"] == "i clean offices"
    assert screening(replies)["work_words"] == "i clean offices"


def test_a_yes_to_the_age_question_is_not_an_age() -> None:
    state, replies = run("start_screening", "affirm")
    assert texts(replies) == ["screening.pick_one", "question.age"] and state["age"] == "not_asked"


def test_something_else_while_a_question_waits_asks_for_a_button() -> None:
    _, replies = run(("nlu_fallback", "blabla"), state=started())
    assert texts(replies) == ["screening.pick_one", f"question.{ORDER[0]}"]


def test_yes_out_of_the_blue_is_not_understood() -> None:
    _, replies = run("affirm")
    assert texts(replies) == ["not_understood"]


def answer_all(state: dict[str, Any], yes: set[str]) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Answer every question asked: yes to those in `yes`, no to the rest; returns the question ids asked."""
    asked_ids: list[str] = []
    replies: list[dict[str, Any]] = []
    while state["pending"]:
        ident = state["pending"].split(":", 1)[1]
        asked_ids.append(ident)
        state, replies = run("affirm" if ident in yes else "deny", state=state)
    return state, replies, asked_ids


def test_the_summary_scores_as_the_scorer_does() -> None:
    # Thai massage clinic: deceived about the job (DR-01 S + DR-02 M), hours (EX-01 S) and fines (EX-03 M),
    # passport (CD-01 S) and debt (CD-02 S): trafficking indicated, P2.
    _, replies, _ = answer_all(started(work="sexual"), {"CD-01", "CD-02", "EX-01", "EX-03", "DR-01", "DR-02"})
    result = screening(replies)
    assert result["assessment"] == "trafficking_indicated" and result["tier"] == "P2"
    assert result["dimensions"]["DR"] and result["dimensions"]["EX"] and result["dimensions"]["CD"]
    assert handovers(replies) == [{"tier": "P2", "kind": "help"}]
