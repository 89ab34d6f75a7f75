"""`whosaid serve` with no WHOSAID_REDIS_URL: the whole service in one process, in memory."""
from __future__ import annotations

import json
import signal
import sys
import time

import pytest
from whosaid_stack import ManagedProcess, free_port, http_json

from service.embedded import EmbeddedService
from workers.settings import Settings
from workers.store import JobStatus
from workers.tasks import attribution_result

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    import os

    port = free_port()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("WHOSAID_")}
    process = ManagedProcess("whosaid-serve", [sys.executable, "-m", "whosaid", "serve", "--port", str(port)],
                             tmp_path_factory.mktemp("embedded"), environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if http_json("GET", base + "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert process.alive() and time.monotonic() < deadline, process.log_tail()
            time.sleep(0.2)
        yield base, process
    finally:
        process.stop()


def test_embedded_service_attributes_the_reference_article(embedded, seed_text):
    base, _ = embedded
    status, job, _ = http_json("POST", base + "/v1/articles?wait=30", json.dumps({"text": seed_text}).encode(),
                               {"Content-Type": "application/json"})
    assert status == 200 and job["status"] == "done", job
    assert job["result"] == json.loads(json.dumps(attribution_result(seed_text)))
    again = http_json("POST", base + "/v1/articles", seed_text.encode(), {"Content-Type": "text/plain"})
    assert again[0] == 200 and again[1]["id"] == job["id"]


def test_embedded_service_answers_errors_as_json(embedded):
    base, _ = embedded
    status, body, _ = http_json("POST", base + "/v1/articles", b"{", {"Content-Type": "application/json"})
    assert (status, body["error"]["code"]) == (400, "malformed_json")
    assert http_json("GET", base + "/openapi.json")[0] == 200


def test_embedded_service_stops_cleanly_on_ctrl_c(embedded):
    _, process = embedded
    process.popen.send_signal(signal.SIGINT)
    assert process.popen.wait(timeout=30) == 0, process.log_tail()


def test_embedded_service_recovers_a_job_whose_task_was_never_sent(seed_text):
    embedded = EmbeddedService(Settings(heartbeat_interval=0.2, recover_after=1, recovery_interval=0.2))
    store = embedded.start().extensions["whosaid"].store
    try:
        store.submit("a" * 32, seed_text)  # recorded, and no task sent: what a crash at the wrong moment leaves
        job = store.wait("a" * 32, 30)
        assert job.status is JobStatus.DONE, job
        assert job.result == json.loads(json.dumps(attribution_result(seed_text)))
        assert store.counters()["recovered"] == 1
    finally:
        embedded.stop()
