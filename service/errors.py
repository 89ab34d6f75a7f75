"""JSON errors everywhere: `{"error": {"code", "message"}}` for every 4xx and 5xx the app can produce.

Views raise `ApiError` for their own refusals; HTTP errors from routing and body
limits (404, 405, 413) and unreachable Redis or broker (503) are converted here,
so no response ever falls back to an HTML error page or a bare 500.
"""
from __future__ import annotations

import logging

import kombu.exceptions
from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from workers.store import TRANSIENT_ERRORS

log = logging.getLogger(__name__)

HTTP_ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """A refusal with an HTTP status, a stable machine-readable code and a sentence for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = HTTP_ERROR_CODES.get(status, "http_error")
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        if status == 413:
            message = "the request body is larger than this endpoint accepts"
        elif status == 404:
            message = "nothing here: unknown path or article id"
        else:
            message = error.description or error.name
        return error_response(status, code, message, headers)

    def _store_unavailable(error: Exception) -> Response:
        log.warning("Redis unreachable: %s", error)
        return error_response(503, "store_unavailable", "the job store (Redis) is unreachable; try again shortly",
                              {"Retry-After": "5"})

    def _broker_unavailable(error: Exception) -> Response:
        log.warning("broker unreachable: %s", error)
        return error_response(503, "broker_unavailable", "the task queue is unreachable; try again shortly",
                              {"Retry-After": "5"})

    for store_error in TRANSIENT_ERRORS:
        app.register_error_handler(store_error, _store_unavailable)
    app.register_error_handler(kombu.exceptions.OperationalError, _broker_unavailable)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "the server failed to handle this request")
