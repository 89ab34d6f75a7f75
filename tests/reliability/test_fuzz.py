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
from reliability_support import memory_app, memory_store, record_figures
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

EXAMPLES_PER_OPERATION = 150
CASES: Counter = Counter()
"""Cases per documented operation ("METHOD /path")."""
PROBES: Counter = Counter()
"""Cases that tried a method the operation's path does not support (must be 405)."""


STORE = memory_store()


@pytest.fixture(scope="module")
def api_schema():
    app = memory_app(STORE, max_article_bytes=256 * 1024)
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


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
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    if case.method.upper() == case.operation.method.upper():
        CASES[operation] += 1
    else:
        PROBES[operation] += 1
    STORE.heartbeat("fuzz-worker@host/1")  # a live worker, so /readyz answers 200 and not its documented 503
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
        assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
