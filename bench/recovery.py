"""Fault drill: no accepted article is lost when workers and Redis die under load.

    python3 bench/recovery.py [--runs 5] [--articles 120]

Each run starts its own service on free loopback ports, in production shape
(`tests/support/whosaid_stack.py`): redis-server with its append-only file synced on
every write (`appendfsync always`), gunicorn, 2 Celery workers and `whosaid recover`.
It submits `--articles` distinct articles (each takes a second more than the engine
needs, so tasks are in flight when the faults strike) in five parts, with a fault
after each of the first four:

1. a worker is SIGKILLed, main process and pool, while it holds an article; a new worker starts;
2. Redis is killed (`kill -9`) and restarted from its append-only file;
3. Redis is killed by the API itself between writing a new article's record and sending
   its task (`tests/reliability/api_fault_plugin.py`), then restarted;
4. Redis is shut down cleanly and restarted.

Articles submitted while Redis is down get 503 and are submitted again until accepted,
as a client would. Then every article is followed to its end. Printed per run:
articles finished of those submitted, answers by status, 5xx outside the outages (any
is a failure; the documented 503 while Redis is down is not), jobs the recovery sweep
enqueued again, the longest from a fault to the sweep sending a job's task again, and
the slowest of those jobs from submission to done (a recovered task joins the end of
the queue). Exit status 1 when
an article did not finish or a 5xx came outside an outage.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "support"))
sys.path.insert(0, str(REPO / "tests" / "reliability"))

from reliability_client import ACCEPTED, Answer, Traffic  # noqa: E402
from reliability_faults import API_FAULT_APP, FAULT_PLUGIN, REDIS_KILL_MARKER, SLOW_MARKER  # noqa: E402
from whosaid_stack import RedisServer, ServiceStack, jobs_in_hand  # noqa: E402

from workers.store import JobStore, epoch_seconds, seconds_between  # noqa: E402

SETTINGS = {"heartbeat_interval": 1, "recover_after": 5, "recovery_interval": 1, "soft_time_limit": 20,
            "hard_time_limit": 25, "max_retries": 5}
"""Fast heartbeats and sweeps so that a lost job is found within seconds; the default visibility timeout
(360 s), so that Celery's own redelivery of a dead worker's tasks comes too late to do the sweep's work."""
OUTAGE_SECONDS = 3.0
OUTAGE_GRACE_SECONDS = 1.0
"""A 503 counts as one of the outage's when its request started at most this long after Redis was back."""
RETRY_PAUSE = 0.25
FINISH_TIMEOUT = 300.0
PARTS = (0.3, 0.3, 0.1, 0.2)
"""Shares of the articles submitted before each of the four faults; the rest come after the last. The
third fault submits the first article of the fourth part, which kills Redis (`REDIS_KILL_MARKER`)."""


def drill_article(number: int) -> str:
    return (f'"Ward {number} will stay open through the winter," the hospital director said on Friday. '
            f'Nurses were not convinced. "We have heard promise number {number} before," said Joan Okafor, '
            f"a union steward. {SLOW_MARKER}")


@dataclass
class DrillReport:
    articles: int
    seconds: float = 0.0
    finished: int = 0
    done: int = 0
    statuses: Counter = field(default_factory=Counter)
    outage_503s: int = 0
    unexpected_5xx: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    """Jobs the recovery sweep enqueued again, in its log's order."""
    slowest_recovered_seconds: float = 0.0
    """Submission to done of the slowest job the sweep enqueued again."""
    slowest_resend_seconds: float = 0.0
    """The longest time from a fault to the sweep sending again the task of a job (lost in that fault or later)."""
    succeeded_counted: int = 0
    """Jobs counted `done` by the store: once each, however often they ran."""
    unfinished: list[dict] = field(default_factory=list)
    injected_job: str = ""
    """The article whose task the API never sent (Redis killed between its record and its task)."""
    accepted: dict[str, str] = field(default_factory=dict)
    """Job id -> text of every accepted article."""
    jobs: dict[str, dict] = field(default_factory=dict)
    """Job id -> the job as the API last showed it."""

    @property
    def ok(self) -> bool:
        return self.done == self.articles and not self.unexpected_5xx and self.succeeded_counted == self.articles

    def figures(self) -> dict[str, object]:
        return {"finished": f"{self.finished}/{self.articles}", "done": self.done,
                "statuses": dict(sorted(self.statuses.items())), "outage_503": self.outage_503s,
                "other_5xx": len(self.unexpected_5xx), "recovered": len(self.recovered),
                "slowest_resend_s": round(self.slowest_resend_seconds, 1),
                "slowest_recovered_s": round(self.slowest_recovered_seconds, 1),
                "succeeded_counted": self.succeeded_counted, "seconds": round(self.seconds, 1)}

    def line(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in self.figures().items())


