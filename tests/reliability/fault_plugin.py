"""Test-only engine faults for real worker processes; never imported by the service.

The reliability tests start workers with `celery -A workers worker --include
tests.reliability.fault_plugin`; importing this module wraps the worker's
`workers.tasks.attribution_result` so that articles carrying a marker from
`reliability_faults` raise, crash their process, hang past the hard time limit or
run slowly. Every other article goes to the real engine. The pool processes are
forked after this import, so they all carry the wrapper.
"""
from __future__ import annotations

import os
import signal
import time

from celery.exceptions import SoftTimeLimitExceeded

import workers.tasks
from tests.reliability.reliability_faults import (CRASH_MARKER, HANG_MARKER, POISON_MARKER, SLOW_MARKER,
                                                  SLOW_SECONDS)

_engine_result = workers.tasks.attribution_result


def attribution_result_with_faults(text: str) -> dict:
    if POISON_MARKER in text:
        raise RuntimeError("injected engine failure (test poison article)")
    if CRASH_MARKER in text:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANG_MARKER in text:
        while True:  # like engine code that catches every exception: only the hard limit stops it
            try:
                time.sleep(3600)
            except SoftTimeLimitExceeded:
                pass
    if SLOW_MARKER in text:
        time.sleep(SLOW_SECONDS)
    return _engine_result(text)


workers.tasks.attribution_result = attribution_result_with_faults
