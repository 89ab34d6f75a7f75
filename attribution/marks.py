"""Quote-mark pairing: which stretches of a paragraph are enclosed in quote marks.

Every mark gets a role from its surroundings (a mark after a space and before a
word opens, one after a word and before a space or punctuation closes); the
glyph only breaks ties, so typos such as `review“` still pair. Double marks
(" “ ” „ « » ‹ › and '' ``) pair first, without nesting; single marks (‘ ’ ')
pair only outside double-quoted text (British style), and a single mark inside
or at the edge of a word is an apostrophe (don't, Citizens' Assembly, 'cause)
unless a matching partner makes it a quote. A quote still open at the end of
its paragraph is closed there: either the news convention for multi-paragraph
quotes (the next paragraph reopens with a mark) or an unclosed mark; it never
runs into the next paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from attribution.segment import Paragraph, Stretches

OPEN, CLOSE, EITHER = "open", "close", "either"

# glyph preference when the surroundings do not decide
DOUBLE_GLYPHS = {'"': EITHER, "\u201c": OPEN, "\u201d": CLOSE, "\u201e": OPEN, "\u201f": OPEN,
                 "\u00ab": OPEN, "\u00bb": CLOSE, "\u2039": OPEN, "\u203a": CLOSE, "\uff02": EITHER}
SINGLE_GLYPHS = {"'": EITHER, "\u2018": OPEN, "\u2019": CLOSE, "\u201a": OPEN, "\u201b": OPEN}
OPENING_CONTEXT = set("([{/\u2014\u2013-") | {"\u00a0"}
CLOSING_CONTEXT = set(",.;:!?)]}/\u2014\u2013-\u2026")
# words that begin with an elision apostrophe: never the start of a quote
# 'cause, 'em, rock 'n' roll: a mark opening one of these whole words is an apostrophe ('Nobody is not)
ELISION = re.compile(r"(?:cause|em|til|tis|twas|n|bout|round|nuff|s)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mark:
    position: int
    length: int
    role: str


@dataclass(frozen=True)
class MarkedSpan:
    """Text between an opening mark and its closing mark (or its paragraph's end).

    `start`/`end` exclude the marks; `opener`/`closer` are the mark positions
    (`closer` is None for a quote left open at the end of its paragraph).
    """

    start: int
    end: int
    opener: int
    closer: int | None
    paragraph: int
    continues: bool = False  # opened again by the next paragraph (multi-paragraph quote)


def _role(text: str, position: int, length: int, glyph_role: str, lo: int, hi: int) -> str:
    before = text[position - 1] if position > lo else " "
    after = text[position + length] if position + length < hi else " "
    left_open = before.isspace() or before in OPENING_CONTEXT or before in DOUBLE_GLYPHS or before in SINGLE_GLYPHS
    right_close = after.isspace() or after in CLOSING_CONTEXT or after in DOUBLE_GLYPHS or after in SINGLE_GLYPHS
    if left_open and not right_close:
        return OPEN
    if right_close and not left_open:
        return CLOSE
    return glyph_role


def _double_marks(text: str, paragraph: Paragraph) -> list[Mark]:
    marks: list[Mark] = []
    lo, hi = paragraph.start, paragraph.end
    position = lo
    while position < hi:
        char = text[position]
        pair = text[position:position + 2]
        if pair in ("''", "``"):
            glyph = OPEN if pair == "``" else EITHER
            marks.append(Mark(position, 2, _role(text, position, 2, glyph, lo, hi)))
            position += 2
            continue
        if char in DOUBLE_GLYPHS:
            marks.append(Mark(position, 1, _role(text, position, 1, DOUBLE_GLYPHS[char], lo, hi)))
        position += 1
    return marks


def _pair(marks: list[Mark]) -> tuple[list[tuple[Mark, Mark]], Mark | None]:
    """Pair marks left to right without nesting; returns pairs and a mark left open."""
    pairs: list[tuple[Mark, Mark]] = []
    opened: Mark | None = None
    for mark in marks:
        if opened is None:
            if mark.role in (OPEN, EITHER):
                opened = mark
        elif mark.role in (CLOSE, EITHER):
            pairs.append((opened, mark))
            opened = None
        else:  # a second opener: the first one was never closed
            opened = mark
    return pairs, opened


def _is_apostrophe(text: str, mark: Mark, lo: int, hi: int) -> bool:
    before = text[mark.position - 1] if mark.position > lo else " "
    after = text[mark.position + 1] if mark.position + 1 < hi else " "
    if before.isalnum() and after.isalnum():
        return True
    if mark.role == OPEN and (after.isdigit() or ELISION.match(text, mark.position + 1, hi)):
        return True
    return False


def _single_pairs(text: str, paragraph: Paragraph, blocked: Stretches) -> list[tuple[Mark, Mark]]:
    """Single-mark quotes of a paragraph outside the double-quoted `blocked` stretches."""
    lo, hi = paragraph.start, paragraph.end
    marks = []
    for position in range(lo, hi):
        char = text[position]
        if char not in SINGLE_GLYPHS or position in blocked:
            continue
        if text[position:position + 2] == "''" or (position > lo and text[position - 1:position + 1] == "''"):
            continue
        mark = Mark(position, 1, _role(text, position, 1, SINGLE_GLYPHS[char], lo, hi))
        if not _is_apostrophe(text, mark, lo, hi):
            marks.append(mark)
    pairs = []
    index = 0
    while index < len(marks):
        opener = marks[index]
        if opener.role != OPEN:
            index += 1
            continue
        closers = []
        follow = index + 1
        while follow < len(marks) and marks[follow].role != OPEN:
            closers.append(follow)
            follow += 1
        if not closers:
            index += 1
            continue
        chosen = _closer_for(text, opener, [marks[c] for c in closers], hi)
        pairs.append((opener, chosen))
        index = follow
    return pairs


def _ends_clause(text: str, position: int, hi: int) -> bool:
    return position >= hi or text[position] in CLOSING_CONTEXT or text[position] in DOUBLE_GLYPHS


SINGLE_PARTNERS = {"\u2018": "\u2019", "\u201a": "\u2019", "\u201b": "\u2019", "'": "'"}


def _closer_for(text: str, opener: Mark, closers: list[Mark], hi: int) -> Mark:
    """The closing single mark for `opener` among the candidates before the next opener.

    The partner glyph (‘ with ’, ' with ') comes first; among those, a mark
    touching punctuation (`them,’` or `’,`) ends a quote, while `s'` before a
    word ("Farmers' Union") is a possessive.
    """
    partner = SINGLE_PARTNERS.get(text[opener.position])
    matching = [c for c in closers if text[c.position] == partner] or closers
    for closer in matching:
        before = text[closer.position - 1]
        if before in CLOSING_CONTEXT or _ends_clause(text, closer.position + 1, hi):
            return closer
    return matching[-1]


def quoted_spans(text: str, paragraphs: list[Paragraph]) -> list[MarkedSpan]:
    """All top-level quoted stretches of the text, in order."""
    spans: list[MarkedSpan] = []
    for paragraph in paragraphs:
        doubles: list[MarkedSpan] = []
        pairs, left_open = _pair(_double_marks(text, paragraph))
        for opener, closer in pairs:
            doubles.append(MarkedSpan(opener.position + opener.length, closer.position, opener.position,
                                      closer.position, paragraph.index))
        if left_open is not None:
            following = paragraphs[paragraph.index + 1] if paragraph.index + 1 < len(paragraphs) else None
            continues = following is not None and text[following.start] in DOUBLE_GLYPHS and \
                _role(text, following.start, 1, OPEN, following.start, following.end) != CLOSE
            start = left_open.position + left_open.length
            if paragraph.end > start:
                doubles.append(MarkedSpan(start, paragraph.end, left_open.position, None, paragraph.index,
                                          continues))
        spans.extend(doubles)
        blocked = Stretches((s.opener, (s.closer if s.closer is not None else s.end) + 1) for s in doubles)
        for opener, closer in _single_pairs(text, paragraph, blocked):
            if closer.position > opener.position + 1:
                spans.append(MarkedSpan(opener.position + 1, closer.position, opener.position,
                                        closer.position, paragraph.index))
    spans.sort(key=lambda s: (s.opener, -s.end))
    # British style nests doubles in singles (‘He said, “Go to sleep.”’): the inner quote is part of the outer
    top_level: list[MarkedSpan] = []
    for span in spans:
        if not (top_level and top_level[-1].paragraph == span.paragraph and span.end <= top_level[-1].end):
            top_level.append(span)
    return top_level
