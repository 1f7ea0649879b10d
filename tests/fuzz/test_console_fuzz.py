"""The console API fuzzed from its own OpenAPI document (handover/openapi.py) with Schemathesis: for every
operation, requests that fit the schema (positive) and requests that break it (negative: wrong types, missing
fields, odd strings), as a logged-in supervisor, with the ids of real conversations half of the time. No answer is
a 5xx, every answer's status is one the document names, every error is {"error": "<sentence>"}, nothing is
logged at ERROR, /healthz stays 200. Left out: logging out (it would end the fuzzer's own session)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz.conftest import FIGURES
from tests.fuzz.harness import Fuzzing, LiveApp, cases_per_target, nightly
from tests.openapi_contract import Contract

LEFT_OUT = {("POST", "/api/console/logout")}
# Statuses any endpoint may give besides those its entry names: 405 for a method Schemathesis invents, 413 for a
# body over the app's size limit, 429 from a limit (issue 14, items 2 and 3). Everything else must be documented.
ALWAYS = {405, 413, 429}


def operations(document: dict[str, Any], conversation_ids: list[str]) -> st.SearchStrategy[Any]:
    schema = schemathesis.openapi.from_dict(document)
    strategies = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in LEFT_OUT:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode))
            if "{conversation_id}" in operation.path:  # a real conversation, so the handler does its work
                strategies.extend(operation.as_strategy(generation_mode=mode,
                                                        path_parameters={"conversation_id": conversation_id})
                                  for conversation_id in conversation_ids)
    return st.one_of(strategies)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_the_console_api_never_answers_with_a_server_error(live_app: LiveApp) -> None:
    fuzzing = Fuzzing(live_app, "console API (Schemathesis)")
    document = live_app.http.get(f"{live_app.base_url}/api/console/openapi.json", timeout=30).json()
    contract = Contract(document)
    bearer = {"Authorization": f"Bearer {live_app.token}"}
    undocumented: list[str] = []

    @settings(max_examples=cases_per_target(), deadline=None, database=None, derandomize=not nightly(),
              suppress_health_check=list(HealthCheck))
    @given(operations(document, live_app.conversation_ids))
    def call(case: Any) -> None:
        response = case.call(base_url=live_app.base_url, session=live_app.http, headers=bearer, timeout=60)
        status = response.status_code
        fuzzing.record(case.method, case.formatted_path, status)
        assert status < 500, fuzzing.failure()
        path, operation = contract.operation_of(case.method, case.operation.path)
        if str(status) not in operation["responses"] and status not in ALWAYS and status != 101:
            undocumented.append(f"{case.method} {path} → {status}")
        if status >= 400 and case.method != "HEAD":
            assert response.json()["error"], "an error without a sentence"

    call()
    figures = fuzzing.finish()
    FIGURES.append(figures)
    assert fuzzing.error_messages() == []
    assert figures.server_errors == [] and figures.health_failures == 0
    assert sorted(set(undocumented)) == []
