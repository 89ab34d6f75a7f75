"""Faults in the workers, with real processes: redis-server, gunicorn and Celery workers.

- a worker SIGKILLed in the middle of tasks: its task is delivered again and finishes elsewhere;
- a poison article (the engine raises) fails with a readable message, the worker goes on;
- an article that kills its pool process is retried, then fails as `worker_lost`;
- an article that runs past the hard time limit fails as `timeout`, and the pool replaces the process;
- a pickle message is refused (JSON only) and its payload never runs;
- hostile texts (NUL bytes, control characters, 1 MB of quote marks) end, and the workers go on.

Every test asserts: articles accepted == articles finished, and no 5xx answer.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_client import Traffic
from reliability_faults import CRASH_MARKER, FAULT_PLUGIN, HANG_MARKER, POISON_MARKER, SLOW_MARKER
from whosaid_stack import REPO_ROOT, RedisServer, ServiceStack, jobs_in_hand, service_environment

from workers.app import ATTRIBUTE_TASK, create_celery
from workers.settings import Settings
from workers.store import JobStore

pytestmark = pytest.mark.slow

FAULT_SETTINGS = {"soft_time_limit": 3, "hard_time_limit": 5, "visibility_timeout": 8, "max_retries": 2}
"""Short limits so faults play out within seconds: re-delivery after 8 s, three starts at most."""


def article(number: int, marker: str = "") -> str:
    return (f'"We will open shelter number {number} before winter," the housing minister said on Tuesday. '
            f'Critics called the plan late. "It is too little," said Ana Ruiz, a councillor. {marker}')


def engine_result(text: str) -> dict:
    from workers.tasks import attribution_result

    return attribution_result(text)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def faulty_stack(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceStack]:
    """gunicorn + 2 workers armed with the test-only fault plugin."""
    with ServiceStack(redis_server.url, tmp_path_factory.mktemp("faulty"), workers=2,
                      worker_args=("--include", FAULT_PLUGIN), **FAULT_SETTINGS) as stack:
        yield stack


def stack_store(stack: ServiceStack) -> JobStore:
    return JobStore.from_url(stack.redis_url, ttl=3600, timeout=2, longest_wait=5)


def test_worker_killed_mid_task_its_articles_finish_on_another(redis_server, tmp_path, report_figures):
    redis_server_db = redis_server.url.rsplit("/", 1)[0] + "/1"
    with ServiceStack(redis_server_db, tmp_path, workers=2, worker_args=("--include", FAULT_PLUGIN),
                      **FAULT_SETTINGS) as stack:
        traffic = Traffic(stack.base_url)
        texts = [article(number, SLOW_MARKER) for number in range(30)]
        for text in texts:
            assert traffic.submit(text).status == 202
        store = stack_store(stack)
        victim = stack.workers[0]
        deadline = time.monotonic() + 60
        in_hand = None
        while in_hand is None and time.monotonic() < deadline:
            in_hand = next(iter(jobs_in_hand(victim)), None)
            time.sleep(0.05)
        assert in_hand is not None, "the first worker never started an article"
        victim.kill(signal.SIGKILL)  # the worker and its pool process, mid-article (each takes >= 1 s)
        victim.popen.wait(timeout=10)

        jobs = traffic.wait_finished(traffic.accepted, timeout=150)
        counters = store.counters()
        report_figures(accepted=len(traffic.accepted), finished=len(jobs), redelivered=counters.get("redelivered", 0),
                       **traffic.figures())
        assert len(jobs) == len(traffic.accepted) == len(texts)
        assert all(job["status"] == "done" for job in jobs.values()), [j["error"] for j in jobs.values()]
        assert counters["succeeded"] == len(texts), "each article is finished (and counted) exactly once"
        assert jobs[in_hand]["attempts"] >= 2, "the article in the killed worker's hands ran again"
        assert counters["redelivered"] >= 1
        for job_id, job in jobs.items():
            assert job["result"] == engine_result(traffic.accepted[job_id]), "a redelivered result is the engine's"
        assert traffic.server_errors == 0
        assert stack.workers[1].alive()


def test_poison_article_fails_readably_and_the_worker_goes_on(faulty_stack, report_figures):
    traffic = Traffic(faulty_stack.base_url)
    poison_text = article(1, POISON_MARKER)
    submitted = traffic.request("POST", "/v1/articles", json.dumps({"text": poison_text}).encode(),
                                {"Content-Type": "application/json", "X-Request-ID": "desk-poison-1"})
    assert submitted.status == 202 and submitted.headers["X-Request-ID"] == "desk-poison-1"
    poison = submitted.body["id"]
    traffic.accepted[poison] = poison_text
    healthy = [traffic.submit(article(number)).body["id"] for number in range(2, 6)]
    jobs = traffic.wait_finished(traffic.accepted, timeout=60)
    report_figures(accepted=len(traffic.accepted), finished=len(jobs), **traffic.figures())
    worker_lines = [json.loads(line) for worker in faulty_stack.workers
                    for line in worker.log_path.read_text(errors="replace").splitlines() if line.startswith("{")]
    traced = [line for line in worker_lines if line.get("request_id") == "desk-poison-1"]
    assert traced and all(line["job_id"] == poison for line in traced), "the request id follows the article"
    assert any(line["level"] == "ERROR" and "the engine raised" in line["message"] for line in traced)

    assert len(jobs) == len(traffic.accepted) == 5
    assert jobs[poison]["status"] == "failed"
    assert jobs[poison]["error"]["code"] == "engine_error"
    assert "RuntimeError: injected engine failure" in jobs[poison]["error"]["message"]
    assert jobs[poison]["attempts"] == 1 + Settings().engine_retries, "failed after the configured retries"
    assert all(jobs[job_id]["status"] == "done" for job_id in healthy)
    assert traffic.server_errors == 0


def test_article_that_kills_its_process_fails_after_the_configured_retries(faulty_stack, report_figures):
    traffic = Traffic(faulty_stack.base_url)
    crash = traffic.submit(article(10, CRASH_MARKER)).body["id"]
    healthy = [traffic.submit(article(number)).body["id"] for number in range(11, 15)]
    jobs = traffic.wait_finished(traffic.accepted, timeout=150)
    report_figures(accepted=len(traffic.accepted), finished=len(jobs), crash_attempts=jobs[crash]["attempts"],
                   **traffic.figures())

    assert len(jobs) == len(traffic.accepted) == 5
    assert jobs[crash]["status"] == "failed" and jobs[crash]["error"]["code"] == "worker_lost"
    assert jobs[crash]["attempts"] == FAULT_SETTINGS["max_retries"] + 2, "3 starts died, the 4th gave up"
    assert "stopped without finishing 3 times" in jobs[crash]["error"]["message"]
    assert all(jobs[job_id]["status"] == "done" for job_id in healthy)
    assert all(worker.alive() for worker in faulty_stack.workers)
    assert traffic.server_errors == 0


def test_article_past_the_hard_time_limit_fails_as_timeout_and_the_worker_survives(faulty_stack, report_figures):
    traffic = Traffic(faulty_stack.base_url)
    hang = traffic.submit(article(20, HANG_MARKER)).body["id"]
    hung = traffic.wait_finished([hang], timeout=60)[hang]
    after = [traffic.submit(article(number)).body["id"] for number in range(21, 25)]
    jobs = {hang: hung, **traffic.wait_finished(after, timeout=60)}
    report_figures(accepted=len(traffic.accepted), finished=len(jobs), **traffic.figures())

    assert len(jobs) == len(traffic.accepted) == 5
    assert hung["status"] == "failed" and hung["error"]["code"] == "timeout"
    assert f"longer than {FAULT_SETTINGS['hard_time_limit']} s" in hung["error"]["message"]
    assert all(jobs[job_id]["status"] == "done" for job_id in after)
    assert all(worker.alive() for worker in faulty_stack.workers)
    faulty_stack.wait_ready(2)
    assert traffic.server_errors == 0


class _RunsOnUnpickling:
    """A payload that creates a file if anything ever unpickles it."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_messages_are_refused_and_never_run(faulty_stack, tmp_path, report_figures):
    marker = tmp_path / "unpickled"
    sender = create_celery(Settings.from_mapping({"REDIS_URL": faulty_stack.redis_url}))
    sender.send_task(ATTRIBUTE_TASK, args=[_RunsOnUnpickling(marker)], serializer="pickle")
    traffic = Traffic(faulty_stack.base_url)
    follower = traffic.submit(article(30)).body["id"]
    jobs = traffic.wait_finished([follower], timeout=60)
    deadline = time.monotonic() + 10
    logs = ""
    while "untrusted content" not in logs and time.monotonic() < deadline:
        logs = "".join(worker.log_path.read_text(errors="replace") for worker in faulty_stack.workers)
        time.sleep(0.2)
    report_figures(accepted=len(traffic.accepted), finished=len(jobs), **traffic.figures())

    assert "Refusing to deserialize untrusted content of type pickle" in logs
    assert not marker.exists(), "a worker unpickled the message"
    assert jobs[follower]["status"] == "done"
    assert all(worker.alive() for worker in faulty_stack.workers)


