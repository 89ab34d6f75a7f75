"""The embedded mode of `whosaid serve`: the whole service in one process, nothing to install.

The same API and the same task run against an in-memory Redis (fakeredis' TCP
server on a loopback port, so the store code path is the real one) with Celery's
in-memory broker, one worker thread, and the recovery sweep (`workers.recovery`)
in a thread of its own. Results live as long as the process.
Celery's time limits need the prefork pool, so they are not enforced here.
"""
from __future__ import annotations

import logging
import threading

from celery import Celery
from celery.worker import WorkController
from fakeredis import TcpFakeServer
from flask import Flask

from service import create_app
from workers.app import create_celery, store_for
from workers.recovery import run_recovery
from workers.settings import Settings

log = logging.getLogger(__name__)

MEMORY_BROKER_URL = "memory://localhost/"
EMBEDDED_POLL_SECONDS = 0.05
"""How often the in-process worker looks at the in-memory queue (the memory broker cannot block)."""


class EmbeddedService:
    """An in-memory store, an in-process worker, the recovery sweep and the API app bound to them; `start()`
    then `stop()`."""

    def __init__(self, settings: Settings):
        self.base_settings = settings
        self.redis_server: TcpFakeServer | None = None
        self.worker: WorkController | None = None
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> Flask:
        """Start the store and the worker; return the API app to serve."""
        self.redis_server = TcpFakeServer(("127.0.0.1", 0))
        host, port = self.redis_server.server_address[:2]
        self._spawn("whosaid-memory-redis", self.redis_server.serve_forever)
        settings = self.base_settings.with_values(redis_url=f"redis://{host}:{port}/0", broker_url=MEMORY_BROKER_URL)

        from workers.tasks import warm_up_engine  # imports the engine: only the process that runs it pays

        log.info("loading the language model")
        warm_up_engine()
        worker_app: Celery = create_celery(settings)
        worker_app.conf.broker_transport_options = {"polling_interval": EMBEDDED_POLL_SECONDS}
        worker_app.set_default()  # the thread pool's threads resolve the tasks' app through the default app
        self.worker = worker_app.WorkController(pool_cls="threads", concurrency=1, without_mingle=True,
                                                without_gossip=True, without_heartbeat=True, loglevel="WARNING")
        self._spawn("whosaid-worker", self.worker.start)
        self._spawn("whosaid-recovery", lambda: run_recovery(worker_app, store_for(settings), settings, self.stopping))
        return create_app({"REDIS_URL": settings.redis_url, "BROKER_URL": MEMORY_BROKER_URL})

    def stop(self) -> None:
        self.stopping.set()
        if self.worker is not None:
            self.worker.stop(in_sighandler=False)
        if self.redis_server is not None:
            self.redis_server.shutdown()
            self.redis_server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)
