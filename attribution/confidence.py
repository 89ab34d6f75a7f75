"""How far to trust a quote: the share of quotes found the same way that were right.

One figure per method (how the speaker was found), kind of quote and whether the
speaker is named, fitted by `eval/fit_confidence.py` on the tuning parts of the dev
sets (end to end: the right quote with the right speaker) and stored in
`confidence.json` beside this module. A combination too rare to have its own
figure takes its method's, and an unknown method the overall one. On the held-out
parts, quotes given 0.8 are right about 80% of the time.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("confidence.json")

Key = tuple[str, str, bool]


def key_of(quote: dict) -> Key:
    """The table key of a quote in its JSON form: (method, kind, speaker named)."""
    speaker = quote.get("speaker")
    named = isinstance(speaker, dict) and bool(speaker.get("name"))
    return quote.get("method") or "none", quote.get("kind") or "direct", named


def lookup(table: dict, key: Key) -> float:
    method, kind, named = key
    cell = table["cells"].get(f"{method}|{kind}|{named}")
    if cell is not None:
        return cell
    return table["methods"].get(method, table["overall"])


@lru_cache(maxsize=1)
def _table() -> dict:
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def confidence(method: str, kind: str, named: bool) -> float:
    """The fitted share right for quotes found by `method`, of `kind`, with a named speaker or not."""
    return lookup(_table(), (method, kind, named))
