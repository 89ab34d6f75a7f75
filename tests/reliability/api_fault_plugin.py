"""Test-only fault of the API process; never imported by the service.

gunicorn serves `tests.reliability.api_fault_plugin:create_app()` (`API_FAULT_APP`)
instead of `service:create_app()`; importing this module wraps `JobStore.submit` so
that a new article carrying `REDIS_KILL_MARKER` kills Redis (SIGKILL, with the pid
Redis itself reports) right after its record is written and before its task is
sent: the moment a crash leaves an accepted job with no task behind it. The
resubmission of that article finds the record and does not kill Redis again.
"""
from __future__ import annotations

import os
import signal
import time

from flask import Flask

import service
from tests.reliability.reliability_faults import REDIS_KILL_MARKER
from workers.store import TRANSIENT_ERRORS, Job, JobStore

DEATH_TIMEOUT = 10.0

_record_article = JobStore.submit


def submit_then_kill_redis(self: JobStore, job_id: str, text: str, **metadata: str | None) -> tuple[Job, bool]:
    job, created = _record_article(self, job_id, text, **metadata)
    if created and REDIS_KILL_MARKER in text:
        os.kill(int(self.client.info("server")["process_id"]), signal.SIGKILL)
        deadline = time.monotonic() + DEATH_TIMEOUT
        while time.monotonic() < deadline:  # until Redis refuses connections: the task cannot be sent
            try:
                self.client.ping()
            except TRANSIENT_ERRORS:
                break
            time.sleep(0.01)
    return job, created


JobStore.submit = submit_then_kill_redis


def create_app() -> Flask:
    return service.create_app()
