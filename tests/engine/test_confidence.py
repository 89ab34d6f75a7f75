"""Confidence: the fitted share right of quotes found the same way, with fallbacks for rare cases."""
from __future__ import annotations

from attribution.confidence import confidence, key_of, lookup

TABLE = {"overall": 0.8, "methods": {"name": 0.95, "pronoun": 0.7},
         "cells": {"name|direct|True": 0.97, "pronoun|indirect|True": 0.6}}


def test_a_combination_with_its_own_figure_takes_it_else_its_methods_else_the_overall():
    assert lookup(TABLE, ("name", "direct", True)) == 0.97
    assert lookup(TABLE, ("name", "mixed", True)) == 0.95
    assert lookup(TABLE, ("byline", "direct", True)) == 0.8


def test_the_key_of_a_quote_in_json():
    assert key_of({"method": "pronoun", "kind": "indirect", "speaker": {"name": "Anna Berg"}}) == ("pronoun", "indirect", True)
    assert key_of({"method": "description", "kind": "direct", "speaker": {"name": None}}) == ("description", "direct", False)


def test_every_quote_carries_the_fitted_figure_of_how_it_was_found(attributed):
    text = ("\"We will not accept these tariffs,\" said Prime Minister Anna Berg. She added that talks would resume. "
            "A resident said the bridge had been closed for a week.")
    quotes = attributed(text).quotes
    assert len(quotes) == 3
    for quote in quotes:
        named = quote.speaker is not None and quote.speaker.name is not None
        assert quote.confidence == confidence(quote.method, quote.kind, named)
    # an explicit name is trusted more than an unnamed description
    assert quotes[0].confidence > quotes[2].confidence
