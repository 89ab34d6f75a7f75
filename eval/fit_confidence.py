#!/usr/bin/env python3
"""Fit the engine's confidence table on the tuning parts of the dev sets, check it on the held-out parts.

Usage:
    whosaid eval GOLD.jsonl --out PRED.jsonl          # for each dev set, with the current engine
    python3 eval/fit_confidence.py GOLD PRED [GOLD PRED ...] [--write]

A quote's confidence is the share of quotes found the same way that were right end to
end (matched to a gold quote, with the right speaker): one figure per method, kind of
quote and whether the speaker is named, smoothed towards the method's figure (and that
towards the overall one) by SMOOTHING pseudo-quotes, so that small cells stay sensible.

Each gold file is split as the project splits it: by its `split` field (eval/news-*.jsonl),
else by md5(id) % 10 < 7 for tuning (the PolNeAR dev set). The table is fitted on the
tuning parts only; the expected calibration error printed for the held-out parts is that
of data the fit never saw. `--write` stores the table in attribution/confidence.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from attribution.confidence import TABLE_PATH, Key, key_of  # noqa: E402
from attribution.scoring import Outcome, format_reliability, reliability, score  # noqa: E402

SMOOTHING = 20.0


def part_of(document: dict) -> str:
    if document.get("split") in {"tune", "test"}:
        return document["split"]
    return "tune" if int(hashlib.md5(str(document["id"]).encode()).hexdigest(), 16) % 10 < 7 else "test"


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def outcomes_by_part(gold_path: str, predicted_path: str) -> dict[str, list[tuple[Key, bool]]]:
    """Each held-out or tuning prediction's table key and whether it was right."""
    predictions = {str(row["id"]): row for row in read_jsonl(predicted_path)}
    parts: dict[str, list[tuple[Key, bool]]] = defaultdict(list)
    for document in read_jsonl(gold_path):
        prediction = predictions.get(str(document["id"]), {"quotes": []})
        outcomes: list[Outcome] = []
        score({str(document["id"]): document}, {str(document["id"]): prediction}, outcomes)
        keyed = {(q["start"], q["end"]): key_of(q) for q in prediction["quotes"]}
        for outcome in outcomes:
            parts[part_of(document)].append((keyed[(outcome.start, outcome.end)], outcome.right))
    return parts


def fit(samples: list[tuple[Key, bool]]) -> dict:
    """The smoothed share right per (method, kind, named), per method, and overall."""
    overall = sum(right for _, right in samples) / len(samples)
    by_method: dict[str, list[bool]] = defaultdict(list)
    by_cell: dict[Key, list[bool]] = defaultdict(list)
    for key, right in samples:
        by_method[key[0]].append(right)
        by_cell[key].append(right)
    methods = {method: (sum(rights) + SMOOTHING * overall) / (len(rights) + SMOOTHING) for method, rights in by_method.items()}
    cells = {"|".join(map(str, key)): round((sum(rights) + SMOOTHING * methods[key[0]]) / (len(rights) + SMOOTHING), 4)
             for key, rights in sorted(by_cell.items(), key=lambda item: tuple(map(str, item[0])))}
    return {"overall": round(overall, 4), "methods": {m: round(v, 4) for m, v in sorted(methods.items())}, "cells": cells,
            "fitted_on": len(samples)}


def calibrated(table: dict, samples: list[tuple[Key, bool]]) -> list[Outcome]:
    from attribution.confidence import lookup

    return [Outcome("", lookup(table, key), key[0], key[1], right, 0, 0) for key, right in samples]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", metavar="GOLD PRED", help="gold and prediction files, in pairs")
    parser.add_argument("--write", action="store_true", help=f"store the fitted table in {TABLE_PATH.relative_to(REPO)}")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("give gold and prediction files in pairs")
    tuning, held_out = [], {}
    for gold_path, predicted_path in zip(args.pairs[::2], args.pairs[1::2]):
        parts = outcomes_by_part(gold_path, predicted_path)
        tuning += parts.get("tune", [])
        held_out[Path(gold_path).name] = parts.get("test", [])
    table = fit(tuning)
    print(f"fitted on {len(tuning)} tuning predictions (overall share right {table['overall']:.3f})")
    for name, samples in held_out.items():
        print(f"\n== held out: {name}")
        print("\n".join(format_reliability(reliability(calibrated(table, samples)))))
    everything = [sample for samples in held_out.values() for sample in samples]
    print("\n== held out, all sets")
    print("\n".join(format_reliability(reliability(calibrated(table, everything)))))
    if args.write:
        TABLE_PATH.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {TABLE_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
