"""Accepting a catalog batch: N CSV rows checked, moderated, reserved, inserted and enqueued.

A template with two slots, the local model, a price of $0.01 an image (so the holds carry
money); the clock covers submit_batch from the CSV bytes to the last message on the broker.
The embedded default (SQLite, in-process broker) unless DATABASE_URL / REDIS_URL are set:

    .venv/bin/python benchmarks/batch_intake.py --rows 10000 --api
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python benchmarks/batch_intake.py --api

Target (issue 7): 10,000 rows accepted in at most 10 s on a 2-core machine. Prints the time
of each step, rows/s and whether the target was met; checks every row became one job, one
hold and one message.
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

TARGET_SECONDS = 10.0
COLORS = ("red", "blue", "green", "ochre", "teal", "slate", "sand")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--api", action="store_true",
                        help="also POST the CSV to /api/v1/batches (multipart)")
    parser.add_argument("--keep", action="store_true", help="keep the tenant and its jobs")
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


def timed(steps: dict[str, float], module: Any, name: str) -> None:
    """Wrap module.name so that each call adds its duration to steps[name]."""
    original: Callable[..., Any] = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def queued(broker: Any) -> int:
    if hasattr(broker, "client"):  # Redis: the queue's message hash
        return broker.client.hlen(f"{broker.namespace}:jobs.msgs")
    return broker.queues["jobs"].qsize()


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
    from generation import batches
    from generation.models import Job
    from generation.templates import create_template
    from tenants.services import create_tenant

    broker = dramatiq.get_broker()
    print(f"database {connection.vendor}, queue {settings.ATELIER_QUEUE}, rows {args.rows}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work skews)")
    data = catalog_csv(args.rows)
    made = create_tenant(f"bench-{uuid.uuid4().hex[:8]}")
    tenant = made.tenant
    MonthlyLimits.objects.create(tenant=tenant, model_prices={"local": "0.01"})
    create_template(tenant, name="studio", prompt="a {product} in {color}, studio light",
                    model_key="local", size="512x512")
    steps: dict[str, float] = {}
    for name in ("parse_csv", "_check_rows", "_moderate", "_create", "enqueue_jobs"):
        timed(steps, batches, name)
    broker.flush_all()
    results: dict[str, float] = {}
    try:
        started, cpu = time.perf_counter(), time.process_time()
        batch = batches.submit_batch(tenant, csv_data=data, template="studio", name="bench")
        results["service"] = time.perf_counter() - started
        cpu = time.process_time() - cpu
        jobs = Job.objects.for_tenant(tenant).filter(batch=batch).count()
        holds = Reservation.objects.for_tenant(tenant).filter(job__batch=batch).count()
        messages = queued(broker)
        print(f"service: {results['service']:.2f} s = {args.rows / results['service']:.0f} "
              f"rows/s (this process's CPU {cpu:.2f} s); jobs {jobs}, holds {holds}, "
              f"messages {messages}, estimate ${batch.estimated_cost_usd}")
        steps["insert + reserve"] = steps.pop("_create") - steps["enqueue_jobs"]
        for name, seconds in steps.items():
            print(f"  {name.strip('_'):<18} {seconds:6.2f} s")
        ok = jobs == holds == messages == args.rows
        if args.api:
            broker.flush_all()
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.key.secret}")
            started = time.perf_counter()
            response = client.post("/api/v1/batches", {
                "file": SimpleUploadedFile("catalog.csv", data, "text/csv"),
                "template": "studio"}, format="multipart")
            results["api"] = time.perf_counter() - started
            ok = ok and response.status_code == 202 and queued(broker) == args.rows
            print(f"api:     {results['api']:.2f} s = {args.rows / results['api']:.0f} rows/s "
                  f"(HTTP {response.status_code})")
    finally:
        broker.flush_all()
        if not args.keep:
            tenant.delete()
    print("  every row one job, one hold, one message: " + ("yes" if ok else "NO"))
    rows = []
    for where, seconds in results.items():
        met = seconds <= TARGET_SECONDS * args.rows / 10_000
        print(f"  target <= {TARGET_SECONDS:g} s per 10,000 rows ({where}): "
              f"{'met' if met else 'NOT met'}")
        ok = ok and met
        rows.append(row(f"batch intake ({connection.vendor}, {settings.ATELIER_QUEUE})",
                        f"{args.rows} rows through the {where}", seconds, "s",
                        f"<= {TARGET_SECONDS * args.rows / 10_000:g} s", met))
    emit(args.json_out, rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
