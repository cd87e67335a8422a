"""Batch throughput against a Bedrock quota: N images through Redis and K worker processes.

The Bedrock double answers after L seconds and throttles above R requests per minute (a
sliding 60 s window, like the account quota). N one-image jobs (a catalog batch of N rows, one job
per row) are submitted at once; Atelier's shared limiter should admit R calls at once, then each
next call as soon as the oldest leaves the window. Nothing can beat the sliding-window bound
(ceil(N/R) - 1) * 60 s + L: the last window's calls start a minute after the window before
them, and take one latency. Targets: finish within 3 % of that bound, <= 1 % of calls
throttled, no image lost or made twice.

The workers need enough calls in flight to send a whole window's worth at once (R * L / 60
for a steady flow, the last window's remainder at the end), hence 2 processes x 32 threads,
each process with as many provider-call threads (ATELIER_PROVIDER_CALLS, `--provider-calls`):
a thread waiting for a slot or for Bedrock uses no CPU.

The workers are warm when the clock starts, as a running deployment's are: once both
processes poll the queue (a fixed pause was too short on a busy machine: the first calls then
left seconds after the submit), a small warm-up batch runs (the clients, the signing identity,
lazily imported code) and its renditions are made; then the quota is idle again (the
limiter's window and the double's). The clock stops at the last job's `finished_at`.

Baseline, computed from the same run's parameters: the same N calls one after another (how a
loop of InvokeModel calls would fare), N * L.

    REDIS_URL=redis://127.0.0.1:6379/0 [DATABASE_URL=postgres://…] \
        .venv/bin/python benchmarks/batch_throughput.py --images 300 --latency 2 --rpm 120

Prints the measured numbers and whether each target was met.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import (  # noqa: E402
    add_json_out,
    bedrock_worker_environment,
    emit,
    idle_quota,
    row,
    wait_for_workers,
)

MODEL_KEY, MODEL_ID = "stable-image-core", "stability.stable-image-core-v1:1"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=300, help="N: images in the batch")
    parser.add_argument("--latency", type=float, default=2.0, help="L: seconds per call")
    parser.add_argument("--rpm", type=int, default=120, help="R: the quota, requests/minute")
    parser.add_argument("--processes", type=int, default=2, help="K: worker processes")
    parser.add_argument("--threads", type=int, default=32, help="threads per worker process")
    parser.add_argument("--provider-calls", type=int, default=None,
                        help="ATELIER_PROVIDER_CALLS of each worker process (default: --threads)")
    parser.add_argument("--timeout", type=float, default=900)
    add_json_out(parser)
    return parser.parse_args()


def timeline(calls: Any, job_ids: list[Any], submitted: float, rpm: int) -> str:
    """When each window's calls went out (the first and the last of each R calls), when the
    last answer came, and when the last job finished: where a run lost time to the bound."""
    from generation.models import Job

    sent = sorted((call.started_at.timestamp() - submitted,
                   call.started_at.timestamp() + call.duration_ms / 1000 - submitted)
                  for call in calls)
    windows = [sent[start:start + rpm] for start in range(0, len(sent), rpm)]
    ended = max(job.finished_at.timestamp() for job in Job.unscoped.filter(pk__in=job_ids)
                if job.finished_at) - submitted
    return ("; ".join(f"window {n + 1} out {w[0][0]:.1f}-{w[-1][0]:.1f}"
                      for n, w in enumerate(windows))
            + f"; last answer {max(answer for _, answer in sent):.1f}; last job finished "
              f"{ended:.1f}")


def wait_for(pending: Any, timeout: float) -> None:
    """Until the query of what is still pending is empty (or `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def main() -> int:
    args = arguments()
    from tests.fakes.bedrock import BedrockDouble

    double = BedrockDouble(latency=args.latency).start()
    double.rpm[MODEL_ID] = args.rpm
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update(bedrock_worker_environment(var_dir, double.url, MODEL_KEY, args.rpm))
    calls_in_flight = args.provider_calls or args.threads
    os.environ["ATELIER_PROVIDER_CALLS"] = str(calls_in_flight)

    import django

    django.setup()
    from django.core.management import call_command

    from assets.models import Asset
    from generation.batches import submit_batch
    from generation.models import Job, ProviderAttempt
    from tenants.models import Tenant
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    idle_quota(MODEL_KEY)
    tenant = Tenant.objects.filter(slug="bench").first() or create_tenant("bench").tenant
    workers = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", str(args.processes),
         "--threads", str(args.threads)], cwd=ROOT, env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_workers(args.processes)
        warm_up = submit_batch(tenant, model=MODEL_KEY, name="warm-up", items=[
            {"sku": f"WARM-{i}", "prompt": f"warm-up {i}", "seed": i + 1}
            for i in range(2 * args.processes)])
        wait_for(Job.unscoped.filter(batch=warm_up, status__in=Job.ACTIVE), args.timeout)
        wait_for(Asset.unscoped.filter(job__batch=warm_up, renditions__isnull=True),
                 args.timeout)  # its renditions made: the workers idle again
        time.sleep(1)
        idle_quota(MODEL_KEY)
        double.reset_quota()
        started = time.time()
        batch = submit_batch(tenant, model=MODEL_KEY, name="throughput", items=[
            {"sku": f"SKU-{i:04d}", "prompt": f"product shot {i}", "seed": i + 1}
            for i in range(args.images)])
        accepted = time.time() - started
        ids = list(batch.jobs.values_list("pk", flat=True))
        wait_for(Job.unscoped.filter(pk__in=ids, status__in=Job.ACTIVE), args.timeout)
        ended = [job.finished_at.timestamp() for job in Job.unscoped.filter(pk__in=ids)
                 if job.finished_at is not None]
        finished = max(ended) if len(ended) == len(ids) else time.time()  # the last one's
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(30)
        double.stop()

    images = Asset.unscoped.filter(job_id__in=ids).count()
    calls = ProviderAttempt.unscoped.filter(job_id__in=ids)
    ok_calls = calls.filter(outcome="ok").count()
    elapsed = finished - started
    bound = (math.ceil(args.images / args.rpm) - 1) * 60 + args.latency
    over = elapsed / bound - 1
    throttled = double.throttled
    lost = args.images - images
    duplicates = ok_calls - images
    share_throttled = throttled / max(1, calls.count())
    print(f"batch: N={args.images} images, L={args.latency:g} s, R={args.rpm}/min, "
          f"K={args.processes} processes x {args.threads} threads, "
          f"{calls_in_flight} provider calls in flight per process")
    print(f"elapsed {elapsed:.1f} s; sliding-window bound {bound:.1f} s ({over:+.1%}); "
          f"baseline, one call after another: {args.images * args.latency:.0f} s")
    print(f"calls {calls.count()}, throttled {throttled} ({share_throttled:.1%}), "
          f"lost {lost}, duplicates {duplicates}")
    print(f"where it went (s after the submit): batch accepted {accepted:.1f}; "
          + timeline(calls, ids, started, args.rpm))
    checks = {
        "within 3 % of the sliding-window bound": over <= 0.03,
        "<= 1 % of calls throttled": share_throttled <= 0.01,
        "none lost": lost == 0,
        "none duplicated": duplicates == 0,
    }
    for name, met in checks.items():
        print(f"  target {name}: {'met' if met else 'NOT met'}")
    name = f"batch throughput (N={args.images}, L={args.latency:g} s, R={args.rpm}/min)"
    emit(args.json_out, [
        row(name, "one call after another (baseline)", args.images * args.latency, "s"),
        row(name, "sliding-window bound", bound, "s"),
        row(name, "elapsed", elapsed, "s", "<= bound + 3 %", over <= 0.03),
        row(name, "calls throttled", 100 * share_throttled, "%", "<= 1 %",
            share_throttled <= 0.01),
        row(name, "images lost + duplicated", lost + duplicates, "images", "0",
            lost == 0 and duplicates == 0)])
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
