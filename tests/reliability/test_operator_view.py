"""The operator's view in process: `/metrics` from Redis, request ids, JSON logs."""
from __future__ import annotations

import json
import logging

from memory_service import memory_app, memory_store
from prometheus_client.parser import text_string_to_metric_families

from workers.logs import REQUEST_ID_HEADER, JsonFormatter, bind, unbind
from workers.store import JobStore

ARTICLE = '"Trains will run on time," the operator said.'
RESULT = {"quotes": [], "speakers": [], "engine": {"name": "n", "version": "v", "model": "m"}}


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return {family.name: family.samples for family in text_string_to_metric_families(response.get_data(as_text=True))}


def value(samples, name: str, **labels: str) -> float:
    matches = [sample.value for sample in samples if sample.name == name and sample.labels == labels]
    assert len(matches) == 1, (name, labels, samples)
    return matches[0]


def test_metrics_are_service_wide_whichever_process_answers():
    store = memory_store()
    first, second = (memory_app(store).test_client() for _ in range(2))
    job_id = first.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    second.post("/v1/articles", json={"text": ARTICLE})
    failing_id = second.post("/v1/articles", json={"text": ARTICLE + " Again."}).get_json()["id"]
    second.get("/v1/articles/" + "f" * 32)
    first.get("/nowhere")
    first.open("/healthz", method="BREW")
    store.claim(job_id)
    store.finish(job_id, RESULT)
    store.claim(failing_id)
    store.fail(failing_id, "engine_error", "boom")
    store.heartbeat("worker1@host/10")
    store.heartbeat("worker2@host/11")

    for client in (first, second):
        metrics = scrape(client)
        requests = metrics["whosaid_http_requests"]
        assert value(requests, "whosaid_http_requests_total", method="POST", route="/v1/articles", status="202") == 3
        assert value(requests, "whosaid_http_requests_total", method="GET",
                     route="/v1/articles/<string:job_id>", status="404") == 1
        assert value(requests, "whosaid_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
        assert value(requests, "whosaid_http_requests_total", method="OTHER", route="<unmatched>", status="405") == 1
        assert value(metrics["whosaid_tasks_succeeded"], "whosaid_tasks_succeeded_total") == 1
        assert value(metrics["whosaid_tasks_failed"], "whosaid_tasks_failed_total") == 1
        assert value(metrics["whosaid_tasks_retried"], "whosaid_tasks_retried_total") == 0
        assert value(metrics["whosaid_cache_hits"], "whosaid_cache_hits_total") == 1
        assert value(metrics["whosaid_cache_misses"], "whosaid_cache_misses_total") == 2
        assert value(metrics["whosaid_workers_alive"], "whosaid_workers_alive") == 2
        assert value(metrics["whosaid_queue_depth"], "whosaid_queue_depth") >= 2
        latency = metrics["whosaid_job_latency_seconds"]
        assert value(latency, "whosaid_job_latency_seconds_count") == 1
        assert value(latency, "whosaid_job_latency_seconds_bucket", le="+Inf") == 1
        assert value(latency, "whosaid_job_latency_seconds_bucket", le="300.0") == 1
    assert store.recent_failures()[0] | {"at": None} == {"id": failing_id, "at": None, "attempts": 1,
                                                          "code": "engine_error", "message": "boom"}


def test_a_finished_job_is_counted_once(store):
    client = memory_app(store).test_client()
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    store.claim(job_id)
    store.finish(job_id, RESULT)
    store.finish(job_id, RESULT)  # a redelivered task finishing again keeps the first result
    store.fail(job_id, "timeout", "late")
    assert store.counters()["succeeded"] == 1 and "failed" not in store.counters()
    assert store.latency_histogram()[2] == 1


def test_metrics_without_redis_is_a_503_json_error():
    dead = JobStore.from_url("redis://127.0.0.1:9/0", ttl=60, timeout=0.5, longest_wait=1)
    broken = memory_app(dead)
    response = broken.test_client().get("/metrics")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "store_unavailable"


def test_request_ids_are_answered_and_sent_to_the_worker(store):
    app = memory_app(store)
    client = app.test_client()
    chosen = client.post("/v1/articles", json={"text": ARTICLE + " Chosen."}, headers={"X-Request-ID": "edit-desk-42"})
    assert chosen.headers["X-Request-ID"] == "edit-desk-42"
    hostile = client.get("/healthz", headers={"X-Request-ID": "x" * 65})
    fresh = hostile.headers["X-Request-ID"]
    assert fresh != "x" * 65 and len(fresh) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "a b;c"}).headers["X-Request-ID"] != "a b;c"

    with app.extensions["whosaid"].celery.connection_for_read() as connection:
        queue = connection.SimpleQueue("whosaid")
        headers = []
        while queue.qsize():
            message = queue.get(timeout=1)
            headers.append(message.headers.get(REQUEST_ID_HEADER))
            message.ack()
    assert "edit-desk-42" in headers


def test_logs_are_json_lines_with_the_bound_request_id():
    formatter = JsonFormatter()
    token = bind(request_id="r-1", job_id="j-1")
    try:
        record = logging.LogRecord("workers.tasks", logging.WARNING, __file__, 1, "job %s: %s", ("j-1", "late"), None)
        record.duration_ms = 12.5
        entry = json.loads(formatter.format(record))
    finally:
        unbind(token)
    assert entry["message"] == "job j-1: late" and entry["level"] == "WARNING" and entry["logger"] == "workers.tasks"
    assert entry["request_id"] == "r-1" and entry["job_id"] == "j-1" and entry["duration_ms"] == 12.5
    assert entry["ts"].endswith("Z")
    after = json.loads(formatter.format(logging.LogRecord("x", logging.INFO, __file__, 1, "plain", (), None)))
    assert "request_id" not in after


def test_every_request_is_logged_with_its_id(store, capsys):
    client = memory_app(store).test_client()
    client.get("/healthz", headers={"X-Request-ID": "probe-7"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "whosaid.access"]
    assert access and access[-1]["request_id"] == "probe-7"
    assert access[-1]["status"] == 200 and access[-1]["path"] == "/healthz" and access[-1]["duration_ms"] >= 0


def test_status_needs_a_reachable_redis(monkeypatch, capsys):
    from whosaid.cli import main

    assert main(["status"]) == 2
    assert "WHOSAID_REDIS_URL" in capsys.readouterr().err
    monkeypatch.setenv("WHOSAID_REDIS_URL", "redis://:secret@127.0.0.1:9/0")
    assert main(["status"]) == 1
    error = capsys.readouterr().err
    assert "cannot reach redis://:***@127.0.0.1:9/0" in error and "secret" not in error
