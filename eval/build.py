#!/usr/bin/env python3
"""Build whosaid's own development set from its annotated sources, checking every annotation.

Usage:
    python3 eval/build.py            # check eval/news/*.yaml, write eval/news-tune.jsonl and eval/news-test.jsonl
    python3 eval/build.py --check    # check only, and fail if the JSONL files are not what the sources give
    python3 eval/build.py news/x.yaml   # check these sources only, write nothing

Each source is one article in YAML: `id`, `genre`, `text` (a literal block, paragraphs
separated by blank lines), `quotes` and optionally `non_quotes`. A span is never given
as offsets: it is written as the exact words and, when those words occur more than once,
the `occurrence` (1 for the first) among all their occurrences in the text. This script
computes the offsets and refuses an article whose annotations do not hold:

- every span exists in the text, has no white space at its edges, and the occurrence exists;
- a direct or mixed quote sits right inside quote marks (marks excluded), or a direct quote
  follows a speaker label at the start of its paragraph (`Q:`, `Ms Okafor:`), or a
  multi-paragraph quote runs to its paragraph end without a closing mark;
- an indirect quote starts with neither "that" nor a mark of its own and ends without the
  final period;
- a named speaker is written in the text; an unnamed one (null) has a description;
- a mention (the words that point at the speaker for that quote) exists, and without an
  occurrence it is the closest one, as whole words, that lies outside every quote;
- required quotes do not overlap; non-quotes sit inside marks;
- the article has 1,200 to 4,000 characters.

The split is fixed by the id alone (a third of the articles, by md5, form the `test`
part that is only ever scored), so adding an article never moves another one.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "news"
OUTPUTS = {"tune": HERE / "news-tune.jsonl", "test": HERE / "news-test.jsonl"}
KINDS = {"direct", "mixed", "indirect"}
OPENING_MARKS = set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a")
CLOSING_MARKS = OPENING_MARKS
SPEAKER_LABEL = re.compile(r"[^\n:]{1,60}:[ \t]*")
MIN_CHARACTERS, MAX_CHARACTERS = 1200, 4000
QUOTE_KEYS = {"text", "occurrence", "kind", "speaker", "description", "mention", "optional", "note"}
ARTICLE_KEYS = {"id", "genre", "text", "quotes", "non_quotes", "note"}


class AnnotationError(Exception):
    """An annotation that does not hold; the message names the article and the quote."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_of(article_id: str) -> str:
    return "test" if int(hashlib.md5(article_id.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "tune"


def occurrences(text: str, words: str) -> list[int]:
    starts, position = [], text.find(words)
    while position != -1:
        starts.append(position)
        position = text.find(words, position + 1)
    return starts


def locate(text: str, words: object, occurrence: object, what: str) -> Span:
    if not isinstance(words, str) or not words:
        raise AnnotationError(f"{what}: the words must be a non-empty string, not {words!r}")
    if words != words.strip():
        raise AnnotationError(f"{what}: {words!r} has white space at an edge")
    starts = occurrences(text, words)
    if not starts:
        raise AnnotationError(f"{what}: {words!r} is not in the text")
    if occurrence is None:
        if len(starts) > 1:
            raise AnnotationError(f"{what}: {words!r} occurs {len(starts)} times; say which with `occurrence`")
        occurrence = 1
    if not isinstance(occurrence, int) or not 1 <= occurrence <= len(starts):
        raise AnnotationError(f"{what}: occurrence {occurrence!r} of {words!r}, which occurs {len(starts)} time(s)")
    start = starts[occurrence - 1]
    return Span(start, start + len(words))


def check_marked(text: str, span: Span, kind: str, what: str) -> None:
    before = text[span.start - 1] if span.start else ""
    after = text[span.end] if span.end < len(text) else "\n"
    if before in OPENING_MARKS and (after in CLOSING_MARKS or after == "\n"):
        return
    paragraph_start = text.rfind("\n", 0, span.start) + 1
    if kind == "direct" and SPEAKER_LABEL.fullmatch(text, paragraph_start, span.start):
        return
    raise AnnotationError(f"{what}: a {kind} quote must sit right inside quote marks (found {before!r} before it, {after!r} after it)")


def check_indirect(text: str, span: Span, what: str) -> None:
    words = text[span.start:span.end]
    if re.match(r"that\b", words, re.IGNORECASE):
        raise AnnotationError(f"{what}: an indirect quote starts after 'that'")
    if words.endswith("."):
        raise AnnotationError(f"{what}: an indirect quote ends without its final period")
    if words[-1] in ",;:":
        raise AnnotationError(f"{what}: an indirect quote ends without trailing punctuation ({words[-1]!r})")


def _whole_words(text: str, span: Span) -> bool:
    """Whether a span neither starts nor ends inside a word ("he" in "the" does not count)."""
    return not (span.start and text[span.start - 1].isalnum()) and not (span.end < len(text) and text[span.end].isalnum())


def nearest_outside(text: str, words: str, quote: Span, quoted: list[Span], what: str) -> Span:
    candidates = [Span(start, start + len(words)) for start in occurrences(text, words)]
    candidates = [c for c in candidates if _whole_words(text, c)
                  and not any(q.start <= c.start and c.end <= q.end for q in quoted)]
    if not candidates:
        raise AnnotationError(f"{what}: mention {words!r} occurs only inside quotes")
    return min(candidates, key=lambda c: min(abs(c.start - quote.end), abs(quote.start - c.end)))


def build_article(source: Path) -> dict:
    try:
        article = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise AnnotationError(f"{source.name}: not YAML: {error}") from error
    if not isinstance(article, dict):
        raise AnnotationError(f"{source.name}: expected a mapping")
    unknown = set(article) - ARTICLE_KEYS
    if unknown:
        raise AnnotationError(f"{source.name}: unknown keys {sorted(unknown)}")
    article_id, text = article.get("id"), article.get("text")
    if article_id != source.stem:
        raise AnnotationError(f"{source.name}: id {article_id!r} must equal the file name {source.stem!r}")
    if not isinstance(text, str) or not MIN_CHARACTERS <= len(text) <= MAX_CHARACTERS:
        length = len(text) if isinstance(text, str) else None
        raise AnnotationError(f"{article_id}: the text must have {MIN_CHARACTERS}-{MAX_CHARACTERS} characters, not {length}")
    if not isinstance(article.get("genre"), str):
        raise AnnotationError(f"{article_id}: no genre")
    raw_quotes = article.get("quotes") or []
    if not isinstance(raw_quotes, list) or not raw_quotes:
        raise AnnotationError(f"{article_id}: no quotes")

    located = []
    for number, raw in enumerate(raw_quotes, 1):
        what = f"{article_id} quote {number}"
        if not isinstance(raw, dict):
            raise AnnotationError(f"{what}: expected a mapping")
        unknown = set(raw) - QUOTE_KEYS
        if unknown:
            raise AnnotationError(f"{what}: unknown keys {sorted(unknown)}")
        span = locate(text, raw.get("text"), raw.get("occurrence"), what)
        located.append((what, raw, span))
    quoted = [span for _, raw, span in located if raw.get("kind") != "indirect"]

    quotes, seen = [], set()
    for what, raw, span in located:
        kind = raw.get("kind")
        if kind not in KINDS:
            raise AnnotationError(f"{what}: kind must be one of {sorted(KINDS)}, not {kind!r}")
        if (span.start, span.end) in seen:
            raise AnnotationError(f"{what}: the same span is annotated twice")
        seen.add((span.start, span.end))
        if kind == "indirect":
            check_indirect(text, span, what)
        else:
            check_marked(text, span, kind, what)
        speaker, description = raw.get("speaker"), raw.get("description")
        if speaker is not None and (not isinstance(speaker, str) or speaker not in text):
            raise AnnotationError(f"{what}: speaker {speaker!r} is not written in the text")
        if speaker is None and not (isinstance(description, str) and description.strip()):
            raise AnnotationError(f"{what}: an unnamed speaker needs a description")
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise AnnotationError(f"{what}: optional must be true or false")
        quote = {"start": span.start, "end": span.end, "text": text[span.start:span.end], "kind": kind,
                 "speaker": speaker, "optional": optional}
        if speaker is None:
            quote["speaker_description"] = description
        mention = raw.get("mention")
        if mention is not None:
            if isinstance(mention, dict):
                mention_span = locate(text, mention.get("text"), mention.get("occurrence"), f"{what} mention")
            else:
                mention_span = nearest_outside(text, mention, span, quoted, f"{what} mention")
            quote["speaker_mentions"] = [[mention_span.start, mention_span.end]]
        quotes.append(quote)

    required = sorted((q["start"], q["end"]) for q in quotes if not q["optional"])
    for (_, first_end), (second_start, second_end) in zip(required, required[1:]):
        if second_start < first_end:
            raise AnnotationError(f"{article_id}: required quotes overlap at {text[second_start:second_end][:60]!r}")

    non_quotes = []
    for number, raw in enumerate(article.get("non_quotes") or [], 1):
        what = f"{article_id} non-quote {number}"
        raw = raw if isinstance(raw, dict) else {"text": raw}
        span = locate(text, raw.get("text"), raw.get("occurrence"), what)
        check_marked(text, span, "mixed", what)
        if any(q["start"] < span.end and span.start < q["end"] for q in quotes if not q["optional"]):
            raise AnnotationError(f"{what}: overlaps a required quote")
        non_quotes.append([span.start, span.end])

    return {"id": article_id, "genre": article["genre"], "split": split_of(article_id), "text": text,
            "quotes": sorted(quotes, key=lambda q: (q["start"], q["end"])), "non_quotes": sorted(non_quotes)}


def build_all(sources: list[Path]) -> tuple[dict[str, list[dict]], list[str]]:
    parts: dict[str, list[dict]] = {name: [] for name in OUTPUTS}
    problems = []
    for source in sources:
        try:
            article = build_article(source)
        except AnnotationError as error:
            problems.append(str(error))
            continue
        parts[article["split"]].append(article)
    return parts, problems


def jsonl(articles: list[dict]) -> str:
    return "".join(json.dumps(article, ensure_ascii=False) + "\n" for article in articles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, help="check these sources only and write nothing")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if the JSONL files differ from the sources")
    args = parser.parse_args()
    if args.sources:
        _, problems = build_all(args.sources)
        print("\n".join(problems) or f"{len(args.sources)} source(s) hold", file=sys.stderr if problems else sys.stdout)
        return 1 if problems else 0
    sources = sorted(SOURCES.glob("*.yaml"))
    if not sources:
        print(f"no sources in {SOURCES}", file=sys.stderr)
        return 2
    parts, problems = build_all(sources)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    stale = []
    for name, path in OUTPUTS.items():
        content = jsonl(parts[name])
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(path.name)
        else:
            path.write_text(content, encoding="utf-8")
    if stale:
        print(f"out of date with eval/news/: {', '.join(stale)} (run python3 eval/build.py)", file=sys.stderr)
        return 1
    for name in OUTPUTS:
        count = sum(len(a["quotes"]) for a in parts[name])
        print(f"{name}: {len(parts[name])} articles, {count} quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
