"""The reference article: every required gold quote found, with the right speaker."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    edge = set(" \n\"'\u201c\u201d\u2018\u2019.,;:!?-")
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    return start, end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def test_reference_article(attributed):
    text = (DATA / "seed.txt").read_text(encoding="utf-8")
    gold = json.loads((DATA / "seed.jsonl").read_text(encoding="utf-8"))
    assert gold["text"] == text
    result = attributed(text)
    spans = [(_trimmed(text, q.start, q.end), q) for q in result.quotes]
    for expected in (q for q in gold["quotes"] if not q["optional"]):
        target = _trimmed(text, expected["start"], expected["end"])
        best_overlap, best = max(((_overlap(target, span), q) for span, q in spans), key=lambda pair: pair[0])
        assert best_overlap >= 0.5, f"missed: {expected['text']!r}"
        found_name = best.speaker.name if best.speaker else None
        assert found_name == expected["speaker"], f"{expected['text']!r}: {found_name!r} != {expected['speaker']!r}"
    for start, end in gold["non_quotes"]:
        assert all(_overlap(_trimmed(text, start, end), span) < 0.5 for span, _ in spans)


def test_plain_form_has_every_field_of_the_dataclasses(attributed):
    result = attributed((DATA / "seed.txt").read_text(encoding="utf-8"))
    assert result.to_dict() == {"quotes": [asdict(q) for q in result.quotes],
                                "speakers": [asdict(s) for s in result.speakers]}
