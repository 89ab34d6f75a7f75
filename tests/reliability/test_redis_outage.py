"""Redis stopped and restarted under a running service (real redis-server with its append-only file).

While Redis is down the API answers 503 JSON within a second (no hang, no 500);
once it is back the API and the workers reconnect by themselves and every article
accepted before the outage finishes.
"""
from __future__ import annotations

import time

import pytest
from reliability_client import Traffic
from reliability_faults import FAULT_PLUGIN, SLOW_MARKER
from whosaid_stack import RedisServer, ServiceStack

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 4
SETTINGS = {"soft_time_limit": 20, "hard_time_limit": 25, "visibility_timeout": 30, "max_retries": 5}
"""Time limits well above the outage: a worker cut off from the broker does not collect its pool's results
until it has reconnected, and a limit expiring meanwhile would kill a process that had already finished."""


def article(number: int) -> str:
    return (f'"The port will reopen on day {number}," the harbour master said. Unions disagreed. '
            f'"Not before the inspection," said a spokesman for the dockers. {SLOW_MARKER}')


def test_redis_restart_loses_no_accepted_article(tmp_path, report_figures):
    redis_server = RedisServer(tmp_path / "redis", appendonly=True)
    (tmp_path / "redis").mkdir()
    with redis_server, ServiceStack(redis_server.url, tmp_path / "stack", workers=2,
                                    worker_args=("--include", FAULT_PLUGIN), **SETTINGS) as stack:
        traffic = Traffic(stack.base_url)
        for number in range(16):  # ~8 s of work for two workers: the outage hits tasks in flight
            assert traffic.submit(article(number)).status == 202
        time.sleep(2)

        redis_server.stop()
        outage = Traffic(stack.base_url)
        probes = []
        down_until = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < down_until:
            for answer in (outage.submit(article(1000 + len(probes))),
                           outage.request("GET", f"/v1/articles/{next(iter(traffic.accepted))}"),
                           outage.request("GET", "/readyz")):
                probes.append(answer)
            time.sleep(0.2)
        redis_server.start()

        jobs = traffic.wait_finished(traffic.accepted, timeout=120)
        after = traffic.submit(article(2000))
        jobs.update(traffic.wait_finished([after.body["id"]], timeout=60))
        slowest = max(answer.seconds for answer in probes)
        report_figures(accepted=len(traffic.accepted), finished=len(jobs), outage_probes=len(probes),
                       slowest_503_s=f"{slowest:.3f}", **traffic.figures())

        assert all(answer.status == 503 for answer in probes), {answer.status for answer in probes}
        assert all(set(answer.body["error"]) == {"code", "message"} for answer in probes)
        assert {answer.body["error"]["code"] for answer in probes} <= {"store_unavailable", "broker_unavailable"}
        assert slowest < 1.0, f"a 503 took {slowest:.2f} s"
        assert len(jobs) == len(traffic.accepted) == 17
        assert all(job["status"] == "done" for job in jobs.values()), [job["error"] for job in jobs.values()]
        assert traffic.server_errors == 0
        assert all(worker.alive() for worker in stack.workers)
        stack.wait_ready(2)
