"""The recovery sweep: every accepted job ends, even when its task was lost.

A job's task can vanish without a trace in Celery: Redis killed after a worker's
BRPOP took the message but before the reply reached it; a worker killed with
messages it had taken but not started; the API cut off from the broker between
recording a job and sending its task. The store keeps every new job as unsent (an
outbox entry written with the record) until the API has sent its task, and every
job that is queued or processing in `whosaid:pending`, with the time its task was
last sent; each worker's heartbeat lists the jobs it holds (`workers.app.jobs_held`).

A sweep sends the task of every job unsent for more than `recover_after` seconds
that no worker holds. For the others it counts the pending jobs held by no worker
heard from in the last `recover_after` seconds (not three heartbeats: after a Redis
outage every worker is silent for a while); the broker's queue has room for only so
many of them, the ones sent last (it is first in, first out), and the rest, oldest
first, have no task left anywhere. Those whose task was last sent and, if started,
last started more than `recover_after` seconds ago are sent again. A sweep that
guesses wrong sends a task twice: the second run finds the job done and does
nothing, or, if both run at once, the first result is kept (`JobStore.finish`), so a
done job never changes.

`whosaid recover` runs the sweeps in production (one process per service; more
take turns); the embedded service runs them in a thread.
"""
from __future__ import annotations

import logging
import threading
import time

from celery import Celery

from workers.app import BROKER_ERRORS, enqueue_attribution, queue_depth
from workers.settings import Settings
from workers.store import JobStore

log = logging.getLogger(__name__)


def recover_lost_jobs(app: Celery, store: JobStore, settings: Settings) -> list[str]:
    """One sweep: send again the tasks of jobs that have none left; returns their ids (raises `BROKER_ERRORS`)."""
    if not store.take_recovery_turn(settings.recovery_interval):
        return []
    held = store.held_jobs(settings.recover_after)
    unsent = dict(store.unsent_jobs())
    pending, held_pending = store.pending_census(held)
    # The queue is read after the census: a job submitted in between adds to the queue, never to the lost.
    counted_out = held_pending | unsent.keys()
    lost = pending - len(counted_out) - queue_depth(app)
    never_sent = [(job_id, recorded_at) for job_id, recorded_at in unsent.items() if job_id not in held_pending]
    unheld = [(job_id, sent_at) for job_id, sent_at in store.oldest_pending(lost + len(counted_out))
              if job_id not in counted_out][:max(0, lost)]
    cutoff = time.time() - settings.recover_after
    recovered = []
    for job_id, sent_at in [*never_sent, *unheld]:
        if sent_at >= cutoff or not store.still_unfinished(job_id, since=cutoff):
            continue
        enqueue_attribution(app, job_id)
        store.note_recovered(job_id)
        log.warning("job %s: its task was lost, enqueued again", job_id, extra={"job_id": job_id})
        recovered.append(job_id)
    return recovered


def run_recovery(app: Celery, store: JobStore, settings: Settings, stopping: threading.Event) -> None:
    """Sweep every `recovery_interval` seconds until `stopping` is set; an unreachable Redis skips a sweep."""
    while not stopping.wait(settings.recovery_interval):
        try:
            recover_lost_jobs(app, store, settings)
        except BROKER_ERRORS as exc:
            log.warning("recovery sweep skipped, Redis or the broker is unreachable: %s", exc)
