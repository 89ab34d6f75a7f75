"""Real processes for tests and benches: redis-server, gunicorn serving the API, Celery workers, `whosaid recover`.

    with RedisServer(tmp_path) as redis_server, ServiceStack(redis_server.url, tmp_path, workers=2) as stack:
        requests to stack.base_url ...

Everything listens on free loopback ports, logs into the given directory and is
stopped (SIGTERM, then SIGKILL) on exit, also when the test fails. Importable as
`whosaid_stack` (pytest puts tests/support on sys.path).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_json(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
              timeout: float = 60) -> tuple[int, dict, dict]:
    """(status, JSON body, headers) of one request; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error), dict(error.headers)


def service_environment(redis_url: str, **settings: object) -> dict[str, str]:
    """The current environment without any WHOSAID_ variable, plus the Redis URL and `settings` (WHOSAID_<NAME>)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WHOSAID_")}
    environment["WHOSAID_REDIS_URL"] = redis_url
    environment.update({f"WHOSAID_{name.upper()}": str(value) for name, value in settings.items()})
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
    return environment


def _default_interrupt_handling() -> None:
    """In the child: Ctrl-C does what it does from a terminal, even if the test run was started
    with SIGINT ignored (a background job of a non-interactive shell)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ManagedProcess:
    """A child process in its own process group, logging to a file, stopped for sure."""

    def __init__(self, name: str, command: list[str], log_dir: Path, environment: dict[str, str]):
        self.name = name
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          preexec_fn=_default_interrupt_handling)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]

    def kill(self, signum: int = signal.SIGKILL) -> None:
        """Send `signum` to the whole process group (a worker's pool children included)."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signum)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(timeout=STOP_TIMEOUT)
        else:
            self.kill(signal.SIGKILL)  # pool children left behind by a parent that exited


class RedisServer:
    """A private redis-server on a free port (append-only file optional), data under `log_dir`.

    `stop()` shuts it down cleanly (SIGTERM), `crash()` kills it (SIGKILL); `start()` again
    restarts it on the same port from the same directory (and append-only file).
    """

    def __init__(self, log_dir: Path, *, appendonly: bool = False, appendfsync: str = "everysec"):
        self.log_dir = log_dir
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self.port = free_port()
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server; .ci/run does)")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", self.appendfsync,
                   "--dir", str(self.log_dir)]
        self.process = ManagedProcess(f"redis-{self.port}", command, self.log_dir, dict(os.environ))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}:\n{self.process.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def crash(self) -> None:
        """`kill -9` redis-server, and wait until it is gone."""
        self.process.kill(signal.SIGKILL)
        self.process.popen.wait(timeout=STOP_TIMEOUT)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class ServiceStack:
    """gunicorn serving `service:create_app()`, `workers` Celery worker processes and `whosaid recover`, on one Redis.

    `settings` become WHOSAID_* variables of every process (e.g. soft_time_limit=5); `worker_args`
    are appended to every `celery worker` command (e.g. `--include` a test-only module); `app` is
    the application gunicorn serves (a test-only factory wrapping the real one, say).
    """

    def __init__(self, redis_url: str, log_dir: Path, *, workers: int = 2, worker_concurrency: int = 1,
                 api_processes: int = 2, api_threads: int = 8, worker_args: tuple[str, ...] = (),
                 app: str = "service:create_app()", **settings: object):
        self.redis_url = redis_url
        self.log_dir = log_dir
        self.environment = service_environment(redis_url, **settings)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_processes = api_processes
        self.api_threads = api_threads
        self.worker_concurrency = worker_concurrency
        self.worker_args = tuple(worker_args)
        self.app = app
        self.initial_workers = workers
        self.api: ManagedProcess | None = None
        self.recovery: ManagedProcess | None = None
        self.workers: list[ManagedProcess] = []

    def start(self) -> ServiceStack:
        try:
            self.api = ManagedProcess(
                f"gunicorn-{self.port}",
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers",
                 str(self.api_processes), "--worker-class", "gthread", "--threads", str(self.api_threads),
                 self.app],
                self.log_dir, self.environment)
            self.recovery = ManagedProcess(f"recovery-{self.port}", [sys.executable, "-m", "whosaid", "recover"],
                                           self.log_dir, self.environment)
            for _ in range(self.initial_workers):
                self.start_worker()
            self.wait_ready(self.initial_workers)
        except BaseException:
            self.stop()
            raise
        return self

    def start_worker(self) -> ManagedProcess:
        """Start one more `celery -A workers worker` (unique name); returns it."""
        name = f"worker{len(self.workers) + 1}-{self.port}"
        worker = ManagedProcess(
            name,
            [sys.executable, "-m", "celery", "-A", "workers", "worker", "--loglevel", "INFO", "--concurrency",
             str(self.worker_concurrency), "--hostname", f"{name}@%h", "--without-mingle", "--without-gossip",
             *self.worker_args],
            self.log_dir, self.environment)
        self.workers.append(worker)
        return worker

    def wait_ready(self, workers: int) -> None:
        """Wait until `/readyz` reports at least `workers` live workers."""
        deadline = time.monotonic() + START_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            for process in [self.api, self.recovery, *self.workers]:
                if process is not None and not process.alive():
                    raise RuntimeError(f"{process.name} exited ({process.popen.returncode}):\n{process.log_tail()}")
            try:
                status, body, _ = http_json("GET", f"{self.base_url}/readyz", timeout=2)
                if status == 200 and body["workers"] >= workers:
                    return
                last = f"{status} {body}"
            except (OSError, ValueError) as error:
                last = repr(error)
            time.sleep(0.2)
        raise RuntimeError(f"service not ready with {workers} workers after {START_TIMEOUT:.0f} s: {last}")

    def stop(self) -> None:
        for process in [*self.workers, self.recovery, self.api]:
            if process is not None:
                process.stop()

    def __enter__(self) -> ServiceStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def jobs_in_hand(worker: ManagedProcess) -> set[str]:
    """The jobs a worker has started and not finished, according to its JSON log lines."""
    started, ended = set(), set()
    for line in worker.log_path.read_text(errors="replace").splitlines():
        if line.startswith("{") and line.endswith("}"):
            entry = json.loads(line)
            if entry.get("logger") == "workers.tasks" and "job_id" in entry:
                (started if "started" in entry["message"] else ended).add(entry["job_id"])
    return started - ended
