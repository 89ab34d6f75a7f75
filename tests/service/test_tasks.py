"""The attribution task in process, on a fakeredis store: outcomes, failures, retries, Celery settings."""
from __future__ import annotations

import pytest
import redis
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from memory_service import MEMORY_BROKER, memory_store

import attribution
import workers.tasks
from workers.app import ATTRIBUTE_TASK, create_celery
from workers.settings import Settings
from workers.store import JobStatus

ARTICLE = '"The harbour will reopen next week," the port authority said on Tuesday.'


@pytest.fixture
def celery_app():
    return create_celery(Settings(broker_url=MEMORY_BROKER, max_retries=2))


@pytest.fixture
def store(monkeypatch):
    store = memory_store()
    monkeypatch.setattr(workers.tasks, "store_for", lambda settings: store)
    return store


def run_task(celery_app, job_id: str):
    return celery_app.tasks[ATTRIBUTE_TASK].apply(args=[job_id])


def test_task_stores_the_engines_result(celery_app, store, seed_text):
    store.submit("a" * 32, seed_text)
    run_task(celery_app, "a" * 32)
    job = store.get("a" * 32)
    assert job.status is JobStatus.DONE and job.attempts == 1
    expected = attribution.attribute(seed_text).to_dict()
    assert {key: job.result[key] for key in ("quotes", "speakers")} == expected
    assert job.result["engine"] == attribution.engine_info()


def test_finished_or_unknown_jobs_are_skipped(celery_app, store, monkeypatch):
    calls = []
    monkeypatch.setattr(workers.tasks, "attribution_result", lambda text: calls.append(text) or {})
    run_task(celery_app, "b" * 32)
    store.submit("c" * 32, ARTICLE)
    store.finish("c" * 32, {"quotes": [], "speakers": []})
    run_task(celery_app, "c" * 32)
    assert calls == [] and store.get("b" * 32) is None


def test_engine_error_fails_the_job_with_a_message_after_the_configured_retries(celery_app, store, monkeypatch):
    calls = []

    def explode(text):
        calls.append(text)
        raise ValueError("unbalanced quotation marks everywhere")

    monkeypatch.setattr(workers.tasks, "attribution_result", explode)
    store.submit("d" * 32, ARTICLE)
    run_task(celery_app, "d" * 32)
    job = store.get("d" * 32)
    assert job.status is JobStatus.FAILED and job.error.code == "engine_error"
    assert "ValueError: unbalanced quotation marks" in job.error.message
    assert len(calls) == job.attempts == 1 + Settings().engine_retries


def test_engine_error_that_passes_is_retried_to_a_result(celery_app, store, monkeypatch):
    outcomes = [MemoryError("no room"), {"quotes": [], "speakers": []}]

    def flaky(text):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(workers.tasks, "attribution_result", flaky)
    store.submit("9" * 32, ARTICLE)
    run_task(celery_app, "9" * 32)
    job = store.get("9" * 32)
    assert job.status is JobStatus.DONE and job.attempts == 2 and outcomes == []


def test_engine_retries_never_exceed_max_retries(store, monkeypatch):
    calls = []
    monkeypatch.setattr(workers.tasks, "attribution_result", lambda text: calls.append(text) or 1 / 0)
    celery_app = create_celery(Settings(broker_url=MEMORY_BROKER, max_retries=0, engine_retries=3))
    store.submit("8" * 32, ARTICLE)
    run_task(celery_app, "8" * 32)
    job = store.get("8" * 32)
    assert job.status is JobStatus.FAILED and job.error.code == "engine_error" and len(calls) == 1


def test_soft_time_limit_fails_the_job_as_timeout(celery_app, store, monkeypatch):
    def too_slow(text):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(workers.tasks, "attribution_result", too_slow)
    store.submit("e" * 32, ARTICLE)
    run_task(celery_app, "e" * 32)
    job = store.get("e" * 32)
    assert job.status is JobStatus.FAILED and job.error.code == "timeout"


def test_hard_time_limit_is_recorded_as_timeout(celery_app, store):
    store.submit("f" * 32, ARTICLE)
    store.claim("f" * 32)
    task = celery_app.tasks[ATTRIBUTE_TASK]
    task.on_failure(TimeLimitExceeded(150), "task-id", ["f" * 32], {}, None)
    job = store.get("f" * 32)
    assert job.status is JobStatus.FAILED and job.error.code == "timeout" and "150" in job.error.message


def test_text_gone_fails_the_job(celery_app, store):
    store.submit("1" * 32, ARTICLE)
    store.client.delete("whosaid:text:" + "1" * 32)
    run_task(celery_app, "1" * 32)
    assert store.get("1" * 32).error.code == "text_expired"


def test_transient_redis_errors_are_retried_then_given_up(celery_app, store, monkeypatch):
    attempts = []

    def unreachable(job_id):
        attempts.append(job_id)
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(store, "claim", unreachable)
    store.submit("2" * 32, ARTICLE)
    result = run_task(celery_app, "2" * 32)
    assert len(attempts) == 3, "first run and max_retries=2 retries"
    assert result.failed()
    job = store.get("2" * 32)
    assert job.status is JobStatus.FAILED and job.error.code == "internal_error"


def test_celery_is_configured_for_safe_delivery():
    settings = Settings(redis_url="redis://example.invalid:6379/0", soft_time_limit=30, hard_time_limit=40)
    conf = create_celery(settings).conf
    assert conf.broker_url == "redis://example.invalid:6379/0"
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.task_soft_time_limit, conf.task_time_limit) == (30, 40)
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_model_is_loaded_once_per_pool_process_not_per_task(monkeypatch):
    loads = []
    monkeypatch.setattr(workers.tasks, "warm_up_engine", lambda: loads.append(1))
    from celery.signals import worker_process_init

    worker_process_init.send(sender="w1@test")
    assert loads == [1]
    from attribution import model

    assert model.load_model() is model.load_model(), "the engine keeps one pipeline per process"
