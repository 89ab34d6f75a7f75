"""Hostile and malformed requests, in process on a fakeredis store: a clear 4xx or a correct acceptance.

(What the workers make of the accepted hostile texts is tested with real processes
in test_worker_faults.py.)
"""
from __future__ import annotations

import io
import json

import pytest
from memory_service import memory_app
from werkzeug.test import EnvironBuilder, run_wsgi_app

LIMIT = 64 * 1024
ARTICLE = '"Rents will fall," the minister said.'


def assert_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message"} and error["message"]
    if code:
        assert error["code"] == code, error


class CountingStream(io.RawIOBase):
    """An endless request body that counts the bytes the server reads from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = min(len(buffer), 65536)
        buffer[:chunk] = b"a" * chunk
        self.read_bytes += chunk
        return chunk


@pytest.fixture
def client(store):
    return memory_app(store, max_article_bytes=LIMIT).test_client()


@pytest.mark.parametrize("path", ["/v1/articles", "/v1/articles/batch"])
def test_oversized_bodies_are_refused_before_they_are_read(store, path):
    app = memory_app(store, max_article_bytes=LIMIT, max_batch_bytes=4 * LIMIT)
    stream = CountingStream()
    environ = EnvironBuilder(path=path, method="POST", content_type="application/json").get_environ()
    environ.update({"wsgi.input": stream, "CONTENT_LENGTH": str(100 * 1024 * 1024)})
    body, status, _ = run_wsgi_app(app, environ)
    assert status.startswith("413")
    assert json.loads(b"".join(body))["error"]["code"] == "too_large"
    assert stream.read_bytes == 0, "the body was read"
    assert store.client.keys("whosaid:job:*") == []


@pytest.mark.parametrize("body", [
    "[" * 60_000,
    '{"text": ' * 6_000 + '"x"' + "}" * 6_000,
    '{"text": "a", "x": 1' + "0" * 20_000 + "}",
    '{"text": "unterminated',
    "",
    "\ufeff{}",
], ids=["deep-lists", "deep-objects", "20k-digit-number", "unterminated", "empty", "bom"])
def test_malformed_json_is_a_400(client, body):
    assert_error(client.post("/v1/articles", data=body.encode(), content_type="application/json"), 400,
                 "malformed_json")


def test_huge_json_within_the_limit_gets_a_clear_answer(client):
    many_keys = "{" + ",".join(f'"k{n}": {n}' for n in range(4000)) + ', "text": "' + ARTICLE.replace('"', "'") + '"}'
    assert client.post("/v1/articles", data=many_keys.encode(), content_type="application/json").status_code == 202
    long_list = json.dumps({"text": ARTICLE, "title": ["x"] * 5_000})
    assert_error(client.post("/v1/articles", data=long_list.encode(), content_type="application/json"), 400,
                 "invalid_article")


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"text": "caf\xe9 \xff\xfe"}'),
    ("text/plain; charset=utf-8", b"The \xc3\x28 minister said."),
    ("text/plain", b"\xed\xa0\x80 surrogate bytes"),
])
def test_invalid_utf8_is_a_400(client, content_type, body):
    assert_error(client.post("/v1/articles", data=body, content_type=content_type), 400, "invalid_utf8")


def test_unpaired_surrogates_escaped_in_json_are_a_400(client):
    assert_error(client.post("/v1/articles", data=b'{"text": "lone \\ud800 half"}', content_type="application/json"),
                 400, "invalid_utf8")


@pytest.mark.parametrize("text", [
    ARTICLE.replace(" said", "\x00 said"),
    ARTICLE + "".join(chr(code) for code in range(1, 32)) + "\x7f",
    ARTICLE + "\u202e\u200b\ufeff\U0001F600",
], ids=["nul", "c0-controls", "format-characters"])
def test_nul_bytes_and_control_characters_are_accepted_verbatim(client, text):
    for response in (client.post("/v1/articles", json={"text": text}),
                     client.post("/v1/articles", data=text.encode(), content_type="text/plain")):
        assert response.status_code == 202
        stored = client.get(response.get_json()["links"]["text"])
        assert stored.get_data(as_text=True) == text


def test_a_megabyte_of_quote_marks(store):
    client = memory_app(store, max_article_bytes=2 * 1024 * 1024).test_client()
    marks = '"' * (1024 * 1024)
    assert client.post("/v1/articles", data=marks.encode(), content_type="text/plain").status_code == 202
    assert_error(client.post("/v1/articles", json={"text": marks + "!"}), 413, "too_large")  # escaped: > 2 MB


@pytest.mark.parametrize("field, value, code", [
    ("text", 12, "invalid_article"), ("text", None, "invalid_article"), ("text", "   \n\t ", "empty_text"),
    ("text", ["a"], "invalid_article"), ("title", {"a": 1}, "invalid_article"), ("ref", "r" * 3000, "invalid_article"),
])
def test_wrong_fields_are_a_400(client, field, value, code):
    body = {"text": ARTICLE, field: value}
    assert_error(client.post("/v1/articles", json=body), 400, code)


@pytest.mark.parametrize("wait", ["-1", "nan", "inf", "1e309", "31", "0x10", "", "1;DROP"])
def test_bad_wait_parameters_are_a_400(client, wait):
    assert_error(client.get(f"/v1/articles/{'a' * 32}?wait={wait}"), 400, "invalid_parameter")


@pytest.mark.parametrize("job_id", [
    "A" * 32, "a" * 31, "a" * 33, "g" * 32, "a" * 10_000, "*", "whosaid:job:" + "a" * 20, "%2e%2e%2fetc",
    "..%2F..%2Fwhosaid:workers", "%00" + "a" * 29, "\u0430" * 32, "a" * 31 + "%0A",
], ids=["upper-case", "short", "long", "not-hex", "10k-chars", "glob", "key-name", "dot-dot", "dot-dot-key", "nul",
        "cyrillic", "newline"])
def test_ids_of_the_wrong_form_never_reach_redis(store, client, monkeypatch, job_id):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a client id reached the store")

    for method in ("get", "get_text", "wait", "submit", "claim"):
        monkeypatch.setattr(store, method, refuse)
    for path in (f"/v1/articles/{job_id}", f"/v1/articles/{job_id}/text", f"/v1/articles/{job_id}?wait=1"):
        assert_error(client.get(path), 404, "not_found")


def test_unsupported_media_types_and_methods(client):
    assert_error(client.post("/v1/articles", data=b"<a/>", content_type="application/xml"), 415,
                 "unsupported_media_type")
    assert_error(client.post("/v1/articles", data=ARTICLE.encode(), content_type="text/plain; charset=latin-1"),
                 415, "unsupported_media_type")
    assert_error(client.delete("/v1/articles"), 405, "method_not_allowed")
    assert_error(client.put(f"/v1/articles/{'a' * 32}", json={}), 405, "method_not_allowed")