class Drill:
    """One run: the stack, a client that resubmits refused articles, and the outage windows it lived through."""

    def __init__(self, work_dir: Path, articles: int):
        self.work_dir = work_dir
        self.texts = [drill_article(number) for number in range(articles)]
        self.bounds = [round(articles * sum(PARTS[:index + 1])) for index in range(len(PARTS))]
        self.texts[self.bounds[2]] += f" {REDIS_KILL_MARKER}"
        self.redis = RedisServer(work_dir / "redis", appendonly=True, appendfsync="always")
        self.stack: ServiceStack | None = None
        self.traffic: Traffic | None = None
        self.outages: list[tuple[float, float]] = []
        self.fault_times: list[float] = []
        """`time.time()` of each fault, comparable with the recovery log's stamps."""
        self.report = DrillReport(articles=articles)

    def run(self) -> DrillReport:
        (self.work_dir / "redis").mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        with self.redis, ServiceStack(self.redis.url, self.work_dir / "stack", workers=2, app=API_FAULT_APP,
                                      worker_args=("--include", FAULT_PLUGIN), **SETTINGS) as stack:
            self.stack = stack
            self.traffic = Traffic(stack.base_url)
            parts = [self.texts[start:end] for start, end in zip([0, *self.bounds], [*self.bounds, len(self.texts)])]
            faults = [self.kill_a_busy_worker, self.crash_redis, self.kill_redis_before_a_task_is_sent,
                      self.restart_redis_cleanly]
            for part, fault in zip(parts, faults):
                self.submit_all(part)
                fault()
            self.submit_all(parts[-1])
            self.follow_to_the_end(began)
        return self.report

    # Faults -----------------------------------------------------------------------------------------
    def kill_a_busy_worker(self) -> None:
        victim = self.stack.workers[0]
        deadline = time.monotonic() + 60
        while not jobs_in_hand(victim):
            if time.monotonic() > deadline:
                raise RuntimeError("the first worker never started an article")
            time.sleep(0.05)
        self.fault_times.append(time.time())
        victim.kill(signal.SIGKILL)
        victim.popen.wait(timeout=10)
        self.stack.start_worker()

    def crash_redis(self) -> None:
        time.sleep(1)  # let the workers take articles
        down = time.monotonic()
        self.fault_times.append(time.time())
        self.redis.crash()
        self.probe_until(down + OUTAGE_SECONDS)
        self.redis.start()
        self.outages.append((down, time.monotonic()))

    def kill_redis_before_a_task_is_sent(self) -> None:
        text = self.texts[self.bounds[2]]
        down = time.monotonic()
        self.fault_times.append(time.time())
        answer = self.traffic.submit(text)
        if answer.status != 503:
            raise RuntimeError(f"the article meant to kill Redis was answered {answer.status}: {answer.body}")
        self.redis.process.popen.wait(timeout=10)
        self.probe_until(down + OUTAGE_SECONDS)
        self.redis.start()
        self.outages.append((down, time.monotonic()))
        self.report.injected_job = self.submit_until_accepted(text).body["id"]

    def restart_redis_cleanly(self) -> None:
        down = time.monotonic()
        self.fault_times.append(time.time())
        self.redis.stop()
        self.probe_until(down + OUTAGE_SECONDS)
        self.redis.start()
        self.outages.append((down, time.monotonic()))

    # Client -----------------------------------------------------------------------------------------
    def submit_all(self, texts: list[str]) -> None:
        for text in texts:
            self.submit_until_accepted(text)

    def submit_until_accepted(self, text: str, timeout: float = 120) -> Answer:
        deadline = time.monotonic() + timeout
        while True:
            answer = self.traffic.submit(text)
            if answer.status in ACCEPTED:
                return answer
            if answer.status != 503 or time.monotonic() > deadline:
                raise RuntimeError(f"submission answered {answer.status}: {answer.body}")
            time.sleep(RETRY_PAUSE)

    def probe_until(self, moment: float) -> None:
        """While Redis is down: submit the last article and ask for an accepted one, as clients do (503 expected)."""
        some_job = next(iter(self.traffic.accepted))
        while time.monotonic() < moment:
            self.traffic.submit(self.texts[-1])
            self.traffic.request("GET", f"/v1/articles/{some_job}")
            time.sleep(RETRY_PAUSE)

    def follow_to_the_end(self, began: float) -> None:
        report, traffic = self.report, self.traffic
        jobs: dict[str, dict] = {}
        deadline = time.monotonic() + FINISH_TIMEOUT
        for job_id in traffic.accepted:
            while time.monotonic() < deadline:
                job = traffic.job(job_id, wait=min(10.0, max(1.0, deadline - time.monotonic())))
                jobs[job_id] = job
                if job["status"] in ("done", "failed"):
                    break
        report.seconds = time.monotonic() - began
        report.accepted, report.jobs = traffic.accepted, jobs
        report.finished = sum(job["status"] in ("done", "failed") for job in jobs.values())
        report.done = sum(job["status"] == "done" for job in jobs.values())
        report.unfinished = [job for job in jobs.values() if job["status"] not in ("done", "failed")]
        report.statuses = traffic.statuses
        for answer in traffic.server_error_answers:
            if answer.status == 503 and self.during_an_outage(answer):
                report.outage_503s += 1
            else:
                report.unexpected_5xx.append(f"{answer.status} {answer.body}")
        recoveries = recovered_jobs(self.stack.recovery.log_path)
        report.recovered = [job_id for job_id, _ in recoveries]
        latencies = [seconds_between(jobs[job_id]["submitted_at"], jobs[job_id]["finished_at"])
                     for job_id in report.recovered if jobs.get(job_id, {}).get("finished_at")]
        report.slowest_recovered_seconds = max(latencies, default=0.0)
        report.slowest_resend_seconds = max((sent - max(fault for fault in self.fault_times if fault <= sent)
                                             for _, sent in recoveries), default=0.0)
        store = JobStore.from_url(self.redis.url, ttl=3600, timeout=2, longest_wait=5)
        report.succeeded_counted = store.counters().get("succeeded", 0)

    def during_an_outage(self, answer: Answer) -> bool:
        return any(down <= answer.started + answer.seconds and answer.started <= up + OUTAGE_GRACE_SECONDS
                   for down, up in self.outages)


