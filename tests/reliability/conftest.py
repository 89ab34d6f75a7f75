"""Fixtures of the reliability tests, and a "reliability figures" section at the end of the run.

Each fault, load and fuzz test reports its figures (articles accepted and finished,
throughput, cases tried) through `report_figures`; they are printed as the test runs
and again, together, in the terminal summary, so CI logs show them even when
output capture hides the tests' own prints.
"""
from __future__ import annotations

import os
from collections.abc import Callable

import fakeredis
import pytest

from service import create_app
from workers.store import JobStore

MEMORY_BROKER = "memory://localhost/"
_FIGURES: list[str] = []


@pytest.fixture(autouse=True)
def _no_whosaid_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the service explicitly; a WHOSAID_* variable of the caller must not leak in."""
    for name in [name for name in os.environ if name.startswith("WHOSAID_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def report_figures(request: pytest.FixtureRequest) -> Callable[..., None]:
    def report(**figures: object) -> None:
        line = f"{request.node.name}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
        _FIGURES.append(line)
        print(line)
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


def memory_store() -> JobStore:
    """A job store on a fresh in-memory fakeredis server (one server: the app's clients share it)."""
    server = fakeredis.FakeServer()
    return JobStore(fakeredis.FakeRedis(server=server, decode_responses=True),
                    fakeredis.FakeRedis(server=server, decode_responses=True), ttl=3600)


def memory_app(store: JobStore, **settings: object):
    """The API app on `store` with the in-memory broker; `settings` as WHOSAID_* names without the prefix."""
    config = {"REDIS_URL": "redis://fakeredis.invalid:6379/0", "BROKER_URL": MEMORY_BROKER, "MAX_ARTICLE_BYTES": 64 * 1024,
              "BATCH_MAX_ARTICLES": 5}
    config.update({name.upper(): value for name, value in settings.items()})
    return create_app(config, store=store)


@pytest.fixture
def store() -> JobStore:
    return memory_store()