def test_hostile_texts_end_and_the_workers_go_on(faulty_stack, report_figures):
    """NUL bytes and control characters get a correct result; 1 MB of quote marks ends (done, or `timeout`)."""
    traffic = Traffic(faulty_stack.base_url)
    nul = article(40).replace(" said", "\x00 said", 1)
    controls = article(41) + "".join(chr(code) for code in range(1, 32)) + "\x7f\u200b\ufeff\u202e"
    quote_marks = '"' * (1024 * 1024)
    ids = {"nul": traffic.submit(nul).body["id"], "controls": traffic.submit(controls).body["id"],
           "quote_marks": traffic.submit(quote_marks, plain=True).body["id"]}
    after = traffic.submit(article(42)).body["id"]
    jobs = traffic.wait_finished(traffic.accepted, timeout=120)
    report_figures(accepted=len(traffic.accepted), finished=len(jobs),
                   quote_marks=jobs[ids["quote_marks"]]["status"], **traffic.figures())

    assert len(jobs) == len(traffic.accepted) == 4
    assert jobs[ids["nul"]]["result"] == engine_result(nul)
    assert jobs[ids["controls"]]["result"] == engine_result(controls)
    marks = jobs[ids["quote_marks"]]
    assert marks["status"] == "done" or marks["error"]["code"] == "timeout", marks["error"]
    assert jobs[after]["status"] == "done"
    assert all(worker.alive() for worker in faulty_stack.workers)
    assert traffic.server_errors == 0


