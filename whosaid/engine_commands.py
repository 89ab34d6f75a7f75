"""The engine's subcommands: `whosaid attribute` and `whosaid eval`.

`attribute FILE` shows one article's quotations as a table (or `--json`);
`attribute --jsonl IN --out OUT` attributes a batch of articles, one JSON object
per line, in worker processes, streaming; `eval GOLD` runs the engine over a gold
file and prints the score and the errors worth looking at.

The engine is imported inside the handlers, so that other subcommands do not pay
for loading spaCy.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from attribution.result import Attribution, SpeakerRef

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_UNUSABLE_INPUT = 2
IN_FLIGHT_PER_JOB = 4
STDIO = "-"


class UsageError(Exception):
    """Input the command cannot work with at all: reported as one message, exit status 2."""


def register(subparsers: argparse._SubParsersAction) -> None:
    attribute_parser = subparsers.add_parser(
        "attribute",
        help="find the quotations in an article, or in a JSONL batch of articles",
        description="Find every quotation in an article and who said it.",
    )
    attribute_parser.add_argument("file", nargs="?", metavar="FILE", help="article as plain UTF-8 text, or - for standard input")
    attribute_parser.add_argument("--json", action="store_true", help="print the full result as JSON instead of a table")
    attribute_parser.add_argument(
        "--jsonl", metavar="IN.jsonl",
        help='batch mode: one JSON object per line with "id" and "text" (other fields ignored), or - for standard input',
    )
    attribute_parser.add_argument("--out", metavar="OUT.jsonl", help='batch output, one {"id", "quotes", "speakers"} per line (default: standard output)')
    add_jobs_argument(attribute_parser)
    attribute_parser.set_defaults(handler=run_attribute)

    eval_parser = subparsers.add_parser(
        "eval",
        help="score the engine on a gold JSONL file",
        description="Run the engine over a gold file and print its score (as ../shared/eval/score.py does) and its worst errors.",
    )
    eval_parser.add_argument("gold", metavar="GOLD.jsonl", help='gold annotations: "id", "text", "quotes", "non_quotes"? per line')
    eval_parser.add_argument("--errors", type=non_negative_int, default=10, metavar="N", help="examples listed per error group (default 10; 0 lists none)")
    eval_parser.add_argument("--out", metavar="PRED.jsonl", help="also write the engine's predictions there")
    add_jobs_argument(eval_parser)
    eval_parser.set_defaults(handler=run_eval)


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes, each loading the model once (default: number of cores)")


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


# --- batch input ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Article:
    """One usable input line: its 1-based line number, its `id` as given, its full JSON object."""

    line_number: int
    id: str | int
    text: str
    row: dict


@dataclass(frozen=True)
class BadLine:
    line_number: int
    message: str


@dataclass(frozen=True)
class Outcome:
    """The engine's answer for one input line: the output record, or why there is none."""

    line_number: int
    record: dict | None
    error: str | None = None


def parse_article(line_number: int, raw_line: bytes) -> Article | BadLine | None:
    """Validate one JSONL line; None for a blank line, which is skipped silently (as score.py does)."""
    try:
        line = raw_line.decode("utf-8")
    except UnicodeDecodeError as error:
        return BadLine(line_number, f"not UTF-8 ({error.reason} at byte {error.start})")
    if not line.strip():
        return None
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return BadLine(line_number, f"not JSON ({error.msg} at column {error.colno})")
    if not isinstance(row, dict):
        return BadLine(line_number, f"expected a JSON object, got {type(row).__name__}")
    if "id" not in row:
        return BadLine(line_number, 'no "id"')
    article_id = row["id"]
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int)):
        return BadLine(line_number, f'"id" must be a string or an integer, not {json.dumps(article_id)[:40]}')
    if "text" not in row:
        return BadLine(line_number, f'no "text" (id {article_id!r})')
    text = row["text"]
    if not isinstance(text, str):
        return BadLine(line_number, f'"text" must be a string, not {type(text).__name__} (id {article_id!r})')
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return BadLine(line_number, f'"text" holds an unpaired surrogate \\u{ord(text[error.start]):04x} at index {error.start}, not valid Unicode (id {article_id!r})')
    return Article(line_number, article_id, text, row)


def read_articles(handle: BinaryIO) -> Iterator[Article | BadLine]:
    """Parse a JSONL stream lazily, line by line, so memory stays flat whatever its size."""
    for line_number, raw_line in enumerate(handle, 1):
        parsed = parse_article(line_number, raw_line)
        if parsed is not None:
            yield parsed


# --- running the engine ------------------------------------------------------------------------------------------

