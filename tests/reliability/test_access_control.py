"""API keys and rate limits, in process on a fakeredis store."""
from __future__ import annotations

import pytest
from memory_service import memory_app, memory_store

ARTICLE = '"The library stays open," the councillor said.'
KEYS = "first-key-7f3a,second-key-91bc"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"error"}
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"} and error["code"] == code and error["message"]
    return error


def stored_keys(store) -> list[str]:
    """Every key in the store except the per-route request counts (which count refusals too)."""
    return sorted(key for key in store.client.keys("*") if key != "whosaid:requests")


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key", "Basic Zmlyc3Q6a2V5", "Bearer", "first-key-7f3a"])
def test_writes_without_a_valid_key_get_401_and_leave_nothing(store, authorization):
    client = memory_app(store, api_keys=KEYS).test_client()
    headers = {"Authorization": authorization} if authorization else {}
    for path, body in [("/v1/articles", {"text": ARTICLE}), ("/v1/articles/batch", {"articles": [{"text": ARTICLE}]})]:
        response = client.post(path, json=body, headers=headers)
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored_keys(store) == []


def test_a_valid_key_writes_and_reads_need_none(store):
    client = memory_app(store, api_keys=KEYS).test_client()
    response = client.post("/v1/articles", json={"text": ARTICLE}, headers={"Authorization": "Bearer second-key-91bc"})
    assert response.status_code == 202
    assert client.get(response.get_json()["links"]["self"]).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert_error(client.get(response.get_json()["links"]["self"], headers={"Authorization": "Bearer nope"}),
                 401, "unauthorized")


def test_without_keys_writes_are_open(store):
    client = memory_app(store).test_client()
    assert client.post("/v1/articles", json={"text": ARTICLE}).status_code == 202


def test_rate_limit_answers_429_with_retry_after_shared_by_every_api_process():
    store = memory_store()
    first, second = (memory_app(store, rate_limit=4, rate_limit_window=60).test_client() for _ in range(2))
    answers = [client.get("/v1/articles/" + "0" * 32).status_code for client in (first, second, first, second)]
    assert answers == [404] * 4
    refused = second.get("/v1/articles/" + "0" * 32)
    assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_error(first.post("/v1/articles", json={"text": ARTICLE}), 429, "rate_limited")
    assert not store.client.exists(f"whosaid:job:{'0' * 32}")
    assert first.get("/healthz").status_code == 200, "probes are not rate limited"


def test_rate_limits_count_per_client(store):
    client = memory_app(store, rate_limit=2, rate_limit_window=60, api_keys=KEYS).test_client()
    for key in ("first-key-7f3a", "second-key-91bc"):
        headers = {"Authorization": f"Bearer {key}"}
        assert [client.get("/v1/articles/" + "1" * 32, headers=headers).status_code for _ in range(2)] == [404, 404]
        assert client.get("/v1/articles/" + "1" * 32, headers=headers).status_code == 429
    assert client.get("/v1/articles/" + "1" * 32).status_code == 404, "the address is a client of its own"
    rate_keys = store.client.keys("whosaid:ratelimit:*")
    assert len(rate_keys) == 3 and all("key" not in key for key in rate_keys), "clients stored as digests"
    assert all(0 < store.client.ttl(key) <= 61 for key in rate_keys)


def test_rate_limit_keys_refuse_raw_client_input(store):
    with pytest.raises(ValueError):
        store.hit_rate_limit("10.0.0.1:*", 60)