def test_status_command_shows_queue_workers_and_recent_failures(faulty_stack):
    """`whosaid status` names the live workers and the latest failures, on one screen or as JSON."""
    traffic = Traffic(faulty_stack.base_url)
    poison = traffic.submit(article(50, POISON_MARKER)).body["id"]
    traffic.wait_finished([poison], timeout=60)
    environment = service_environment(faulty_stack.redis_url, **FAULT_SETTINGS)
    finished = subprocess.run([sys.executable, "-m", "whosaid", "status", "--json"], cwd=REPO_ROOT,
                              env=environment, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    status = json.loads(finished.stdout)
    assert status["workers_alive"] == 2 and status["queue_depth"] == 0
    assert status["overdue_jobs"] == 0 and status["recover_after"] == Settings().recover_after
    assert status["recent_failures"][0]["id"] == poison
    assert status["recent_failures"][0]["code"] == "engine_error"

    screen = subprocess.run([sys.executable, "-m", "whosaid", "status"], cwd=REPO_ROOT, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert screen.returncode == 0, screen.stderr
    assert "workers alive   2" in screen.stdout and f"{poison[:12]}" in screen.stdout
    assert f"overdue         0 queued or processing for over {Settings().recover_after} s" in screen.stdout
    assert len(screen.stdout.splitlines()) <= 24, "one screen"
