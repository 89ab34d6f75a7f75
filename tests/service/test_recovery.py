"""The recovery sweep on fakeredis and Celery's in-memory broker: which jobs it sends again, which it leaves alone."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from celery.contrib.testing.mocks import TaskMessage
from celery.worker import state as worker_state
from celery.worker.request import Request
from memory_service import MEMORY_BROKER, memory_app
from prometheus_client.parser import text_string_to_metric_families

import workers.tasks  # noqa: F401  (registers the attribution task, which a worker's requests name)
from workers.app import ATTRIBUTE_TASK, create_celery, enqueue_attribution, jobs_held
from workers.recovery import recover_lost_jobs, run_recovery
from workers.settings import Settings
from workers.store import JobStatus, JobStore

SETTINGS = Settings(broker_url=MEMORY_BROKER, heartbeat_interval=1, recover_after=10, recovery_interval=0.001)
RESULT = {"quotes": [], "speakers": []}
FIRST, SECOND, THIRD = "1" * 32, "2" * 32, "3" * 32


@pytest.fixture
def celery_app():
    app = create_celery(SETTINGS)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)  # the memory broker is process-wide
    return app


def sweep(celery_app, store: JobStore) -> list[str]:
    time.sleep(0.005)  # past the previous sweep's turn
    return recover_lost_jobs(celery_app, store, SETTINGS)


def queued_tasks(celery_app) -> list[str]:
    """The job ids of the tasks waiting in the queue, oldest first (taking them out)."""
    jobs = []
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(celery_app.conf.task_default_queue)
        while queue.qsize():
            message = queue.get(timeout=1)
            jobs.append(message.payload[0][0])
            message.ack()
    return jobs


def age(store: JobStore, job_id: str, seconds: float) -> None:
    """Move a job's clocks (record, task last sent, last start) `seconds` into the past."""
    store.client.zincrby("whosaid:pending", -seconds, job_id)
    if store.client.zscore("whosaid:unsent", job_id) is not None:
        store.client.zincrby("whosaid:unsent", -seconds, job_id)
    job = store.get(job_id)
    if job.started_at:
        started = datetime.fromisoformat(job.started_at.replace("Z", "+00:00")) - timedelta(seconds=seconds)
        started_at = started.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        store.client.set(f"whosaid:job:{job_id}", replace(job, started_at=started_at).to_json())


def test_a_job_whose_task_was_never_sent_is_sent_again_once_old_enough(celery_app, store):
    store.submit(FIRST, "text")  # recorded, then the API lost Redis before sending the task
    assert sweep(celery_app, store) == [], "too young: its task may be on its way"
    age(store, FIRST, 11)
    assert store.overdue_jobs(SETTINGS.recover_after) == 1
    assert sweep(celery_app, store) == [FIRST]
    assert store.counters()["recovered"] == 1 and store.unsent_jobs() == []
    assert store.overdue_jobs(SETTINGS.recover_after) == 0, "its clock restarts when the task is sent again"
    age(store, FIRST, 11)
    assert sweep(celery_app, store) == [], "its task is waiting in the queue now"
    assert queued_tasks(celery_app) == [FIRST]


def test_a_job_never_sent_is_found_even_when_the_queue_holds_a_copy_of_a_running_task(celery_app, store):
    client = memory_app(store).test_client()
    running = client.post("/v1/articles", json={"text": "Running."}).get_json()["id"]
    assert store.unsent_jobs() == [], "the API marks a job sent once its task is queued"
    assert queued_tasks(celery_app) == [running]
    store.claim(running)
    store.heartbeat("w1@host/1", [running])
    enqueue_attribution(celery_app, running)  # Celery put back a copy after a broken connection
    store.submit(FIRST, "text")
    age(store, FIRST, 11)
    assert sweep(celery_app, store) == [FIRST], "the queue's count alone would have hidden it"
    assert queued_tasks(celery_app) == [running, FIRST]


def test_tasks_waiting_in_the_queue_are_left_alone_and_the_one_taken_and_lost_is_sent_again(celery_app, store):
    client = memory_app(store).test_client()
    ids = [client.post("/v1/articles", json={"text": f"Article {number}."}).get_json()["id"] for number in range(3)]
    for job_id in ids:
        age(store, job_id, 11)
    assert sweep(celery_app, store) == []
    with celery_app.connection_for_read() as connection:  # a worker takes the oldest task and dies with it
        connection.SimpleQueue(celery_app.conf.task_default_queue).get(timeout=1).ack()
    assert sweep(celery_app, store) == [ids[0]]
    assert queued_tasks(celery_app) == [ids[1], ids[2], ids[0]]


