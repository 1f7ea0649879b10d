"""The Telegram webhook fuzzed with Hypothesis-generated bodies: updates of the right shape with odd values
(chat types, ids of any size, texts with odd Unicode, commands, captions, entities that point anywhere), updates
of a wrong shape, any JSON, random bytes, deep and huge values; with the right secret mostly, sometimes not.
No answer is a 5xx; nothing python-telegram-bot then does with the update logs at ERROR; /healthz stays 200.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from tests.fuzz.conftest import FIGURES
from tests.fuzz.harness import Fuzzing, LiveApp, cases_per_target, nightly
from tests.fuzz.strategies import CONTENT_TYPE, HEADER_TEXT, JSON_VALUE, RAW, TEXT, dumps, mostly, mostly_from

ID = st.one_of(st.integers(min_value=1, max_value=2**52), st.integers(), st.integers(min_value=2**63))
ODD = st.one_of(TEXT, st.integers(), st.none(), JSON_VALUE)  # any value where a field should be
USER = st.fixed_dictionaries({"id": ID, "is_bot": st.booleans(), "first_name": TEXT},
                             optional={"language_code": st.one_of(TEXT, st.sampled_from(["da", "en", "ar", "zz"]))})
CHAT = st.fixed_dictionaries({"id": ID, "type": st.one_of(st.sampled_from(["private"] * 4 + ["group", "channel"]),
                                                          TEXT)})
ENTITY = st.fixed_dictionaries({"type": st.sampled_from(["bot_command", "url", "mention", "bold"]),
                                "offset": st.integers(-5, 50), "length": st.integers(-5, 50)})
MESSAGE = st.fixed_dictionaries(
    {"message_id": ID, "date": st.integers(min_value=0, max_value=2**40), "chat": CHAT},
    optional={"from": USER, "text": st.one_of(TEXT, st.sampled_from(["/start", "/report", "/report K7M2-9XQP x",
                                                                     "/delete", "/help", "/language"])),
              "entities": st.lists(ENTITY, max_size=3), "caption": TEXT,
              "sticker": st.just({"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1,
                                  "is_animated": False, "is_video": False}),
              "location": st.fixed_dictionaries({"latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)}),
              "voice": st.just({"file_id": "v", "file_unique_id": "u", "duration": 3})})
CALLBACK = st.fixed_dictionaries(
    {"id": TEXT, "from": USER, "chat_instance": TEXT},
    optional={"data": st.one_of(TEXT, st.sampled_from(["/greet", "/restart", "/delete_confirmed", "/language:da"])),
              "message": MESSAGE})
UPDATE = st.fixed_dictionaries({"update_id": ID}, optional={"message": MESSAGE, "callback_query": CALLBACK,
                                                             "edited_message": MESSAGE})
WRONG_UPDATE = st.fixed_dictionaries({"update_id": ODD}, optional={"message": ODD, "callback_query": ODD})
BODY = mostly_from(UPDATE.map(dumps), st.one_of(WRONG_UPDATE.map(dumps), JSON_VALUE.map(dumps), RAW))
SECRET = mostly("right", st.one_of(st.just(""), HEADER_TEXT))


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_the_telegram_webhook_never_answers_with_a_server_error(live_app: LiveApp) -> None:
    fuzzing = Fuzzing(live_app, "Telegram webhook (Hypothesis)")
    right = live_app.settings.telegram_webhook_secret

    @settings(max_examples=cases_per_target(), deadline=None, database=None, derandomize=not nightly(),
              suppress_health_check=list(HealthCheck))
    @given(BODY, SECRET, CONTENT_TYPE)
    def post(body: bytes, secret: str, content_type: str) -> None:
        headers = {"Content-Type": content_type, SECRET_HEADER: right if secret == "right" else secret}
        response = fuzzing.request("POST", WEBHOOK_PATH, data=body, headers=headers)
        assert response.status_code < 500, fuzzing.failure()
        if response.status_code >= 400:
            assert response.json()["error"], "an error without a sentence"

    post()
    live_app.wait_for_telegram()  # what python-telegram-bot does with the updates happens after the 200
    figures = fuzzing.finish()
    FIGURES.append(figures)
    assert fuzzing.error_messages() == []
    assert figures.server_errors == [] and figures.health_failures == 0
