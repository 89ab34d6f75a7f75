"""Benchmark of the deployed service: gunicorn + real Redis + 1, then 2 Celery workers.

    python3 bench/service.py [--articles 300] [--clients 16] [--rounds 3] [--dev PATH] [--json OUT]

For 1 and then 2 worker processes, the articles are split into `--rounds` batches, and
each batch is measured twice in turn, so that the machine's drifting speed (this VM's
varies by 10-30% from one half-minute to the next) hits the engine and the service alike:
1. The engine alone: `attribute` on the batch in a fresh process kept for the whole phase
   (model loaded and warmed up on a text outside the set first, like a worker; fresh
   because an engine that has seen an article before is faster on it); for 2 workers,
   also 2 such processes side by side (what the machine's cores give two engines, the
   fair yardstick of queue and HTTP overhead).
2. The service with that many worker processes (concurrency 1 each, a fresh redis-server
   for the phase so nothing is cached, a few untimed articles first so every worker
   has its model loaded): `--clients` threads submit the batch over
   HTTP (`POST /v1/articles`) and wait for each (`GET ...?wait=`).
Printed per phase: throughput, its ratio to N x the engine's (overall and per round),
CPU per article of the engine alone and of each part of the service (pool processes, the
workers' main processes, gunicorn, Redis, the load generator), p50/p95/p99 submit-to-done
latency, then the p99 of GETs of finished jobs (cached results), and the idle memory of each
worker (its main process and pool child, RSS and PSS).

Targets: ratio >= 0.9 per worker, 2 workers >= 1.5x one worker, cached GET p99 < 10 ms.
Articles: the dev set's texts (`../shared/eval/polnear-dev.jsonl`) when present,
else generated news-like texts; the output says which. The dev texts are
third-party: read at run time, never written into the repository.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "support"))

from whosaid_stack import RedisServer, ServiceStack  # noqa: E402

DEFAULT_DEV_SET = REPO.parent / "shared" / "eval" / "polnear-dev.jsonl"
RATIO_TARGET = 0.9
SCALING_TARGET = 1.5
CACHED_GET_P99_TARGET_MS = 10.0
CACHED_GETS = 2000
IDLE_SECONDS = 5


@dataclass
class Run:
    workers: int
    articles: int
    engine_throughput: float
    engine_parallel_throughput: float
    seconds: float
    throughput: float
    ratio_to_engine: float
    round_ratios: list[float]
    worker_cpu_share: float
    worker_runqueue_share: float
    latency_p50: float
    latency_p95: float
    latency_p99: float
    cached_get_p50_ms: float
    cached_get_p99_ms: float
    idle_worker_rss_mb: list[float]
    idle_worker_pss_mb: list[float]
    cpu_ms_per_article: dict[str, float]


def load_articles(count: int, dev_set: Path) -> tuple[list[str], str]:
    """`count` distinct article texts, and where they come from."""
    if dev_set.exists():
        texts = list(dict.fromkeys(json.loads(line)["text"] for line in dev_set.open(encoding="utf-8")))
        if len(texts) >= count:
            return texts[:count], f"dev set {dev_set.name} (first {count} texts)"
    return [generated_article(number) for number in range(count)], f"{count} generated news-like texts"


def generated_article(number: int) -> str:
    """A news-like text with direct, mixed and reported quotes; distinct for each `number`."""
    rng = random.Random(number)
    first = ["Maria", "John", "Aisha", "Pedro", "Lena", "Tomasz", "Grace", "Hiro", "Fatima", "Oliver"]
    last = ["Okafor", "Lindqvist", "Marchetti", "Reyes", "Diallo", "Hensley", "Novak", "Tanaka", "Brennan"]
    roles = ["the finance minister", "a spokesman for the union", "the city's mayor", "a local shopkeeper",
             "the head of the hospital", "an opposition lawmaker", "the company's chief executive"]
    topics = ["the new budget", "the strike", "the flooding", "the election", "the bridge repairs",
              "the school closures", "the fuel prices", "the harbour expansion"]
    verbs = ["said", "told reporters", "added", "warned", "explained"]
    paragraphs = [f"Officials in district {number} met on {rng.choice(['Monday', 'Tuesday', 'Friday'])} "
                  f"to discuss {rng.choice(topics)}, which has divided residents for months."]
    for _ in range(rng.randint(5, 9)):
        name = f"{rng.choice(first)} {rng.choice(last)}"
        role, topic, verb = rng.choice(roles), rng.choice(topics), rng.choice(verbs)
        paragraphs.append(rng.choice([
            f'"We cannot wait any longer on {topic}," {name}, {role}, {verb}. '
            f'"People in district {number} deserve an answer this year."',
            f"{name}, {role}, {verb} that {topic} would cost more than expected. "
            f"According to {name.split()[1]}, the council had ignored {rng.randint(2, 40)} warnings.",
            f'{name} called {topic} "a test of whether this city still listens to its people." '
            f"He {verb} the vote would take place in {rng.choice(['March', 'June', 'October'])}.",
        ]))
    return "\n\n".join(paragraphs)


def _start_engine(ready) -> None:
    """Pool initializer: load the model and warm up on a text outside the measured set, as a worker does."""
    from attribution import attribute

    attribute(generated_article(-1))
    ready.wait()


def _attribute_one(text: str) -> float:
    """Attribute `text`; the CPU seconds it took."""
    from attribution import attribute

    started = time.process_time()
    attribute(text)
    return time.process_time() - started


def _ready() -> None:
    pass


class EngineBaseline:
    """`processes` fresh engine processes, kept for a whole phase, each article given to them once.

    Fresh processes, like the service's workers: an engine that has attributed an article before
    does it again ~13% faster (spaCy's tokenizer cache and vocabulary keep its words), so a
    baseline measured in a process that had already seen the articles would not be comparable.
    Each process loads the model and warms up on a text outside the set before any clock starts.
    """

    def __init__(self, processes: int):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.pool = context.Pool(processes, initializer=_start_engine, initargs=(context.Barrier(processes),))
        self.pool.apply(_ready)  # every process has passed the barrier: loaded and warmed up

    def seconds(self, texts: list[str]) -> tuple[float, float]:
        """Wall-clock seconds the processes take to attribute `texts` between them, and their CPU seconds."""
        started = time.perf_counter()
        cpu = sum(self.pool.imap_unordered(_attribute_one, texts, chunksize=1))
        return time.perf_counter() - started, cpu

    def __enter__(self) -> "EngineBaseline":
        return self

    def __exit__(self, *exc_info) -> None:
        self.pool.terminate()
        self.pool.join()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Client:
    """One persistent HTTP connection (keep-alive), as a real client library would use."""

    def __init__(self, base_url: str):
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
        status, raw = self.request_raw(method, path, body)
        return status, json.loads(raw)

    def request_raw(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def submit_all(base_url: str, texts: list[str], clients: int) -> tuple[float, list[float], list[str]]:
    """Submit every text from `clients` threads, each waiting for its article; (seconds, latencies, job URLs)."""
    pending = iter(enumerate(texts))
    lock = threading.Lock()
    latencies: list[float] = []
    urls: list[str] = []
    failures: list[str] = []

    def client_loop() -> None:
        client = Client(base_url)
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            index, text = item
            started = time.perf_counter()
            status, job = client.request("POST", "/v1/articles", json.dumps({"text": text, "ref": str(index)}).encode())
            while status in (200, 202) and job["status"] in ("queued", "processing"):
                status, job = client.request("GET", f"{job['links']['self']}?wait=30")
            elapsed = time.perf_counter() - started
            with lock:
                if status != 200 or job["status"] != "done":
                    failures.append(f"article {index}: HTTP {status} {job}")
                latencies.append(elapsed)
                urls.append(job["links"]["self"])

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit("articles not done:\n" + "\n".join(failures[:10]))
    return seconds, latencies, urls


def cached_get_latencies(base_url: str, urls: list[str], total: int, clients: int = 2) -> list[float]:
    """Milliseconds of GETs of finished jobs (full result inline), from `clients` threads."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client_loop(seed: int) -> None:
        client = Client(base_url)
        rng = random.Random(seed)
        mine = []
        for _ in range(total // clients):
            started = time.perf_counter()
            status, _ = client.request_raw("GET", rng.choice(urls))  # not parsed: time the server, not the client
            mine.append((time.perf_counter() - started) * 1000)
            assert status == 200
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client_loop, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    found = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split():
            found += process_tree(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by the processes `pids`."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def process_tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB of `pid` and its children (a worker's main process and its pool)."""
    rss = pss = 0.0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) / 1024
    return rss, pss


def pool_schedule_seconds(pid: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for a CPU) so far, of the pool processes of worker `pid`."""
    running = waiting = 0
    for child in process_tree(pid)[1:]:
        on_cpu, on_runqueue, _ = Path(f"/proc/{child}/schedstat").read_text().split()
        running, waiting = running + int(on_cpu), waiting + int(on_runqueue)
    return running / 1e9, waiting / 1e9


def service_processes(stack: ServiceStack, redis_server: RedisServer) -> dict[str, list[int]]:
    """The service's processes by role, for CPU accounting."""
    mains = [worker.pid for worker in stack.workers]
    return {"pool processes": [pid for main in mains for pid in process_tree(main)[1:]],
            "worker main processes": mains, "API (gunicorn)": process_tree(stack.api.pid),
            "Redis": [redis_server.process.pid]}


def service_cpu(processes: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far by role; the load generator is this process (its client threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {**{role: cpu_seconds(pids) for role, pids in processes.items()},
            "load generator": usage.ru_utime + usage.ru_stime}


def run_with_workers(workers: int, texts: list[str], clients: int, rounds: int, log_dir: Path) -> Run:
    """One phase: in each round, the engine alone and then the service with `workers` on the same batch."""
    size = -(-len(texts) // rounds)
    batches = [texts[start:start + size] for start in range(0, len(texts), size)]
    engine_seconds = engine_cpu = parallel_seconds = service_seconds = running = waiting = 0.0
    service_cpu_used: dict[str, float] = {}
    latencies: list[float] = []
    urls: list[str] = []
    round_ratios = []
    with ExitStack() as stack_of:
        single = stack_of.enter_context(EngineBaseline(1))
        side_by_side = stack_of.enter_context(EngineBaseline(workers)) if workers > 1 else None
        redis_server = stack_of.enter_context(RedisServer(log_dir))
        stack = stack_of.enter_context(ServiceStack(redis_server.url, log_dir, workers=workers,
                                                    api_threads=max(16, clients)))
        warm_up = [generated_article(-1 - number) for number in range(2 * workers)]
        submit_all(stack.base_url, warm_up, len(warm_up))  # every pool process has run the engine once
        processes = service_processes(stack, redis_server)
        for batch in batches:
            alone, alone_cpu = single.seconds(batch)
            engine_seconds += alone
            engine_cpu += alone_cpu
            if side_by_side is not None:
                parallel_seconds += side_by_side.seconds(batch)[0]
            before = [pool_schedule_seconds(worker.pid) for worker in stack.workers]
            cpu_before = service_cpu(processes)
            seconds, batch_latencies, batch_urls = submit_all(stack.base_url, batch, clients)
            cpu_after = service_cpu(processes)
            after = [pool_schedule_seconds(worker.pid) for worker in stack.workers]
            for role, used in cpu_after.items():
                service_cpu_used[role] = service_cpu_used.get(role, 0.0) + used - cpu_before[role]
            running += sum(end[0] - start[0] for start, end in zip(before, after))
            waiting += sum(end[1] - start[1] for start, end in zip(before, after))
            service_seconds += seconds
            latencies += batch_latencies
            urls += batch_urls
            round_ratios.append(round(alone / (workers * seconds), 2))
        gets = cached_get_latencies(stack.base_url, urls, CACHED_GETS)
        time.sleep(IDLE_SECONDS)
        memory = [process_tree_memory(worker.pid) for worker in stack.workers]
    engine_rate = len(texts) / engine_seconds
    throughput = len(texts) / service_seconds
    return Run(workers=workers, articles=len(texts), engine_throughput=engine_rate,
               engine_parallel_throughput=len(texts) / parallel_seconds if workers > 1 else engine_rate,
               seconds=service_seconds, throughput=throughput, ratio_to_engine=throughput / (workers * engine_rate),
               round_ratios=round_ratios, worker_cpu_share=running / (service_seconds * workers),
               worker_runqueue_share=waiting / (service_seconds * workers), latency_p50=percentile(latencies, 0.5),
               latency_p95=percentile(latencies, 0.95), latency_p99=percentile(latencies, 0.99),
               cached_get_p50_ms=percentile(gets, 0.5), cached_get_p99_ms=percentile(gets, 0.99),
               idle_worker_rss_mb=[round(rss, 1) for rss, _ in memory],
               idle_worker_pss_mb=[round(pss, 1) for _, pss in memory],
               cpu_ms_per_article={"engine alone": round(1000 * engine_cpu / len(texts), 1),
                                   **{role: round(1000 * used / len(texts), 1)
                                      for role, used in service_cpu_used.items()}})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="distinct articles per run (default 300)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients (default 16)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="batches in which engine and service take turns (default 3)")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV_SET, help="JSONL with a `text` per line")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.rounds <= args.articles:
        parser.error(f"--rounds must be between 1 and --articles ({args.articles}), got {args.rounds}")

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other processes skew every figure)")
    texts, source = load_articles(args.articles, args.dev)
    print(f"articles: {source}; {sum(map(len, texts)) / len(texts):.0f} characters on average")

    runs = []
    with tempfile.TemporaryDirectory(prefix="whosaid-bench-") as scratch:
        for workers in (1, 2):
            run = run_with_workers(workers, texts, args.clients, args.rounds, Path(scratch) / f"w{workers}")
            runs.append(run)
            print(f"\n{workers} worker(s): engine alone, one process: {run.engine_throughput:.2f} "
                  f"articles/s" + (f"; {workers} processes side by side: {run.engine_parallel_throughput:.2f}/s "
                                   f"({run.engine_parallel_throughput / run.engine_throughput:.2f}x)"
                                   if workers > 1 else ""))
            print(f"  service: {run.articles} articles in {run.seconds:.1f} s = {run.throughput:.2f}/s "
                  f"(ratio to {workers} x engine: {run.ratio_to_engine:.2f}, target >= {RATIO_TARGET}; "
                  f"by round {run.round_ratios}); pool processes on a CPU {100 * run.worker_cpu_share:.0f}% "
                  f"of the time, waiting for one {100 * run.worker_runqueue_share:.0f}%, idle the rest")
            if workers > 1:
                print(f"  ratio to the engine in {workers} processes side by side (what this machine gives "
                      f"{workers} engines): {run.throughput / run.engine_parallel_throughput:.2f}")
            print("  CPU per article, ms: " + ", ".join(f"{role} {ms}" for role, ms in run.cpu_ms_per_article.items()))
            print(f"  submit-to-done latency p50 {run.latency_p50:.2f} s, p95 {run.latency_p95:.2f} s, "
                  f"p99 {run.latency_p99:.2f} s")
            print(f"  cached GET p50 {run.cached_get_p50_ms:.2f} ms, p99 {run.cached_get_p99_ms:.2f} ms "
                  f"(target < {CACHED_GET_P99_TARGET_MS} ms)")
            print(f"  idle worker memory (main + pool process): RSS {run.idle_worker_rss_mb} MB, "
                  f"PSS {run.idle_worker_pss_mb} MB; load average now {os.getloadavg()[0]:.2f}")

    scaling = runs[1].throughput / runs[0].throughput
    print(f"\nscaling 2 workers / 1 worker: {scaling:.2f}x (target >= {SCALING_TARGET})")
    verdicts = {
        "ratio per worker": all(run.ratio_to_engine >= RATIO_TARGET for run in runs),
        "scaling": scaling >= SCALING_TARGET,
        "cached GET p99": all(run.cached_get_p99_ms < CACHED_GET_P99_TARGET_MS for run in runs),
    }
    for name, met in verdicts.items():
        print(f"  {name}: {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({"articles": source,
                                         "runs": [asdict(run) for run in runs], "scaling": scaling,
                                         "targets_met": verdicts}, indent=2))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
