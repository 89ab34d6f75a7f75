"""Paragraphs and parse chunks, with offsets into the original text.

A paragraph is a run of text between line breaks (news text puts one paragraph
per line, often with blank lines between). Paragraphs are the unit for quote-mark
pairing (an unclosed quote never runs past its paragraph) and for parsing; a very
long paragraph is cut into chunks of bounded size so that parsing time stays
linear in the input length and below spaCy's `max_length`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable

MAX_CHUNK_CHARS = 5000
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_WORD_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: `text[start:end]`, without surrounding white space."""

    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A piece of one paragraph that is parsed as one spaCy Doc."""

    paragraph: int
    start: int
    end: int


def paragraphs(text: str) -> list[Paragraph]:
    """Split at line breaks; empty and white-space-only lines are dropped."""
    found: list[Paragraph] = []
    position = 0
    for match in [*_LINE_BREAKS.finditer(text), None]:
        end = match.start() if match else len(text)
        start = position
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            found.append(Paragraph(len(found), start, stop))
        if match:
            position = match.end()
    return found


def chunks(text: str, paragraph: Paragraph, limit: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Cut a paragraph into chunks of at most `limit` characters.

    Cuts fall after a sentence end when there is one in the second half of the
    window, else at the last white space, else hard at the limit. Chunks without
    a letter or digit are dropped: they hold no speaker and no speech, and
    parsing them (a megabyte of quote marks is a million tokens) would cost
    more than the rest of the article.
    """
    pieces: list[Chunk] = []
    start = paragraph.start
    while paragraph.end - start > limit:
        window_end = start + limit
        cut = None
        for match in _SENTENCE_END.finditer(text, start + limit // 2, window_end):
            cut = match.end()
        if cut is None:
            space = text.rfind(" ", start + 1, window_end)
            cut = space + 1 if space > start else window_end
        pieces.append(Chunk(paragraph.index, start, cut))
        start = cut
    pieces.append(Chunk(paragraph.index, start, paragraph.end))
    return [c for c in pieces if _WORD_CHARACTER.search(text, c.start, c.end)]


class Stretches:
    """Disjoint stretches `[start, end)` of a text (quotes, titles), asked whether an
    offset lies inside one of them."""

    def __init__(self, stretches: Iterable[tuple[int, int]]):
        self._stretches = sorted(stretches)
        self._starts = [start for start, _ in self._stretches]

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._stretches[index][1]
