"""Markers that make an article misbehave in a worker started with `fault_plugin` (test-only).

Kept apart from the plugin so tests can read the markers without patching anything.
"""
POISON_MARKER = "WHOSAID-TEST-POISON"
"""The engine raises on this article."""
CRASH_MARKER = "WHOSAID-TEST-CRASH"
"""The pool process running this article dies by SIGKILL."""
HANG_MARKER = "WHOSAID-TEST-HANG"
"""The article swallows the soft time limit and runs until the hard limit kills its process."""
SLOW_MARKER = "WHOSAID-TEST-SLOW"
"""The article takes `SLOW_SECONDS` more than the engine needs (keeps tasks in flight)."""
SLOW_SECONDS = 1.0

FAULT_PLUGIN = "tests.reliability.fault_plugin"
"""The module to `--include` in `celery worker` to arm the markers."""

REDIS_KILL_MARKER = "WHOSAID-TEST-KILL-REDIS"
"""The API kills Redis right after recording this (new) article, before sending its task."""
API_FAULT_APP = "tests.reliability.api_fault_plugin:create_app()"
"""The application for gunicorn that arms `REDIS_KILL_MARKER`."""