def attribute_article(article: Article) -> Outcome:
    """Run the engine on one article; an engine failure becomes that line's error, not the batch's."""
    from attribution import attribute

    try:
        result = attribute(article.text).to_dict()
    except Exception as error:  # noqa: BLE001 - any engine failure is reported against its line
        return Outcome(article.line_number, None, f"engine failed on id {article.id!r}: {type(error).__name__}: {error}")
    return Outcome(article.line_number, {"id": article.id, **result})


def load_engine() -> None:
    """Worker initializer: load the model once per process, before the first article arrives."""
    from attribution import attribute

    attribute("Warm-up.")


def attribute_in_order(items: Iterable[Article | BadLine], jobs: int) -> Iterator[Outcome]:
    """Outcomes in input order, computed by `jobs` processes (or in this one when jobs == 1).

    At most `jobs * IN_FLIGHT_PER_JOB` articles are submitted ahead of the one
    being waited for, so input is read only as fast as results are produced
    (unlike `Pool.imap`, which drains its input eagerly).
    """
    if jobs == 1:
        for item in items:
            yield bad_line_outcome(item) if isinstance(item, BadLine) else attribute_article(item)
        return
    window: deque[Future | Outcome] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=load_engine) as pool:
        try:
            for item in items:
                window.append(bad_line_outcome(item) if isinstance(item, BadLine) else pool.submit(attribute_article, item))
                while len(window) > jobs * IN_FLIGHT_PER_JOB:
                    yield resolved(window.popleft())
            while window:
                yield resolved(window.popleft())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def bad_line_outcome(bad_line: BadLine) -> Outcome:
    return Outcome(bad_line.line_number, None, bad_line.message)


def resolved(pending: Future | Outcome) -> Outcome:
    return pending.result() if isinstance(pending, Future) else pending


def progress_bar(total: int | None):
    """A tqdm bar on stderr when stderr is a terminal, else a disabled (silent) one."""
    from tqdm import tqdm

    return tqdm(total=total, unit="article", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True)


def count_articles(path: str) -> int | None:
    """Non-blank lines of a regular input file, to size the progress bar; None for stdin or pipes, or when nobody watches."""
    if not sys.stderr.isatty() or path == STDIO or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def open_input(path: str) -> BinaryIO:
    if path == STDIO:
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error


def open_output(path: str | None) -> TextIO:
    if path is None or path == STDIO:
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from error


def close_unless_standard(handle) -> None:
    if handle not in (sys.stdin.buffer, sys.stdout):
        handle.close()


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


# --- whosaid attribute -------------------------------------------------------------------------------------------

def run_attribute(args: argparse.Namespace) -> int:
    try:
        if args.jsonl is not None:
            if args.file is not None:
                raise UsageError("give either FILE or --jsonl IN.jsonl, not both")
            if args.json:
                raise UsageError("--json applies to a single FILE; --jsonl output is already JSON")
            return attribute_batch(args.jsonl, args.out, args.jobs)
        if args.file is None:
            raise UsageError("give a FILE (or - for standard input), or --jsonl IN.jsonl")
        if args.out is not None:
            raise UsageError("--out applies to --jsonl batches; redirect standard output for a single FILE")
        return attribute_single(args.file, as_json=args.json)
    except UsageError as error:
        print(f"whosaid attribute: {error}", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except BrokenProcessPool:
        print("whosaid attribute: a worker process died (out of memory?); output is incomplete", file=sys.stderr)
        return EXIT_SOME_FAILED


def read_article_text(path: str) -> str:
    source = "standard input" if path == STDIO else path
    handle = open_input(path)
    try:
        raw = handle.read()
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror}") from error
    finally:
        close_unless_standard(handle)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{source} is not UTF-8 text ({error.reason} at byte {error.start})") from error
    if not text.strip():
        raise UsageError(f"nothing to attribute: {source} is empty")
    return text


def attribute_single(path: str, as_json: bool) -> int:
    from attribution import attribute, engine_info

    attribution = attribute(read_article_text(path))
    if as_json:
        print(json.dumps({"engine": engine_info(), **attribution.to_dict()}, ensure_ascii=False, indent=2))
    else:
        print("\n".join(format_table(attribution)))
    return EXIT_OK


def format_table(attribution: Attribution) -> list[str]:
    """One row per quote: number, kind, speaker (name, or description in parentheses), method, quote cut to the terminal width."""
    rows = [(str(number), quote.kind, speaker_label(quote.speaker), quote.method)
            for number, quote in enumerate(attribution.quotes, 1)]
    header = ("#", "kind", "speaker", "method")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    widths[2] = min(widths[2], 32)
    quote_width = max(20, shutil.get_terminal_size((120, 24)).columns - sum(widths) - 2 * len(widths) - 2)

    def line(cells: tuple[str, ...], quote: str) -> str:
        padded = "  ".join(cut(cell, width).ljust(width) for cell, width in zip(cells, widths))
        return f"{padded}  {quote}".rstrip()

    lines = [line(header, "quote")]
    for row, quote in zip(rows, attribution.quotes):
        lines.append(line(row, cut(" ".join(quote.text.split()), quote_width)))
    named = sum(1 for speaker in attribution.speakers if speaker.name)
    lines.append(f"{len(attribution.quotes)} quotes, {len(attribution.speakers)} speakers ({named} named)")
    return lines


