"""Request ids and one JSON log line per HTTP request.

Each request gets an id: the client's `X-Request-ID` when it is a short plain
token, else a fresh one. It is bound to every log line written while the request
is handled, answered in the `X-Request-ID` response header, and sent with any task
the request queues (`workers.logs`), so the worker's lines carry it too.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from workers.logs import acceptable_request_id, bind, configure_logging, current_request_id, new_request_id, unbind

REQUEST_ID_HEADER = "X-Request-ID"

log = logging.getLogger("whosaid.access")


def install(app: Flask) -> None:
    """Configure JSON logging and bind a request id around every request of `app` (register this first)."""
    configure_logging()

    @app.before_request
    def _bind_request_id() -> None:
        request_id = acceptable_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        g.whosaid_log_token = bind(request_id=request_id)
        g.whosaid_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        request_id = current_request_id()
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("whosaid_started")
        log.info("%s %s %d", request.method, request.path, response.status_code,
                 extra={"method": request.method, "path": request.path, "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
                        "client": request.remote_addr})
        return response

    @app.teardown_request
    def _unbind_request_id(_: BaseException | None) -> None:
        token = g.pop("whosaid_log_token", None)
        if token is not None:
            unbind(token)
