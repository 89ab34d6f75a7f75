"""Load test: many concurrent clients submit distinct articles and follow each one to its end.

    python3 bench/load.py [--submissions 2000] [--clients 50] [--workers 2] [--url http://127.0.0.1:PORT]

Without `--url` it starts its own service on free loopback ports (redis-server,
gunicorn with 2 processes x 32 threads, `--workers` Celery workers of one process
each; `tests/support/whosaid_stack.py`) and stops it at the end. Each client
thread, on its own keep-alive connection, takes the next article, POSTs it, then
holds `GET ?wait=` until the job is `done` or `failed`, and moves on.

Printed: articles accepted / finished / failed / lost, answers by status (any 5xx
is a failure), throughput in finished articles per second, submit latency and
submit-to-done latency percentiles. Exit status 1 when an article is lost, a 5xx
was seen, or the run exceeded `--timeout`. Bounded: at most 10,000 submissions
and 200 clients, loopback addresses only.
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "support"))

MAX_SUBMISSIONS = 10_000
MAX_CLIENTS = 200
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
WAIT_SECONDS = 30
SPEAKERS = ["the mayor", "the health minister", "Maria Lopez, a nurse", "the union leader", "a spokesman for the port",
            "Professor Chen", "the coach", "the chief executive"]
TOPICS = ["the new bridge", "the hospital wing", "the rail strike", "the budget", "the flood defences", "the final",
          "the factory closure", "the school meals plan"]


def load_article(number: int) -> str:
    """A short news-like article with two quotes, distinct for every `number`."""
    speaker, other = SPEAKERS[number % len(SPEAKERS)], SPEAKERS[(number // 3 + 1) % len(SPEAKERS)]
    topic = TOPICS[(number // len(SPEAKERS)) % len(TOPICS)]
    return (f'"We will deliver {topic} by week {number % 52 + 1}," {speaker} said on Monday, '
            f"in a statement numbered {number}. Not everyone agreed. "
            f'"This is the {number}th promise this year," {other} said.')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


@dataclass
class LoadReport:
    submissions: int
    clients: int
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    accepted: int = 0
    done: int = 0
    failed: int = 0
    submit_latencies: list[float] = field(default_factory=list)
    done_latencies: list[float] = field(default_factory=list)

    @property
    def lost(self) -> int:
        """Accepted articles that never reached `done` or `failed`."""
        return self.accepted - self.done - self.failed

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def throughput(self) -> float:
        return (self.done + self.failed) / self.seconds if self.seconds else 0.0

    def figures(self) -> dict[str, object]:
        return {
            "submissions": self.submissions, "clients": self.clients, "accepted": self.accepted,
            "finished": self.done + self.failed, "failed": self.failed, "lost": self.lost,
            "5xx": self.server_errors, "seconds": round(self.seconds, 1),
            "throughput_per_s": round(self.throughput, 1),
            "submit_p50_ms": round(percentile(self.submit_latencies, 0.5) * 1000, 1),
            "submit_p99_ms": round(percentile(self.submit_latencies, 0.99) * 1000, 1),
            "done_p50_s": round(percentile(self.done_latencies, 0.5), 2),
            "done_p95_s": round(percentile(self.done_latencies, 0.95), 2),
            "done_p99_s": round(percentile(self.done_latencies, 0.99), 2),
        }

    def lines(self) -> list[str]:
        f = self.figures()
        return [
            f"{f['submissions']} submissions from {f['clients']} clients in {f['seconds']} s",
            f"accepted {f['accepted']}, finished {f['finished']} ({f['failed']} failed), lost {f['lost']}, "
            f"5xx {f['5xx']}; answers by status {dict(sorted(self.statuses.items()))}",
            f"throughput {f['throughput_per_s']} articles/s",
            f"submit latency     p50 {f['submit_p50_ms']} ms, p99 {f['submit_p99_ms']} ms",
            f"submit-to-done     p50 {f['done_p50_s']} s, p95 {f['done_p95_s']} s, p99 {f['done_p99_s']} s",
        ]


class _Client:
    """One keep-alive HTTP connection to the service."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT_SECONDS + 30)

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise


def run_load(base_url: str, submissions: int, clients: int, timeout: float = 900) -> LoadReport:
    """Drive `submissions` distinct articles through the service from `clients` threads; see the module doc."""
    check_bounds(base_url, submissions, clients)
    report = LoadReport(submissions=submissions, clients=clients, seconds=0.0)
    lock = threading.Lock()
    next_number = iter(range(submissions))
    deadline = time.monotonic() + timeout

    def record(status: int) -> None:
        with lock:
            report.statuses[status] += 1

    def client_loop() -> None:
        client = _Client(base_url)
        while time.monotonic() < deadline:
            with lock:
                number = next(next_number, None)
            if number is None:
                return
            started = time.monotonic()
            status, body = client.call("POST", "/v1/articles", json.dumps({"text": load_article(number)}).encode())
            record(status)
            if status not in (200, 202):
                continue
            with lock:
                report.accepted += 1
                report.submit_latencies.append(time.monotonic() - started)
            while body.get("status") not in ("done", "failed") and time.monotonic() < deadline:
                status, polled = client.call("GET", f"/v1/articles/{body['id']}?wait={WAIT_SECONDS}")
                record(status)
                if status == 200:
                    body = polled
            with lock:
                if body.get("status") == "done":
                    report.done += 1
                    report.done_latencies.append(time.monotonic() - started)
                elif body.get("status") == "failed":
                    report.failed += 1

    began = time.monotonic()
    threads = [threading.Thread(target=client_loop, name=f"load-client-{index}") for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - began
    return report


def check_bounds(base_url: str, submissions: int, clients: int) -> None:
    host = urllib.parse.urlsplit(base_url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"load tests run against loopback addresses only, not {host!r}")
    if not 1 <= submissions <= MAX_SUBMISSIONS or not 1 <= clients <= MAX_CLIENTS:
        raise ValueError(f"submissions must be 1..{MAX_SUBMISSIONS} and clients 1..{MAX_CLIENTS}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="Celery workers to start (without --url)")
    parser.add_argument("--url", help="an already running service on a loopback address")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    args = parser.parse_args()
    try:
        check_bounds(args.url or "http://127.0.0.1", args.submissions, args.clients)
    except ValueError as exc:
        parser.error(str(exc))
    if args.url:
        report = run_load(args.url, args.submissions, args.clients, args.timeout)
    else:
        from whosaid_stack import RedisServer, ServiceStack

        with tempfile.TemporaryDirectory(prefix="whosaid-load-") as scratch:
            print(f"starting redis-server, gunicorn (2 x 32 threads) and {args.workers} workers ...", flush=True)
            with RedisServer(Path(scratch)) as redis_server, \
                    ServiceStack(redis_server.url, Path(scratch), workers=args.workers, api_threads=32) as stack:
                report = run_load(stack.base_url, args.submissions, args.clients, args.timeout)
    print("\n".join(report.lines()))
    return 1 if report.lost or report.server_errors or report.accepted < args.submissions else 0


if __name__ == "__main__":
    sys.exit(main())
