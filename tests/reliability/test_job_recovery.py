"""The fault drill of `bench/recovery.py`, once: no accepted article is lost when workers and Redis die under load.

120 distinct articles against redis-server (append-only file synced on every write),
gunicorn, 2 workers and `whosaid recover`; a worker SIGKILLed while it holds an article,
Redis killed and restarted from its append-only file, Redis killed by the API between an
article's record and its task, Redis shut down cleanly and restarted.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from recovery import run_drill  # noqa: E402

from workers.tasks import attribution_result

pytestmark = pytest.mark.slow


def test_every_accepted_article_finishes_through_worker_and_redis_crashes(tmp_path, report_figures):
    report = run_drill(tmp_path, articles=120)
    report_figures(**report.figures())

    assert report.finished == report.done == 120, report.unfinished[:3]
    assert report.unexpected_5xx == [], "the only 5xx are the documented 503s while Redis is down"
    assert report.outage_503s > 0, "the outages were seen by the client"
    assert report.succeeded_counted == 120, "each article is counted done once, however often it ran"
    assert report.injected_job in report.recovered, "the job whose task the API never sent was recovered"
    for job_id in set(report.recovered):
        assert report.jobs[job_id]["result"] == attribution_result(report.accepted[job_id]), "the engine's result"
