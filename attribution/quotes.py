"""Classify quoted spans: a direct quote, a mixed (partial) quote, or not a quote.

Direct: the quote stands as a sentence or clause of its own: it opens its
sentence, or follows a colon, a comma or a speech verb. Mixed: a fragment woven
into the writer's sentence (`called the plan "reckless"`). Not a quote: text in
parentheses that is only the quote (translated names, `("Go by the forest")`),
and short title-cased fragments with no speech around them (titles of shows,
books and songs, nicknames), scare quotes of one or two words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from attribution import lexicon
from attribution.marks import DOUBLE_GLYPHS, SINGLE_GLYPHS, MarkedSpan
from attribution.parse import ParsedText

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")
_TRAILING_PUNCT = ".,;:!?\u2026"
NAMING_VERBS = {"call", "dub", "label", "brand", "nickname"}
_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")
WORK_NOUNS = {"book", "books", "memoir", "novel", "film", "movie", "documentary", "show", "series", "song",
              "album", "play", "musical", "podcast", "column", "essay", "op-ed", "article", "headline",
              "titled", "entitled", "program", "programme", "episode", "opera", "poem", "painting", "exhibit",
              "exhibition", "sitcom", "bestseller", "feature", "films", "novels", "albums", "songs", "single",
              "track", "record", "collection", "biography", "thriller", "drama", "comedy", "debut", "title"}
MAX_TITLE_WORDS = 6
MAX_HEADING_WORDS = 10
_DOUBLE_MARK = re.compile("[" + re.escape("".join(DOUBLE_GLYPHS)) + "]|''")
MAX_SUBTITLED_TITLE_WORDS = 14
MAX_TAG_CHARS = 300  # how far a mark may sit from the `<` and `>` of the tag it is in
STYLE_WINDOW = 5000  # the text either side of a span that tells the article's quoting style
_TAG_NAME = re.compile(r"/?[A-Za-z][\w-]*[\s>/]")


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted span that is a real quotation."""

    start: int
    end: int
    opener: int
    closer: int | None
    paragraph: int
    kind: str  # "direct" | "mixed"
    continues: bool


def _lead(text: str, span: MarkedSpan, paragraph_start: int) -> str:
    """The writer's text from the start of the sentence up to the opening mark."""
    before = text[paragraph_start:span.opener]
    last_end = None
    for match in _SENTENCE_END.finditer(before):
        last_end = match.end()
    return before[last_end:] if last_end is not None else before


def _is_parenthetical(text: str, span: MarkedSpan) -> bool:
    before = text[:span.opener].rstrip()
    after_position = (span.closer + 1) if span.closer is not None else span.end
    after = text[after_position:after_position + 3].lstrip()
    return before.endswith("(") and after.startswith(")")


def classify(parsed: ParsedText, span: MarkedSpan) -> QuoteSpan | None:
    """The quote kind of a marked span, or None when it is not a quotation."""
    text = parsed.text
    paragraph_start = parsed.paragraphs[span.paragraph].start
    content = text[span.start:span.end]
    words = _WORD.findall(content)
    if not words:
        return None
    if _is_parenthetical(text, span) or _is_markup_value(text, span) or _is_heading(parsed, span, words):
        return None
    lead = _lead(text, span, paragraph_start).rstrip()
    lead_words = _WORD.findall(lead)
    stripped = content.strip()
    ends_sentence = stripped[-1:] in ".!?" if stripped else False
    opens_sentence = not lead_words
    after_colon_or_comma = lead.endswith((":", ",", "\u2014", "-", "\u2013"))
    after_speech_verb = bool(lead_words) and lead_words[-1].lower() in lexicon.SPEECH_VERB_FORMS
    if opens_sentence or after_colon_or_comma or (after_speech_verb and stripped[:1].isupper()):
        kind = "direct"
    else:
        kind = "mixed"
    if kind == "direct" and _is_credited_title(text, span):
        return None
    if _looks_like_name_or_title(words, stripped) and _follows_a_work_noun(lead_words):
        return None  # `his book "Tough Choices"`, `a film titled "13 Hours: The Secret Soldiers"`
    if kind == "mixed" or (span.closer is not None and not ends_sentence and len(words) <= 4):
        reported = _reported_around(parsed, span)
        # `"No," Smith replied.` is an answer, `on Fox's "Hannity"` a title,
        # `Morrissey calls Hillsborough "Everytown America"` his words
        if _looks_like_name_or_title(words, stripped) and not (kind == "direct" and reported) \
                and not _named_by_speaker(parsed, span):
            return None
        # a word or two in marks is a scare quote unless someone is reported speaking
        if len(words) <= 2 and not stripped.endswith(("!", "?")) and not reported:
            return None
    return QuoteSpan(span.start, span.end, span.opener, span.closer, span.paragraph, kind, span.continues)


