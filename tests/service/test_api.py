"""The HTTP API in process (Flask test client) on a fakeredis store: every answer and error."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from service import create_app
from workers.settings import SettingsError
from workers.store import JobStatus

ARTICLE = '"We will rebuild the bridge by spring," the mayor said on Monday.'


def enqueued(store) -> int:
    return store.counters().get("enqueued", 0)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert set(error) == {"code", "message"}
    return error


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_submit_queues_the_article_once(client, store):
    response = client.post("/v1/articles", json={"text": ARTICLE, "title": "Bridge", "ref": "r-1"})
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["result"] is None and body["error"] is None
    assert body["title"] == "Bridge" and body["ref"] == "r-1" and body["url"] is None
    assert response.headers["Location"] == body["links"]["self"] == f"/v1/articles/{body['id']}"
    assert enqueued(store) == 1

    again = client.post("/v1/articles", json={"text": ARTICLE})
    assert again.status_code == 202 and again.get_json()["id"] == body["id"]
    assert enqueued(store) == 1, "a queued article is not queued twice"

    polled = client.get(body["links"]["self"])
    assert polled.status_code == 200 and polled.get_json()["status"] == "queued"
    text = client.get(body["links"]["text"])
    assert text.status_code == 200 and text.mimetype == "text/plain" and text.get_data(as_text=True) == ARTICLE


def test_cached_result_comes_back_inline_without_a_task(client, store):
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    store.claim(job_id)
    store.finish(job_id, {"quotes": [], "speakers": [], "engine": {"name": "n", "version": "v", "model": "m"}})
    response = client.post("/v1/articles", data=ARTICLE.encode(), content_type="text/plain; charset=utf-8")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "done" and body["result"]["engine"]["name"] == "n" and body["finished_at"]
    assert enqueued(store) == 1


def test_text_plain_takes_metadata_from_the_query(client):
    response = client.post("/v1/articles?title=Headline&url=https://example.org/a", data=ARTICLE,
                           content_type="text/plain")
    assert response.status_code == 202
    body = response.get_json()
    assert (body["title"], body["url"], body["ref"]) == ("Headline", "https://example.org/a", None)


def test_the_id_is_the_content_hash_under_this_engine(client, app):
    from workers.store import job_id_for

    body = client.post("/v1/articles", json={"text": ARTICLE}).get_json()
    assert body["id"] == job_id_for(ARTICLE, app.extensions["whosaid"].engine)


def test_failed_article_is_queued_again_on_resubmission(client, store):
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    store.claim(job_id)
    store.fail(job_id, "engine_error", "boom")
    failed = client.get(f"/v1/articles/{job_id}").get_json()
    assert failed["status"] == "failed" and failed["error"] == {"code": "engine_error", "message": "boom"}
    assert client.post("/v1/articles", json={"text": ARTICLE}).status_code == 202
    assert enqueued(store) == 2


def test_wait_holds_the_request_until_the_job_ends(client, store):
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    threading.Timer(0.3, store.finish, args=(job_id, {"quotes": [], "speakers": []})).start()
    started = time.monotonic()
    response = client.get(f"/v1/articles/{job_id}?wait=10")
    assert response.get_json()["status"] == "done"
    assert time.monotonic() - started < 3


def test_wait_gives_up_after_the_requested_time(client):
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    started = time.monotonic()
    response = client.get(f"/v1/articles/{job_id}?wait=0.5")
    assert response.status_code == 200 and response.get_json()["status"] == "queued"
    assert 0.4 < time.monotonic() - started < 3


def test_submit_with_wait_returns_the_result_when_it_is_ready(client, store, app):
    from workers.store import job_id_for

    job_id = job_id_for(ARTICLE, app.extensions["whosaid"].engine)

    def finish_when_queued() -> None:
        deadline = time.monotonic() + 5
        while store.get(job_id) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        store.finish(job_id, {"quotes": [], "speakers": []})

    threading.Thread(target=finish_when_queued).start()
    response = client.post("/v1/articles?wait=5", json={"text": ARTICLE})
    assert response.status_code == 200 and response.get_json()["status"] == "done"


@pytest.mark.parametrize("wait", ["-1", "31", "soon", "nan", "inf", ""])
def test_wait_out_of_range_is_refused(client, wait):
    job_id = client.post("/v1/articles", json={"text": ARTICLE}).get_json()["id"]
    assert_error(client.get(f"/v1/articles/{job_id}?wait={wait}"), 400, "invalid_parameter")


def test_batch_answers_one_id_per_article_in_order(client, store):
    texts = [f'"Article number {n} is here," the editor said.' for n in range(3)]
    response = client.post("/v1/articles/batch", json={"articles": [{"text": texts[0]}, {"text": texts[1]},
                                                                    {"text": texts[0]}, {"text": texts[2]}]})
    assert response.status_code == 202
    ids = [article["id"] for article in response.get_json()["articles"]]
    single = [client.post("/v1/articles", json={"text": text}).get_json()["id"] for text in texts]
    assert ids == [single[0], single[1], single[0], single[2]]
    assert enqueued(store) == 3, "duplicates in a batch are processed once"
    for job_id in set(ids):
        store.finish(job_id, {"quotes": [], "speakers": []})
    again = client.post("/v1/articles/batch", json={"articles": [{"text": text} for text in texts]})
    assert again.status_code == 200
    assert [article["status"] for article in again.get_json()["articles"]] == ["done"] * 3


@pytest.mark.parametrize("payload, status, code", [
    ({"articles": []}, 400, "invalid_article"),
    ({"articles": "text"}, 400, "invalid_article"),
    ([{"text": ARTICLE}], 400, "invalid_article"),
    ({"articles": [{"text": ARTICLE}, {"text": ""}]}, 400, "empty_text"),
    ({"articles": [{"text": ARTICLE}, {"title": "no text"}]}, 400, "invalid_article"),
    ({"articles": [{"text": f"article {n}"} for n in range(6)]}, 413, "too_large"),
])
def test_batch_refusals(client, store, payload, status, code):
    error = assert_error(client.post("/v1/articles/batch", json=payload), status, code)
    if code != "too_large" and isinstance(payload, dict) and len(payload["articles"]) == 2:
        assert "articles[1]" in error["message"]
    assert enqueued(store) == 0, "a refused batch queues nothing"


def test_batch_needs_json(client):
    assert_error(client.post("/v1/articles/batch", data=ARTICLE, content_type="text/plain"), 415,
                 "unsupported_media_type")


@pytest.mark.parametrize("body, content_type, code", [
    (b'{"text": "unterminated', "application/json", "malformed_json"),
    (b"", "application/json", "malformed_json"),
    (b"[" * 50_000, "application/json", "malformed_json"),
    (b'{"title": "no text"}', "application/json", "invalid_article"),
    (b'{"text": 42}', "application/json", "invalid_article"),
    (b'{"text": null}', "application/json", "invalid_article"),
    (b'{"text": ["a"]}', "application/json", "invalid_article"),
    (b'"just a string"', "application/json", "invalid_article"),
    (b'{"text": "ok", "title": 7}', "application/json", "invalid_article"),
    (b'{"text": ""}', "application/json", "empty_text"),
    (b'{"text": " \\n\\t "}', "application/json", "empty_text"),
    (b"", "text/plain", "empty_text"),
    (b'{"text": "caf\xe9"}', "application/json", "invalid_utf8"),
    (b"caf\xe9 \xff", "text/plain", "invalid_utf8"),
    (b'{"text": "lone \\ud800 surrogate"}', "application/json", "invalid_utf8"),
], ids=["unterminated", "empty-json", "deep-nesting", "no-text", "number", "null", "list", "bare-string",
        "bad-title", "empty", "blank", "empty-plain", "latin1-json", "latin1-plain", "lone-surrogate"])
def test_bad_articles_get_400(client, store, body, content_type, code):
    assert_error(client.post("/v1/articles", data=body, content_type=content_type), 400, code)
    assert enqueued(store) == 0


@pytest.mark.parametrize("content_type", ["application/xml", "multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded", "text/plain; charset=latin-1"])
def test_unsupported_content_types_get_415(client, content_type):
    assert_error(client.post("/v1/articles", data=b"text=1", content_type=content_type), 415,
                 "unsupported_media_type")


def test_missing_content_type_gets_415(client):
    assert_error(client.post("/v1/articles", data=b"text"), 415, "unsupported_media_type")


def call_with_body_stream(app, stream, headers: dict[str, str], **environ: object) -> tuple[int, dict]:
    """Run one POST /v1/articles through the WSGI app with `stream` as the raw request body."""
    from werkzeug.test import EnvironBuilder

    wsgi_environ = EnvironBuilder(path="/v1/articles", method="POST", headers=headers).get_environ()
    wsgi_environ.update({"wsgi.input": stream, **environ})
    status = []
    body = b"".join(app(wsgi_environ, lambda line, _headers, *rest: status.append(int(line.split()[0]))))
    return status[0], json.loads(body)


def test_body_over_the_limit_is_refused_unread(app):
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    status, body = call_with_body_stream(app, Unreadable(), {"Content-Type": "text/plain"},
                                         CONTENT_LENGTH=str(64 * 1024 + 1))
    assert (status, body["error"]["code"]) == (413, "too_large")


def test_chunked_body_over_the_limit_is_cut_off(app):
    chunk = b"x" * 4096
    sent = []

    class Chunks:
        def read(self, size=-1):
            if len(sent) >= 100:
                return b""
            piece = chunk if size < 0 else chunk[:size]
            sent.append(len(piece))
            return piece

        readline = read

    status, body = call_with_body_stream(app, Chunks(), {"Content-Type": "text/plain"},
                                         HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert (status, body["error"]["code"]) == (413, "too_large")
    assert sum(sent) <= 64 * 1024 + 2 * len(chunk), "reading stopped near the limit"


@pytest.mark.parametrize("path", ["/v1/articles/" + "0" * 32, "/v1/articles/" + "A" * 32, "/v1/articles/xyz",
                                  "/v1/articles/" + "0" * 32 + "/text", "/v1/articles/..%2F..%2Fetc",
                                  "/v2/articles", "/nowhere"])
def test_unknown_ids_and_paths_get_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path", [("DELETE", "/v1/articles"), ("GET", "/v1/articles"),
                                          ("PUT", "/v1/articles/" + "0" * 32), ("POST", "/healthz"),
                                          ("PATCH", "/v1/articles/batch")])
def test_wrong_methods_get_405(client, method, path):
    response = client.open(path, method=method)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["Allow"]


def test_unreachable_redis_gets_503_quickly(store):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    app = create_app({"REDIS_URL": dead, "BROKER_URL": "memory://localhost/", "REDIS_TIMEOUT": 0.5})
    client = app.test_client()
    for method, path, kwargs in [("POST", "/v1/articles", {"json": {"text": ARTICLE}}),
                                 ("GET", "/v1/articles/" + "0" * 32, {}),
                                 ("GET", "/v1/articles/" + "0" * 32 + "?wait=5", {}),
                                 ("POST", "/v1/articles/batch", {"json": {"articles": [{"text": ARTICLE}]}})]:
        started = time.monotonic()
        assert_error(client.open(path, method=method, **kwargs), 503, "store_unavailable")
        assert time.monotonic() - started < 1.5
    response = client.get("/readyz")
    assert_error(response, 503, "store_unavailable")


def test_unreachable_broker_gets_503_and_leaves_the_job_pending_for_the_recovery_sweep(store):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    app = create_app({"REDIS_URL": "redis://fakeredis.invalid/0", "BROKER_URL": dead, "REDIS_TIMEOUT": 0.5},
                     store=store)
    client = app.test_client()
    started = time.monotonic()
    response = client.post("/v1/articles", json={"text": ARTICLE})
    assert_error(response, 503, "broker_unavailable")
    assert time.monotonic() - started < 3
    [key] = store.client.keys("whosaid:job:*")
    job_id = key.rsplit(":", 1)[1]
    assert store.get(job_id).status is JobStatus.QUEUED
    assert [job for job, _ in store.unsent_jobs()] == [job_id], "the sweep sends its task once the broker is back"


def test_health_and_readiness(client, store):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    error = assert_error(client.get("/readyz"), 503, "no_workers")
    assert "heartbeat" in error["message"]
    store.heartbeat("w1@test/1")
    store.heartbeat("w2@test/2")
    assert client.get("/readyz").get_json() == {"status": "ready", "workers": 2}


def test_openapi_document_is_generated_from_the_views(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/v1/articles", "/v1/articles/batch", "/v1/articles/{job_id}", "/v1/articles/{job_id}/text",
            "/healthz", "/readyz"} <= set(spec["paths"])
    submit = spec["paths"]["/v1/articles"]["post"]
    assert {"200", "202", "400", "413", "415", "503"} <= set(submit["responses"])
    assert set(submit["requestBody"]["content"]) == {"application/json", "text/plain"}
    schemas = spec["components"]["schemas"]
    assert schemas["ErrorResponse"]["properties"]["error"]
    assert {"quotes", "speakers", "engine"} <= set(schemas["Result"]["properties"])


def test_docs_page_works_offline(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page and "/openapi.json" in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    for asset in ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"]:
        response = client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 1000


def test_create_app_refuses_to_start_without_redis(monkeypatch):
    with pytest.raises(SettingsError, match="WHOSAID_REDIS_URL"):
        create_app()


def test_settings_come_from_the_environment(monkeypatch, store):
    monkeypatch.setenv("WHOSAID_REDIS_URL", "redis://example.invalid:6379/3")
    monkeypatch.setenv("WHOSAID_MAX_ARTICLE_BYTES", "1000")
    monkeypatch.setenv("WHOSAID_WAIT_MAX", "5")
    app = create_app({"BROKER_URL": "memory://localhost/"}, store=store)
    settings = app.extensions["whosaid"].settings
    assert (settings.redis_url, settings.max_article_bytes, settings.wait_max) == (
        "redis://example.invalid:6379/3", 1000, 5)
    assert app.config["MAX_CONTENT_LENGTH"] == 1000
    client = app.test_client()
    assert_error(client.post("/v1/articles", data=b"x" * 1001, content_type="text/plain"), 413, "too_large")
    job_id = client.post("/v1/articles", json={"text": "short"}).get_json()["id"]
    assert_error(client.get(f"/v1/articles/{job_id}?wait=6"), 400, "invalid_parameter")


def test_environment_values_are_taken_as_written(monkeypatch, store):
    """A key made of digits stays a string key: values are not parsed as JSON on the way in."""
    monkeypatch.setenv("WHOSAID_API_KEYS", "20261126")
    monkeypatch.setenv("WHOSAID_RESULT_TTL", "3600")
    app = create_app({"BROKER_URL": "memory://localhost/"}, store=store)
    settings = app.extensions["whosaid"].settings
    assert (settings.api_key_set, settings.result_ttl) == (frozenset({"20261126"}), 3600)
    client = app.test_client()
    assert_error(client.post("/v1/articles", json={"text": "short"}), 401, "unauthorized")
    accepted = client.post("/v1/articles", json={"text": "short"}, headers={"Authorization": "Bearer 20261126"})
    assert accepted.status_code == 202


def test_job_document_matches_the_stored_job(client, store):
    job_id = client.post("/v1/articles", json={"text": ARTICLE, "url": "https://example.org/x"}).get_json()["id"]
    store.claim(job_id)
    store.finish(job_id, {"quotes": [], "speakers": [], "engine": {"name": "n", "version": "v", "model": "m"}})
    body = client.get(f"/v1/articles/{job_id}").get_json()
    assert list(body) == ["id", "status", "submitted_at", "started_at", "finished_at", "attempts", "title", "url",
                          "ref", "result", "error", "links"]
    job = store.get(job_id)
    assert body["status"] == JobStatus.DONE.value and body["attempts"] == job.attempts == 1
    assert body["submitted_at"] <= body["started_at"] <= body["finished_at"]
    assert json.loads(json.dumps(body["result"])) == job.result
