"""End to end, over HTTP: gunicorn + 2 Celery worker processes + redis-server, as deployed.

Submits the reference article and others, polls, compares with the engine run in
process, resubmits (cached, no new task), and walks the whole error table.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from whosaid_stack import REPO_ROOT, ManagedProcess, free_port, http_json, service_environment

from workers.tasks import attribution_result

pytestmark = pytest.mark.slow

ARTICLES = Path(__file__).parent / "articles"
JSON = {"Content-Type": "application/json"}
ARTICLE_LIMIT = 256 * 1024  # the stack fixture's WHOSAID_MAX_ARTICLE_BYTES


def post_json(stack, path: str, payload) -> tuple[int, dict, dict]:
    return http_json("POST", stack.base_url + path, json.dumps(payload).encode(), JSON)


def wait_done(stack, job: dict, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while job["status"] in ("queued", "processing") and time.monotonic() < deadline:
        status, job, _ = http_json("GET", f"{stack.base_url}{job['links']['self']}?wait=10")
        assert status == 200
    return job


def enqueued(stack) -> int:
    return int(redis.Redis.from_url(stack.redis_url).hget("whosaid:counters", "enqueued") or 0)


def raw_request(stack, method: str, path: str, headers: dict[str, str], body_parts=()) -> tuple[int, dict]:
    """One request on a raw connection: `body_parts` are sent as they come (chunked if so declared)."""
    address = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest(method, path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        chunked = headers.get("Transfer-Encoding") == "chunked"
        try:
            for part in body_parts:
                connection.send(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
            if chunked:
                connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking the rest: read its answer
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_ready_with_two_workers(stack):
    status, body, _ = http_json("GET", stack.base_url + "/readyz")
    assert (status, body) == (200, {"status": "ready", "workers": 2})
    assert http_json("GET", stack.base_url + "/healthz")[:2] == (200, {"status": "ok"})


def test_articles_come_back_as_the_engine_reads_them_and_are_cached(stack, seed_text):
    articles = [("Reference article", seed_text)] + [
        (path.stem, path.read_text(encoding="utf-8")) for path in sorted(ARTICLES.glob("*.txt"))]
    submitted = []
    for title, text in articles:
        status, job, headers = post_json(stack, "/v1/articles", {"text": text, "title": title})
        assert status == 202 and job["status"] == "queued", job
        assert headers["Location"] == job["links"]["self"]
        submitted.append(job)
    tasks_before = enqueued(stack)

    for (title, text), job in zip(articles, submitted):
        finished = wait_done(stack, job)
        assert finished["status"] == "done", finished
        assert finished["title"] == title and finished["error"] is None
        assert finished["result"] == json.loads(json.dumps(attribution_result(text))), title

    for (title, text), job in zip(articles, submitted):
        status, again, _ = post_json(stack, "/v1/articles", {"text": text})
        assert status == 200 and again["status"] == "done" and again["id"] == job["id"]
        assert again["result"] == wait_done(stack, job)["result"]
    assert enqueued(stack) == tasks_before, "cached articles queue no task"


def test_reference_article_quotes_and_speakers(stack, seed_text):
    status, job, _ = http_json("POST", stack.base_url + "/v1/articles?wait=30", seed_text.encode(),
                               {"Content-Type": "text/plain; charset=utf-8"})
    assert status == 200 and job["status"] == "done"
    result = job["result"]
    for quote in result["quotes"]:
        assert seed_text[quote["start"]:quote["end"]] == quote["text"]
    names = {speaker["name"] for speaker in result["speakers"]}
    assert "Artur Sakunts" in names
    address = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", job["links"]["text"])
    response = connection.getresponse()
    assert response.status == 200 and response.read().decode("utf-8") == seed_text


def test_batch_over_http(stack):
    texts = [f'"Batch article {n} arrived on time," the courier said on day {n}.' for n in range(4)]
    status, body, _ = post_json(stack, "/v1/articles/batch", {"articles": [{"text": text} for text in texts]})
    assert status == 202 and len(body["articles"]) == 4
    for text, job in zip(texts, body["articles"]):
        finished = wait_done(stack, job)
        assert finished["status"] == "done"
        assert finished["result"] == json.loads(json.dumps(attribution_result(text)))


@pytest.mark.parametrize("body, content_type, status, code", [
    (b'{"text": "unterminated', "application/json", 400, "malformed_json"),
    (b'{"title": "no text"}', "application/json", 400, "invalid_article"),
    (b'{"text": 12}', "application/json", 400, "invalid_article"),
    (b'{"text": ""}', "application/json", 400, "empty_text"),
    (b'{"text": "\xff\xfe"}', "application/json", 400, "invalid_utf8"),
    (b"\xc3\x28 invalid", "text/plain", 400, "invalid_utf8"),
    (b"<article/>", "application/xml", 415, "unsupported_media_type"),
], ids=["malformed-json", "missing-text", "non-string-text", "empty-text", "invalid-utf8-json",
        "invalid-utf8-plain", "xml"])
def test_error_table_bad_submissions(stack, body, content_type, status, code):
    answer = http_json("POST", stack.base_url + "/v1/articles", body, {"Content-Type": content_type})
    assert answer[:2] == (status, {"error": {"code": code, "message": answer[1]["error"]["message"]}})


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/v1/articles/" + "0" * 32, 404, "not_found"),
    ("GET", "/v1/articles/not-an-id", 404, "not_found"),
    ("GET", "/v1/articles/" + "0" * 32 + "/text", 404, "not_found"),
    ("GET", "/no/such/path", 404, "not_found"),
    ("DELETE", "/v1/articles", 405, "method_not_allowed"),
    ("PUT", "/v1/articles/" + "0" * 32, 405, "method_not_allowed"),
    ("GET", "/v1/articles/" + "0" * 32 + "?wait=31", 400, "invalid_parameter"),
])
def test_error_table_reads(stack, method, path, status, code):
    answer_status, body, _ = http_json(method, stack.base_url + path)
    assert (answer_status, body["error"]["code"]) == (status, code)


def test_declared_body_over_the_limit_is_refused_before_it_is_sent(stack):
    status, body = raw_request(stack, "POST", "/v1/articles",
                               {"Content-Type": "text/plain", "Content-Length": str(ARTICLE_LIMIT + 1)},
                               body_parts=[b"only the first bytes"])
    assert (status, body["error"]["code"]) == (413, "too_large")


def test_chunked_body_over_the_limit_is_refused(stack):
    parts = [b"word " * 1600] * (ARTICLE_LIMIT // 8000 + 2)
    status, body = raw_request(stack, "POST", "/v1/articles",
                               {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"}, parts)
    assert (status, body["error"]["code"]) == (413, "too_large")


def test_chunked_body_under_the_limit_is_accepted(stack):
    parts = [b'"Chunked bodies work," the client said. ', b"It sent this article in pieces."]
    status, body = raw_request(stack, "POST", "/v1/articles",
                               {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"}, parts)
    assert status in (200, 202) and body["status"] in ("queued", "processing", "done")


def test_batch_over_the_count_limit(stack):
    status, body, _ = post_json(stack, "/v1/articles/batch", {"articles": [{"text": f"a{n}"} for n in range(6)]})
    assert (status, body["error"]["code"]) == (413, "too_large")


def test_unreachable_redis_answers_503_quickly(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    port = free_port()
    api = ManagedProcess("gunicorn-dead-redis",
                         [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                          "--worker-class", "gthread", "--threads", "4", "service:create_app()"],
                         tmp_path, service_environment(dead_redis))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http_json("GET", base + "/healthz", timeout=2)
                break
            except OSError:
                assert api.alive() and time.monotonic() < deadline, api.log_tail()
                time.sleep(0.2)
        for method, path, body in [("POST", "/v1/articles", b'{"text": "Hello."}'),
                                   ("GET", "/v1/articles/" + "0" * 32 + "?wait=10", None),
                                   ("GET", "/readyz", None)]:
            started = time.monotonic()
            status, answer, _ = http_json(method, base + path, body, JSON if body else {})
            assert status == 503 and answer["error"]["code"] == "store_unavailable", answer
            assert time.monotonic() - started < 1.5
    finally:
        api.stop()


def test_whosaid_submit_prints_the_quotes(stack, seed_text, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(seed_text + "\n\n(Updated.)", encoding="utf-8")
    readable = subprocess.run([sys.executable, "-m", "whosaid", "submit", str(article), "--url", stack.base_url,
                               "--wait"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert readable.returncode == 0, readable.stderr
    assert ": done" in readable.stdout and "Artur Sakunts" in readable.stdout
    as_json = subprocess.run([sys.executable, "-m", "whosaid", "submit", str(article), "--url", stack.base_url,
                              "--json"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["status"] == "done"
    missing = subprocess.run([sys.executable, "-m", "whosaid", "submit", str(tmp_path / "missing.txt"), "--url",
                              stack.base_url], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_scale_out_with_whosaid_worker(stack, tmp_path):
    extra = ManagedProcess("whosaid-worker-extra",
                           [sys.executable, "-m", "whosaid", "worker", "--concurrency", "1", "--hostname",
                            "extra@%h", "--", "--without-mingle", "--without-gossip"],
                           tmp_path, stack.environment)
    try:
        stack.wait_ready(3)
    finally:
        extra.stop()
    deadline = time.monotonic() + 30
    while http_json("GET", stack.base_url + "/readyz")[1]["workers"] != 2:
        assert time.monotonic() < deadline, "a worker that stops cleanly leaves the count at once"
        time.sleep(0.2)


def test_whosaid_serve_uses_redis_when_configured(stack, tmp_path):
    port = free_port()
    serve = ManagedProcess("whosaid-serve-redis",
                           [sys.executable, "-m", "whosaid", "serve", "--port", str(port), "--workers", "1"],
                           tmp_path, stack.environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body, _ = http_json("GET", base + "/readyz", timeout=2)
                break
            except OSError:
                assert serve.alive() and time.monotonic() < deadline, serve.log_tail()
                time.sleep(0.2)
        assert (status, body["workers"]) == (200, 2), "the stack's workers, seen through the shared Redis"
        status, job, _ = http_json("POST", base + "/v1/articles?wait=30", b'"Same Redis," she said.',
                                   {"Content-Type": "text/plain"})
        assert status == 200 and job["status"] == "done"
        assert http_json("GET", stack.base_url + job["links"]["self"])[1]["status"] == "done"
    finally:
        serve.stop()


def test_whosaid_worker_needs_redis(tmp_path):
    environment = {name: value for name, value in service_environment("unused").items()
                   if name != "WHOSAID_REDIS_URL"}
    result = subprocess.run([sys.executable, "-m", "whosaid", "worker"], cwd=REPO_ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "WHOSAID_REDIS_URL" in result.stderr