def _reported_around(parsed: ParsedText, span: MarkedSpan) -> bool:
    """Whether the sentence holding the span (or the one its closing mark runs
    into, when the parser splits `"No," Smith replied.`) has a speech verb
    outside the marks."""
    closer = span.closer if span.closer is not None else span.end
    sentences = {}
    for anchor in (parsed.token_at(span.start), parsed.token_at(closer + 1)):
        if anchor is not None:
            sentences[(id(anchor.doc), anchor.sent.start)] = anchor.sent
    for sentence in sentences.values():
        for candidate in sentence:
            position = parsed.start(candidate)
            if span.opener <= position <= closer:
                continue
            if candidate.pos_ == "VERB" and candidate.lemma_.lower() in lexicon.SPEECH_VERBS \
                    and not _names_something(candidate):
                return True
    return False


def _named_by_speaker(parsed: ParsedText, span: MarkedSpan) -> bool:
    """A naming verb with a subject just before the marks: someone's label for a thing."""
    for token in reversed(parsed.tokens_between(max(0, span.opener - 60), span.opener)[-5:]):
        if token.lemma_.lower() in NAMING_VERBS and token.pos_ == "VERB" and not _names_something(token):
            return any(c.dep_ == "nsubj" for c in token.children)
    return False


def _names_something(verb) -> bool:
    """`so-called "reform"`, `a group called "X"`: naming, not speaking."""
    hyphenated = verb.i > 0 and verb.doc[verb.i - 1].text == "-"
    return hyphenated or (verb.tag_ == "VBN" and verb.dep_ == "acl")


_CREDIT = re.compile(r"\s*,?\s*by\s+[A-Z]")


def _follows_a_work_noun(lead_words: list[str]) -> bool:
    """Whether the marks come right after a word naming a work: `memoir "Tough Choices"`."""
    return bool(lead_words) and lead_words[-1].lower() in WORK_NOUNS


def _is_credited_title(text: str, span: MarkedSpan) -> bool:
    """`"An NYPD sketch artist gets a gallery show," by Hyperallergic's ...`: a cited work."""
    if span.closer is None:
        return False
    return _CREDIT.match(text, span.closer + 1, min(len(text), span.closer + 40)) is not None


def _is_heading(parsed: ParsedText, span: MarkedSpan, words: list[str]) -> bool:
    """`'A really tough decision.'` alone on its line in an article that quotes with double
    marks (around it): a subheading in headline style (American headlines quote with single marks)."""
    text = parsed.text
    paragraph = parsed.paragraphs[span.paragraph]
    single = span.start - span.opener == 1 and text[span.opener] in SINGLE_GLYPHS  # `''` is a double mark
    if not single or span.closer is None or len(words) > MAX_HEADING_WORDS:
        return False
    if span.opener != paragraph.start or text[span.closer + 1:paragraph.end].strip(_TRAILING_PUNCT + " "):
        return False
    content = text[span.start:span.end].rstrip().rstrip(_TRAILING_PUNCT)
    one_sentence = not _SENTENCE_END.search(content + " ")
    nearby = text[max(0, span.opener - STYLE_WINDOW):span.opener + STYLE_WINDOW]
    return one_sentence and _DOUBLE_MARK.search(nearby) is not None


def _is_markup_value(text: str, span: MarkedSpan) -> bool:
    """`<tweet pic="" author="realDonaldTrump">`: marks inside a tag of leftover markup."""
    if text[max(0, span.opener - 1):span.opener] == "=":
        return True
    tag_open = text.rfind("<", max(0, span.opener - MAX_TAG_CHARS), span.opener)
    if tag_open < 0 or not _TAG_NAME.match(text, tag_open + 1):
        return False
    inside_before = text[tag_open:span.opener]
    after = text[span.opener:span.opener + MAX_TAG_CHARS]
    tag_close = after.find(">")
    return ">" not in inside_before and "\n" not in inside_before and tag_close >= 0 \
        and "<" not in after[:tag_close] and "\n" not in after[:tag_close]


def _looks_like_name_or_title(words: list[str], content: str) -> bool:
    """Title-cased short fragments (the final comma or period inside the marks
    is American punctuation style): names of shows, books, groups."""
    bare = _ABBREVIATION.sub("", content.strip()).rstrip(_TRAILING_PUNCT)
    # a book's title and subtitle ("Backfire: Carly Fiorina's High-Stakes Battle for ...") may run longer
    longest = MAX_SUBTITLED_TITLE_WORDS if ":" in bare else MAX_TITLE_WORDS
    if len(words) > longest or any(mark in bare for mark in ".!?;"):
        return False
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "by", "with", "or", "is"}
    return all(w[0].isupper() or w.isdigit() or w.lower() in small for w in words) and words[0][0].isupper()

