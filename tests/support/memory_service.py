"""The service on in-memory backends, for unit tests: a fakeredis job store and the app on it.

(A module of its own, not a conftest.py: test modules import it, and several test
directories have a conftest, which Python would confuse.)
"""
from __future__ import annotations

import fakeredis

from service import create_app
from workers.store import JobStore

MEMORY_BROKER = "memory://localhost/"


def memory_store(ttl: int = 3600) -> JobStore:
    """A job store on a fresh in-memory fakeredis server (one server: the app's clients share it)."""
    server = fakeredis.FakeServer()
    return JobStore(fakeredis.FakeRedis(server=server, decode_responses=True),
                    fakeredis.FakeRedis(server=server, decode_responses=True), ttl=ttl)


def memory_app(store: JobStore, **settings: object):
    """The API app on `store` with the in-memory broker; `settings` as WHOSAID_* names without the prefix."""
    config = {"REDIS_URL": "redis://fakeredis.invalid:6379/0", "BROKER_URL": MEMORY_BROKER,
              "MAX_ARTICLE_BYTES": 64 * 1024, "BATCH_MAX_ARTICLES": 5}
    config.update({name.upper(): value for name, value in settings.items()})
    return create_app(config, store=store)
