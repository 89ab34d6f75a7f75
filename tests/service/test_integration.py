"""Integration: the store on a real Redis, and a real `celery -A workers worker` process doing the work."""
from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from whosaid_stack import ManagedProcess, RedisServer, service_environment

from service import create_app
from workers.app import create_celery, enqueue_attribution
from workers.settings import Settings
from workers.store import JobStatus, JobStore, job_id_for
from workers.tasks import attribution_result

pytestmark = pytest.mark.slow

ARTICLES = Path(__file__).parent / "articles"
WORKER_DB = 1


@pytest.fixture(scope="module")
def settings(redis_server: RedisServer) -> Settings:
    return Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{WORKER_DB}", heartbeat_interval=0.5)


@pytest.fixture(scope="module")
def real_store(settings: Settings) -> JobStore:
    store = JobStore.from_url(settings.redis_url, ttl=600, timeout=1.0, longest_wait=30)
    store.client.flushdb()
    return store


@pytest.fixture(scope="module")
def worker(settings: Settings, real_store: JobStore, tmp_path_factory) -> Iterator[ManagedProcess]:
    environment = service_environment(settings.redis_url, heartbeat_interval=settings.heartbeat_interval)
    process = ManagedProcess(
        "integration-worker",
        [sys.executable, "-m", "celery", "-A", "workers", "worker", "--concurrency", "1", "--loglevel", "INFO",
         "--hostname", "integration@%h", "--without-mingle", "--without-gossip"],
        tmp_path_factory.mktemp("integration-worker"), environment)
    try:
        deadline = time.monotonic() + 120
        while not real_store.live_workers(settings.heartbeat_ttl):
            assert process.alive(), process.log_tail()
            assert time.monotonic() < deadline, f"no heartbeat from the worker:\n{process.log_tail()}"
            time.sleep(0.2)
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def engine() -> dict:
    import attribution

    return attribution.engine_info()


def submit(store: JobStore, settings: Settings, text: str, engine: dict) -> str:
    job_id = job_id_for(text, engine)
    _, created = store.submit(job_id, text)
    if created:
        enqueue_attribution(create_celery(settings), job_id)
    return job_id


def test_worker_announces_itself(worker, real_store, settings):
    names = real_store.live_workers(settings.heartbeat_ttl)
    assert len(names) == 1 and names[0].startswith("integration@")


def test_worker_attributes_articles_like_the_engine_in_process(worker, real_store, settings, engine, seed_text):
    texts = [seed_text] + [path.read_text(encoding="utf-8") for path in sorted(ARTICLES.glob("*.txt"))]
    job_ids = [submit(real_store, settings, text, engine) for text in texts]
    for job_id, text in zip(job_ids, texts):
        job = real_store.wait(job_id, 60)
        assert job.status is JobStatus.DONE, (job, worker.log_tail())
        assert job.result == json.loads(json.dumps(attribution_result(text)))
        assert job.attempts == 1 and job.submitted_at <= job.started_at <= job.finished_at


def test_a_task_delivered_twice_keeps_one_result(worker, real_store, settings, engine):
    text = '"Duplicate deliveries must not hurt," the operator said.'
    job_id = job_id_for(text, engine)
    real_store.submit(job_id, text)
    celery_app = create_celery(settings)
    enqueue_attribution(celery_app, job_id)
    enqueue_attribution(celery_app, job_id)
    assert real_store.wait(job_id, 60).status is JobStatus.DONE
    time.sleep(1.0)  # let the second delivery run
    job = real_store.get(job_id)
    assert job.status is JobStatus.DONE and job.attempts == 1, "the second delivery found it done and skipped"
    assert job.result == json.loads(json.dumps(attribution_result(text)))


def test_api_in_process_with_real_redis_and_worker(worker, settings):
    app = create_app({"REDIS_URL": settings.redis_url, "HEARTBEAT_INTERVAL": settings.heartbeat_interval})
    client = app.test_client()
    assert client.get("/readyz").get_json() == {"status": "ready", "workers": 1}
    text = ARTICLES.joinpath("council.txt").read_text(encoding="utf-8") + "\n\nUpdated on Friday."
    response = client.post("/v1/articles?wait=30", json={"text": text, "title": "Night buses"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "done" and body["title"] == "Night buses"
    assert body["result"] == json.loads(json.dumps(attribution_result(text)))


def test_concurrent_transitions_on_real_redis(real_store):
    job_id = "9" * 32
    real_store.submit(job_id, "text")
    results = []
    barrier = threading.Barrier(6)

    def finish(worker: int) -> None:
        barrier.wait()
        real_store.claim(job_id)
        results.append(real_store.finish(job_id, {"quotes": [], "speakers": [], "by": worker}))

    threads = [threading.Thread(target=finish, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = real_store.get(job_id)
    assert stored.status is JobStatus.DONE and all(result == stored for result in results)


def test_wait_blocks_in_redis_until_the_end(real_store):
    job_id = "8" * 32
    real_store.submit(job_id, "text")
    started = time.monotonic()
    assert real_store.wait(job_id, 0.4).status is JobStatus.QUEUED
    assert 0.35 < time.monotonic() - started < 2
    threading.Timer(0.3, real_store.finish, args=(job_id, {"quotes": [], "speakers": []})).start()
    started = time.monotonic()
    assert real_store.wait(job_id, 20).status is JobStatus.DONE
    assert time.monotonic() - started < 2
