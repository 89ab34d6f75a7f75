"""`whosaid eval`: the score of the engine on a gold file, laid out as score.py prints it, then the errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from whosaid.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED_GOLD = REPO / "tests" / "data" / "seed.jsonl"
SHARED_SCORER = REPO.parent / "shared" / "eval" / "score.py"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_eval_prints_the_score_and_writes_the_predictions(tmp_path, capsys):
    predictions = tmp_path / "pred.jsonl"
    status, out, err = run(["eval", str(SEED_GOLD), "--jobs", "1", "--out", str(predictions)], capsys)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("engine ") and "1 documents" in lines[0]
    assert lines[1].startswith("documents 1 (no prediction for 0), gold quotes ")
    assert lines[2].startswith("detection    P ")
    assert any(line.startswith("speaker accuracy on matched quotes ") for line in lines)
    assert any(line.startswith("end-to-end   P ") for line in lines)
    (record,) = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "seed" and set(record) == {"id", "quotes", "speakers"}


def test_errors_are_listed_by_group_with_their_text(tmp_path, capsys):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    # an invented required quote nobody says, and a real quote credited to someone else, force a missed and a wrong-speaker error
    text = gold["text"]
    start = text.index("Tracked down for voluntary desertion")
    gold["quotes"].append({"start": start, "end": start + len("Tracked down for voluntary desertion"), "kind": "indirect", "speaker": "Nobody Atall"})
    sverdlin = next(quote for quote in gold["quotes"] if quote["kind"] == "direct" and quote["speaker"] == "Grigori Sverdlin")
    sverdlin["speaker"] = "Somebody Else"
    altered = tmp_path / "gold.jsonl"
    altered.write_text(json.dumps(gold) + "\n", encoding="utf-8")

    status, out, _ = run(["eval", str(altered), "--jobs", "1", "--errors", "3"], capsys)
    assert status == 0
    assert "== missed: " in out and "'Tracked down for voluntary desertion'  gold speaker Nobody Atall" in out
    assert "== wrong speaker: " in out and "gold Somebody Else, predicted Grigori Sverdlin" in out

    status, out, _ = run(["eval", str(altered), "--jobs", "1", "--errors", "0"], capsys)
    assert "==" not in out


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason=f"the shared scorer {SHARED_SCORER} is absent (clone without ../shared)")
def test_printed_numbers_are_those_of_the_shared_scorer(tmp_path, capsys):
    predictions = tmp_path / "pred.jsonl"
    status, out, _ = run(["eval", str(SEED_GOLD), "--jobs", "1", "--errors", "0", "--out", str(predictions)], capsys)
    assert status == 0
    shared = subprocess.run([sys.executable, str(SHARED_SCORER), str(SEED_GOLD), str(predictions)], capture_output=True, text=True, check=True)
    scored = shared.stdout.splitlines()
    lines = out.splitlines()
    assert lines[1:1 + len(scored)] == scored
    assert lines[1 + len(scored)].startswith("confidence reliability over 11 scored predictions (expected calibration error ")


def test_eval_prints_a_reliability_table_of_the_confidence(capsys):
    status, out, _ = run(["eval", str(SEED_GOLD), "--jobs", "1", "--errors", "0"], capsys)
    assert status == 0
    table = out.split("confidence reliability over ", 1)[1].splitlines()
    assert table[1].split() == ["confidence", "quotes", "mean", "conf.", "share", "right"]
    rows = [row.split() for row in table[2:]]
    assert rows and all(row[1] == "-" and 0 <= float(row[0]) < float(row[2]) <= 1 for row in rows)
    assert sum(int(row[3]) for row in rows) == 11


def test_unusable_gold_names_every_bad_line(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(SEED_GOLD.read_text(encoding="utf-8").strip() + "\n[1]\n" + json.dumps({"id": "x", "text": "t", "quotes": "none"}) + "\n", encoding="utf-8")
    status, out, err = run(["eval", str(gold), "--jobs", "1"], capsys)
    assert status == 2
    assert out == ""
    assert f"{gold}:2: expected a JSON object" in err
    assert f"{gold}:3: \"quotes\" must be a list" in err


def test_malformed_gold_quotes_are_refused(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "text": "He said so.", "quotes": [{"start": 0, "speaker": "He"}]}) + "\n", encoding="utf-8")
    status, _, err = run(["eval", str(gold), "--jobs", "1"], capsys)
    assert status == 2
    assert "whosaid eval: x: malformed gold document" in err


def test_missing_gold_file(capsys):
    status, _, err = run(["eval", "/nonexistent/gold.jsonl"], capsys)
    assert status == 2
    assert err.strip() == "whosaid eval: cannot read /nonexistent/gold.jsonl: No such file or directory"
