"""Fixtures of the reliability tests, and a "reliability figures" section at the end of the run.

Each fault, load and fuzz test reports its figures (articles accepted and finished,
throughput, cases tried) through `report_figures`; they are printed as the test runs
and again, together, in the terminal summary, so CI logs show them even when
output capture hides the tests' own prints.
"""
from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from memory_service import memory_store
from reliability_support import FIGURES, record_figures

from workers.store import JobStore


@pytest.fixture(autouse=True)
def _no_whosaid_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure the service explicitly; a WHOSAID_* variable of the caller must not leak in."""
    for name in [name for name in os.environ if name.startswith("WHOSAID_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def report_figures(request: pytest.FixtureRequest) -> Callable[..., None]:
    def report(**figures: object) -> None:
        record_figures(request.node.name, **figures)
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def store() -> JobStore:
    return memory_store()
