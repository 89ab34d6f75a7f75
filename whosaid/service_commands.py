"""Service subcommands: `whosaid serve`, `whosaid worker`, `whosaid submit`, `whosaid status`."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_API_WORKERS = 2
DEFAULT_API_THREADS = 8
WAIT_SLICE = 30
"""Seconds `submit --wait` asks the server to hold each poll (the service's maximum by default)."""
STATUS_FAILURES = 8
STATUS_NAMED_WORKERS = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="run the HTTP API (in-memory store and in-process worker unless WHOSAID_REDIS_URL is set)",
        description="Run the whosaid HTTP API. Without WHOSAID_REDIS_URL everything runs in this process, in "
                    "memory (nothing to install). With it, the API runs under gunicorn against that Redis and "
                    "workers run separately (`whosaid worker`).")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--workers", type=int, default=DEFAULT_API_WORKERS,
                       help=f"gunicorn processes when WHOSAID_REDIS_URL is set (default {DEFAULT_API_WORKERS})")
    serve.set_defaults(handler=serve_command)

    worker = subparsers.add_parser(
        "worker", help="run a Celery worker (same as `celery -A workers worker`; needs WHOSAID_REDIS_URL)",
        description="Run a Celery worker process pool that attributes queued articles. Arguments after the "
                    "arguments after `--` are passed on to `celery worker` as they are.")
    worker.add_argument("--concurrency", type=int,
                        help="processes in this worker's pool (default WHOSAID_WORKER_CONCURRENCY, else one per core)")
    worker.add_argument("--hostname", "-n", help="worker name, unique per machine (default celery@HOSTNAME)")
    worker.add_argument("--loglevel", default="INFO", help="log level (default INFO)")
    worker.add_argument("celery_args", nargs="*", help="more `celery worker` arguments, after `--`")
    worker.set_defaults(handler=worker_command)

    submit = subparsers.add_parser(
        "submit", help="send an article to a running service and print the quotes",
        description="POST an article to a running whosaid service and print the result.")
    submit.add_argument("file", help="article text file (UTF-8), or - for standard input")
    submit.add_argument("--url", default=os.environ.get("WHOSAID_URL", f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"),
                        help="the service's base URL (default $WHOSAID_URL or http://127.0.0.1:8000)")
    submit.add_argument("--title", help="headline to keep with the job")
    submit.add_argument("--wait", action="store_true", help="wait until the article is processed")
    submit.add_argument("--timeout", type=float, default=300, help="give up waiting after this many seconds")
    submit.add_argument("--json", action="store_true", help="print the job as JSON instead of a readable list")
    submit.set_defaults(handler=submit_command)

    recover = subparsers.add_parser(
        "recover", help="sweep for accepted jobs whose task was lost and enqueue them again (needs WHOSAID_REDIS_URL)",
        description="Run the recovery sweep every WHOSAID_RECOVERY_INTERVAL seconds until stopped: a job queued or "
                    "processing for longer than WHOSAID_RECOVER_AFTER seconds, held by no worker heard from as "
                    "lately, with no task left for it in the queue, is enqueued again. One per service is enough; "
                    "more take turns.")
    recover.set_defaults(handler=recover_command)

    status = subparsers.add_parser(
        "status", help="queue depth, live workers and recent failures of the service (reads WHOSAID_REDIS_URL)",
        description="One screen for operators: tasks waiting, workers alive, job outcomes and the latest "
                    "failures, read from the Redis in WHOSAID_REDIS_URL (the same figures as GET /metrics).")
    status.add_argument("--failures", type=int, default=STATUS_FAILURES,
                        help=f"recent failures to list (default {STATUS_FAILURES})")
    status.add_argument("--json", action="store_true", help="print the figures as JSON")
    status.set_defaults(handler=status_command)


def serve_command(args: argparse.Namespace) -> int:
    from workers.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"whosaid serve: {exc}", file=sys.stderr)
        return 2
    if settings.redis_url:
        return _serve_with_gunicorn(args)
    return _serve_embedded(args, settings)


