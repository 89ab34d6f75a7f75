"""The load test of `bench/load.py` in CI form: 200 submissions from 10 clients, gunicorn + 2 workers."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from whosaid_stack import RedisServer, ServiceStack

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load import run_load  # noqa: E402


@pytest.mark.slow
def test_200_submissions_from_10_clients_lose_nothing(tmp_path, report_figures):
    with RedisServer(tmp_path) as redis_server, \
            ServiceStack(redis_server.url, tmp_path, workers=2, api_threads=16) as stack:
        report = run_load(stack.base_url, submissions=200, clients=10, timeout=300)
    report_figures(**report.figures())
    assert report.accepted == report.done == 200, report.lines()
    assert report.lost == 0 and report.failed == 0
    assert report.server_errors == 0, report.statuses


def test_load_stays_on_loopback_and_within_bounds():
    with pytest.raises(ValueError, match="loopback"):
        run_load("http://192.0.2.1:8000", submissions=10, clients=1)
    with pytest.raises(ValueError, match="submissions"):
        run_load("http://127.0.0.1:8000", submissions=1_000_000, clients=1)
