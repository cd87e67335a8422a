"""Fixtures of the fault-injection tests: PostgreSQL and Redis are required (skipped on a bare
machine, a failure when CI=true), worker processes run on Redis, and this process submits
through the same broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import subprocess_env

from .harness import Workers, jobs_enqueued_on

# Recovery in seconds rather than minutes: a short lease, a sweep every second, and a queued
# job whose message is lost re-enqueued after a few seconds.
FAST_RECOVERY = {
    "ATELIER_JOB_LEASE_SECONDS": "4",
    "ATELIER_SWEEP_INTERVAL_SECONDS": "1",
    "ATELIER_QUEUED_TIMEOUT_SECONDS": "8",
    "ATELIER_LOG_LEVEL": "INFO",
    "OMP_NUM_THREADS": "1",  # NumPy's SVD (the watermark) on one thread: 2 cores are shared
}


def worker_env(redis_url: str, **overrides: str) -> dict[str, str]:
    """config.settings for worker subprocesses: this run's database and media, Redis, a
    queue namespace of this test's own, fast recovery."""
    return subprocess_env(REDIS_URL=redis_url, **{**FAST_RECOVERY, **overrides})


def flush_namespace(redis_url: str, namespace: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(f"{namespace}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def services(postgres: None, redis_url: str, transactional_db: None) -> str:
    """PostgreSQL and Redis, both required: the URL of the shared Redis."""
    return redis_url


@pytest.fixture
def env(services: str) -> Iterator[dict[str, str]]:
    environment = worker_env(services)
    yield environment
    flush_namespace(services, environment["ATELIER_QUEUE_NAMESPACE"])


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(env, tmp_path / "workers.log")
    yield pool
    pool.stop_all()
    print(pool.tail())


@pytest.fixture
def to_workers(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's submissions enqueue on the workers' Redis."""
    with jobs_enqueued_on(env["REDIS_URL"], env["ATELIER_QUEUE_NAMESPACE"], monkeypatch):
        yield