def test_jobs_held_by_a_live_worker_are_left_alone_until_it_falls_silent(celery_app, store):
    store.submit(FIRST, "text")
    store.claim(FIRST)
    store.heartbeat("w1@host/1", [FIRST])
    age(store, FIRST, 11)
    assert sweep(celery_app, store) == []
    store.client.zadd("whosaid:workers", {"w1@host/1": time.time() - 9})
    assert sweep(celery_app, store) == [], "silent for less than WHOSAID_RECOVER_AFTER: Redis may have been down"
    store.client.zadd("whosaid:workers", {"w1@host/1": time.time() - 11})
    assert sweep(celery_app, store) == [FIRST]
    assert store.get(FIRST).status is JobStatus.PROCESSING, "the record is left as it is"


def test_a_job_started_lately_is_left_alone_however_long_ago_its_task_was_sent(celery_app, store):
    store.submit(FIRST, "text")
    age(store, FIRST, 100)
    store.claim(FIRST)  # a worker took it from a long queue a moment ago, before its next heartbeat
    assert sweep(celery_app, store) == []
    age(store, FIRST, 11)
    assert sweep(celery_app, store) == [FIRST]


def test_finished_jobs_are_never_sent_again_nor_reopened(celery_app, store):
    for job_id in (FIRST, SECOND):
        store.submit(job_id, "text")
        store.claim(job_id)
    store.finish(FIRST, RESULT)
    store.fail(SECOND, "engine_error", "boom")
    assert store.pending_census(set()) == (0, set())
    store.note_recovered(FIRST)  # a sweep that sent the task just as the job finished
    assert store.pending_census({FIRST}) == (0, set())
    assert not store.still_unfinished(FIRST, since=time.time())
    assert sweep(celery_app, store) == [] and queued_tasks(celery_app) == []
    assert store.get(FIRST).status is JobStatus.DONE and store.get(FIRST).result == RESULT
    store.submit(SECOND, "text")  # a failed article submitted again is pending again
    assert store.pending_census(set())[0] == 1


def test_a_pending_job_whose_record_expired_is_forgotten(celery_app, store):
    store.submit(FIRST, "text")
    age(store, FIRST, 11)
    store.client.delete(f"whosaid:job:{FIRST}")
    assert sweep(celery_app, store) == []
    assert store.pending_census(set()) == (0, set())


def test_sweeps_take_turns(store):
    assert store.take_recovery_turn(60)
    assert not store.take_recovery_turn(60)


def test_the_sweep_waits_out_an_unreachable_redis_and_stops_when_told(caplog):
    dead = JobStore.from_url("redis://127.0.0.1:9/0", ttl=60, timeout=0.2, longest_wait=1)
    stopping = threading.Event()
    sweeper = threading.Thread(target=run_recovery, args=(create_celery(SETTINGS), dead, SETTINGS, stopping))
    with caplog.at_level(logging.WARNING, logger="workers.recovery"):
        sweeper.start()
        time.sleep(0.3)
        stopping.set()
        sweeper.join(timeout=5)
    assert not sweeper.is_alive()
    assert "recovery sweep skipped, Redis or the broker is unreachable" in caplog.text


def test_a_worker_holds_the_articles_it_has_received_and_not_finished(celery_app):
    request = Request(TaskMessage(ATTRIBUTE_TASK, args=[THIRD]), app=celery_app)
    other = Request(TaskMessage("celery.chain", args=[FIRST]), app=celery_app)
    worker_state.task_reserved(request)
    worker_state.task_reserved(other)
    try:
        assert jobs_held() == {THIRD}
    finally:
        worker_state.task_ready(request)
        worker_state.task_ready(other)
    assert jobs_held() == set()


def test_metrics_count_recovered_and_overdue_jobs(celery_app, store):
    client = memory_app(store, heartbeat_interval=1, recover_after=10).test_client()
    for job_id in (FIRST, SECOND):
        store.submit(job_id, "text")
        age(store, job_id, 11)
    sweep(celery_app, store)
    store.submit(THIRD, "text")
    age(store, THIRD, 11)
    families = {family.name: family.samples
                for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))}
    assert [sample.value for sample in families["whosaid_jobs_recovered"]] == [2]
    assert [sample.value for sample in families["whosaid_jobs_overdue"]] == [1]
