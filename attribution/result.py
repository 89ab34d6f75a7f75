"""The engine's output: what `attribute(text)` returns, and its plain-JSON form.

Offsets are Python string indices into the text exactly as given; spans exclude
quote marks, so `text[quote.start:quote.end] == quote.text` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuoteKind = Literal["direct", "mixed", "indirect"]
SpeakerKind = Literal["person", "organization", "unknown"]


@dataclass(frozen=True)
class TextSpan:
    """A stretch of the input text: `text == source[start:end]`."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class SpeakerRef:
    """The speaker as shown on a quote: canonical name, or a description when unnamed."""

    id: str
    name: str | None
    description: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description}


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

    def to_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
                "speaker": _plain(self.speaker), "mention": _plain(self.mention), "cue": _plain(self.cue),
                "method": self.method, "confidence": self.confidence, "paragraph": self.paragraph}


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str | None
    kind: SpeakerKind
    descriptions: list[str] = field(default_factory=list)
    mentions: list[TextSpan] = field(default_factory=list)
    quote_count: int = 0

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "descriptions": list(self.descriptions),
                "mentions": [m.to_dict() for m in self.mentions], "quote_count": self.quote_count}


@dataclass(frozen=True)
class Attribution:
    quotes: list[Quote]
    speakers: list[Speaker]

    def to_dict(self) -> dict:
        """Plain JSON types, built field by field (`dataclasses.asdict` deep-copies: about 1.5 ms an article)."""
        return {"quotes": [q.to_dict() for q in self.quotes], "speakers": [s.to_dict() for s in self.speakers]}


def _plain(part: TextSpan | SpeakerRef | None) -> dict | None:
    return part.to_dict() if part is not None else None
