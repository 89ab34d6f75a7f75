"""Benchmark of the attribution engine: throughput against a full spaCy parse, and the worst case.

    python3 bench/engine.py [--limit N] [--dev PATH] [--sizes 250,500,1000] [--no-cli]

1. Throughput on the dev articles (`../shared/eval/polnear-dev.jsonl`, next to
   the repository; the reference article when absent), one process each, in this
   one run: plain `nlp.pipe` of the engine's model with all its components (a
   full parse) and `attribute` on the same texts, taking turns on rounds of
   articles so that a change in the machine's load hits both alike; then
   `whosaid attribute --jsonl --jobs 1` as a subprocess over a temporary JSONL of
   the same texts. Speed is printed relative to the full parse; the target is
   the engine at least as fast (>= 1.0x).
2. Whole processes as a user meets them, model loading included: on the first 40
   articles, `whosaid attribute --jsonl --jobs 1` against a Python process that
   only loads the model and runs `nlp.pipe` over the same texts (median of three
   runs each, taking turns); the target is the command line at least as fast.
3. Worst case: articles of 250 KB, 500 KB and 1 MB built by repeating the
   reference article (real news text with quotes), each timed once; chars/s
   should stay about the same (time linear in length).

The dev texts are third-party: they are read at run time and only written to a
temporary file, never into the repository.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from attribution import attribute, engine_info  # noqa: E402
from attribution.model import model_name  # noqa: E402

DEFAULT_DEV_SET = REPO.parent / "shared" / "eval" / "polnear-dev.jsonl"
SEED_ARTICLE = REPO / "tests" / "data" / "seed.txt"
SPEED_TARGET = 1.0
# chars/s of the largest article may fall to this share of the smallest's and still count as linear
LINEARITY_TOLERANCE = 0.6
ROUND_SIZE = 50


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: float
    characters: int

    @property
    def chars_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds else float("inf")


def load_texts(dev_set: Path, limit: int | None) -> tuple[list[str], str]:
    """The dev texts (first `limit`), or the reference article when the dev set is absent; and where they came from."""
    if not dev_set.exists():
        print(f"NOTE: dev set {dev_set} is absent; falling back to the reference article {SEED_ARTICLE.relative_to(REPO)} "
              "alone, so the throughput figures are not representative.")
        return [SEED_ARTICLE.read_text(encoding="utf-8")], "the reference article"
    texts = []
    with dev_set.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if limit is not None and len(texts) >= limit:
                break
    return texts, f"{len(texts)} dev articles from {dev_set}"


def timed(label: str, texts: list[str], run) -> Timing:
    started = time.perf_counter()
    run(texts)
    return Timing(label, time.perf_counter() - started, sum(map(len, texts)))


def timed_in_turns(texts: list[str], contenders: dict[str, object]) -> list[Timing]:
    """Each contender over all texts, in rounds of ROUND_SIZE articles where they take turns (the order alternating)."""
    seconds = dict.fromkeys(contenders, 0.0)
    for round_number, first in enumerate(range(0, len(texts), ROUND_SIZE)):
        batch = texts[first:first + ROUND_SIZE]
        order = list(contenders) if round_number % 2 == 0 else list(reversed(contenders))
        for label in order:
            seconds[label] += timed(label, batch, contenders[label]).seconds
    characters = sum(map(len, texts))
    return [Timing(label, seconds[label], characters) for label in contenders]


def full_parse(nlp):
    def run(texts: list[str]) -> None:
        for _ in nlp.pipe(texts):
            pass
    return run


def engine(texts: list[str]) -> None:
    for text in texts:
        attribute(text)


def command_line(jsonl: Path, output: Path) -> float:
    """Wall time of `whosaid attribute --jsonl --jobs 1` as a real process, start-up and model loading included."""
    command = [sys.executable, "-m", "whosaid", "attribute", "--jsonl", str(jsonl), "--out", str(output), "--jobs", "1"]
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"whosaid attribute failed ({finished.returncode}):\n{finished.stderr}")
    return elapsed


def measure_command_line(texts: list[str]) -> tuple[Timing, float]:
    """The command line over the texts, and its fixed start-up cost (the same command on a one-line input)."""
    with tempfile.TemporaryDirectory(prefix="whosaid-bench-") as directory:
        batch, one_line, output = Path(directory, "in.jsonl"), Path(directory, "one.jsonl"), Path(directory, "out.jsonl")
        with batch.open("w", encoding="utf-8") as handle:
            for number, text in enumerate(texts):
                handle.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
        one_line.write_text(json.dumps({"id": 0, "text": "Hello."}) + "\n", encoding="utf-8")
        startup = command_line(one_line, output)
        total = command_line(batch, output)
    return Timing("whosaid attribute --jsonl --jobs 1", total, sum(map(len, texts))), startup


PARSE_ONLY_SCRIPT = """
import json, sys
import spacy
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
nlp = spacy.load(sys.argv[2])
for _ in nlp.pipe(texts):
    pass
