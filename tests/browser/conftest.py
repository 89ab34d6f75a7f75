"""Fixtures of the browser tests: the real service on free ports, and headless Debian Chromium.

`service_url` is `whosaid serve` in embedded mode (in-process worker, in-memory
store), exactly as a user starts it; `production_url` is the production topology
(redis-server, gunicorn, a Celery worker process) from `whosaid_stack`. Both are
stopped at the end of the session. Screenshots go to `test-artifacts/browser/`
(git-ignored).
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from whosaid_stack import REPO_ROOT, ManagedProcess, RedisServer, ServiceStack, free_port, http_json

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVICE_START_SECONDS = 120


def wait_until_ready(base_url: str, process: ManagedProcess) -> None:
    """Wait for /readyz to answer 200 (API up and the in-process worker alive)."""
    deadline = time.monotonic() + SERVICE_START_SECONDS
    last_answer = "no answer"
    while time.monotonic() < deadline:
        if not process.alive():
            pytest.fail(f"`whosaid serve` exited with status {process.popen.returncode}:\n{process.log_tail()}")
        try:
            status, body, _ = http_json("GET", base_url + "/readyz", timeout=2)
            if status == 200:
                return
            last_answer = f"{status} {body}"
        except (OSError, ValueError) as error:
            last_answer = repr(error)
        time.sleep(0.25)
    pytest.fail(f"`whosaid serve` not ready after {SERVICE_START_SECONDS} s (last answer: {last_answer}):\n{process.log_tail()}")


@pytest.fixture(scope="session")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a `whosaid serve` process in embedded mode, on a free port."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WHOSAID_")}
    process = ManagedProcess(
        "whosaid-serve",
        [sys.executable, "-m", "whosaid", "serve", "--host", "127.0.0.1", "--port", str(port)],
        tmp_path_factory.mktemp("whosaid-serve"),
        environment,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base_url, process)
        yield base_url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def production_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of gunicorn serving `create_app()` with one Celery worker process on a private redis-server."""
    logs = tmp_path_factory.mktemp("production")
    with RedisServer(logs) as redis_server, ServiceStack(redis_server.url, logs, workers=1, api_processes=1) as stack:
        yield stack.base_url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (installed by `.ci/run`)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's package with `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page; script errors on it fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    script_errors: list[str] = []
    new_page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        yield new_page
    finally:
        context.close()
    assert not script_errors, f"script errors on the page: {script_errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
