"""Optional API keys (`WHOSAID_API_KEYS`): when set, writes need `Authorization: Bearer <key>`.

Reads stay open (a job id is already a hard-to-guess capability); a request that
presents a key has it checked whatever its method. Refusals are 401 JSON errors
raised before the view runs, so a refused write neither reads its body nor
touches Redis. Keys are compared in constant time on their SHA-256 digests.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Flask, g, request

from service.errors import ApiError
from workers.settings import ENV_PREFIX, Settings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="whosaid"'}


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def authenticated_key() -> str | None:
    """The API key this request presented and that was accepted (None without keys or without a key)."""
    return g.get("whosaid_api_key")


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def install(app: Flask, settings: Settings) -> None:
    """Check API keys before every request of `app`, when `settings` has any."""
    accepted = [_digest(key) for key in settings.api_key_set]
    if not accepted:
        return

    @app.before_request
    def _check_api_key() -> None:
        header = request.headers.get("Authorization")
        if header is None:
            if request.method in WRITE_METHODS:
                raise ApiError(401, "unauthorized", "this service needs an API key to accept articles: send "
                                                    "`Authorization: Bearer <key>`", CHALLENGE)
            return
        token = bearer_token(header)
        if token is None:
            raise ApiError(401, "unauthorized", "the Authorization header must read `Bearer <key>`", CHALLENGE)
        presented = _digest(token)
        if not any(hmac.compare_digest(presented, key) for key in accepted):
            raise ApiError(401, "unauthorized", f"the API key is not one of {ENV_PREFIX}API_KEYS", CHALLENGE)
        g.whosaid_api_key = token
