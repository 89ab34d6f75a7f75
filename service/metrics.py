"""`GET /metrics` in Prometheus' text format, and the snapshot `whosaid status` prints.

Every figure is read from Redis (and the broker) at scrape time, never from this
process's memory: with several gunicorn processes and several workers, whichever
process answers the scrape reports the same service-wide numbers. Counters are
incremented where the event happens (`workers.store`: outcomes and latency in the
transaction that finishes a job; request counts by every API process).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from flask import Blueprint, Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from service.backend import backend
from workers.app import queue_depth
from workers.settings import Settings
from workers.store import COUNTERS, TRANSIENT_ERRORS, JobStore

log = logging.getLogger(__name__)

blueprint = Blueprint("metrics", __name__)

UNMATCHED_ROUTE = "<unmatched>"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"
"""Label of any other method, so clients cannot create label values (and Redis fields) at will."""
TASK_COUNTERS = ("succeeded", "failed", "retried", "redelivered")


@dataclass(frozen=True)
class ServiceSnapshot:
    """The service-wide figures, read from Redis and the broker in one go."""

    counters: dict[str, int]
    queue_depth: int
    workers: list[str]
    overdue_jobs: int
    """Jobs queued or processing whose task was last sent more than `recover_after` seconds ago."""
    requests: dict[tuple[str, str, int], int]
    latency_buckets: list[tuple[float, int]]
    latency_sum: float
    latency_count: int
    recent_failures: list[dict[str, Any]] = field(default_factory=list)


def take_snapshot(settings: Settings, store: JobStore, celery: Celery, *, failures: int = 0) -> ServiceSnapshot:
    """Read every figure; raises one of `workers.app.BROKER_ERRORS` when Redis or the broker is unreachable."""
    buckets, latency_sum, latency_count = store.latency_histogram()
    counted = store.counters()
    return ServiceSnapshot(
        counters={name: counted.get(name, 0) for name in COUNTERS},
        queue_depth=queue_depth(celery),
        workers=sorted(store.live_workers(settings.heartbeat_ttl)),
        overdue_jobs=store.overdue_jobs(settings.recover_after),
        requests=store.request_counts(),
        latency_buckets=buckets,
        latency_sum=latency_sum,
        latency_count=latency_count,
        recent_failures=store.recent_failures(failures) if failures else [],
    )


def prometheus_metrics(snapshot: ServiceSnapshot) -> Iterator[Metric]:
    """The snapshot as Prometheus metric families."""
    requests = CounterMetricFamily("whosaid_http_requests", "HTTP requests answered by the API, all processes",
                                   labels=["method", "route", "status"])
    for (method, route, status), count in sorted(snapshot.requests.items()):
        requests.add_metric([method, route, str(status)], count)
    yield requests

    cumulative, buckets = 0, []
    for bound, count in snapshot.latency_buckets:
        cumulative += count
        buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
    yield HistogramMetricFamily("whosaid_job_latency_seconds", "Seconds from submission to `done`",
                                buckets=buckets, sum_value=snapshot.latency_sum)

    yield GaugeMetricFamily("whosaid_queue_depth", "Tasks waiting in the queue for a worker",
                            value=snapshot.queue_depth)
    yield GaugeMetricFamily("whosaid_workers_alive", "Workers with a recent heartbeat", value=len(snapshot.workers))
    yield GaugeMetricFamily("whosaid_jobs_overdue", "Jobs queued or processing whose task was last sent more than "
                                                    "WHOSAID_RECOVER_AFTER seconds ago", value=snapshot.overdue_jobs)
    yield CounterMetricFamily("whosaid_jobs_recovered", COUNTERS["recovered"].capitalize(),
                              value=snapshot.counters["recovered"])
    for name in TASK_COUNTERS:
        yield CounterMetricFamily(f"whosaid_tasks_{name}", COUNTERS[name].capitalize(),
                                  value=snapshot.counters[name])
    yield CounterMetricFamily("whosaid_cache_hits", "Submissions answered by an existing job (no new task)",
                              value=snapshot.counters["cache_hits"])
    yield CounterMetricFamily("whosaid_cache_misses", "Submissions that queued a new task",
                              value=snapshot.counters["enqueued"])


class _SnapshotCollector:
    """A prometheus_client collector that takes a fresh snapshot at every scrape."""

    def __init__(self, read: Callable[[], ServiceSnapshot]):
        self.read = read

    def collect(self) -> Iterator[Metric]:
        yield from prometheus_metrics(self.read())


@blueprint.route("/metrics", methods=["GET"])
def metrics() -> Response:
    """Prometheus scrape endpoint (503 JSON when Redis or the broker is unreachable)."""
    service = backend()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(lambda: take_snapshot(service.settings, service.store, service.celery)))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def install(app: Flask) -> None:
    """Serve `/metrics` and count every request of `app` by route and status in Redis."""
    app.register_blueprint(blueprint)

    @app.after_request
    def _count_request(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
        method = request.method if request.method in KNOWN_METHODS else OTHER_METHOD
        try:
            backend().store.count_request(method, route, response.status_code)
        except TRANSIENT_ERRORS:
            log.debug("request not counted: Redis unreachable")
        return response

