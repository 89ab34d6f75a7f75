"""The attribution pipeline: text in, quotes with speakers out.

segment + parse -> quote marks -> classify spans -> transcript turns -> cues and
speaker mentions -> resolve mentions (names, pronouns, descriptions, continuation)
-> speakers.
Each stage lives in its own module; this one only wires them together.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Token

from attribution import marks, quotes, transcript
from attribution.confidence import confidence
from attribution.cues import Cue, colon_introduction, find_cue, previous_sentence_cue
from attribution.entities import label_names
from attribution.mentions import name_mentions
from attribution.model import load_model, model_name
from attribution.parse import ParsedText, parse
from attribution.reported import find_reported
from attribution.resolve import Resolved, Resolver
from attribution.result import Attribution, Quote, TextSpan
from attribution.segment import Stretches
from attribution.speakers import SpeakerRegistry

ENGINE_NAME = "whosaid"
ENGINE_VERSION = "0.30.0"


def engine_info() -> dict:
    """Name, version and spaCy model of this engine (the model is not loaded)."""
    return {"name": ENGINE_NAME, "version": ENGINE_VERSION, "model": model_name()}


@dataclass
class Found:
    """A quote in the making: span, kind, and who said it if known."""

    start: int
    end: int
    kind: str
    paragraph: int
    cue: tuple[Token, ...] | None
    speaker: Resolved | None
    method: str
    opener: int | None = None
    closer: int | None = None
    continues: bool = False  # left open for the next paragraph (multi-paragraph quote)


def attribute(text: str) -> Attribution:
    """Find every quotation in `text` and who said it."""
    if not isinstance(text, str):
        raise TypeError(f"attribute() needs a str, got {type(text).__name__}")
    parsed = parse(text)
    spans = []
    not_quotes = []  # titles, names, scare quotes: marked, but nobody's words
    for span in marks.quoted_spans(text, parsed.paragraphs):
        quote = quotes.classify(parsed, span)
        if quote is not None:
            spans.append(quote)
        else:
            not_quotes.append((span.start, span.end))
    labelled = transcript.turns(text, parsed.paragraphs)
    in_turns = Stretches((turn.start, turn.end) for turn in labelled)
    spans = [q for q in spans if q.start not in in_turns]  # a quote inside an answer is part of it
    quoted = [(q.opener, q.end) for q in spans] + [(turn.start, turn.end) for turn in labelled]
    resolver = Resolver(parsed, label_names(parsed, name_mentions(parsed), quoted), quoted)
    found = _direct_quotes(parsed, spans, resolver) + _turn_quotes(labelled, resolver)
    reported = [r for r in _reported_quotes(parsed, resolver, found, Stretches(not_quotes)) if r.start not in in_turns]
    _continue_speakers(parsed, found, reported, resolver)
    found += reported
    # marked text nobody can be found to have said is, in news, a title, a slogan or a
    # term the classifier let through far more often than an orphan quotation
    found = [f for f in found if f.speaker is not None or f.kind == "indirect"]
    found.sort(key=lambda f: f.start)
    return _assemble(parsed, found, resolver)


def _direct_quotes(parsed: ParsedText, spans: list[quotes.QuoteSpan], resolver: Resolver) -> list[Found]:
    """Direct and mixed quotes with the speaker of their cue, then of their context."""
    found: list[Found] = []
    for index, span in enumerate(spans):
        paragraph = parsed.paragraphs[span.paragraph]
        previous = spans[index - 1] if index and spans[index - 1].paragraph == span.paragraph else None
        following = spans[index + 1] if index + 1 < len(spans) and spans[index + 1].paragraph == span.paragraph else None
        floor = (previous.closer + 1 if previous.closer is not None else previous.end) if previous else paragraph.start
        ceiling = following.opener if following else paragraph.end
        content = parsed.text[span.start:span.end].rstrip()
        ends_sentence = content[-1:] in ".!?"
        cue = find_cue(parsed, ends_sentence, span.opener, span.closer, floor, ceiling,
                       fragment=span.kind == "mixed")
        speaker, method = _speaker_from_cue(resolver, cue, (span.start, span.end))
        if speaker is None and span.kind == "direct":
            introduction = previous_sentence_cue(parsed, floor, span.opener)
            if introduction is not None and previous is not None and found[-1].cue == introduction.tokens:
                introduced = found[-1].speaker  # `"A," he said. "B."`: one cue, one speaker
            else:
                introduced, _ = _speaker_from_cue(resolver, introduction, (span.start, span.end))
            if introduced is not None:
                cue, speaker, method = introduction, introduced, "previous sentence"
        found.append(Found(span.start, span.end, span.kind, span.paragraph, cue.tokens if cue else None,
                           speaker, method, span.opener, span.closer, span.continues))
    return found


def _turn_quotes(labelled: list[transcript.Turn], resolver: Resolver) -> list[Found]:
    """Transcript turns as direct quotes: `Q:` the interviewer, `A:` the person the article is
    about, a name label that person."""
    found = []
    interviewee = resolver.most_named_person() if any(turn.answers for turn in labelled) else None
    for turn in labelled:
        label = (turn.label_start, turn.label_end)
        if turn.asks:
            speaker = Resolved(None, "person", "the interviewer", label, "turn-taking")
        else:
            name = interviewee if turn.answers else resolver.person_labelled(*label)
            if name is None:
                continue  # "Delegate Update:", "Pledged:": a heading, not a speaker
            speaker = Resolved(name, "person", None, label, "turn-taking")
        found.append(Found(turn.start, turn.end, "direct", turn.paragraph, None, speaker, "turn-taking"))
    return found


def _speaker_from_cue(resolver: Resolver, cue: Cue | None,
                      quote: tuple[int, int] | None = None) -> tuple[Resolved | None, str]:
    """Who the cue's speaker mention refers to (for a marked `quote`, not someone it names), and
    the method name for the output."""
    if cue is None or cue.speaker is None:
        return None, "none"
    resolved = resolver.resolve(cue.speaker, resolver.parsed.start(cue.tokens[0]), quote)
    if resolved is None:
        return None, "none"
    if cue.tokens[0].lower_ == "according":
        return resolved, "according to"
    if cue.position == "byline":
        return resolved, "byline"
    return resolved, resolved.method


def _continue_speakers(parsed: ParsedText, found: list[Found], reported: list[Found], resolver: Resolver) -> None:
    """Give cue-less marked quotes the speaker of their paragraph or of the previous one; the
    reported speech around them counts as context (`The search will go on, Hartono said. "..."`)."""
    by_paragraph: dict[int, list[Found]] = {}
    for quote in sorted(found + reported, key=lambda f: f.start):
        by_paragraph.setdefault(quote.paragraph, []).append(quote)
    for quote in found:
        if quote.speaker is not None:
            continue
        # `"A," she said. "B."`: B continues the speaker before it, else the one after it
        same = [f for f in by_paragraph[quote.paragraph] if f.speaker is not None and f is not quote]
        # the marked quotes of the paragraph first; its reported speech only when it has none with a speaker
        same = [f for f in same if f.kind != "indirect"] or same
        before = [f for f in same if f.start < quote.start]
        if same:
            nearest = before[-1] if before else same[0]
            quote.speaker, quote.method = nearest.speaker, "same paragraph"
            continue
        paragraph = parsed.paragraphs[quote.paragraph]
        opens_paragraph = quote.opener is not None and quote.opener <= paragraph.start + 1
        if not opens_paragraph or quote.paragraph == 0:
            continue
        earlier = [f for f in by_paragraph.get(quote.paragraph - 1, []) if f.speaker is not None]
        if earlier and earlier[-1].continues:  # the same quote, reopened in a new paragraph
            quote.speaker, quote.method = earlier[-1].speaker, "continuation"
            continue
        introduction = colon_introduction(parsed, parsed.paragraphs[quote.paragraph - 1])
        if introduction is not None:
            speaker, _ = _speaker_from_cue(resolver, introduction)
            if speaker is not None:
                quote.cue, quote.speaker, quote.method = introduction.tokens, speaker, "colon introduction"
                continue
        turn = _dialogue_turn(parsed, by_paragraph, quote.paragraph)
        if turn is not None:
            quote.speaker, quote.method = turn, "turn-taking"
            continue
        if earlier:
            quote.speaker, quote.method = earlier[-1].speaker, "continuation"


def _dialogue_turn(parsed: ParsedText, by_paragraph: dict[int, list[Found]], paragraph: int) -> Resolved | None:
    """In a question-and-answer exchange, a bare quote paragraph is the other party's turn.

    The two paragraphs before must each open with a quote, from two different
    speakers, one of them a question: then the speaker two turns back speaks again.
    """
    if paragraph < 2:
        return None
    turns = []
    for back in (2, 1):
        opening = [f for f in by_paragraph.get(paragraph - back, []) if f.opener is not None
                   and f.opener <= parsed.paragraphs[paragraph - back].start + 1]
        if not opening or opening[0].speaker is None:
            return None
        turns.append(opening[0])
    first, second = turns
    if _speaker_key(first.speaker) == _speaker_key(second.speaker):
        return None
    asked = any(parsed.text[t.start:t.end].rstrip().endswith("?") for t in turns)
    return first.speaker if asked else None


def _speaker_key(speaker: Resolved) -> str:
    return (speaker.name or speaker.description or "").casefold()


def _reported_quotes(parsed: ParsedText, resolver: Resolver, direct: list[Found],
                     not_quotes: Stretches) -> list[Found]:
    """Unmarked reported speech, except clauses that are mostly or partly a marked quote
    already, clauses that begin or end inside a marked title or term (the parse read
    into it: `called the book "A Future to Believe In" a blueprint`), and clauses inside
    another reported clause."""
    found: list[Found] = []
    marked = sorted((f.opener if f.opener is not None else f.start, (f.closer + 1) if f.closer is not None else f.end)
                    for f in direct)
    marked_starts = [a for a, _ in marked]
    quote_starts = sorted(f.start for f in direct)
    for reported in find_reported(parsed):
        span = (reported.start, reported.end)
        if _covered(span, marked, marked_starts) > 0.5 * (reported.end - reported.start):
            continue
        # `called the plan "reckless"`, `Rhimes declared: "Change the world ..."`: the marked
        # words are the quote; the clause around them adds none
        if bisect.bisect_left(quote_starts, reported.start) < bisect.bisect_left(quote_starts, reported.end):
            continue
        if reported.start in not_quotes or reported.end - 1 in not_quotes:
            continue
        if found and _iou(span, (found[-1].start, found[-1].end)) >= 0.5:
            continue
        speaker, method = _speaker_from_cue(resolver, Cue(reported.cue, reported.speaker, "reported"))
        found.append(Found(reported.start, reported.end, "indirect", parsed.paragraph_of(reported.start),
                           reported.cue, speaker, method))
    return _outermost(found)


def _outermost(found: list[Found]) -> list[Found]:
    """Reported speech nested in other reported speech (`Holm said that the ad suggests [that
    the city supports Trump]`) is part of the outer quote, not a quote of its own."""
    kept: list[Found] = []
    reach = -1
    for quote in sorted(found, key=lambda f: (f.start, -f.end)):
        if quote.end <= reach:
            continue
        kept.append(quote)
        reach = quote.end
    return kept


def _covered(span: tuple[int, int], marked: list[tuple[int, int]], marked_starts: list[int]) -> int:
    """How many characters of `span` lie inside the (sorted, disjoint) marked quotes."""
    index = max(0, bisect.bisect_right(marked_starts, span[0]) - 1)
    covered = 0
    while index < len(marked) and marked[index][0] < span[1]:
        start, end = marked[index]
        covered += max(0, min(end, span[1]) - max(start, span[0]))
        index += 1
    return covered


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _assemble(parsed: ParsedText, found: list[Found], resolver: Resolver) -> Attribution:
    """The output records: quotes numbered in text order, speakers with all their mentions."""
    text = parsed.text
    registry = SpeakerRegistry()
    result: list[Quote] = []
    for number, item in enumerate(found, 1):
        speaker_ref = None
        mention = None
        if item.speaker is not None:
            s = item.speaker
            mention = TextSpan(s.mention[0], s.mention[1], text[s.mention[0]:s.mention[1]])
            speaker_ref = registry.add(s.name, s.kind, s.description, mention).ref()
        cue = None
        if item.cue:
            start, end = parsed.start(item.cue[0]), parsed.end(item.cue[-1])
            cue = TextSpan(start, end, text[start:end])
        result.append(Quote(f"q{number}", item.start, item.end, text[item.start:item.end], item.kind, speaker_ref,
                            mention, cue, item.method, confidence(item.method, item.kind, bool(item.speaker and item.speaker.name)),
                            item.paragraph))
    for name, descriptions in resolver.description_text.items():
        registry.add_descriptions(name, descriptions)
    for mention in resolver.names:
        registry.add_mention(resolver.canonical(mention), TextSpan(mention.start, mention.end, mention.text))
    return Attribution(result, registry.speakers())


def warm_up() -> None:
    """Load the spaCy model now rather than on the first request."""
    load_model()
