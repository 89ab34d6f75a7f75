"""The service's settings: one typed record, read from `WHOSAID_*` variables.

The API (through Flask's config) and the Celery workers (straight from the
environment) build the same `Settings`, so a variable means the same thing on
both sides of the queue. Defaults live here and nowhere else.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

ENV_PREFIX = "WHOSAID_"


class SettingsError(ValueError):
    """A `WHOSAID_*` value that cannot be used (wrong type or out of range)."""


@dataclass(frozen=True)
class Settings:
    """Everything the API and the workers need to agree on.

    Each field is set by the environment variable `WHOSAID_<FIELD IN CAPITALS>`.
    """

    redis_url: str | None = None
    """Redis holding job state and results; also the Celery broker unless `broker_url` is set.
    Unset means the embedded mode of `whosaid serve` (in-memory store, in-process worker)."""
    broker_url: str | None = None
    """Celery broker; defaults to `redis_url`."""
    result_ttl: int = 7 * 24 * 3600
    """Seconds a job record and its result stay in Redis after the last change."""
    max_article_bytes: int = 2 * 1024 * 1024
    """Largest request body for one article (bytes); larger ones get 413 unread."""
    batch_max_articles: int = 100
    """Most articles in one `POST /v1/articles/batch`."""
    max_batch_bytes: int = 16 * 1024 * 1024
    """Largest request body for a batch (bytes)."""
    soft_time_limit: int = 120
    """Seconds an article may take before the engine is interrupted (job fails with `timeout`)."""
    hard_time_limit: int = 150
    """Seconds after which the worker process running the article is killed (job fails with `timeout`)."""
    max_retries: int = 5
    """Retries, with exponential backoff, of a task hit by a transient error (Redis unreachable)."""
    engine_retries: int = 1
    """Retries, with backoff, of an article the engine raised on (at most `max_retries`); then the job fails
    with `engine_error`. A passing fault (memory, a broken model load) gets another chance; a bug fails fast."""
    wait_max: int = 30
    """Longest `?wait=S` a client may ask for (seconds)."""
    redis_timeout: float = 1.0
    """Socket connect/read timeout towards Redis and the broker (seconds): bounds how long a 503 takes."""
    visibility_timeout: int = 360
    """Seconds before a task taken by a worker that vanished (SIGKILL, power loss) is delivered again."""
    heartbeat_interval: float = 5.0
    """How often each worker announces it is alive, and which jobs it holds; it counts as gone after three
    missed beats."""
    recover_after: int = 60
    """Seconds after its last enqueue (and its last start, if one began) from which a job still queued or
    processing, held by no worker heard from for as long, and with no task left for it in the queue, is
    enqueued again."""
    recovery_interval: float = 10.0
    """Seconds between two sweeps for such jobs (`whosaid recover`, or the embedded service's own thread)."""
    worker_concurrency: int = 0
    """Worker processes per `whosaid worker` (0: one per CPU core)."""
    api_keys: str | None = None
    """Comma-separated API keys; when set, every write (POST) needs `Authorization: Bearer <one of them>`."""
    rate_limit: int = 0
    """Requests per client (API key, else address) per `rate_limit_window` on `/v1`; 0 switches limits off."""
    rate_limit_window: int = 60
    """Length of a rate-limit window (seconds)."""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from a mapping keyed by upper-case field names (Flask config, stripped env).

        Unknown keys are ignored (Flask's own config lives in the same mapping);
        known ones are converted to the field's type or rejected with `SettingsError`.
        """
        chosen: dict[str, Any] = {}
        for field in fields(cls):
            key = field.name.upper()
            if key in values and values[key] is not None and values[key] != "":
                chosen[field.name] = _convert(key, values[key], type(getattr(_DEFAULTS, field.name)))
        settings = cls(**chosen)
        settings.check()
        return settings

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `WHOSAID_*` environment variables."""
        environ = os.environ if environ is None else environ
        return cls.from_mapping({k[len(ENV_PREFIX):]: v for k, v in environ.items() if k.startswith(ENV_PREFIX)})

    def check(self) -> None:
        """Reject combinations that cannot work, with the variable's name in the message."""
        positive = ["result_ttl", "max_article_bytes", "batch_max_articles", "max_batch_bytes", "soft_time_limit",
                    "hard_time_limit", "wait_max", "redis_timeout", "visibility_timeout", "heartbeat_interval",
                    "recover_after", "recovery_interval", "rate_limit_window"]
        for name in positive:
            if getattr(self, name) <= 0:
                raise SettingsError(f"{ENV_PREFIX}{name.upper()} must be positive, got {getattr(self, name)}")
        if min(self.max_retries, self.engine_retries, self.worker_concurrency, self.rate_limit) < 0:
            raise SettingsError(f"{ENV_PREFIX}MAX_RETRIES, {ENV_PREFIX}ENGINE_RETRIES, {ENV_PREFIX}WORKER_CONCURRENCY "
                                f"and {ENV_PREFIX}RATE_LIMIT cannot be negative")
        if self.api_keys is not None and not self.api_key_set:
            raise SettingsError(f"{ENV_PREFIX}API_KEYS holds no key (comma-separated keys expected)")
        if self.hard_time_limit <= self.soft_time_limit:
            raise SettingsError(f"{ENV_PREFIX}HARD_TIME_LIMIT ({self.hard_time_limit}) must exceed "
                                f"{ENV_PREFIX}SOFT_TIME_LIMIT ({self.soft_time_limit})")
        if self.visibility_timeout <= self.hard_time_limit:
            raise SettingsError(f"{ENV_PREFIX}VISIBILITY_TIMEOUT ({self.visibility_timeout}) must exceed "
                                f"{ENV_PREFIX}HARD_TIME_LIMIT ({self.hard_time_limit}), or running tasks get "
                                "delivered twice")
        if self.recover_after <= self.heartbeat_ttl:
            raise SettingsError(f"{ENV_PREFIX}RECOVER_AFTER ({self.recover_after}) must exceed three "
                                f"{ENV_PREFIX}HEARTBEAT_INTERVAL ({self.heartbeat_interval:g}), or a job a live worker "
                                "has just taken could be enqueued again")

    @property
    def effective_broker_url(self) -> str | None:
        return self.broker_url or self.redis_url

    @property
    def api_key_set(self) -> frozenset[str]:
        """The accepted API keys (empty: writes need no key)."""
        return frozenset(key.strip() for key in (self.api_keys or "").split(",") if key.strip())

    @property
    def heartbeat_ttl(self) -> float:
        return 3 * self.heartbeat_interval

    def with_values(self, **changes: Any) -> Settings:
        updated = replace(self, **changes)
        updated.check()
        return updated


_DEFAULTS = Settings()


def _convert(key: str, raw: Any, kind: type) -> Any:
    if kind is type(None):  # optional string fields default to None
        if not isinstance(raw, str):
            raise SettingsError(f"{ENV_PREFIX}{key} must be a string, got {raw!r}")
        return raw
    if isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip()):
        raise SettingsError(f"{ENV_PREFIX}{key} must be a number, got {raw!r}")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{ENV_PREFIX}{key} must be a number, got {raw!r}") from None
    if kind is int:
        if number != int(number):
            raise SettingsError(f"{ENV_PREFIX}{key} must be a whole number, got {raw!r}")
        return int(number)
    return number
