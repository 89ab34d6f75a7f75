"""The job store against fakeredis: ids, transitions, atomicity, waiting, heartbeats."""
from __future__ import annotations

import threading
import time

import pytest
from memory_service import memory_store

from workers.store import JobStatus, JobStore, is_job_id, job_id_for

ENGINE = {"name": "whosaid", "version": "1.0.0", "model": "en_core_web_sm"}


def test_job_id_depends_on_text_and_engine_and_has_the_service_form():
    first = job_id_for("Some text.", ENGINE)
    assert first == job_id_for("Some text.", dict(ENGINE))
    assert first != job_id_for("Some text!", ENGINE)
    assert first != job_id_for("Some text.", {**ENGINE, "version": "1.0.1"})
    assert first != job_id_for("Some text.", {**ENGINE, "model": "other_model"})
    assert is_job_id(first)


@pytest.mark.parametrize("candidate", ["", "abc", "A" * 32, "g" * 32, "0" * 31, "0" * 33, "0" * 32 + "\n",
                                       "../" + "0" * 29, "*" * 32])
def test_is_job_id_refuses_anything_else(candidate):
    assert not is_job_id(candidate)


def test_submit_creates_once_and_keeps_the_text(store: JobStore):
    job, created = store.submit("a" * 32, "text one", title="T", url="https://example.org/1", ref="r1")
    assert created and job.status is JobStatus.QUEUED and job.attempts == 0
    assert (job.title, job.url, job.ref) == ("T", "https://example.org/1", "r1")
    again, created_again = store.submit("a" * 32, "text one")
    assert not created_again and again == job
    assert store.get("a" * 32) == job
    assert store.get_text("a" * 32) == "text one"


def test_life_of_a_job(store: JobStore):
    job_id = "b" * 32
    store.submit(job_id, "text")
    claimed = store.claim(job_id)
    assert claimed.status is JobStatus.PROCESSING and claimed.attempts == 1 and claimed.started_at
    redelivered = store.claim(job_id)
    assert redelivered.attempts == 2
    done = store.finish(job_id, {"quotes": [], "speakers": []})
    assert done.status is JobStatus.DONE and done.finished_at and done.result == {"quotes": [], "speakers": []}
    assert store.claim(job_id) is None
    assert store.finish(job_id, {"quotes": ["late"], "speakers": []}) == done
    assert store.fail(job_id, "timeout", "late failure") == done
    assert store.submit(job_id, "text") == (done, False)


def test_failed_job_is_queued_afresh_on_resubmission(store: JobStore):
    job_id = "c" * 32
    store.submit(job_id, "text")
    store.claim(job_id)
    failed = store.fail(job_id, "engine_error", "boom")
    assert failed.status is JobStatus.FAILED and failed.error.code == "engine_error" and failed.result is None
    requeued, created = store.submit(job_id, "text")
    assert created and requeued.status is JobStatus.QUEUED and requeued.error is None
    assert store.wait(job_id, 0.2).status is JobStatus.QUEUED, "the old end-of-job signal must be gone"


def test_claim_skips_unknown_and_failed_jobs(store: JobStore):
    assert store.claim("d" * 32) is None
    store.submit("d" * 32, "text")
    store.fail("d" * 32, "timeout", "too slow")
    assert store.claim("d" * 32) is None


def test_a_job_is_pending_from_its_record_to_its_end_and_unsent_until_marked_sent(store: JobStore):
    store.submit("e" * 32, "text")
    store.submit("e" * 32, "text")
    assert store.oldest_pending(5) == [("e" * 32, pytest.approx(time.time(), abs=5))]
    assert store.unsent_jobs() == store.oldest_pending(5)
    store.mark_sent("e" * 32)
    assert store.unsent_jobs() == [] and store.counters()["enqueued"] == 1
    store.submit("d" * 32, "text")  # never marked sent
    store.claim("d" * 32)
    store.fail("d" * 32, "engine_error", "boom")
    assert store.unsent_jobs() == [], "a finished job is neither pending nor unsent"
    store.claim("e" * 32)
    assert store.pending_census({"e" * 32, "0" * 32}) == (1, {"e" * 32})
    store.finish("e" * 32, {"quotes": [], "speakers": []})
    assert store.pending_census({"e" * 32}) == (0, set()) and store.oldest_pending(5) == []


