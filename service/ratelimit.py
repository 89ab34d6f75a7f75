"""Per-client rate limits on `/v1`, counted in Redis so every API process shares them.

A client is its accepted API key, else its address as the API sees it (put the
proxy's forwarding in front accordingly). Each client may make
`WHOSAID_RATE_LIMIT` requests per fixed window of `WHOSAID_RATE_LIMIT_WINDOW`
seconds; beyond that the answer is 429 with `Retry-After` (seconds until the
window ends). Clients are stored as SHA-256 digests, never as raw header values.
"""
from __future__ import annotations

import hashlib
import math

from flask import Flask, request

from service.auth import authenticated_key
from service.backend import backend
from service.errors import ApiError
from workers.settings import Settings

LIMITED_PREFIX = "/v1/"


def client_identity() -> str:
    """A hex digest naming the client of this request: its API key if one was accepted, else its address."""
    key = authenticated_key()
    who = f"key:{key}" if key is not None else f"address:{request.remote_addr}"
    return hashlib.sha256(who.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def install(app: Flask, settings: Settings) -> None:
    """Enforce `settings.rate_limit` on `/v1` requests of `app` (nothing when it is 0); after `service.auth`."""
    if not settings.rate_limit:
        return

    @app.before_request
    def _limit_rate() -> None:
        if not request.path.startswith(LIMITED_PREFIX):
            return
        hits, seconds_left = backend().store.hit_rate_limit(client_identity(), settings.rate_limit_window)
        if hits > settings.rate_limit:
            retry_after = max(1, math.ceil(seconds_left))
            raise ApiError(429, "rate_limited",
                           f"more than {settings.rate_limit} requests in {settings.rate_limit_window} s; "
                           f"try again in {retry_after} s", {"Retry-After": str(retry_after)})