def speaker_label(speaker: SpeakerRef | None) -> str:
    if speaker is None:
        return "-"
    if speaker.name:
        return speaker.name
    return f"({speaker.description})" if speaker.description else "(unnamed)"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def attribute_batch(input_path: str, output_path: str | None, jobs: int) -> int:
    """Attribute every line of a JSONL file; bad lines are reported on stderr and skipped, the rest written in input order."""
    source = "standard input" if input_path == STDIO else input_path
    input_handle = open_input(input_path)
    try:
        output_handle = open_output(output_path)
        try:
            failures, written = 0, 0
            with progress_bar(count_articles(input_path)) as bar:
                for outcome in attribute_in_order(read_articles(input_handle), jobs):
                    bar.update()
                    if outcome.error is not None:
                        failures += 1
                        bar.write(f"{source}:{outcome.line_number}: {outcome.error}", file=sys.stderr)
                        continue
                    output_handle.write(json_line(outcome.record))
                    written += 1
        finally:
            close_unless_standard(output_handle)
    finally:
        close_unless_standard(input_handle)
    if failures == 0 and written == 0:
        raise UsageError(f"nothing to attribute: {source} has no lines")
    if failures:
        print(f"whosaid attribute: {failures} line(s) failed, {written} written", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


# --- whosaid eval ------------------------------------------------------------------------------------------------

def read_gold(path: str) -> list[Article]:
    """Every article of a gold file; raises UsageError listing the bad lines, since a partial gold gives a misleading score."""
    handle = open_input(path)
    try:
        parsed = list(read_articles(handle))
    finally:
        close_unless_standard(handle)
    problems = [f"{path}:{item.line_number}: {item.message}" for item in parsed if isinstance(item, BadLine)]
    problems += [f"{path}:{item.line_number}: \"quotes\" must be a list (id {item.id!r})"
                 for item in parsed if isinstance(item, Article) and not isinstance(item.row.get("quotes", []), list)]
    if problems:
        raise UsageError("unusable gold file:\n  " + "\n  ".join(problems))
    if not parsed:
        raise UsageError(f"{path} has no gold documents")
    return parsed


def run_eval(args: argparse.Namespace) -> int:
    from attribution import engine_info
    from attribution.scoring import ScoringInputError, format_errors, format_reliability, format_summary, reliability, score

    try:
        gold_articles = read_gold(args.gold)
        started = time.perf_counter()
        predictions, failures = predict_gold(args.gold, gold_articles, args.out, args.jobs)
        elapsed = time.perf_counter() - started
        outcomes = []
        summary, errors = score({str(article.id): article.row for article in gold_articles}, predictions, outcomes)
    except (UsageError, ScoringInputError) as error:
        print(f"whosaid eval: {error}", file=sys.stderr)
        return EXIT_UNUSABLE_INPUT
    except BrokenProcessPool:
        print("whosaid eval: a worker process died (out of memory?)", file=sys.stderr)
        return EXIT_SOME_FAILED
    info = engine_info()
    characters = sum(len(article.text) for article in gold_articles)
    print(f"engine {info.get('name')} {info.get('version')}: {len(gold_articles)} documents, {characters:,} characters "
          f"in {elapsed:.1f} s, model loading included ({characters / elapsed:,.0f} chars/s, {args.jobs} job(s))")
    print("\n".join(format_summary(summary)))
    print("\n".join(format_reliability(reliability(outcomes))))
    if args.errors:
        print("\n".join(format_errors(errors, args.errors)))
    if failures:
        print(f"whosaid eval: the engine failed on {failures} document(s), scored as predicting nothing", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def predict_gold(gold_path: str, gold_articles: list[Article], output_path: str | None, jobs: int) -> tuple[dict[str, dict], int]:
    """Predictions keyed by str(id) as the scorer expects, optionally also written as JSONL; and the engine failure count."""
    output_handle = open_output(output_path) if output_path else None
    predictions: dict[str, dict] = {}
    failures = 0
    try:
        with progress_bar(len(gold_articles)) as bar:
            for outcome in attribute_in_order(gold_articles, jobs):
                bar.update()
                if outcome.error is not None:
                    failures += 1
                    bar.write(f"{gold_path}:{outcome.line_number}: {outcome.error}", file=sys.stderr)
                    continue
                predictions[str(outcome.record["id"])] = outcome.record
                if output_handle is not None:
                    output_handle.write(json_line(outcome.record))
    finally:
        if output_handle is not None:
            close_unless_standard(output_handle)
    return predictions, failures