def recovered_jobs(recovery_log: Path) -> list[tuple[str, float]]:
    """(job id, `time.time()` of sending its task) for every job `whosaid recover` enqueued again, from its log."""
    found = []
    for line in recovery_log.read_text(errors="replace").splitlines():
        if line.startswith("{") and line.endswith("}"):
            entry = json.loads(line)
            if entry.get("logger") == "workers.recovery" and "job_id" in entry:
                found.append((entry["job_id"], epoch_seconds(entry["ts"])))
    return found


def run_drill(work_dir: Path, articles: int = 120) -> DrillReport:
    return Drill(work_dir, articles).run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args()
    if not 1 <= args.runs <= 20 or not 20 <= args.articles <= 1000:
        parser.error("--runs must be 1..20 and --articles 20..1000")
    reports = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="whosaid-recovery-") as scratch:
            report = run_drill(Path(scratch), args.articles)
        reports.append(report)
        print(f"run {run}: {report.line()}", flush=True)
        for problem in [*report.unexpected_5xx, *map(str, report.unfinished)]:
            print(f"  {problem[:300]}", flush=True)
    good = sum(report.ok for report in reports)
    resend = max(report.slowest_resend_seconds for report in reports)
    slowest = max(report.slowest_recovered_seconds for report in reports)
    print(f"{good} of {len(reports)} runs finished every article with no 5xx outside the outages; a lost task "
          f"was sent again at most {resend:.1f} s after its fault; slowest recovered job {slowest:.1f} s from "
          f"submission to done")
    return 0 if good == len(reports) else 1


if __name__ == "__main__":
    sys.exit(main())
