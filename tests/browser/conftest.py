"""Fixtures of the browser tests: the real service on a free port, and headless Debian Chromium.

The service is started as `whosaid serve` (embedded mode: in-process worker and
in-memory store), exactly as a user starts it, and stopped at the end of the
session. Screenshots go to `test-artifacts/browser/` (git-ignored).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import REPO_ROOT, free_port, http_get_json

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVICE_START_SECONDS = 120


def wait_until_ready(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Wait for /readyz to answer 200 (API up and the in-process worker alive)."""
    deadline = time.monotonic() + SERVICE_START_SECONDS
    last_answer = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`whosaid serve` exited with status {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            status, body = http_get_json(base_url + "/readyz", timeout=2)
            if status == 200:
                return
            last_answer = f"{status} {body}"
        except (OSError, ValueError) as error:
            last_answer = repr(error)
        time.sleep(0.25)
    pytest.fail(f"`whosaid serve` not ready after {SERVICE_START_SECONDS} s (last answer: {last_answer}):\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def service_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a `whosaid serve` process in embedded mode, on a free port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("whosaid-serve") / "serve.log"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WHOSAID_")}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "whosaid", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base_url, process, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
