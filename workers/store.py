"""Job state and results in Redis: the key schema, the job states and every transition.

This module is the only place that knows key names, TTLs and the JSON layout;
the Flask views and the Celery tasks call its methods and never build keys.
It imports neither Flask nor Celery, so both sides share it.

Keys (all under the `whosaid:` namespace, all with a TTL):
    whosaid:job:<id>           JSON job record (`Job`): status, timestamps, result or error
    whosaid:text:<id>          the article text the worker reads
    whosaid:finished:<id>      list that receives one element when the job ends; `wait()` blocks on it
    whosaid:pending            sorted set: job id -> time its task was last sent, for every job queued or
                               processing (written in the transactions that queue and finish the job)
    whosaid:unsent             sorted set: job id -> time of its record, for new jobs whose task the API has
                               not yet confirmed sending (an outbox: written with the record, cleared once sent)
    whosaid:workers            sorted set: worker name -> time of its last heartbeat
    whosaid:holding:<worker>   JSON list of the jobs that worker held at its last heartbeat
    whosaid:recovery-turn      held for one recovery interval by the process sweeping for lost jobs
    whosaid:counters           hash of service-wide counters (`COUNTERS`: enqueued, succeeded, failed, ...)
    whosaid:requests           hash "METHOD route status" -> HTTP requests answered (all API processes)
    whosaid:latency            hash: submit-to-done seconds per `LATENCY_BUCKETS` bound, plus "sum" and "count"
    whosaid:failures           list of the latest `RECENT_FAILURES` failures (JSON), newest first
    whosaid:ratelimit:<client>:<window>   requests of one client (a hash, never raw client input) in one window

Every state change is a WATCH/MULTI transaction on the job key: a reader sees
either the old record or the new one, two workers finishing the same article
cannot lose an update, and nothing overwrites a `done` record.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any

import redis

NAMESPACE = "whosaid"
JOB_ID_PATTERN = re.compile(r"[0-9a-f]{32}")
FINISHED_SIGNAL_TTL = 300
"""Seconds the end-of-job signal lingers: long enough for every waiter already blocked on it."""
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)
"""Redis errors that mean "unreachable right now": the API answers 503, the worker retries."""
COUNTERS = {
    "enqueued": "articles queued for a worker (cache misses)",
    "cache_hits": "submissions answered by an existing job, with no new task",
    "succeeded": "jobs finished `done`",
    "failed": "jobs finished `failed`",
    "retried": "task runs that were retries after a transient error",
    "redelivered": "task runs that took over an article from a worker that died",
    "recovered": "jobs enqueued again by the recovery sweep because their task was lost",
}
"""The service-wide counters kept in `whosaid:counters`, with what each one counts."""
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
"""Upper bounds (seconds) of the submit-to-done latency histogram; a last bucket catches the rest."""
RECENT_FAILURES = 100
CLIENT_KEY_PATTERN = re.compile(r"[0-9a-f]{16,64}")


class JobStatus(str, Enum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


@dataclass(frozen=True)
class JobError:
    code: str
    message: str


@dataclass(frozen=True)
class Job:
    """One article's job record, as stored under `whosaid:job:<id>`."""

    id: str
    status: JobStatus
    submitted_at: str | None
    started_at: str | None = None
    finished_at: str | None = None
    attempts: int = 0
    title: str | None = None
    url: str | None = None
    ref: str | None = None
    result: dict[str, Any] | None = None
    error: JobError | None = None

    def to_json(self) -> str:
        # Built field by field: `asdict` would deep-copy the whole result first (milliseconds per article).
        record = {field.name: getattr(self, field.name) for field in fields(self)}
        record["status"] = self.status.value
        record["error"] = asdict(self.error) if self.error else None
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Job:
        record = json.loads(raw)
        record["status"] = JobStatus(record["status"])
        record["error"] = JobError(**record["error"]) if record.get("error") else None
        return cls(**record)


def is_job_id(candidate: str) -> bool:
    """True when `candidate` has the form of an id this service hands out (checked before touching Redis)."""
    return JOB_ID_PATTERN.fullmatch(candidate) is not None


