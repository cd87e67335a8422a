"""Redis killed and restarted empty in the middle of a catalog batch: every message it held is
gone (no persistence), yet every job finishes, once, with each image stored and charged once.

The test runs a Redis of its own on a free loopback port (never the machine's shared one) and
points the worker processes and this process's submissions at it. After the restart the
workers reconnect, and their sweep, reading the database, enqueues again the queued jobs whose
message was lost (ATELIER_QUEUED_TIMEOUT_SECONDS) and the running ones whose worker gave them
back or whose lease lapsed.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from assets.models import Asset
from tests.conftest import IN_CI
from tests.helpers import wait_until

from .conftest import worker_env
from .harness import (
    UNIT_PRICE,
    Workers,
    batch_job_ids,
    catalog_batch,
    free_port,
    jobs_enqueued_on,
    priced,
    wait_for_jobs,
)
from .invariants import assert_promise_kept, generated_objects_on_disk

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres]

ROWS, N = 30, 4  # 120 images
RESTART_AT = (0.25, 0.6)
DOWN_SECONDS = 3


class RedisServer:
    """A throwaway redis-server without persistence: a restart starts empty."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"], stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            wait_until(lambda: self._pings(client), 10, "redis-server to answer")
        finally:
            client.close()

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def crash(self) -> None:
        """SIGKILL: whatever it held in memory is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis(services: str, tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: this test must run, not skip)")
        pytest.skip(message)
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    yield server
    server.crash()


def test_redis_restarted_empty_mid_batch_loses_no_job_and_charges_once(
        acme, own_redis, tmp_path, monkeypatch):
    env = worker_env(own_redis.url, ATELIER_LOCAL_LATENCY_MS="100")
    workers = Workers(env, tmp_path / "workers.log")
    try:
        workers.start(threads=3)
        workers.start(threads=3)
        priced(acme.tenant, "local")
        with jobs_enqueued_on(own_redis.url, env["ATELIER_QUEUE_NAMESPACE"], monkeypatch):
            batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
        ids = batch_job_ids(batch)
        made = Asset.unscoped.filter(job_id__in=ids)
        started = time.monotonic()

        for share in RESTART_AT:
            wait_until(lambda share=share: made.count() >= share * ROWS * N, 120,
                       f"{share:.0%} of the images")
            own_redis.crash()
            time.sleep(DOWN_SECONDS)
            own_redis.start()

        wait_for_jobs(ids, 150, workers)
        print(f"{ROWS * N} images in {time.monotonic() - started:.0f} s with "
              f"{len(RESTART_AT)} Redis restarts; workers alive: {len(workers.alive())}")
        assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                            unit_price=UNIT_PRICE)
    finally:
        workers.stop_all()
        print(workers.tail())
