"""What the views work with: settings, the job store, the task sender and the engine's identity."""
from __future__ import annotations

from dataclasses import dataclass

from celery import Celery
from flask import current_app

from service.payloads import ArticleSubmission
from workers.app import enqueue_attribution
from workers.settings import Settings
from workers.store import Job, JobStore, job_id_for

EXTENSION_KEY = "whosaid"


@dataclass(frozen=True)
class Backend:
    settings: Settings
    store: JobStore
    celery: Celery
    engine: dict[str, str]
    """`attribution.engine_info()`: part of every job id, so results of another engine version never match."""

    def submit(self, article: ArticleSubmission) -> tuple[Job, bool]:
        """Record the article and queue its task; returns (job, whether a task was queued).

        A known article (queued, processing or done) is returned as it stands, with no
        new task. If the task cannot be queued, the broker error propagates (503) and the
        record stays, unsent: the recovery sweep (`workers.recovery`) sends its task once the
        broker is back, and a resubmission finds the same job.
        """
        job_id = job_id_for(article.text, self.engine)
        job, created = self.store.submit(job_id, article.text, title=article.title, url=article.url, ref=article.ref)
        if created:
            enqueue_attribution(self.celery, job_id)
            self.store.mark_sent(job_id)
        else:
            self.store.count("cache_hits")
        return job, created


def backend() -> Backend:
    """The backend of the current Flask app (set up by `create_app`)."""
    return current_app.extensions[EXTENSION_KEY]
