"""Helpers of the reliability tests: in-memory apps, and the figures every fault test reports.

(A module of its own, not conftest.py: test modules import it, and several test
directories have a conftest.)
"""
from __future__ import annotations

import fakeredis

from service import create_app
from workers.store import JobStore

MEMORY_BROKER = "memory://localhost/"
FIGURES: list[str] = []
"""Lines "test: name=value, ..." printed again in the terminal summary."""


def record_figures(test_name: str, **figures: object) -> None:
    line = f"{test_name}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
    FIGURES.append(line)
    print(line)


def memory_store() -> JobStore:
    """A job store on a fresh in-memory fakeredis server (one server: the app's clients share it)."""
    server = fakeredis.FakeServer()
    return JobStore(fakeredis.FakeRedis(server=server, decode_responses=True),
                    fakeredis.FakeRedis(server=server, decode_responses=True), ttl=3600)


def memory_app(store: JobStore, **settings: object):
    """The API app on `store` with the in-memory broker; `settings` as WHOSAID_* names without the prefix."""
    config = {"REDIS_URL": "redis://fakeredis.invalid:6379/0", "BROKER_URL": MEMORY_BROKER,
              "MAX_ARTICLE_BYTES": 64 * 1024, "BATCH_MAX_ARTICLES": 5}
    config.update({name.upper(): value for name, value in settings.items()})
    return create_app(config, store=store)
