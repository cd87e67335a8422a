"""Running jobs from a command: an in-process worker on the embedded default, or waiting on the
database while separate worker processes (Redis) do the work."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import dramatiq
from django.conf import settings
from dramatiq.brokers.stub import StubBroker
from dramatiq.errors import QueueJoinTimeout

from assets.services import sweep_missing_renditions
from core import tasks
from core.scheduler import Scheduler
from generation.models import Job
from generation.runner import sweep_stale_jobs


def in_process() -> bool:
    return settings.ATELIER_QUEUE == "inprocess"


@contextmanager
def inprocess_worker(threads: int | None = None) -> Iterator[dramatiq.Worker | None]:
    """On the embedded default, run a Dramatiq worker in this process for the block's duration
    (picking up jobs left queued by earlier processes); with Redis, do nothing."""
    if not in_process():
        yield None
        return
    tasks.discover()  # declare every app's actors on the broker
    broker = dramatiq.get_broker()
    worker = dramatiq.Worker(broker, worker_threads=threads or settings.ATELIER_WORKER_THREADS,
                             worker_timeout=100)
    worker.start()
    scheduler = Scheduler()  # no separate scheduler process on the embedded default
    scheduler.start_in_thread()
    try:
        sweep_stale_jobs(orphans=True)
        sweep_missing_renditions(older_than_seconds=0)
        yield worker
    finally:
        # Finish the follow-up work (renditions) the block's jobs queued; it lives in memory.
        if "assets" in broker.queues:
            assert isinstance(broker, StubBroker)  # what ATELIER_QUEUE=inprocess configures
            with contextlib.suppress(QueueJoinTimeout):
                broker.join("assets", timeout=30_000, fail_fast=False)
        scheduler.stop()
        worker.stop()


def wait_for_jobs(job_ids: Iterable[Any], *, timeout: float = 3600,
                  on_progress: Callable[[list[Job]], None] | None = None) -> list[Job]:
    """Poll the database (the source of truth) until every job has finished."""
    ids = list(job_ids)
    deadline = time.monotonic() + timeout
    while True:
        jobs = list(Job.unscoped.filter(pk__in=ids))
        if on_progress:
            on_progress(jobs)
        if all(job.is_finished for job in jobs) or time.monotonic() > deadline:
            return jobs
        time.sleep(0.1)