def _serve_embedded(args: argparse.Namespace, settings) -> int:
    from werkzeug.serving import make_server

    from service.embedded import EmbeddedService

    print("whosaid: WHOSAID_REDIS_URL is not set, running in memory with one in-process worker", file=sys.stderr)
    embedded = EmbeddedService(settings)
    app = embedded.start()
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        embedded.stop()
        print(f"whosaid serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"whosaid: serving on http://{args.host}:{server.port} (docs at /docs); Ctrl-C stops", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        embedded.stop()
    return 0


def _serve_with_gunicorn(args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    from service import create_app

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", DEFAULT_API_THREADS)

        def load(self):
            return create_app()

    Server().run()
    return 0


def worker_command(args: argparse.Namespace) -> int:
    if not os.environ.get("WHOSAID_REDIS_URL") and not os.environ.get("WHOSAID_BROKER_URL"):
        print("whosaid worker: set WHOSAID_REDIS_URL to the Redis the API uses", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "--loglevel", args.loglevel]
    if args.concurrency:
        command += ["--concurrency", str(args.concurrency)]
    if args.hostname:
        command += ["--hostname", args.hostname]
    command += args.celery_args
    os.execv(sys.executable, command)


def redis_settings(command: str):
    """The service's settings from the environment for a command that needs its Redis, or None after
    saying on stderr what is wrong."""
    from workers.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"whosaid {command}: {exc}", file=sys.stderr)
        return None
    if not settings.redis_url:
        print(f"whosaid {command}: set WHOSAID_REDIS_URL to the Redis the service uses", file=sys.stderr)
        return None
    return settings


def recover_command(args: argparse.Namespace) -> int:
    import signal
    import threading

    from workers.app import create_celery, store_for
    from workers.logs import configure_logging
    from workers.recovery import run_recovery

    settings = redis_settings("recover")
    if settings is None:
        return 2
    configure_logging()
    # A sweep may stop anywhere (it only sends tasks that may be sent twice): SIGTERM ends the process at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_recovery(create_celery(settings), store_for(settings), settings, threading.Event())
    return 0


def submit_command(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"whosaid submit: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    base = args.url.rstrip("/")
    deadline = time.monotonic() + args.timeout
    try:
        body = json.dumps({"text": text, "title": args.title}).encode("utf-8")
        job = _request("POST", f"{base}/v1/articles", body)
        while args.wait and job["status"] in ("queued", "processing") and time.monotonic() < deadline:
            wait = max(1, min(WAIT_SLICE, int(deadline - time.monotonic())))
            job = _request("GET", f"{base}{job['links']['self']}?wait={wait}")
    except ServiceError as exc:
        print(f"whosaid submit: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(job, indent=2, ensure_ascii=False))
    else:
        print(_readable(job))
    return 1 if job["status"] == "failed" else 0


class ServiceError(Exception):
    """The service could not be reached or refused the request."""


def _request(method: str, url: str, body: bytes | None = None) -> dict:
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SLICE + 10) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            error = json.load(exc)["error"]
            raise ServiceError(f"{exc.code} {error['code']}: {error['message']}") from None
        except (ValueError, KeyError, TypeError):
            raise ServiceError(f"{exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ServiceError(f"cannot reach {urllib.parse.urlsplit(url).netloc}: {exc}") from None


def _readable(job: dict) -> str:
    lines = [f"article {job['id']}: {job['status']}"]
    if job["status"] == "failed":
        lines.append(f"  error {job['error']['code']}: {job['error']['message']}")
    if job["status"] != "done":
        if job["status"] in ("queued", "processing"):
            lines.append(f"  poll it: GET {job['links']['self']}")
        return "\n".join(lines)
    result = job["result"]
    lines.append(f"{len(result['quotes'])} quotes, {len(result['speakers'])} speakers "
                 f"(engine {result['engine']['name']} {result['engine']['version']})")
    for quote in result["quotes"]:
        speaker = quote["speaker"]
        who = (speaker["name"] or speaker["description"] or "unknown") if speaker else "unknown"
        lines.append(f"\n  [{quote['kind']}] {who} ({quote['confidence']:.2f})")
        lines.append(f"    \u201c{quote['text']}\u201d")
    return "\n".join(lines)


def status_command(args: argparse.Namespace) -> int:
    from service.metrics import take_snapshot
    from workers.app import BROKER_ERRORS, create_celery
    from workers.store import JobStore

    settings = redis_settings("status")
    if settings is None:
        return 2
    if args.failures < 0:
        print("whosaid status: --failures cannot be negative", file=sys.stderr)
        return 2
    store = JobStore.from_url(settings.redis_url, ttl=settings.result_ttl, timeout=settings.redis_timeout,
                              longest_wait=settings.wait_max)
    try:
        snapshot = take_snapshot(settings, store, create_celery(settings), failures=args.failures)
    except BROKER_ERRORS as exc:
        print(f"whosaid status: cannot reach {_redacted(settings.redis_url)}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"queue_depth": snapshot.queue_depth, "workers_alive": len(snapshot.workers),
                          "workers": snapshot.workers, "overdue_jobs": snapshot.overdue_jobs,
                          "recover_after": settings.recover_after, "counters": snapshot.counters,
                          "latency_jobs": snapshot.latency_count, "recent_failures": snapshot.recent_failures},
                         indent=2, ensure_ascii=False))
    else:
        print(_status_screen(snapshot, settings, _redacted(settings.redis_url)))
    return 0


def _status_screen(snapshot, settings, where: str) -> str:
    """The snapshot on one screen: figures first, then one line per recent failure."""
    counters = snapshot.counters
    named = ", ".join(snapshot.workers[:STATUS_NAMED_WORKERS])
    if len(snapshot.workers) > STATUS_NAMED_WORKERS:
        named += f", +{len(snapshot.workers) - STATUS_NAMED_WORKERS} more"
    lines = [
        f"whosaid status  {where}  {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC",
        f"queue depth     {snapshot.queue_depth} waiting",
        f"workers alive   {len(snapshot.workers)}  " + (f"({named})" if named else "(none: nothing is processed)"),
        f"jobs            {counters['succeeded']} done, {counters['failed']} failed; {counters['retried']} retries, "
        f"{counters['redelivered']} redelivered after a lost worker",
        f"submissions     {counters['enqueued']} queued, {counters['cache_hits']} answered by an existing job",
        f"overdue         {snapshot.overdue_jobs} queued or processing for over {settings.recover_after} s; "
        f"{counters['recovered']} recovered after a lost task",
        f"latency         {_latency_summary(snapshot)}",
        f"recent failures {len(snapshot.recent_failures) or 'none'}",
    ]
    for failure in snapshot.recent_failures:
        message = (failure.get("message") or "").replace("\n", " ")
        lines.append(f"  {failure.get('at') or '?':24} {failure['id'][:12]}  {failure.get('code') or '?':13} "
                     f"{message[:80]}")
    return "\n".join(lines)


def _latency_summary(snapshot) -> str:
    """Submit-to-done p50/p95/p99 as the upper bounds of the histogram buckets holding them."""
    if not snapshot.latency_count:
        return "no job finished yet"
    quantiles = []
    for quantile in (0.5, 0.95, 0.99):
        seen = 0
        for bound, count in snapshot.latency_buckets:
            seen += count
            if seen >= quantile * snapshot.latency_count:
                quantiles.append(f"p{round(quantile * 100)} <= {bound:g} s")
                break
    return ", ".join(quantiles) + f" (mean {snapshot.latency_sum / snapshot.latency_count:.2f} s, " \
                                  f"{snapshot.latency_count} jobs)"


def _redacted(url: str) -> str:
    """`url` without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
