"""Fixtures of the service tests: an API app on fakeredis (unit), real processes (slow).

The slow fixtures start a private redis-server, gunicorn and Celery workers through
`whosaid_stack` (tests/support), on free ports, and stop them at the end.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from memory_service import memory_app, memory_store
from whosaid_stack import RedisServer, ServiceStack

from workers.store import JobStore

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def _no_whosaid_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the service explicitly; a WHOSAID_* variable of the caller must not leak in."""
    import os

    for name in [name for name in os.environ if name.startswith("WHOSAID_") and name != "WHOSAID_SPACY_MODEL"]:
        monkeypatch.delenv(name)


@pytest.fixture
def store() -> JobStore:
    return memory_store()


@pytest.fixture
def app(store: JobStore):
    return memory_app(store)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (DATA / "seed.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A private redis-server for the whole session's slow tests."""
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="session")
def stack(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
    """gunicorn (2 processes) + 2 Celery worker processes on the private Redis, as in production."""
    with ServiceStack(redis_server.url, tmp_path_factory.mktemp("stack"), workers=2, batch_max_articles=5,
                      max_article_bytes=256 * 1024) as running:
        yield running