def job_id_for(text: str, engine: Mapping[str, str]) -> str:
    """The id of an article: a hash of its text and of the engine (name, version, model) that reads it.

    The same text under the same engine always maps to the same id, so a resubmission finds the
    cached result; a new engine version gets fresh ids and never serves stale results.
    """
    fingerprint = "\x1f".join([engine["name"], engine["version"], engine["model"]])
    digest = hashlib.sha256(fingerprint.encode() + b"\x00" + text.encode("utf-8"))
    return digest.hexdigest()[:32]


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JobStore:
    """Job records, article texts, end-of-job signals and worker heartbeats in one Redis database."""

    def __init__(self, client: redis.Redis, waiting_client: redis.Redis, ttl: int):
        """`waiting_client` serves only the blocking wait, so it carries a longer read timeout than `client`."""
        self.client = client
        self.waiting_client = waiting_client
        self.ttl = ttl

    @classmethod
    def from_url(cls, url: str, *, ttl: int, timeout: float, longest_wait: float) -> JobStore:
        common = {"decode_responses": True, "socket_connect_timeout": timeout, "health_check_interval": 30}
        client = redis.Redis.from_url(url, socket_timeout=timeout, **common)
        waiting_client = redis.Redis.from_url(url, socket_timeout=longest_wait + timeout + 1, **common)
        return cls(client, waiting_client, ttl)

    # Key schema ---------------------------------------------------------------------------------
    @staticmethod
    def _job_key(job_id: str) -> str:
        return f"{NAMESPACE}:job:{job_id}"

    @staticmethod
    def _text_key(job_id: str) -> str:
        return f"{NAMESPACE}:text:{job_id}"

    @staticmethod
    def _finished_key(job_id: str) -> str:
        return f"{NAMESPACE}:finished:{job_id}"

    _PENDING_KEY = f"{NAMESPACE}:pending"
    _UNSENT_KEY = f"{NAMESPACE}:unsent"
    _WORKERS_KEY = f"{NAMESPACE}:workers"
    _RECOVERY_TURN_KEY = f"{NAMESPACE}:recovery-turn"
    _COUNTERS_KEY = f"{NAMESPACE}:counters"
    _REQUESTS_KEY = f"{NAMESPACE}:requests"
    _LATENCY_KEY = f"{NAMESPACE}:latency"
    _FAILURES_KEY = f"{NAMESPACE}:failures"

    @staticmethod
    def _holding_key(worker: str) -> str:
        return f"{NAMESPACE}:holding:{worker}"

    @staticmethod
    def _rate_key(client: str, window: int) -> str:
        if CLIENT_KEY_PATTERN.fullmatch(client) is None:
            raise ValueError("rate-limit clients are hex digests, never raw client input")
        return f"{NAMESPACE}:ratelimit:{client}:{window}"

    # Reads --------------------------------------------------------------------------------------
    def ping(self) -> None:
        """Raise one of `TRANSIENT_ERRORS` unless Redis answers."""
        self.client.ping()

    def get(self, job_id: str) -> Job | None:
        raw = self.client.get(self._job_key(job_id))
        return Job.from_json(raw) if raw else None

    def get_text(self, job_id: str) -> str | None:
        return self.client.get(self._text_key(job_id))

    def wait(self, job_id: str, timeout: float) -> Job | None:
        """The job once it has finished, or as it stands after `timeout` seconds.

        Blocks inside Redis (BRPOPLPUSH of the job's end-of-job list onto itself, which
        rotates the element in place so every concurrent waiter sees it; BLMOVE would do
        the same but fakeredis does not block on it); no polling loop. The
        record is read before blocking, and the signal is pushed in the same
        transaction that finishes the job, so an end between the two is not missed.
        """
        job = self.get(job_id)
        if job is None or job.status.finished or timeout <= 0:
            return job
        signal = self._finished_key(job_id)
        self.waiting_client.brpoplpush(signal, signal, timeout)
        return self.get(job_id)

    # Transitions --------------------------------------------------------------------------------
    def submit(self, job_id: str, text: str, *, title: str | None = None, url: str | None = None,
               ref: str | None = None) -> tuple[Job, bool]:
        """Record a new article as `queued`, pending and unsent, in one transaction; returns (job, created).

        An article already known (queued, processing or done) is returned unchanged with
        `created=False` and needs no task. A `failed` one is queued afresh. Once recorded, a job
        is pending until it finishes and unsent until `mark_sent`, so the recovery sweep finds
        it if its task never arrives.
        """
        def queue(current: Job | None) -> Job | None:
            if current is not None and current.status is not JobStatus.FAILED:
                return None
            return Job(id=job_id, status=JobStatus.QUEUED, submitted_at=utc_now(), title=title, url=url, ref=ref)

        def store_text(pipe: redis.client.Pipeline, job: Job) -> None:
            pipe.set(self._text_key(job_id), text, ex=self.ttl)
            pipe.delete(self._finished_key(job_id))
            now = time.time()
            pipe.zadd(self._PENDING_KEY, {job_id: now})
            pipe.zadd(self._UNSENT_KEY, {job_id: now})

        return self._transition(job_id, queue, store_text)

    def mark_sent(self, job_id: str) -> None:
        """The new job's task is in the queue: clear it from the unsent jobs and count it `enqueued`."""
        with self.client.pipeline() as pipe:
            pipe.zrem(self._UNSENT_KEY, job_id)
            pipe.hincrby(self._COUNTERS_KEY, "enqueued", 1)
            pipe.execute()

    def claim(self, job_id: str) -> Job | None:
        """Mark the job `processing` for a worker about to run it; None means: skip, nothing to do.

        Queued and processing jobs are claimed (processing again after a redelivery, when the
        first worker died); finished or unknown ones are not, so a finished result stays.
        """
        def start(current: Job | None) -> Job | None:
            if current is None or current.status.finished:
                return None
            return replace(current, status=JobStatus.PROCESSING, started_at=utc_now(), attempts=current.attempts + 1)

        job, claimed = self._transition(job_id, start)
        return job if claimed else None

    def finish(self, job_id: str, result: dict[str, Any]) -> Job:
        """Record the result as `done` (a job already done keeps its first result)."""
        def complete(current: Job | None) -> Job | None:
            if current is not None and current.status is JobStatus.DONE:
                return None
            base = current or Job(id=job_id, status=JobStatus.PROCESSING, submitted_at=None)
            return replace(base, status=JobStatus.DONE, finished_at=utc_now(), result=result, error=None)

        job, _ = self._transition(job_id, complete, self._announce_end)
        return job

    def fail(self, job_id: str, code: str, message: str) -> Job:
        """Record a permanent failure as `failed` with `{code, message}`; a done job stays done."""
        def give_up(current: Job | None) -> Job | None:
            if current is not None and current.status is JobStatus.DONE:
                return None
            base = current or Job(id=job_id, status=JobStatus.PROCESSING, submitted_at=None)
            return replace(base, status=JobStatus.FAILED, finished_at=utc_now(), result=None,
                           error=JobError(code=code, message=message))

        job, _ = self._transition(job_id, give_up, self._announce_end)
        return job

    def _announce_end(self, pipe: redis.client.Pipeline, job: Job) -> None:
        """Signal waiters, count the outcome and end the job's pending entry, in the transaction that finishes it."""
        pipe.expire(self._text_key(job.id), self.ttl)
        pipe.zrem(self._PENDING_KEY, job.id)
        pipe.zrem(self._UNSENT_KEY, job.id)
        pipe.rpush(self._finished_key(job.id), job.status.value)
        pipe.expire(self._finished_key(job.id), FINISHED_SIGNAL_TTL)
        if job.status is JobStatus.DONE:
            pipe.hincrby(self._COUNTERS_KEY, "succeeded", 1)
            latency = seconds_between(job.submitted_at, job.finished_at)
            if latency is not None:
                bucket = next((str(bound) for bound in LATENCY_BUCKETS if latency <= bound), "+Inf")
                pipe.hincrby(self._LATENCY_KEY, bucket, 1)
                pipe.hincrby(self._LATENCY_KEY, "count", 1)
                pipe.hincrbyfloat(self._LATENCY_KEY, "sum", latency)
        else:
            pipe.hincrby(self._COUNTERS_KEY, "failed", 1)
            failure = {"id": job.id, "at": job.finished_at, "attempts": job.attempts,
                       "code": job.error.code if job.error else None,
                       "message": job.error.message if job.error else None}
            pipe.lpush(self._FAILURES_KEY, json.dumps(failure, ensure_ascii=False))
            pipe.ltrim(self._FAILURES_KEY, 0, RECENT_FAILURES - 1)

    def _transition(self, job_id: str, change: Callable[[Job | None], Job | None],
                    also: Callable[[redis.client.Pipeline, Job], Any] | None = None) -> tuple[Job | None, bool]:
        """Apply `change` to the job record atomically; returns (record now stored, whether it changed).

        `change` gets the current record (or None) and returns the new one, or None to leave it;
        `also` queues further commands into the same transaction. On a concurrent write the
        transaction is retried with the fresh record.
        """
        key = self._job_key(job_id)
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    current = Job.from_json(raw) if raw else None
                    updated = change(current)
                    if updated is None:
                        pipe.unwatch()
                        return current, False
                    pipe.multi()
                    pipe.set(key, updated.to_json(), ex=self.ttl)
                    if also is not None:
                        also(pipe, updated)
                    pipe.execute()
                    return updated, True
                except redis.WatchError:
                    continue

    # Workers and counters -----------------------------------------------------------------------
    def heartbeat(self, worker: str, holding: Iterable[str] = (), *, forget_after: int = 3600) -> None:
        """Note that `worker` is alive now and holds the jobs `holding`; forget workers silent for `forget_after` s."""
        now = time.time()
        with self.client.pipeline() as pipe:
            pipe.zadd(self._WORKERS_KEY, {worker: now})
            pipe.zremrangebyscore(self._WORKERS_KEY, "-inf", now - forget_after)
            pipe.set(self._holding_key(worker), json.dumps(sorted(holding)), ex=forget_after)
            pipe.execute()

    def retire(self, worker: str) -> None:
        """Forget `worker` at once (clean shutdown)."""
        with self.client.pipeline() as pipe:
            pipe.zrem(self._WORKERS_KEY, worker)
            pipe.delete(self._holding_key(worker))
            pipe.execute()

    def live_workers(self, max_silence: float) -> list[str]:
        """Workers whose last heartbeat is at most `max_silence` seconds old."""
        return self.client.zrangebyscore(self._WORKERS_KEY, time.time() - max_silence, "+inf")

    def held_jobs(self, max_silence: float) -> set[str]:
        """The jobs that live workers (`live_workers(max_silence)`) held at their last heartbeat."""
        workers = self.live_workers(max_silence)
        if not workers:
            return set()
        return {job_id for raw in self.client.mget([self._holding_key(worker) for worker in workers]) if raw
                for job_id in json.loads(raw)}

    # Pending jobs and their recovery --------------------------------------------------------------
    def pending_census(self, held: set[str]) -> tuple[int, set[str]]:
        """(jobs pending, those of `held` that are pending), read together."""
        candidates = sorted(held)
        with self.client.pipeline() as pipe:
            pipe.zcard(self._PENDING_KEY)
            if candidates:
                pipe.zmscore(self._PENDING_KEY, candidates)
            answers = pipe.execute()
        scores = answers[1] if candidates else []
        return answers[0], {job_id for job_id, score in zip(candidates, scores) if score is not None}

    def unsent_jobs(self) -> list[tuple[str, float]]:
        """The new jobs whose task the API has not confirmed sending, (id, time of the record), oldest first."""
        return self.client.zrange(self._UNSENT_KEY, 0, -1, withscores=True)

    def oldest_pending(self, count: int) -> list[tuple[str, float]]:
        """Up to `count` pending jobs, (id, time their task was last sent), the longest-sent first."""
        if count <= 0:
            return []
        return self.client.zrange(self._PENDING_KEY, 0, count - 1, withscores=True)

    def overdue_jobs(self, age: float) -> int:
        """Pending jobs whose task was last sent more than `age` seconds ago."""
        return self.client.zcount(self._PENDING_KEY, "-inf", f"({time.time() - age}")

    def still_unfinished(self, job_id: str, since: float) -> bool:
        """Whether job `job_id` is queued or processing, and has not been started at `since` (epoch s) or later.

        The pending and unsent entries of a record that expired are removed (unless the job was submitted again).
        """
        key = self._job_key(job_id)
        with self.client.pipeline() as pipe:
            try:
                pipe.watch(key)
                raw = pipe.get(key)
                if raw is None:
                    pipe.multi()
                    pipe.zrem(self._PENDING_KEY, job_id)
                    pipe.zrem(self._UNSENT_KEY, job_id)
                    pipe.execute()
                    return False
                pipe.unwatch()
            except redis.WatchError:
                return False
        job = Job.from_json(raw)
        if job.status.finished:
            return False
        return job.status is JobStatus.QUEUED or epoch_seconds(job.started_at) < since

    def note_recovered(self, job_id: str) -> None:
        """Count a job whose task was sent again, and restart its pending clock (unless it has finished since)."""
        with self.client.pipeline() as pipe:
            pipe.zadd(self._PENDING_KEY, {job_id: time.time()}, xx=True)
            pipe.zrem(self._UNSENT_KEY, job_id)
            pipe.hincrby(self._COUNTERS_KEY, "recovered", 1)
            pipe.execute()

    def take_recovery_turn(self, seconds: float) -> bool:
        """True for one caller per `seconds`: the recovery processes of a service take turns, never sweep together."""
        return bool(self.client.set(self._RECOVERY_TURN_KEY, "1", nx=True, px=math.ceil(seconds * 1000)))

    def count(self, counter: str, amount: int = 1) -> None:
        """Add to one of the service-wide `COUNTERS`."""
        if counter not in COUNTERS:
            raise ValueError(f"unknown counter {counter!r}")
        self.client.hincrby(self._COUNTERS_KEY, counter, amount)

    def counters(self) -> dict[str, int]:
        """The `COUNTERS` counted so far (one never counted is absent)."""
        return {name: int(value) for name, value in self.client.hgetall(self._COUNTERS_KEY).items()}

    # Operations: request counts, latency, failures, rate limits ------------------------------------
    def count_request(self, method: str, route: str, status: int) -> None:
        """Count one answered HTTP request; `route` is the URL rule (never the raw path)."""
        self.client.hincrby(self._REQUESTS_KEY, f"{method} {route} {status}", 1)

    def request_counts(self) -> dict[tuple[str, str, int], int]:
        """(method, route, status) -> requests answered, summed over every API process."""
        counts = {}
        for field, value in self.client.hgetall(self._REQUESTS_KEY).items():
            method, route, status = field.split(" ")
            counts[(method, route, int(status))] = int(value)
        return counts

    def latency_histogram(self) -> tuple[list[tuple[float, int]], float, int]:
        """Submit-to-done latency: ([(upper bound, jobs in that bucket)], sum of seconds, jobs)."""
        stored = self.client.hgetall(self._LATENCY_KEY)
        buckets = [(bound, int(stored.get(str(bound), 0))) for bound in LATENCY_BUCKETS]
        buckets.append((math.inf, int(stored.get("+Inf", 0))))
        return buckets, float(stored.get("sum", 0.0)), int(stored.get("count", 0))

    def recent_failures(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest failures, newest first: {id, at, attempts, code, message}."""
        return [json.loads(raw) for raw in self.client.lrange(self._FAILURES_KEY, 0, limit - 1)]

    def hit_rate_limit(self, client: str, window_seconds: int) -> tuple[int, float]:
        """Count one request of `client` (a hex digest) in the current fixed window.

        Returns (requests of this client in the window so far, seconds until the window ends).
        The counter lives in Redis, so every API process shares it.
        """
        now = time.time()
        window = int(now // window_seconds)
        key = self._rate_key(client, window)
        with self.client.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, window_seconds + 1)
            hits, _ = pipe.execute()
        return int(hits), (window + 1) * window_seconds - now


def seconds_between(start: str | None, end: str | None) -> float | None:
    """Seconds from one `utc_now()` stamp to another (None when either is missing)."""
    if not start or not end:
        return None
    return max(0.0, epoch_seconds(end) - epoch_seconds(start))


def epoch_seconds(stamp: str | None) -> float:
    """A `utc_now()` stamp as seconds since the epoch (0 for none)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else 0.0
