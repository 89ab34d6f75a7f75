"""Engine unit tests: the spaCy model is loaded once for the whole session."""
from __future__ import annotations

import pytest

from attribution import attribute
from attribution.engine import warm_up
from attribution.result import Attribution, Quote


@pytest.fixture(scope="session")
def attributed():
    """`attributed(text)` -> the engine's Attribution, with every quote's offsets checked."""
    warm_up()

    def run(text: str) -> Attribution:
        result = attribute(text)
        for quote in result.quotes:
            assert text[quote.start:quote.end] == quote.text
        return result

    return run


@pytest.fixture(scope="session")
def quote_with():
    """`quote_with(result, fragment)` -> the one quote whose text contains `fragment`."""

    def find(result: Attribution, fragment: str) -> Quote:
        found = [q for q in result.quotes if fragment in q.text]
        assert len(found) == 1, f"{len(found)} quotes contain {fragment!r}: {[q.text for q in result.quotes]}"
        return found[0]

    return find
