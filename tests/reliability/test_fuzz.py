"""Property-based fuzzing of the HTTP API from its own `/openapi.json` (schemathesis, in process).

Every operation of the document gets generated requests, valid and invalid; each
answer must not be a 5xx, must match the documented status codes, content types and
response schemas, and every error must be the documented `{"error": {"code", "message"}}`.
The number of cases tried is reported per operation.
"""
from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from memory_service import memory_app, memory_store
from reliability_support import record_figures
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

EXAMPLES_PER_OPERATION = 150
CASES: Counter = Counter()
"""Cases per documented operation ("METHOD /path")."""
PROBES: Counter = Counter()
"""Cases that tried a method the operation's path does not support (must be 405)."""


STORE = memory_store()
LOCKED_STORE = memory_store()
LOCKED_EXAMPLES_PER_OPERATION = 40
WORKER = "fuzz-worker@host/1"


@pytest.fixture(scope="module")
def api_schema():
    app = memory_app(STORE, max_article_bytes=256 * 1024)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module")
def locked_api_schema():
    """The same API with API keys and a rate limit on: refusals must be documented too (401, 429)."""
    app = memory_app(LOCKED_STORE, api_keys="fuzz-key-1", rate_limit=100, rate_limit_window=3600)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")
locked_schema = schemathesis.pytest.from_fixture("locked_api_schema")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module", autouse=True)
def _report_cases():
    yield
    record_figures("test_fuzz", cases=sum(CASES.values()) + sum(PROBES.values()),
                   unsupported_method_probes=sum(PROBES.values()), per_operation=dict(sorted(CASES.items())))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_generated_requests_get_documented_answers(case):
    count(case)
    STORE.heartbeat(WORKER)  # a live worker, so /readyz answers 200 and not its documented 503
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    assert_error_shape(response)


@locked_schema.parametrize()
@settings(max_examples=LOCKED_EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_generated_requests_to_a_locked_api_get_documented_refusals(case):
    count(case)
    LOCKED_STORE.heartbeat(WORKER)
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    assert_error_shape(response)
    if case.method.upper() == "POST" and response.status_code not in (405, 429):
        assert response.status_code == 401, "a write without the key is refused"


def assert_error_shape(response) -> None:
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


def count(case) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    if case.method.upper() == case.operation.method.upper():
        CASES[operation] += 1
    else:
        PROBES[operation] += 1
