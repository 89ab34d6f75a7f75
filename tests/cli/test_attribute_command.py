"""`whosaid attribute`: table, --json, stdin, JSONL batches with bad lines, and the errors a user can make."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from whosaid.cli import main
from whosaid.engine_commands import IN_FLIGHT_PER_JOB, Article, attribute_in_order

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT_PATH = REPO / "tests" / "data" / "seed.txt"
SEED_TEXT = SEED_TEXT_PATH.read_text(encoding="utf-8")
SHORT_ARTICLE = 'The minister arrived late. "We will not resign," Maria Lopez told reporters on Monday.'


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_table_lists_each_quote_with_kind_speaker_and_method(capsys):
    from attribution import attribute

    expected = attribute(SEED_TEXT)
    status, out, err = run(["attribute", str(SEED_TEXT_PATH)], capsys)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["#", "kind", "speaker", "method", "quote"]
    assert len(lines) == len(expected.quotes) + 2
    assert lines[-1].startswith(f"{len(expected.quotes)} quotes, {len(expected.speakers)} speakers")
    for line, quote in zip(lines[1:], expected.quotes):
        assert quote.kind in line.split()
        assert quote.method in line
        assert " ".join(quote.text.split())[:15] in line
    assert "Sverdlin" in out


def test_json_is_the_full_result_with_engine_info(capsys):
    from attribution import attribute, engine_info

    status, out, _ = run(["attribute", "--json", str(SEED_TEXT_PATH)], capsys)
    assert status == 0
    assert json.loads(out) == {"engine": engine_info(), **json.loads(json.dumps(attribute(SEED_TEXT).to_dict()))}


def test_dash_reads_the_article_from_stdin(capsys, monkeypatch):
    feed_stdin(monkeypatch, SHORT_ARTICLE.encode())
    status, out, _ = run(["attribute", "--json", "-"], capsys)
    assert status == 0
    result = json.loads(out)
    assert [SHORT_ARTICLE[q["start"]:q["end"]] for q in result["quotes"]] == [q["text"] for q in result["quotes"]]
    assert any("We will not resign" in q["text"] for q in result["quotes"])


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["attribute", "/nonexistent/article.txt"], None, "cannot read /nonexistent/article.txt: No such file or directory"),
        (["attribute", "-"], b"", "nothing to attribute: standard input is empty"),
        (["attribute", "-"], b"\xff\xfe not utf-8", "standard input is not UTF-8 text"),
        (["attribute"], None, "give a FILE"),
        (["attribute", "--jsonl", "/nonexistent/in.jsonl"], None, "cannot read /nonexistent/in.jsonl"),
        (["attribute", "--jsonl", "-"], b"\n\n", "nothing to attribute: standard input has no lines"),
        (["attribute", "--json", "--jsonl", "-"], b"", "--json applies to a single FILE"),
        (["attribute", str(SEED_TEXT_PATH), "--out", "x.jsonl"], None, "--out applies to --jsonl"),
        (["attribute", "--jsonl", str(SEED_TEXT_PATH), "--out", "/nonexistent/dir/out.jsonl"], None, "cannot write /nonexistent/dir/out.jsonl"),
    ],
)
def test_unusable_input_gets_a_message_and_status_2(argv, stdin, message, capsys, monkeypatch):
    if stdin is not None:
        feed_stdin(monkeypatch, stdin)
    status, out, err = run(argv, capsys)
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def write_batch(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


BAD_LINES = {
    3: ("{not json", "not JSON"),
    4: (json.dumps({"text": "no id here"}), 'no "id"'),
    5: (json.dumps({"id": "n", "text": 42}), '"text" must be a string, not int'),
    6: ('{"id": "s", "text": "\\ud800 lone surrogate"}', "unpaired surrogate"),
    7: (json.dumps(["a", "list"]), "expected a JSON object"),
}


@pytest.mark.parametrize("jobs", [pytest.param(1, id="one process"), pytest.param(2, id="two workers", marks=pytest.mark.slow)])
def test_batch_reports_bad_lines_by_number_and_writes_the_others_in_order(tmp_path, capsys, jobs):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "seed", "text": SEED_TEXT, "extra": "ignored"}), json.dumps({"id": 2, "text": SHORT_ARTICLE})]
    lines += [line for line, _ in BAD_LINES.values()]
    lines += ["", json.dumps({"id": "last", "text": "Nothing quoted here."})]
    write_batch(source, lines)
    output = tmp_path / "out.jsonl"

    status, out, err = run(["attribute", "--jsonl", str(source), "--out", str(output), "--jobs", str(jobs)], capsys)

    assert status == 1
    assert out == ""
    for number, (_, message) in BAD_LINES.items():
        assert any(line.startswith(f"{source}:{number}: ") and message in line for line in err.splitlines()), (number, err)
    assert f"{len(BAD_LINES)} line(s) failed, 3 written" in err
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [record["id"] for record in records] == ["seed", 2, "last"]
    assert all(set(record) == {"id", "quotes", "speakers"} for record in records)
    from attribution import attribute

    assert records[0]["quotes"] == json.loads(json.dumps(attribute(SEED_TEXT).to_dict()))["quotes"]


def test_an_engine_failure_is_reported_against_its_line_only(tmp_path, capsys, monkeypatch):
    import attribution

    real_attribute = attribution.attribute

    def failing_on_marker(text):
        if "FAIL HERE" in text:
            raise RuntimeError("simulated engine bug")
        return real_attribute(text)

    monkeypatch.setattr(attribution, "attribute", failing_on_marker)
    source = tmp_path / "in.jsonl"
    write_batch(source, [json.dumps({"id": "bad", "text": "FAIL HERE"}), json.dumps({"id": "good", "text": SHORT_ARTICLE})])
    status, out, err = run(["attribute", "--jsonl", str(source), "--jobs", "1"], capsys)
    assert status == 1
    assert f"{source}:1: engine failed on id 'bad': RuntimeError: simulated engine bug" in err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["good"]


def test_batch_from_stdin_to_stdout(capsys, monkeypatch):
    feed_stdin(monkeypatch, (json.dumps({"id": "a", "text": SHORT_ARTICLE}) + "\n").encode())
    status, out, err = run(["attribute", "--jsonl", "-", "--jobs", "1"], capsys)
    assert status == 0, err
    assert err == ""  # no progress bar when stderr is not a terminal
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["id"] == "a" and record["quotes"]


def test_progress_bar_on_stderr_when_it_is_a_terminal(tmp_path, capsys, monkeypatch):
    source = tmp_path / "in.jsonl"
    write_batch(source, [json.dumps({"id": number, "text": SHORT_ARTICLE}) for number in range(3)])
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, out, err = run(["attribute", "--jsonl", str(source), "--jobs", "1"], capsys)
    assert status == 0
    assert "3/3" in err and "article" in err
    assert len(out.splitlines()) == 3


@pytest.mark.slow
def test_workers_read_input_only_a_bounded_window_ahead():
    jobs, pulled, lagging = 2, [], []

    def articles():
        for number in range(1, 41):
            pulled.append(number)
            yield Article(number, number, SHORT_ARTICLE, {})

    for outcome in attribute_in_order(articles(), jobs):
        lagging.append(len(pulled) - outcome.line_number)
    assert len(pulled) == 40
    assert max(lagging) <= jobs * IN_FLIGHT_PER_JOB


@pytest.mark.slow
def test_console_script_as_a_real_process(tmp_path):
    source = tmp_path / "in.jsonl"
    write_batch(source, [json.dumps({"id": "seed", "text": SEED_TEXT}), "oops", json.dumps({"id": "b", "text": SHORT_ARTICLE})])
    command = [sys.executable, "-m", "whosaid", "attribute", "--jsonl", str(source), "--out", str(tmp_path / "out.jsonl"), "--jobs", "2"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO)
    assert finished.returncode == 1
    assert f"{source}:2: not JSON" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == ["seed", "b"]

    table = subprocess.run([sys.executable, "-m", "whosaid", "attribute", str(SEED_TEXT_PATH)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert table.returncode == 0
    assert "Sverdlin" in table.stdout

    missing = subprocess.run([sys.executable, "-m", "whosaid", "attribute", str(tmp_path / "absent.txt")], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"whosaid attribute: cannot read {tmp_path / 'absent.txt'}: No such file or directory"
