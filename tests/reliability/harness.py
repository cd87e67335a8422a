"""What every fault-injection test drives: worker process groups on Redis, servers of their own
on free loopback ports, a catalog batch submitted through the product's own service, and a
clock to wait on the database (the source of truth)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from dramatiq.brokers.redis import RedisBroker

from billing.models import MonthlyLimits
from generation.batches import submit_batch
from generation.models import Batch, Job
from tests.conftest import start_manage

# What the tenant pays per image in these tests: a price, so that a double charge shows in the
# ledger's dollars as well as in its counts.
UNIT_PRICE = Decimal("0.0400")


class Workers:
    """`manage.py run_workers` process groups started by one test; every one stopped at the end.

    Each group is its own session, so a SIGKILL takes the Dramatiq parent and its worker
    children at once, as a machine losing power would."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.groups: list[subprocess.Popen[bytes]] = []
        # The one scheduler that sweeps for stuck jobs (workers are pure consumers); its own
        # process, so killing worker groups never kills it.
        self.scheduler: subprocess.Popen[bytes] | None = None

    def start(self, *, processes: int = 1, threads: int = 4) -> subprocess.Popen[bytes]:
        if self.scheduler is None:
            self.scheduler = start_manage("run_scheduler", "--metrics-port", "0",
                                          env=self.env, log=self.log)
        process = start_manage("run_workers", "--processes", str(processes), "--threads",
                               str(threads), env=self.env, log=self.log)
        self.groups.append(process)
        return process

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [process for process in self.groups if process.poll() is None]

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        everything = [*self.groups, *([self.scheduler] if self.scheduler else [])]
        for process in everything:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in everything:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def tail(self, chars: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def unfinished(job_ids: list[Any]) -> int:
    return Job.unscoped.filter(pk__in=job_ids, status__in=Job.ACTIVE).count()


def wait_for_jobs(job_ids: list[Any], timeout: float, workers: Workers | None = None) -> None:
    """Wait until every job has finished, showing the workers' log if they never do."""
    deadline = time.monotonic() + timeout
    while unfinished(job_ids):
        if time.monotonic() > deadline:
            states = dict(Job.unscoped.filter(pk__in=job_ids).values_list("status")
                          .annotate(count=Count("id")).order_by())
            log = workers.tail() if workers else ""
            pytest.fail(f"jobs still unfinished after {timeout:.0f} s: {states}\n{log}")
        time.sleep(0.25)


def free_port(*, twin_offset: int = 0) -> int:
    """A free loopback port (and, with `twin_offset`, port + offset free too: SeaweedFS binds
    each HTTP port's gRPC twin at +10000)."""

    def free(port: int) -> bool:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
            return True

    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if twin_offset and (port + twin_offset > 65535 or not free(port + twin_offset)):
            continue
        return port


@contextmanager
def jobs_enqueued_on(redis_url: str, namespace: str, monkeypatch: pytest.MonkeyPatch
                     ) -> Iterator[RedisBroker]:
    """Make this process's messages (jobs from submit_job and submit_batch, renditions after a
    moderator's approval) go to the workers' Redis broker instead of the test settings'
    in-process one: the product's own enqueue path, bulk pipeline included."""
    from assets.actors import make_renditions_actor
    from generation.actors import run_job_actor

    broker = RedisBroker(url=redis_url, namespace=namespace)
    for actor in (run_job_actor, make_renditions_actor):
        broker.declare_queue(actor.queue_name)
        monkeypatch.setattr(actor, "broker", broker)
    try:
        yield broker
    finally:
        broker.close()


def priced(tenant: Any, model: str, price: Decimal = UNIT_PRICE) -> None:
    """The tenant pays a fixed price per image of `model` (the local model costs nothing)."""
    limits, _ = MonthlyLimits.objects.get_or_create(tenant=tenant)
    MonthlyLimits.objects.filter(pk=limits.pk).update(model_prices={model: str(price)})


def catalog_batch(tenant: Any, *, rows: int, n: int, model: str = "local",
                  size: str = "128x128", seeded: bool = True, name: str = "catalog") -> Batch:
    """A catalog batch of `rows` SKUs of `n` images each, through the product's batch service
    (the same one as POST /api/v1/batches)."""
    items = []
    for row in range(rows):
        item = {"sku": f"SKU-{row:04d}", "prompt": f"studio photo of product {row}, white "
                f"background", "model": model, "n": n, "size": size}
        if seeded:
            item["seed"] = 1000 + 10 * row
        items.append(item)
    return submit_batch(tenant, items=items, name=name)


def batch_job_ids(batch: Batch) -> list[Any]:
    return list(Job.unscoped.filter(batch=batch).values_list("pk", flat=True))
