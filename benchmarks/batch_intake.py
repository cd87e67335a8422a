"""Accepting a catalog batch: N CSV rows checked, moderated, reserved, inserted and enqueued.

A template with two slots, the local model, a price of $0.01 an image (so the holds carry
money); the clock covers submit_batch from the CSV bytes to the last message on the broker.
The embedded default (SQLite, in-process broker) unless DATABASE_URL / REDIS_URL are set:

    .venv/bin/python benchmarks/batch_intake.py --rows 10000 --api
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python benchmarks/batch_intake.py --api

Target: 10,000 rows accepted in at most 3 s on a 2-core machine with PostgreSQL and Redis
(issue 7 asked for 10 s; the embedded default is measured for comparison, without a target).
An untimed 100-row batch goes first (`--warm-up`), so that the figures are those of a running
server, not of a process's first batch (imports, caches, the first COPY: 0.1-0.3 s).
Prints the wall and CPU time of each step, rows/s and whether the target was met. A run
meets its target only if every row was accepted and enqueued exactly once: the batch's jobs
and holds are counted, and the messages on the broker are decoded and their job ids compared
with the batch's (none missing, none twice, none of another batch) — a fast run that lost or
duplicated rows is "not met", whatever its time. Then, as a baseline in the same run (same
machine, same load), the path before the 3 s work: every row checked the whole way
(serializer and prepare_job, no shortcut by shape) and the jobs and holds written by
bulk_create (`--no-baseline` skips it; messages are enqueued as measured).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, row  # noqa: E402

TARGET_SECONDS = 3.0
COLORS = ("red", "blue", "green", "ochre", "teal", "slate", "sand")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--api", action="store_true",
                        help="also POST the CSV to /api/v1/batches (multipart)")
    parser.add_argument("--keep", action="store_true", help="keep the tenant and its jobs")
    parser.add_argument("--warm-up", type=int, default=100, metavar="ROWS",
                        help="rows of an untimed batch first, as a running server has had "
                             "(0: none)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the baseline run (every row the whole way, bulk_create)")
    add_json_out(parser)
    return parser.parse_args()


def catalog_csv(rows: int) -> bytes:
    lines = ["sku,product,color,seed"]
    lines += [f"SKU-{i:05d},product {i},{COLORS[i % len(COLORS)]},{i + 1}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def setup() -> None:
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_VAR_DIR": var_dir,
        "ATELIER_QUEUE_NAMESPACE": f"atelier-bench-{uuid.uuid4().hex[:8]}",
        "ATELIER_HTTPS": "0", "ALLOWED_HOSTS": "testserver", "ATELIER_LOG_LEVEL": "WARNING",
    })
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex * 2)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


Steps = dict[str, list[float]]  # step -> [wall seconds, CPU seconds]
STEPS = ("parse_csv", "_check_rows", "moderate_rows", "_create", "enqueue_jobs")


def timed(steps: Steps, module: Any, name: str) -> None:
    """Wrap module.name so that each call adds its wall and CPU time to steps[name]."""
    original: Callable[..., Any] = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent = steps.setdefault(name, [0.0, 0.0])
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - cpu

    setattr(module, name, wrapper)


def print_steps(steps: Steps) -> None:
    """Each step's wall and CPU time; insert + reserve is _create less the enqueue it runs
    after its commit."""
    create, enqueue = steps.pop("_create"), steps["enqueue_jobs"]
    steps["insert + reserve"] = [create[0] - enqueue[0], create[1] - enqueue[1]]
    print(f"  {'step':<18} {'wall':>7} {'CPU':>7}")
    for name, (wall, cpu) in steps.items():
        print(f"  {name.strip('_'):<18} {wall:6.2f}s {cpu:6.2f}s")
    steps.clear()


def queued(broker: Any) -> int:
    if hasattr(broker, "client"):  # Redis: the queue's message hash
        return broker.client.hlen(f"{broker.namespace}:jobs.msgs")
    return broker.queues["jobs"].qsize()


def enqueued_job_ids(broker: Any) -> list[str]:
    """The job id of every message waiting on the jobs queue (duplicates kept)."""
    import dramatiq

    if hasattr(broker, "client"):  # Redis: the queue's message hash
        encoded = broker.client.hvals(f"{broker.namespace}:jobs.msgs")
    else:
        encoded = list(broker.queues["jobs"].queue)
    return [str(dramatiq.Message.decode(raw).args[0]) for raw in encoded]


def accounted(rows: int, jobs: set[str], holds: int, enqueued: list[str]) -> tuple[bool, str]:
    """Whether every row became one job, one hold and one message, and what was counted."""
    once = len(enqueued) == len(set(enqueued))
    ok = len(jobs) == holds == rows and once and set(enqueued) == jobs
    return ok, (f"jobs {len(jobs)}, holds {holds}, messages {len(enqueued)} "
                f"({len(set(enqueued))} distinct jobs, {len(set(enqueued) - jobs)} not of this "
                f"batch, {len(jobs - set(enqueued))} of its jobs without one)")


def main() -> int:
    args = arguments()
    setup()
    import dramatiq
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from rest_framework.test import APIClient

    import generation.actors  # noqa: F401  (declare the queue on the broker)
    from billing.models import MonthlyLimits, Reservation
    from generation import batch_shapes, batches, bulk_insert
    from generation.models import Batch, Job
    from generation.templates import create_template
    from tenants.services import create_tenant

    broker = dramatiq.get_broker()
    print(f"database {connection.vendor}, queue {settings.ATELIER_QUEUE}, rows {args.rows}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work skews; "
          "CPU is this process's own, the database's and Redis's are not in it)")
    data = catalog_csv(args.rows)
    made = create_tenant(f"bench-{uuid.uuid4().hex[:8]}")
    tenant = made.tenant
    MonthlyLimits.objects.create(tenant=tenant, model_prices={"local": "0.01"})
    create_template(tenant, name="studio", prompt="a {product} in {color}, studio light",
                    model_key="local", size="512x512")
    steps: Steps = {}
    for name in STEPS:
        timed(steps, batches, name)

    def complete(batch: Batch) -> bool:
        jobs = {str(pk) for pk in Job.objects.for_tenant(tenant).filter(batch=batch)
                .values_list("pk", flat=True)}
        holds = Reservation.objects.for_tenant(tenant).filter(job__batch=batch).count()
        ok, counted = accounted(args.rows, jobs, holds, enqueued_job_ids(broker))
        print(f"  {counted}, estimate ${batch.estimated_cost_usd}: "
              f"{'every row once' if ok else 'ROWS LOST OR DUPLICATED'}")
        return ok

    def through_service(label: str) -> tuple[float, float, bool]:
        broker.flush_all()
        started, cpu = time.perf_counter(), time.process_time()
        batch = batches.submit_batch(tenant, csv_data=data, template="studio", name=label)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{label}: {wall:.2f} s = {args.rows / wall:.0f} rows/s, CPU {cpu:.2f} s")
        print_steps(steps)
        return wall, cpu, complete(batch)

    results: dict[str, float] = {}
    whole: dict[str, bool] = {}  # per run: every row accepted and enqueued exactly once
    try:
        if args.warm_up:  # a server process's one-time costs (imports, caches, first COPY)
            batches.submit_batch(tenant, csv_data=catalog_csv(args.warm_up), template="studio")
            steps.clear()
        results["service"], results["service CPU"], whole["service"] = through_service(
            "service")
        if args.api:
            broker.flush_all()
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.key.secret}")
            started, cpu = time.perf_counter(), time.process_time()
            response = client.post("/api/v1/batches", {
                "file": SimpleUploadedFile("catalog.csv", data, "text/csv"),
                "template": "studio"}, format="multipart")
            results["api"] = time.perf_counter() - started
            cpu = time.process_time() - cpu
            print(f"api: {results['api']:.2f} s = {args.rows / results['api']:.0f} rows/s, "
                  f"CPU {cpu:.2f} s (HTTP {response.status_code}; the test client's encoding "
                  "of the upload included)")
            print_steps(steps)
            batch = (Batch.objects.for_tenant(tenant).filter(pk=response.json().get("id"))
                     .first() if response.status_code == 202 else None)
            whole["api"] = batch is not None and complete(batch)
        if not args.no_baseline:  # the path before the 3 s work, on the same machine and load
            prepared, insert = batch_shapes.Shapes.prepared, batches.insert_rows
            batch_shapes.Shapes.prepared = lambda self, data: None  # type: ignore[method-assign]
            batches.insert_rows = bulk_insert.create_rows  # type: ignore[assignment]
            try:
                results["baseline"], _, whole["baseline"] = through_service(
                    "baseline (every row the whole way, bulk_create)")
            finally:
                batch_shapes.Shapes.prepared = prepared  # type: ignore[method-assign]
                batches.insert_rows = insert  # type: ignore[assignment]
    finally:
        broker.flush_all()
        if not args.keep:
            tenant.delete()
    ok = all(whole.values())
    print("  every row one job, one hold, one message: " + ("yes" if ok else "NO"))
    benchmark = f"batch intake ({connection.vendor}, {settings.ATELIER_QUEUE})"
    limit = TARGET_SECONDS * args.rows / 10_000
    targeted = connection.vendor == "postgresql" and settings.ATELIER_QUEUE == "redis"
    rows = []
    for where, seconds in results.items():
        if where in ("service", "api"):
            counted = whole[where]
            if targeted:
                met = counted and seconds <= limit
                print(f"  target <= {TARGET_SECONDS:g} s per 10,000 rows, every row once "
                      f"({where}): {'met' if met else 'NOT met'}")
                ok = ok and met
                rows.append(row(benchmark, f"{args.rows} rows through the {where}", seconds,
                                "s", f"<= {limit:g} s, every row once", met))
            else:  # the embedded default: no time target, for comparison; rows still count
                rows.append(row(benchmark, f"{args.rows} rows through the {where}", seconds,
                                "s", "(the target is PostgreSQL + Redis's)",
                                None if counted else False))
        elif where == "service CPU":
            rows.append(row(benchmark, f"{args.rows} rows: the service's own CPU", seconds,
                            "s"))
        else:
            rows.append(row(benchmark, f"{args.rows} rows, baseline: every row the whole way, "
                                       "bulk_create", seconds, "s", "every row once",
                            None if whole[where] else False))
    rows.append({"benchmark": benchmark, "measure": "runs with every row accepted and "
                 "enqueued exactly once", "value": f"{sum(whole.values())} of {len(whole)}",
                 "unit": "", "target": "all", "met": all(whole.values())})
    emit(args.json_out, rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
