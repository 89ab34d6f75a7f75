"""HTTP client side of the reliability tests: submit articles, follow them, tally every answer.

`Traffic` records the status of every request it makes, so a test can assert that
no answer was a 5xx and that every article accepted (200/202) reached an end.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

ACCEPTED = (200, 202)
FINISHED = ("done", "failed")


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict
    seconds: float
    started: float
    """`time.monotonic()` when the request was sent."""


@dataclass
class Traffic:
    """Requests against one service, with every status seen."""

    base_url: str
    statuses: Counter = field(default_factory=Counter)
    accepted: dict[str, str] = field(default_factory=dict)
    """job id -> article text, for every article the service accepted."""
    server_error_answers: list[Answer] = field(default_factory=list)
    """Every answer with a 5xx status, in order."""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 60) -> Answer:
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw, answer_headers = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), dict(error.headers)
        seconds = time.monotonic() - started
        self.statuses[status] += 1
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            raise AssertionError(f"{method} {path} answered {status} with a body that is not JSON: {raw[:200]!r}")
        answer = Answer(status, body, answer_headers, seconds, started)
        if status >= 500:
            self.server_error_answers.append(answer)
        return answer

    def submit(self, text: str, timeout: float = 60, *, plain: bool = False) -> Answer:
        """POST one article as JSON, or as a text/plain body when `plain`."""
        if plain:
            body, content_type = text.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            body, content_type = json.dumps({"text": text}).encode(), "application/json"
        answer = self.request("POST", "/v1/articles", body, {"Content-Type": content_type}, timeout=timeout)
        if answer.status in ACCEPTED:
            self.accepted[answer.body["id"]] = text
        return answer

    def job(self, job_id: str, wait: float = 0) -> dict:
        answer = self.request("GET", f"/v1/articles/{job_id}" + (f"?wait={wait:g}" if wait else ""),
                              timeout=wait + 30)
        assert answer.status == 200, (answer.status, answer.body)
        return answer.body

    def wait_finished(self, job_ids, timeout: float) -> dict[str, dict]:
        """The jobs once all have finished; fails listing the stragglers after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        finished: dict[str, dict] = {}
        pending = list(job_ids)
        while pending and time.monotonic() < deadline:
            job = self.job(pending[0], wait=min(10, max(1, deadline - time.monotonic())))
            if job["status"] in FINISHED:
                finished[job["id"]] = job
                pending.pop(0)
        assert not pending, f"{len(pending)} accepted articles never finished, e.g. {self.job(pending[0])}"
        return finished

    @property
    def server_errors(self) -> int:
        return len(self.server_error_answers)

    def figures(self) -> dict[str, int]:
        return {"requests": sum(self.statuses.values()), "statuses": dict(sorted(self.statuses.items()))}
