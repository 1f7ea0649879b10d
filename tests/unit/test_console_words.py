"""The console's words (content/console/<code>.yml, handover/console_words.py): complete in Danish and English,
plurals by CLDR (Babel), the API's English sentences said again in Danish, and no word written into the script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
import yaml
from aiohttp.test_utils import make_mocked_request

from core.config import CONTENT_DIR
from core.errors import KINDS
from core.json_api import DATABASE_AWAY, HTTP_SENTENCES, INTERNAL, NOT_JSON_TEXT, NUL_TEXT, After, Body
from core.texts import Plural, placeholders, plural_categories, plural_rule
from core.vocabulary import Delivery, MediaKind
from handover import api_models as m
from handover import media, stats_range
from handover.accounts import ROLES, Account
from handover.console_words import LANGUAGES, ConsoleWords, browser_language, language_of
from handover.erased import Erased
from handover.report_flow import STEPS
from handover.service import CLAIM_REFUSED
from handover.stats_counts import MEASURES
from handover.stats_models import StatsQuery
from handover.stats_tables import LABEL
from screening.catalogue import load_catalogue
from screening.types import AgeBand, AssessmentName, Exploitation, Weight

WORDS = ConsoleWords.load()
STATIC = Path(__file__).resolve().parents[2] / "handover" / "static"


def test_every_english_text_is_in_danish_with_the_same_placeholders() -> None:
    english, danish = WORDS.by_language["en"], WORDS.by_language["da"]
    assert set(english) == set(danish)
    for key, template in english.items():
        other = danish[key]
        assert isinstance(other, Plural) == isinstance(template, Plural), key
        said = template.placeholders() if isinstance(template, Plural) else placeholders(template)
        assert (other.placeholders() if isinstance(other, Plural) else placeholders(other)) == said, key


def test_every_plural_text_has_exactly_the_forms_babel_lists_for_its_language() -> None:
    plural = {key for key, template in WORDS.by_language["en"].items() if isinstance(template, Plural)}
    assert {"wait.minutes", "queue.online", "line.signs", "error.wrong_codes"} <= plural
    for language in LANGUAGES:
        needed = plural_categories(plural_rule(language))
        assert needed == {"one", "other"}
        for key in plural:
            template = WORDS.by_language[language][key]
            assert set(template.forms) == needed, (language, key)
            assert template.count in template.placeholders(), (language, key)


def test_the_danish_file_says_it_is_machine_drafted() -> None:
    assert WORDS.meta["da"]["machine_drafted"] is True
    assert WORDS.meta["en"]["machine_drafted"] is False


@pytest.mark.parametrize(("language", "said"), [
    ("da", ["0 minutter", "1 minut", "2 minutter", "21 minutter"]),
    ("en", ["0 minutes", "1 minute", "2 minutes", "21 minutes"]),
])
def test_minutes_are_said_in_the_plural_form_of_the_number(language: str, said: list[str]) -> None:
    assert [WORDS.text(language, "wait.minutes", minutes=n) for n in (0, 1, 2, 21)] == said


def test_the_script_gets_every_text_with_its_plural_forms() -> None:
    script = WORDS.for_script("da")
    assert script["page.title"] == "havn-konsol"
    assert script["wait.minutes"] == {"_count": "minutes", "one": "{minutes} minut", "other": "{minutes} minutter"}


# The sentences the console API raises, from where they are raised: each one must be found in Danish.
RAISED = [
    *(kind.default for kind in KINDS), INTERNAL, DATABASE_AWAY, NOT_JSON_TEXT, NUL_TEXT, *CLAIM_REFUSED.values(),
    HTTP_SENTENCES[404], HTTP_SENTENCES[413], HTTP_SENTENCES[405].format(method="PUT"),
    media.NOT_HOLDER, media.NO_FILE, media.NO_CHANNEL, media.FAILED, media.TOO_LARGE,
    media.NOT_KEPT.format(kind="location"),
    Body.NOT_JSON, Body.TOO_LONG.format(field="text", limit=4096), After.INVALID, m.Login.INVALID, m.Reply.INVALID,
    m.Transfer.INVALID, m.ReportCode.INVALID, m.ChooseLanguage.INVALID, m.AuditQuery.INVALID,
    m.NewCaseworker.INVALID, StatsQuery.INVALID, "role must be one of caseworker, supervisor, admin",
    "the name must have 1 to 64 characters", "the password must have at least 12 characters",
    "a caseworker called 'ben' exists already",
    "No such conversation.", Erased.default,
    "Only the caseworker who holds it (or a supervisor) can open this conversation.",
    "No such message.", "No report has this reference code. Please check it with the person.",
    "A reference code has 8 letters and digits, like K7M2-9XQP. Please check it.",
    "Too many wrong reference codes. Please wait about 1 minute and try again.",
    "Too many wrong reference codes. Please wait about 7 minutes and try again.",
    "Too many wrong passwords for this account. It is locked for about 1 minute; please try again then, or ask an "
    "admin.", "Too many wrong passwords from this address. Logins from here are paused for about 15 minutes.",
    "Wrong name or password.", "Your role does not allow this.", "Please log in.",
    "Requests from the console page must carry the header X-Havn-Console: 1.",
    "The console can only be used from its own page.", "Claim the conversation before you answer.",
    '"text" is missing.', '"caseworker_id" must be a whole number.',
    stats_range.OUTSIDE.format(earliest="2020-01-01", latest="2027-12-08"),
    *(sentence.format(limit=stats_range.MOST_PERIODS[group_by]) for group_by, sentence in stats_range.TOO_MANY.items()),
]


@pytest.mark.parametrize("sentence", RAISED)
def test_every_sentence_the_console_api_raises_is_said_in_danish(sentence: str) -> None:
    danish = WORDS.error("da", sentence)
    assert danish != sentence
    assert WORDS.error("en", sentence) == sentence


def test_a_sentence_keeps_its_numbers_and_takes_the_danish_plural() -> None:
    assert WORDS.error("da", "Too many wrong reference codes. Please wait about 1 minute and try again.") == (
        "For mange forkerte referencekoder. Vent cirka 1 minut, og prøv igen.")
    assert WORDS.error("da", "Too many wrong reference codes. Please wait about 7 minutes and try again.") == (
        "For mange forkerte referencekoder. Vent cirka 7 minutter, og prøv igen.")


def test_an_unknown_sentence_stays_as_it_is() -> None:
    assert WORDS.error("da", "Something nobody wrote down.") == "Something nobody wrote down."


@pytest.mark.parametrize(("header", "language"), [
    ("da", "da"), ("da-DK,da;q=0.9,en;q=0.8", "da"), ("en-GB,en;q=0.9,da;q=0.8", "en"), ("de,da;q=0.5", "da"),
    ("en;q=0.5,da;q=0.7", "da"), ("de-DE", "en"), ("", "en"), ("da;q=0", "en"), ("da;q=x,en", "en"),
])
def test_before_a_choice_the_browser_decides(header: str, language: str) -> None:
    request = make_mocked_request("GET", "/console", headers={"Accept-Language": header})
    assert browser_language(request) == language


def test_the_caseworkers_choice_beats_the_browser() -> None:
    request = make_mocked_request("GET", "/console", headers={"Accept-Language": "en"})
    assert language_of(request, Account(1, "anna", "Anna", "caseworker", "da")) == "da"
    assert language_of(request, Account(1, "anna", "Anna", "caseworker", None)) == "en"


# --- no word for a person written into the console's script: each comes from words.js -------------------------

# A literal with a letter in it, put where a person reads it: text, a title, a label, a placeholder, an alt text,
# a status line, a confirmation, a notification, an error, or an element made with it as its text.
SHOWN = re.compile(
    r"""(?:\.(?:textContent|innerText|innerHTML|title|placeholder|alt|ariaLabel|label)\s*=\s*"""
    r"""|setAttribute\(\s*["'](?:aria-label|title|placeholder|alt)["']\s*,\s*"""
    r"""|\b(?:say|confirm|alert|new Notification|new ApiError)\(\s*"""
    r"""|\bmake\(\s*["'][\w-]+["']\s*,\s*(?:null|["'][^"']*["'])\s*,\s*)"""
    r"""(?:[^;]*?\?\s*)?(["'`])((?:(?!\1).)*)\1""")
KEY = re.compile(r"""(["'`])[a-z_]+(?:\.[\w${}-]+)+\1""")  # "act.open_first", `role.${role}`: a text's key
FILLED = re.compile(r"\$\{[^}]*\}")  # what a template literal fills in is code, not words


def shown_words(line: str) -> list[str]:
    """The literals with a letter that this line of script puts where a person reads them."""
    if line.lstrip().startswith("//"):
        return []
    return [found.group(2) for found in SHOWN.finditer(KEY.sub("KEY", line))
            if re.search("[A-Za-z]", FILLED.sub("", found.group(2)))]


EXAMPLES = [
    'el.status.textContent = "Loading…";', 'node.title = `${tier}: urgent`;', 'say("Note saved.", "info");',
    'make("p", "empty", "No screening yet")', 'button.setAttribute("aria-label", `Show the ${kind}`);',
    'el.live.textContent = ok ? "live" : "x";', 'make("option", null, "Choose a caseworker…")',
    'window.confirm("Resolve?")',
]


@pytest.mark.parametrize("line", EXAMPLES)
def test_the_scan_finds_a_word_written_into_the_script(line: str) -> None:
    assert shown_words(line), line


@pytest.mark.parametrize("line", ['say(t("note.saved"), "info");', 'make("span", "meta-label", `${label}: `)',
                                  'el.live.textContent = t(ok ? "live.live" : "live.offline");'])
def test_the_scan_lets_texts_from_the_words_pass(line: str) -> None:
    assert shown_words(line) == []


def test_no_script_of_the_console_shows_a_word_of_its_own() -> None:
    found = []
    for path in sorted(STATIC.glob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if shown_words(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_every_key_the_scripts_name_is_in_the_words() -> None:
    named = set()
    for path in STATIC.glob("*.js"):
        named |= set(re.findall(r"""\bt\(\s*["']([\w.-]+)["']""", path.read_text(encoding="utf-8")))
    assert len(named) > 90
    assert sorted(named - set(WORDS.by_language["en"])) == []


def test_the_english_words_are_the_sources_own() -> None:
    """Where the English text also lives elsewhere (the catalogue's labels, the statistics' published label),
    the two are the same, so that the console's file cannot drift from its source."""
    catalogue = load_catalogue()
    for ident, indicator in catalogue.indicators.items():
        assert WORDS.text("en", f"indicator.{ident}") == indicator.label, ident
    for code, label in catalogue.dimensions.items():
        assert WORDS.text("en", f"dimension.{code}") == label, code
    assert WORDS.text("en", "stats.label") == LABEL
    for measure in MEASURES:
        WORDS.text("da", f"stats.measure.{measure}")


def test_every_value_the_script_names_a_text_for_has_one() -> None:
    """The script builds some keys from the value it shows (`step.${step}`, `age.${band}`): each value the server
    can send has its text."""
    expected = [
        *(f"step.{step}" for step in STEPS if step != "about"), *(f"age.{band}" for band in get_args(AgeBand)),
        *(f"exploitation.{kind}" for kind in get_args(Exploitation)),
        *(f"assessment.{name}" for name in get_args(AssessmentName)),
        *(f"weight.{weight}" for weight in get_args(Weight)), *(f"media.kind.{kind}" for kind in MediaKind),
        *(f"role.{role}" for role in ROLES), *(f"live.{state}" for state in ("live", "offline", "connecting",
                                                                             "reconnecting")),
        *(f"conv.delivery_{state}" for state in Delivery),
    ]
    assert sorted(set(expected) - set(WORDS.by_language["en"])) == []


def test_every_answer_of_a_report_has_its_words_in_the_script_and_the_files() -> None:
    """The report panel shows the reporter's choices (content/menus.yml `report_*` buttons) in words."""
    menus = yaml.safe_load((CONTENT_DIR / "menus.yml").read_text(encoding="utf-8"))
    choices = {str(button["payload"]).split(":", 1)[1] for name, buttons in menus.items()
               if name.startswith("report_") and name != "report_about"
               for button in buttons if ":" in str(button.get("payload", ""))}
    script = (STATIC / "screening.js").read_text(encoding="utf-8")
    listed = re.search(r"const REPORT_CHOICES = new Set\(\[(.*?)\]\);", script, re.S)
    assert listed and set(re.findall(r'"([^"]+)"', listed.group(1))) >= choices
    assert sorted(choice for choice in choices if f"choice.{choice}" not in WORDS.by_language["en"]) == []
