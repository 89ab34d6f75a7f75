"""The Celery application factory, the task's name, and the per-process job store.

`create_celery(settings)` is the one place Celery is configured; `workers.celery`
(what `celery -A workers worker` loads) and the API's task sender are both built
by it. The API sends tasks by name, so it never imports the engine.
"""
from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache

import kombu.exceptions
from celery import Celery, bootsteps
from celery.worker import state as worker_state

from workers.logs import task_headers
from workers.settings import Settings
from workers.store import TRANSIENT_ERRORS, JobStore

ATTRIBUTE_TASK = "whosaid.attribute_article"
BROKER_ERRORS: tuple[type[Exception], ...] = (kombu.exceptions.OperationalError, *TRANSIENT_ERRORS)
"""What sending a task raises when the broker cannot be reached."""

log = logging.getLogger(__name__)


def create_celery(settings: Settings) -> Celery:
    """A Celery app for `settings`: JSON only, late acks, prefetch 1, time limits, short broker timeouts."""
    app = Celery("whosaid", include=["workers.tasks"])
    app.conf.update(
        broker_url=settings.effective_broker_url,
        broker_connection_timeout=settings.redis_timeout,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            # kombu sweeps for tasks of vanished workers every interval x throttle seconds (100 s by
            # default); sweep often enough that re-delivery follows the visibility timeout closely.
            "unacked_restore_interval": restore_sweep_interval(settings),
            "unacked_restore_throttle": 1,
            "socket_timeout": settings.redis_timeout,
            "socket_connect_timeout": settings.redis_timeout,
        },
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2},
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.soft_time_limit,
        task_time_limit=settings.hard_time_limit,
        task_default_queue="whosaid",
        worker_concurrency=settings.worker_concurrency or os.cpu_count(),
        worker_hijack_root_logger=False,
        whosaid_settings=settings,
    )
    app.steps["worker"].add(Heartbeat)
    return app


def restore_sweep_interval(settings: Settings) -> int:
    """Seconds between sweeps that re-deliver tasks held longer than the visibility timeout (2 to 10)."""
    return max(2, min(10, settings.visibility_timeout // 4))


def settings_of(app: Celery) -> Settings:
    return app.conf.whosaid_settings


def enqueue_attribution(app: Celery, job_id: str, *, headers: dict[str, str] | None = None) -> None:
    """Queue the attribution of job `job_id` (its text is already in the store); raises one of `BROKER_ERRORS`.

    The current request id (`workers.logs`) travels along in the message headers.
    """
    app.send_task(ATTRIBUTE_TASK, args=[job_id], headers={**task_headers(), **(headers or {})})


def queue_depth(app: Celery) -> int:
    """Tasks waiting in the queue, not yet taken by a worker, as the broker counts them."""
    with app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1)
        return connection.default_channel.queue_declare(app.conf.task_default_queue).message_count


@lru_cache(maxsize=8)
def store_for(settings: Settings) -> JobStore:
    """This process's store for `settings` (redis-py pools reconnect by themselves after a fork)."""
    if not settings.redis_url:
        raise RuntimeError("WHOSAID_REDIS_URL is not set: the workers need the Redis that holds the jobs")
    return JobStore.from_url(settings.redis_url, ttl=settings.result_ttl, timeout=settings.redis_timeout,
                             longest_wait=settings.wait_max)


def jobs_held() -> set[str]:
    """The jobs whose tasks this worker has received and not finished: running, waiting for a pool
    process, or waiting for a retry's countdown (Celery's own bookkeeping of the worker's requests)."""
    # list() copies the values in one step under the GIL, while the consumer thread adds and removes requests.
    return {request.args[0] for request in list(worker_state.requests.values())
            if request.name == ATTRIBUTE_TASK and request.args}


class Heartbeat(bootsteps.StartStopStep):
    """Worker bootstep: write this worker's heartbeat, with the jobs it holds, every `heartbeat_interval` seconds.

    `GET /readyz` counts workers with a recent heartbeat, and the recovery sweep leaves
    the jobs they hold alone; a thread of its own keeps beating while the worker's
    event loop is busy, and a clean stop retires the worker.
    """

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.settings = settings_of(worker.app)
        self.name = f"{worker.hostname}/{os.getpid()}"
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, worker) -> None:
        self.thread = threading.Thread(target=self._beat, name="whosaid-heartbeat", daemon=True)
        self.thread.start()

    def stop(self, worker) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=self.settings.redis_timeout * 2)
        try:
            store_for(self.settings).retire(self.name)
        except TRANSIENT_ERRORS:
            log.warning("could not retire worker %s from the store (Redis unreachable)", self.name)

    def _beat(self) -> None:
        store = store_for(self.settings)
        while not self.stopping.is_set():
            try:
                store.heartbeat(self.name, jobs_held())
            except TRANSIENT_ERRORS as exc:
                log.warning("heartbeat of %s not written: %s", self.name, exc)
            self.stopping.wait(self.settings.heartbeat_interval)
