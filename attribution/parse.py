"""Run the spaCy pipeline over an article and map tokens back to text offsets.

`ParsedText` holds one Doc per chunk (see `segment`) and answers the position
questions later stages ask: which token sits at a character, which tokens lie
between two characters, where a token starts in the original text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from spacy.tokens import Doc, Token

from attribution import segment
from attribution.model import ENTITY_COMPONENT, load_model

# spaCy cannot encode lone surrogates (possible in a Python str decoded from JSON)
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")
# The small English model learnt apostrophes as straight ones: with a curly one inside a
# word it tags "D’Souza" and "O’Rourke" as common nouns and loses the name
_CURLY_APOSTROPHE = re.compile("(?<=\\w)\u2019(?=\\w)")


@dataclass
class ParsedChunk:
    chunk: segment.Chunk
    doc: Doc
    token_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.token_starts = [self.chunk.start + t.idx for t in self.doc]


@dataclass
class ParsedText:
    """An article with its paragraphs and parsed chunks, all in original offsets."""

    text: str
    paragraphs: list[segment.Paragraph]
    chunks: list[ParsedChunk]

    def __post_init__(self) -> None:
        self._chunk_starts = [c.chunk.start for c in self.chunks]
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self._by_doc = {id(c.doc): c for c in self.chunks}

    def start(self, token: Token) -> int:
        """Offset of a token's first character in the original text."""
        return self._by_doc[id(token.doc)].chunk.start + token.idx

    def end(self, token: Token) -> int:
        return self.start(token) + len(token.text)

    def text_of(self, token: Token) -> str:
        """A token as written in the original text (the model may have read it normalised)."""
        start = self.start(token)
        return self.text[start:start + len(token.text)]

    def span_of(self, tokens: Iterable[Token]) -> tuple[int, int]:
        tokens = list(tokens)
        return min(self.start(t) for t in tokens), max(self.end(t) for t in tokens)

    def chunk_at(self, offset: int) -> ParsedChunk | None:
        index = bisect.bisect_right(self._chunk_starts, offset) - 1
        if index < 0:
            return None
        chunk = self.chunks[index]
        return chunk if offset <= chunk.chunk.end else None

    def tokens_between(self, start: int, end: int) -> list[Token]:
        """Tokens lying wholly inside `[start, end)`, across chunks."""
        found: list[Token] = []
        index = max(0, bisect.bisect_right(self._chunk_starts, start) - 1)
        while index < len(self.chunks) and self.chunks[index].chunk.start < end:
            chunk = self.chunks[index]
            first = bisect.bisect_left(chunk.token_starts, start)
            for position in range(first, len(chunk.doc)):
                token = chunk.doc[position]
                token_start = chunk.token_starts[position]
                if token_start >= end:
                    break
                if token_start + len(token.text) <= end and not token.is_space:
                    found.append(token)
            index += 1
        return found

    def token_at(self, offset: int) -> Token | None:
        """The token covering `offset`, or the next one in its chunk."""
        chunk = self.chunk_at(offset)
        if chunk is None or not len(chunk.doc):
            return None
        position = bisect.bisect_right(chunk.token_starts, offset) - 1
        position = max(position, 0)
        token = chunk.doc[position]
        if chunk.token_starts[position] + len(token.text) <= offset and position + 1 < len(chunk.doc):
            token = chunk.doc[position + 1]
        return token

    def paragraph_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._paragraph_starts, offset) - 1)

    def tokens(self) -> Iterator[Token]:
        for chunk in self.chunks:
            yield from chunk.doc


def parsable_text(text: str) -> str:
    """`text` as the model reads it best: lone surrogates replaced, apostrophes inside
    words made straight. Same length, so offsets still hold."""
    return _CURLY_APOSTROPHE.sub("'", _LONE_SURROGATES.sub("\ufffd", text))


def parse(text: str) -> ParsedText:
    """Segment and parse `text` (tagger, parser, lemmatizer; batched)."""
    paragraphs = segment.paragraphs(text)
    pieces = [c for p in paragraphs for c in segment.chunks(text, p)]
    parsable = parsable_text(text)
    nlp = load_model()
    skipped = [c for c in (ENTITY_COMPONENT,) if c in nlp.pipe_names]
    docs = nlp.pipe((parsable[c.start:c.end] for c in pieces), batch_size=64, disable=skipped)
    return ParsedText(text, paragraphs, [ParsedChunk(c, d) for c, d in zip(pieces, docs)])