def test_records_and_texts_expire(store: JobStore):
    job_id = "f" * 32
    store.submit(job_id, "text")
    store.finish(job_id, {"quotes": [], "speakers": []})
    for key in store.client.keys(f"*{job_id}*"):
        assert 0 < store.client.ttl(key) <= store.ttl


def test_racing_workers_keep_exactly_one_result():
    store = memory_store()
    job_id = "1" * 32
    store.submit(job_id, "text")
    results = {}
    start = threading.Barrier(8)

    def finish(worker: int) -> None:
        start.wait()
        store.claim(job_id)
        results[worker] = store.finish(job_id, {"quotes": [], "speakers": [], "by": worker})

    threads = [threading.Thread(target=finish, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = store.get(job_id)
    assert stored.status is JobStatus.DONE
    assert all(result == stored for result in results.values()), "every worker sees the one stored result"


def test_readers_never_see_a_job_go_back():
    store = memory_store()
    job_ids = [f"{n:032x}" for n in range(40)]
    order = [JobStatus.QUEUED, JobStatus.PROCESSING, JobStatus.DONE]
    seen: dict[str, list[int]] = {job_id: [] for job_id in job_ids}
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for job_id in job_ids:
                job = store.get(job_id)
                if job is not None:
                    seen[job_id].append(order.index(job.status))

    reader = threading.Thread(target=read)
    reader.start()
    for job_id in job_ids:
        store.submit(job_id, "text")
        store.claim(job_id)
        store.finish(job_id, {"quotes": [], "speakers": []})
        store.claim(job_id)  # a late redelivery must not reopen it
        store.submit(job_id, "text")
    stop.set()
    reader.join()
    assert any(seen.values())
    for job_id, states in seen.items():
        assert states == sorted(states), f"{job_id} read as an earlier state after a later one: {states}"
    assert all(store.get(job_id).status is JobStatus.DONE for job_id in job_ids)


def test_wait_returns_at_once_for_finished_and_unknown_jobs(store: JobStore):
    store.submit("3" * 32, "text")
    store.finish("3" * 32, {"quotes": [], "speakers": []})
    started = time.monotonic()
    assert store.wait("3" * 32, 5).status is JobStatus.DONE
    assert store.wait("4" * 32, 5) is None
    assert time.monotonic() - started < 0.5


def test_wait_wakes_up_when_the_job_ends_and_times_out_otherwise(store: JobStore):
    job_id = "5" * 32
    store.submit(job_id, "text")
    started = time.monotonic()
    assert store.wait(job_id, 0.3).status is JobStatus.QUEUED
    assert 0.25 <= time.monotonic() - started < 2

    threading.Timer(0.3, store.finish, args=(job_id, {"quotes": [], "speakers": []})).start()
    waiters: list = []
    threads = [threading.Thread(target=lambda: waiters.append(store.wait(job_id, 10))) for _ in range(3)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started < 3, "every waiter is woken, none waits for its timeout"
    assert [job.status for job in waiters] == [JobStatus.DONE] * 3


def test_heartbeats(store: JobStore):
    assert store.live_workers(15) == []
    store.heartbeat("w1@host/1")
    store.heartbeat("w2@host/2")
    assert sorted(store.live_workers(15)) == ["w1@host/1", "w2@host/2"]
    store.client.zadd("whosaid:workers", {"w2@host/2": time.time() - 60})
    assert store.live_workers(15) == ["w1@host/1"]
    store.retire("w1@host/1")
    assert store.live_workers(15) == []


def test_heartbeats_say_which_jobs_live_workers_hold(store: JobStore):
    assert store.held_jobs(15) == set()
    store.heartbeat("w1@host/1", ["a" * 32, "b" * 32])
    store.heartbeat("w2@host/2", ["c" * 32])
    store.heartbeat("w3@host/3")
    assert store.held_jobs(15) == {"a" * 32, "b" * 32, "c" * 32}
    store.heartbeat("w1@host/1", ["b" * 32])
    store.client.zadd("whosaid:workers", {"w2@host/2": time.time() - 60})
    assert store.held_jobs(15) == {"b" * 32}, "the latest beat counts, and a silent worker holds nothing"
    store.retire("w1@host/1")
    assert store.held_jobs(15) == set()


def test_counters(store: JobStore):
    assert store.counters() == {}
    store.count("enqueued")
    store.count("enqueued", 2)
    assert store.counters() == {"enqueued": 3}