"""
WHOLE_PROCESS_ARTICLES = 40
WHOLE_PROCESS_ROUNDS = 3


def whole_processes(texts: list[str]) -> tuple[float, float]:
    """Median wall times of two whole processes over the same texts, model loading included, taking
    turns: `whosaid attribute --jsonl --jobs 1`, and a script that only loads the model and runs
    `nlp.pipe` (a full parse)."""
    with tempfile.TemporaryDirectory(prefix="whosaid-bench-") as directory:
        batch, output, script = Path(directory, "in.jsonl"), Path(directory, "out.jsonl"), Path(directory, "parse.py")
        with batch.open("w", encoding="utf-8") as handle:
            for number, text in enumerate(texts):
                handle.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
        script.write_text(PARSE_ONLY_SCRIPT, encoding="utf-8")
        parse_only = [sys.executable, str(script), str(batch), model_name()]
        engine_command = [sys.executable, "-m", "whosaid", "attribute", "--jsonl", str(batch), "--out", str(output), "--jobs", "1"]
        engine_times, parse_times = [], []
        for round_number in range(WHOLE_PROCESS_ROUNDS):
            pair = [(engine_command, engine_times), (parse_only, parse_times)]
            for command, times in (pair if round_number % 2 == 0 else reversed(pair)):
                started = time.perf_counter()
                finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
                times.append(time.perf_counter() - started)
                if finished.returncode != 0:
                    raise SystemExit(f"{' '.join(command[:4])} failed ({finished.returncode}):\n{finished.stderr}")
    return sorted(engine_times)[len(engine_times) // 2], sorted(parse_times)[len(parse_times) // 2]


def repeated_article(size: int) -> str:
    """At least `size` characters of the reference article repeated paragraph-wise (cut at a paragraph end)."""
    article = SEED_ARTICLE.read_text(encoding="utf-8").strip()
    copies = size // (len(article) + 2) + 1
    text = "\n\n".join([article] * copies)
    cut = text.find("\n\n", size)
    return text if cut < 0 else text[:cut]


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N dev articles (quick run)")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV_SET, help=f"dev JSONL (default {DEFAULT_DEV_SET})")
    parser.add_argument("--sizes", default="250,500,1000", help="worst-case article sizes in KB, comma-separated (default 250,500,1000)")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line measurement")
    args = parser.parse_args()

    import spacy

    info = engine_info()
    print(f"engine: {json.dumps(info, ensure_ascii=False)}")
    texts, origin = load_texts(args.dev, args.limit)
    nlp = spacy.load(model_name())
    print(f"texts: {origin}, {sum(map(len, texts)):,} characters; full parse: {model_name()} with {', '.join(nlp.pipe_names)}")

    warm_up = texts[:1]
    full_parse(nlp)(warm_up)
    engine(warm_up)

    print("\n== throughput, one process each")
    timings = timed_in_turns(texts, {"nlp.pipe (full parse)": full_parse(nlp), "attribute()": engine})
    baseline = timings[0]
    startup = None
    if not args.no_cli:
        cli_timing, startup = measure_command_line(texts)
        timings.append(cli_timing)
    for timing in timings:
        ratio = baseline.seconds / timing.seconds
        print(f"{timing.label:<36} {timing.seconds:8.2f} s  {timing.chars_per_second:>10,.0f} chars/s  {ratio:5.2f}x full parse")
    if startup is not None:
        net = timings[-1].seconds - startup
        print(f"  (the command line includes {startup:.2f} s of start-up and model loading; without it: {baseline.seconds / net:.2f}x full parse)")
    engine_ratio = baseline.seconds / timings[1].seconds
    print(f"target: attribute() >= {SPEED_TARGET:.1f}x full parse: {engine_ratio:.2f}x {verdict(engine_ratio >= SPEED_TARGET)}")

    process_ratio = None
    if not args.no_cli:
        few = texts[:WHOLE_PROCESS_ARTICLES]
        print(f"\n== whole processes, model loading included: the first {len(few)} articles, "
              f"median of {WHOLE_PROCESS_ROUNDS} runs each, taking turns")
        engine_seconds, parse_seconds = whole_processes(few)
        process_ratio = parse_seconds / engine_seconds
        print(f"{'whosaid attribute --jsonl --jobs 1':<36} {engine_seconds:8.2f} s")
        print(f"{'python: spacy.load + nlp.pipe':<36} {parse_seconds:8.2f} s")
        print(f"target: the command line >= {SPEED_TARGET:.1f}x the parse-only process: {process_ratio:.2f}x "
              f"{verdict(process_ratio >= SPEED_TARGET)}")

    print("\n== worst case: one long article (the reference article repeated)")
    sizes = [int(size) * 1000 for size in args.sizes.split(",")]
    long_timings = []
    for size in sizes:
        text = repeated_article(size)
        long_timings.append(timed(f"{len(text) / 1000:,.0f} KB", [text], engine))
        timing = long_timings[-1]
        print(f"{timing.label:>9}  {timing.seconds:8.2f} s  {timing.chars_per_second:>10,.0f} chars/s")
    slowdown = long_timings[-1].chars_per_second / long_timings[0].chars_per_second
    print(f"linear in length: chars/s at {long_timings[-1].label} is {slowdown:.2f} of that at {long_timings[0].label} "
          f"(>= {LINEARITY_TOLERANCE} required) {verdict(slowdown >= LINEARITY_TOLERANCE)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:,.0f} MB")
    processes_fast = process_ratio is None or process_ratio >= SPEED_TARGET
    return 0 if engine_ratio >= SPEED_TARGET and slowdown >= LINEARITY_TOLERANCE and processes_fast else 1


if __name__ == "__main__":
    sys.exit(main())
