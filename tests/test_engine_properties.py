"""Property tests: whatever the text, `attribute` returns and every offset it gives points into that text.

Random text, quote marks of every kind unbalanced and mismatched, odd Unicode
(combining marks, right-to-left scripts, emoji, NUL, lone surrogates) and inputs
of a few hundred KB. The model is loaded once per process by the engine itself.
"""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution import attribute
from attribution.result import Attribution, TextSpan

QUOTE_MARKS = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u2039", "\u203a", "\u201e", "\u201a", "`", "``", "''"]
ODD_CHARACTERS = [
    "e\u0301", "\u0308", "\u200d", "\u200b", "\ufeff",  # combining marks, zero-width joiner / space, BOM
    "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u202e", "\u202c",  # Hebrew, Arabic, RTL override / pop
    "\U0001f600", "\U0001f469\u200d\U0001f52c", "\U0001f1fa\U0001f1e6",  # emoji, ZWJ sequence, flag
    "\x00", "\x0b", "\x0c", "\x1c", "\u2028", "\u2029", "\u0085", "\r\n", "\r", "\t",  # NUL and line/paragraph breaks
    "\ud800", "\udfff", "\udc80",  # lone surrogates: a valid Python str, not encodable to UTF-8
    "\u0130", "\ufb01", "\u00df",  # characters whose case mapping changes length
]
NEWS_WORDS = [
    "said", "says", "told reporters", "according to", "added", "warned", "he", "she", "they", "The minister", "Maria Lopez",
    "Lopez", "the spokesman", ",", ".", ":", " - ", "\u2014", "\n\n", "\n", " ", "that", "Mr.", "Citizens'", "'cause", "(", ")",
]

fragments = st.one_of(
    st.sampled_from(QUOTE_MARKS),
    st.sampled_from(NEWS_WORDS),
    st.sampled_from(ODD_CHARACTERS),
    st.text(max_size=12),
)
news_like_text = st.lists(fragments, max_size=80).map(" ".join) | st.lists(fragments, max_size=80).map("".join)


def assert_valid_span(text: str, span: TextSpan | None, what: str) -> None:
    if span is None:
        return
    assert 0 <= span.start <= span.end <= len(text), f"{what} {span.start}:{span.end} outside a text of {len(text)}"
    assert text[span.start:span.end] == span.text, f"{what} text differs from text[{span.start}:{span.end}]"


def assert_valid(text: str, result: Attribution) -> None:
    """Offsets, references and kinds all consistent with `text`; the JSON form serialisable."""
    assert isinstance(result, Attribution)
    speaker_ids = [speaker.id for speaker in result.speakers]
    assert len(set(speaker_ids)) == len(speaker_ids), "speaker ids repeat"
    quote_ids = [quote.id for quote in result.quotes]
    assert len(set(quote_ids)) == len(quote_ids), "quote ids repeat"
    speakers = {speaker.id: speaker for speaker in result.speakers}
    for quote in result.quotes:
        assert 0 <= quote.start <= quote.end <= len(text), f"quote {quote.start}:{quote.end} outside a text of {len(text)}"
        assert text[quote.start:quote.end] == quote.text
        assert quote.kind in ("direct", "mixed", "indirect")
        assert 0.0 <= quote.confidence <= 1.0
        assert isinstance(quote.method, str) and quote.method
        assert_valid_span(text, quote.mention, "mention")
        assert_valid_span(text, quote.cue, "cue")
        if quote.speaker is not None:
            assert quote.speaker.id in speakers, f"quote speaker {quote.speaker.id} not among the speakers"
            assert quote.speaker.name == speakers[quote.speaker.id].name
    for speaker in result.speakers:
        assert speaker.kind in ("person", "organization", "unknown")
        for mention in speaker.mentions:
            assert_valid_span(text, mention, "speaker mention")
    json.dumps(result.to_dict(), ensure_ascii=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_like_text)
def test_news_like_noise_with_unbalanced_marks_and_odd_unicode(text):
    assert_valid(text, attribute(text))


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_arbitrary_unicode(text):
    assert_valid(text, attribute(text))


@settings(max_examples=40, deadline=None)
@given(
    speaker=st.sampled_from(["Maria Lopez", "the minister", "She", "A spokesman for the ministry"]),
    opening=st.sampled_from(QUOTE_MARKS),
    closing=st.sampled_from(QUOTE_MARKS + [""]),
    words=st.lists(st.sampled_from(["we", "will", "not", "resign", "today", "Citizens'", "'cause", "it's", "e\u0301", "\U0001f600"]), min_size=1, max_size=12),
    paragraphs=st.integers(1, 4),
)
def test_quotes_with_mismatched_or_missing_closing_marks(speaker, opening, closing, words, paragraphs):
    body = " ".join(words)
    paragraph = f"{opening}{body},{closing} {speaker} said. {opening}{body}."
    text = "\n\n".join([paragraph] * paragraphs) + " The end of the story has no quote."
    assert_valid(text, attribute(text))


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(unit=news_like_text.filter(lambda unit: unit.strip()), target=st.integers(100_000, 300_000))
def test_huge_inputs(unit, target):
    text = (unit + "\n\n") * (target // (len(unit) + 2) + 1)
    assert_valid(text, attribute(text))


def test_empty_and_blank_texts_have_no_quotes():
    for text in ["", " ", "\n\n\n", "\u00a0\t"]:
        result = attribute(text)
        assert result.quotes == [] and result.speakers == []
