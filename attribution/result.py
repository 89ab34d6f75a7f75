"""The engine's output: what `attribute(text)` returns, and its plain-JSON form.

Offsets are Python string indices into the text exactly as given; spans exclude
quote marks, so `text[quote.start:quote.end] == quote.text` always holds.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

QuoteKind = Literal["direct", "mixed", "indirect"]
SpeakerKind = Literal["person", "organization", "unknown"]


@dataclass(frozen=True)
class TextSpan:
    """A stretch of the input text: `text == source[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SpeakerRef:
    """The speaker as shown on a quote: canonical name, or a description when unnamed."""

    id: str
    name: str | None
    description: str | None


@dataclass(frozen=True)
class Quote:
    id: str
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: SpeakerRef | None
    mention: TextSpan | None
    cue: TextSpan | None
    method: str
    confidence: float
    paragraph: int


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str | None
    kind: SpeakerKind
    descriptions: list[str] = field(default_factory=list)
    mentions: list[TextSpan] = field(default_factory=list)
    quote_count: int = 0


@dataclass(frozen=True)
class Attribution:
    quotes: list[Quote]
    speakers: list[Speaker]

    def to_dict(self) -> dict:
        return {"quotes": [asdict(q) for q in self.quotes], "speakers": [asdict(s) for s in self.speakers]}
