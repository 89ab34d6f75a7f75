"""Helpers of the reliability tests: the figures every fault test reports.

(A module of its own, not conftest.py: test modules import it, and several test
directories have a conftest.)
"""
from __future__ import annotations

FIGURES: list[str] = []
"""Lines "test: name=value, ..." printed again in the terminal summary."""


def record_figures(test_name: str, **figures: object) -> None:
    line = f"{test_name}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
    FIGURES.append(line)
    print(line)
