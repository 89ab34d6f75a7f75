"""whosaid's own development set (eval/): every annotation holds, and the JSONL files are what the sources give."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

import build  # noqa: E402

TEXT = ("BRUSSELS (Reuters) - The European Union will delay its vote on fishing quotas until March, officials said. "
        "\"We need more time to look at the science,\" said Marta Olsen, a spokeswoman for the Commission. "
        "She added that the delay would not affect existing licences. " * 8)


def write_source(tmp_path: Path, quotes: list[dict], text: str = TEXT, **fields) -> Path:
    source = tmp_path / "x-wire-test.yaml"
    source.write_text(yaml.safe_dump({"id": "x-wire-test", "genre": "wire", "text": text, "quotes": quotes, **fields}),
                      encoding="utf-8")
    return source


def test_the_committed_set_is_valid_and_up_to_date():
    checked = subprocess.run([sys.executable, str(REPO / "eval" / "build.py"), "--check"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "tune: " in checked.stdout and "test: " in checked.stdout


def test_offsets_come_from_the_words_and_the_occurrence(tmp_path):
    article = build.build_article(write_source(tmp_path, [
        {"text": "We need more time to look at the science,", "occurrence": 2, "kind": "direct",
         "speaker": "Marta Olsen", "mention": "Marta Olsen"},
        {"text": "the delay would not affect existing licences", "occurrence": 1, "kind": "indirect",
         "speaker": "Marta Olsen", "mention": "She"}]))
    direct, indirect = sorted(article["quotes"], key=lambda q: q["kind"])
    assert TEXT[direct["start"]:direct["end"]] == "We need more time to look at the science,"
    assert direct["start"] > TEXT.index("We need more time")  # the second occurrence
    mention_start, mention_end = indirect["speaker_mentions"][0]
    assert TEXT[mention_start:mention_end] == "She" and mention_start < indirect["start"]
    assert article["split"] == build.split_of("x-wire-test")


@pytest.mark.parametrize(("quote", "problem"), [
    ({"text": "We need less time", "kind": "direct", "speaker": "Marta Olsen"}, "is not in the text"),
    ({"text": "We need more time to look at the science,", "kind": "direct", "speaker": "Marta Olsen"}, "say which with `occurrence`"),
    ({"text": "need more time", "occurrence": 1, "kind": "direct", "speaker": "Marta Olsen"}, "right inside quote marks"),
    ({"text": "the delay would not affect existing licences.", "occurrence": 1, "kind": "indirect", "speaker": "Marta Olsen"},
     "without its final period"),
    ({"text": "that the delay would not affect existing licences", "occurrence": 1, "kind": "indirect", "speaker": "Marta Olsen"},
     "starts after 'that'"),
    ({"text": "the delay would not affect existing licences", "occurrence": 1, "kind": "indirect", "speaker": None},
     "needs a description"),
    ({"text": "the delay would not affect existing licences", "occurrence": 1, "kind": "indirect", "speaker": "Anna Berg"},
     "is not written in the text"),
])
def test_annotations_that_do_not_hold_are_refused(tmp_path, quote, problem):
    with pytest.raises(build.AnnotationError, match=problem):
        build.build_article(write_source(tmp_path, [quote]))


def test_a_short_mention_is_never_found_inside_a_longer_word(tmp_path):
    text = TEXT.replace("She added", "He added")
    article = build.build_article(write_source(tmp_path, [
        {"text": "the delay would not affect existing licences", "occurrence": 3, "kind": "indirect",
         "speaker": "Marta Olsen", "mention": "He"}], text=text))
    start, end = article["quotes"][0]["speaker_mentions"][0]
    assert text[start:end] == "He" and not text[end].isalpha()


def test_a_text_outside_the_length_limits_is_refused(tmp_path):
    with pytest.raises(build.AnnotationError, match="1200-4000 characters"):
        build.build_article(write_source(tmp_path, [], text="Too short."))
