"""The web chat API fuzzed with Hypothesis-generated requests: new sessions, messages (structured-but-wrong JSON,
random bytes, huge and deep values, odd Unicode, wrong content types), fetches with odd `after` values, erasures,
with good, forged and garbled session tokens. No answer is a 5xx, nothing is logged at ERROR, /healthz stays 200.
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FIGURES
from tests.fuzz.harness import Fuzzing, LiveApp, WebChat, cases_per_target, nightly
from tests.fuzz.strategies import CONTENT_TYPE, HEADER_TEXT, QUERY_VALUE, TEXT, body_of, mostly

MESSAGE_FIELDS = st.fixed_dictionaries({}, optional={"text": TEXT, "payload": st.one_of(
    TEXT, st.sampled_from(["/greet", "/restart", "/human_handover", "/delete_confirmed", "/language:da"]))})
SESSION = mostly("good", st.one_of(st.text(max_size=40), st.sampled_from(
    ["", "x", "a%00b", "..%2f..", "v1.AAAA.BBBB", "%ff"])))
REQUEST = st.one_of(
    st.tuples(st.just("POST"), SESSION, body_of(MESSAGE_FIELDS), CONTENT_TYPE, HEADER_TEXT),
    st.tuples(st.just("GET"), SESSION, QUERY_VALUE, st.just(""), HEADER_TEXT),
    st.tuples(st.just("DELETE"), SESSION, st.just(b""), CONTENT_TYPE, HEADER_TEXT),
    st.tuples(st.just("NEW"), st.just(""), st.binary(max_size=50), CONTENT_TYPE, HEADER_TEXT),
)


def test_the_web_chat_never_answers_with_a_server_error(live_app: LiveApp) -> None:
    fuzzing = Fuzzing(live_app, "web chat (Hypothesis)")
    def new_session() -> str:
        return live_app.http.post(f"{live_app.base_url}{WebChat.SESSIONS}", timeout=30).json()["session"]

    good = [new_session()]

    @settings(max_examples=cases_per_target(), deadline=None, database=None, derandomize=not nightly(),
              suppress_health_check=list(HealthCheck))
    @given(REQUEST)
    def send(request: tuple) -> None:
        method, session, body, content_type, language = request
        token = good[0] if session == "good" else quote(session, safe="%")
        headers = {"Accept-Language": language}
        if method == "NEW":
            response = fuzzing.request("POST", WebChat.SESSIONS, data=body,
                                       headers={**headers, "Content-Type": content_type})
        elif method == "GET":
            path, extra = WebChat.messages(token)
            response = fuzzing.request("GET", f"{path}?after={quote(body, safe='%')}", headers={**headers, **extra})
        else:
            path, extra = WebChat.messages(token) if method == "POST" else WebChat.session(token)
            response = fuzzing.request(method, path, data=body,
                                       headers={**headers, **extra, "Content-Type": content_type})
        assert response.status_code < 500, fuzzing.failure()
        if response.status_code >= 400 and path_is_api(response.url):
            assert response.json()["error"], "an error without a sentence"
        if session == "good" and (method == "DELETE" or response.status_code == 401):
            good[0] = new_session()  # deleted (or ended by the chat's own "delete"): a person would start anew

    send()
    figures = fuzzing.finish()
    FIGURES.append(figures)
    assert fuzzing.error_messages() == []
    assert figures.server_errors == [] and figures.health_failures == 0


def path_is_api(url: str) -> bool:
    return "/api/" in url
