"""whosaid's Celery workers: `celery -A workers worker` (or `whosaid worker`) runs them.

`workers.celery` is the Celery app configured from the `WHOSAID_*` environment;
the tasks are in `workers.tasks`, the Redis key schema in `workers.store`.
"""
from workers.app import create_celery
from workers.settings import Settings

celery = create_celery(Settings.from_env())

__all__ = ["celery", "create_celery"]
