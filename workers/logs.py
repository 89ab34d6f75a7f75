"""Structured logs: one JSON object per line, carrying the request id of the article being handled.

The API binds a request id to every HTTP request (`service.logs`), answers it in
`X-Request-ID`, and sends it with the article's task in the message header
`REQUEST_ID_HEADER`; the worker binds it again around the task run. So one
`grep <request id>` over the API's and the workers' logs shows an article's whole
path: accepted, queued, claimed, done or failed.

Imports neither Flask nor the engine: the API and the workers both use it.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar, Token
from datetime import datetime, timezone
from typing import Any

from celery.signals import setup_logging, task_postrun, task_prerun

REQUEST_ID_HEADER = "whosaid_request_id"
"""Task message header carrying the id of the HTTP request that queued the article."""
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
"""Request ids a client may choose (`X-Request-ID`); anything else is replaced by a fresh one."""

_context: ContextVar[dict[str, Any]] = ContextVar("whosaid_log_context", default={})
_STANDARD_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def new_request_id() -> str:
    return uuid.uuid4().hex


def acceptable_request_id(candidate: str | None) -> str | None:
    """`candidate` when it is a request id a client may set (short, plain characters), else None."""
    if candidate and REQUEST_ID_PATTERN.fullmatch(candidate):
        return candidate
    return None


def bind(**fields: Any) -> Token:
    """Add `fields` (request_id, job_id, ...) to every log line of the current context until `unbind`."""
    return _context.set({**_context.get(), **fields})


def unbind(token: Token) -> None:
    _context.reset(token)


def current_request_id() -> str | None:
    return _context.get().get("request_id")


def task_headers() -> dict[str, str]:
    """Message headers that carry the current request id into the worker (none outside a request)."""
    request_id = current_request_id()
    return {REQUEST_ID_HEADER: request_id} if request_id else {}


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", <bound fields>, <extra fields>, "exception"?}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                  .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context.get(),
        }
        entry.update({key: value for key, value in record.__dict__.items()
                      if key not in _STANDARD_RECORD_FIELDS and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):
    """The handler `configure_logging` installs (recognised, so configuring twice does not log twice)."""


def configure_logging(level: int | str = logging.INFO) -> None:
    """Send every log record of this process to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _JsonHandler)]:
        root.removeHandler(handler)
    handler = _JsonHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


@setup_logging.connect
def _worker_logging(loglevel: int | str | None = None, **_: Any) -> None:
    """Celery worker: JSON lines instead of Celery's own format (connecting this stops Celery configuring logs)."""
    configure_logging(loglevel or logging.INFO)


_task_tokens: dict[str, Token] = {}


@task_prerun.connect
def _bind_task(task_id: str, task, args=None, **_: Any) -> None:
    """Around each task run: the request id from the message header, the job id, the Celery task id."""
    fields = {"task_id": task_id, "request_id": getattr(task.request, REQUEST_ID_HEADER, None)}
    if args:
        fields["job_id"] = args[0]
    _task_tokens[task_id] = bind(**fields)


@task_postrun.connect
def _unbind_task(task_id: str, **_: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        unbind(token)
