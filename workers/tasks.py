"""The Celery task that attributes one article, and the per-process engine warm-up.

A task carries only the job id; the text and the job record live in the store.
Outcomes:
  - engine result            -> job `done` (first result wins if the article ran twice)
  - engine raised            -> retried with backoff `engine_retries` times (at most `max_retries`), then
                                job `failed` with code `engine_error` and the exception's message
  - soft or hard time limit  -> job `failed` with code `timeout`
  - Redis unreachable        -> task retried with exponential backoff, up to `max_retries` (put back in
                                the queue when even the retry cannot be published)
  - worker died mid-article  -> delivered again (late ack); after `max_retries + 1` starts the job is
                                `failed` with code `worker_lost`, so an article that kills its worker
                                cannot circulate forever
"""
from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import Reject, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import worker_process_init

import attribution
from workers.app import ATTRIBUTE_TASK, settings_of, store_for
from workers.logs import REQUEST_ID_HEADER
from workers.settings import Settings
from workers.store import TRANSIENT_ERRORS, JobStore

log = logging.getLogger(__name__)

WARM_UP_TEXT = '"The model is loaded once per process," the engineer said.'
RETRY_BACKOFF_MAX = 60


class EngineFailure(Exception):
    """The engine raised on an article; the message is what the job records if no retry succeeds."""


def warm_up_engine() -> None:
    """Load the spaCy model now, so the first article does not pay for it."""
    attribution.attribute(WARM_UP_TEXT)


@worker_process_init.connect
def _warm_up_pool_process(**_: object) -> None:
    warm_up_engine()


def attribution_result(text: str) -> dict:
    """The engine's answer for `text` as stored and served: quotes, speakers and the engine's identity."""
    return {**attribution.attribute(text).to_dict(), "engine": attribution.engine_info()}


class ArticleTask(Task):
    """Records failures the task body could not record itself: hard time limit, retries exhausted."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        job_id = args[0]
        settings = settings_of(self.app)
        if isinstance(exc, TimeLimitExceeded):
            code, message = "timeout", f"the article took longer than {settings.hard_time_limit} s and was stopped"
        else:
            code, message = "internal_error", f"processing failed after {self.request.retries} retries: {exc}"
        # a pool process killed at the hard limit never logged: the main process says it, with the request id
        log.error("job %s: failed (%s): %s", job_id, code, message,
                  extra={"job_id": job_id, "task_id": task_id, "request_id": getattr(self.request, REQUEST_ID_HEADER, None)})
        try:
            store_for(settings).fail(job_id, code, message)
        except TRANSIENT_ERRORS:
            log.error("job %s failed (%s) and the failure could not be recorded: Redis unreachable", job_id, code)


@shared_task(bind=True, base=ArticleTask, name=ATTRIBUTE_TASK)
def attribute_article(self: ArticleTask, job_id: str) -> None:
    settings = settings_of(self.app)
    store = store_for(settings)
    try:
        if self.request.retries:
            store.count("retried")
        _run(store, job_id, settings, is_retry=bool(self.request.retries))
    except EngineFailure as failure:
        retries = min(settings.engine_retries, settings.max_retries)
        if self.request.retries >= retries:
            store.fail(job_id, "engine_error", str(failure))
            return
        countdown = _backoff(self.request.retries)
        log.warning("job %s: engine failed, retry %d in %d s", job_id, self.request.retries + 1, countdown)
        raise self.retry(countdown=countdown, max_retries=retries) from failure
    except TRANSIENT_ERRORS as exc:
        countdown = _backoff(self.request.retries)
        log.warning("job %s: Redis unreachable (%s), retry %d in %d s", job_id, exc, self.request.retries + 1,
                    countdown)
        try:
            raise self.retry(exc=exc, countdown=countdown, max_retries=settings.max_retries) from exc
        except Reject as rejected:
            if rejected.requeue:
                raise
            # Celery drops the delivery when the retry cannot be published (the broker is down
            # too); put it back in the queue instead, or the article would stay `processing`.
            log.warning("job %s: the retry could not be queued either; the task goes back to the queue", job_id)
            raise Reject(exc, requeue=True) from exc


def _backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 1, 2, 4 ... up to `RETRY_BACKOFF_MAX`."""
    return min(RETRY_BACKOFF_MAX, 2 ** retries)


def _run(store: JobStore, job_id: str, settings: Settings, *, is_retry: bool = False) -> None:
    job = store.claim(job_id)
    if job is None:
        log.info("job %s: already finished or unknown, nothing to do", job_id)
        return
    log.info("job %s: started (attempt %d)", job_id, job.attempts)
    if job.attempts > 1 and not is_retry:
        store.count("redelivered")
    most_attempts = settings.max_retries + 1
    if job.attempts > most_attempts:
        store.fail(job_id, "worker_lost", f"the worker processing this article stopped without finishing "
                                          f"{job.attempts - 1} times (killed or crashed); not trying again")
        log.error("job %s: given up after %d lost attempts", job_id, job.attempts - 1)
        return
    text = store.get_text(job_id)
    if text is None:
        store.fail(job_id, "text_expired", "the article text is no longer stored; submit the article again")
        return
    try:
        result = attribution_result(text)
    except SoftTimeLimitExceeded:
        store.fail(job_id, "timeout", f"the article took longer than {settings.soft_time_limit} s")
        log.warning("job %s: soft time limit (%d s) reached", job_id, settings.soft_time_limit)
        return
    except Exception as exc:
        log.exception("job %s: the engine raised", job_id)
        raise EngineFailure(f"the engine could not process this article: {type(exc).__name__}: {exc}") from exc
    store.finish(job_id, result)
    log.info("job %s: done, %d quotes", job_id, len(result["quotes"]))
