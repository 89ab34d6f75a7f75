"""Reading and validating request bodies and parameters, with the service's error codes.

Size limits are enforced by Werkzeug before the body is read (Content-Length
checked up front, chunked bodies cut off at the limit); everything here runs on
a body already known to fit.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from flask import request

from service.errors import ApiError

METADATA_FIELDS = ("title", "url", "ref")
MAX_METADATA_CHARS = 2000
ACCEPTED_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


@dataclass(frozen=True)
class ArticleSubmission:
    text: str
    title: str | None = None
    url: str | None = None
    ref: str | None = None


def article_from_request(max_article_bytes: int) -> ArticleSubmission:
    """The article in a `POST /v1/articles` body: JSON `{"text", ...}` or a text/plain body."""
    if request.mimetype == "application/json":
        return parse_article(read_json(), "body", max_article_bytes)
    if request.mimetype == "text/plain":
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ACCEPTED_CHARSETS:
            raise ApiError(415, "unsupported_media_type", f"text/plain bodies must be UTF-8, not {charset}")
        fields = {name: request.args.get(name) for name in METADATA_FIELDS}
        return parse_article({"text": _decode_body(), **fields}, "body", max_article_bytes)
    raise ApiError(415, "unsupported_media_type",
                   f"send application/json or text/plain, not {request.mimetype or 'a body without Content-Type'}")


def batch_from_request(max_articles: int, max_article_bytes: int) -> list[ArticleSubmission]:
    """The articles in a `POST /v1/articles/batch` body `{"articles": [...]}`, in order."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "a batch is a JSON body: {\"articles\": [...]}")
    payload = read_json()
    if not isinstance(payload, dict) or not isinstance(payload.get("articles"), list):
        raise ApiError(400, "invalid_article", "the body must be a JSON object with a list under \"articles\"")
    items = payload["articles"]
    if not items:
        raise ApiError(400, "invalid_article", "\"articles\" is empty")
    if len(items) > max_articles:
        raise ApiError(413, "too_large", f"a batch holds at most {max_articles} articles, this one has {len(items)}")
    return [parse_article(item, f"articles[{index}]", max_article_bytes) for index, item in enumerate(items)]


def read_json() -> Any:
    """The body parsed as JSON (strict UTF-8); 400 `malformed_json` or `invalid_utf8` otherwise."""
    body = _decode_body()
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None


def parse_article(payload: Any, where: str, max_article_bytes: int) -> ArticleSubmission:
    """Check one article object: `text` a non-empty string within the size limit, metadata strings or null."""
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_article", f"{where} must be a JSON object with a \"text\" field")
    text = payload.get("text")
    if text is None:
        raise ApiError(400, "invalid_article", f"{where} has no \"text\"")
    if not isinstance(text, str):
        raise ApiError(400, "invalid_article", f"{where}: \"text\" must be a string, not {_json_type(text)}")
    if not text.strip():
        raise ApiError(400, "empty_text", f"{where}: \"text\" is empty")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ApiError(400, "invalid_utf8", f"{where}: \"text\" contains unpaired surrogates") from None
    if size > max_article_bytes:
        raise ApiError(413, "too_large", f"{where}: the article is {size} bytes, the limit is {max_article_bytes}")
    metadata = {}
    for name in METADATA_FIELDS:
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            raise ApiError(400, "invalid_article", f"{where}: \"{name}\" must be a string or null")
        if value is not None and len(value) > MAX_METADATA_CHARS:
            raise ApiError(400, "invalid_article", f"{where}: \"{name}\" is longer than {MAX_METADATA_CHARS} characters")
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(400, "invalid_utf8", f"{where}: \"{name}\" contains unpaired surrogates") from None
        metadata[name] = value
    return ArticleSubmission(text=text, **metadata)


def wait_seconds(wait_max: int) -> float:
    """The `?wait=S` query parameter: 0 when absent, a number of seconds from 0 to `wait_max`."""
    raw = request.args.get("wait")
    if raw is None:
        return 0.0
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= wait_max:
        raise ApiError(400, "invalid_parameter", f"wait must be a number of seconds from 0 to {wait_max}, not {raw!r}")
    return seconds


def _decode_body() -> str:
    body = request.get_data(cache=False)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(body) >= limit:
        # A chunked body is read up to the limit and cut there without an error: refuse it whole.
        raise ApiError(413, "too_large", f"the request body reaches the {limit}-byte limit")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_utf8", f"the body is not valid UTF-8 (byte {exc.start})") from None


def _json_type(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)
