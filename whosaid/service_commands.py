"""Service subcommands: `whosaid serve`, `whosaid worker`, `whosaid submit`."""
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
