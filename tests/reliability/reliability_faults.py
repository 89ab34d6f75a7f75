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
