"""whosaid's HTTP API: the Flask application factory.

Production: `gunicorn -k gthread "service:create_app()"` with `WHOSAID_REDIS_URL`
set, and workers started separately (`whosaid worker`). Laptop: `whosaid serve`
runs the same app with an in-memory store and an in-process worker.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_smorest import Api

import attribution
from service import articles, auth, docs, health, logs, metrics, ratelimit, schemas, web
from service.backend import EXTENSION_KEY, Backend
from service.errors import register_error_handlers
from workers.app import create_celery
from workers.settings import ENV_PREFIX, Settings, SettingsError
from workers.store import JobStore

OPENAPI_CONFIG = {
    "API_TITLE": "whosaid",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": docs.ASSETS_URL,
    "API_SPEC_OPTIONS": {
        "info": {"description": "Find every quotation in a news article and who said it. Submit an article, "
                                "poll its job (or wait on it), read quotes and speakers with character offsets."},
    },
}


class WhosaidApi(Api):
    """flask-smorest's Api documenting errors in this service's `{"error": {"code", "message"}}` shape."""

    ERROR_SCHEMA = schemas.ErrorResponseSchema


def create_app(overrides: Mapping[str, Any] | None = None, *, store: JobStore | None = None) -> Flask:
    """Build the API app from `WHOSAID_*` variables, then `overrides` (same names, without the prefix).

    `store` replaces the Redis store built from `WHOSAID_REDIS_URL` (tests pass one on fakeredis).
    """
    app = Flask(__name__)
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"), loads=str)  # raw strings: `Settings` converts types
    app.config.update(overrides or {})
    settings = Settings.from_mapping(app.config)
    if store is None:
        if not settings.redis_url:
            raise SettingsError(f"{ENV_PREFIX}REDIS_URL is not set: point it at Redis, or run `whosaid serve` "
                                "without it for the embedded in-memory mode")
        store = JobStore.from_url(settings.redis_url, ttl=settings.result_ttl, timeout=settings.redis_timeout,
                                  longest_wait=settings.wait_max)
    if not settings.effective_broker_url:
        raise SettingsError(f"set {ENV_PREFIX}BROKER_URL (or {ENV_PREFIX}REDIS_URL) so the API can queue tasks")
    app.config.update(OPENAPI_CONFIG, MAX_CONTENT_LENGTH=settings.max_article_bytes)
    app.json.sort_keys = False
    app.extensions[EXTENSION_KEY] = Backend(settings=settings, store=store, celery=create_celery(settings),
                                            engine=attribution.engine_info())

    logs.install(app)  # first: the request id is bound before any other hook can log or refuse
    auth.install(app, settings)
    ratelimit.install(app, settings)
    metrics.install(app)
    api = WhosaidApi(app)
    api.register_blueprint(articles.blueprint)
    api.register_blueprint(health.blueprint)
    app.register_blueprint(docs.blueprint)
    app.register_blueprint(web.blueprint)
    register_error_handlers(app)
    return app
