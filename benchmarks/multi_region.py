"""Calls spread across Regions: N images under a quota of R requests a minute in each of two
Regions, against the single-Region bound.

Bedrock's quotas are per model and Region, so with `ATELIER_MODEL_REGIONS__<KEY>` naming two
Regions a job's calls take a slot in the first Region with room (catalog.regions,
providers.ratelimit.acquire_first). N one-image jobs of Nova Canvas (us-east-1, eu-west-1; the
Bedrock double answers each Region from the SigV4 scope and throttles above R a minute per
Region) run on Redis in K worker processes; they are accepted in one transaction, so they are
queued together when it commits (as a batch's rows are), and the clock starts at that commit
(not while N submissions are made one after another) and stops at the last job's
`finished_at`. Nothing can beat the two-Region sliding-window
bound (ceil(N / 2R) - 1) * 60 s + L. Targets: finish within 5 % of it, 0 calls above any
Region's quota (the double counts them), none lost or duplicated.

The single-Region baseline is its bound, (ceil(N / R) - 1) * 60 s + L, computed from the same
parameters; `--measure-baseline` runs it too (a further (ceil(N / R) - 1) minutes).

The jobs run on a Redis server this script starts on a free loopback port (no persistence) and
stops at the end, so no shared Redis database is touched; SQLite in a temporary directory.

    .venv/bin/python benchmarks/multi_region.py --images 240 --latency 0.5 --rpm 40
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import (  # noqa: E402
    add_json_out,
    bedrock_worker_environment,
    emit,
    free_port,
    row,
    wait_for_workers,
)

MODEL_KEY, MODEL_ID = "nova-canvas", "amazon.nova-canvas-v1:0"
REGIONS = ("us-east-1", "eu-west-1")
ENV_KEY = "NOVA_CANVAS"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=240, help="N: one-image jobs")
    parser.add_argument("--latency", type=float, default=0.5, help="L: seconds per call")
    parser.add_argument("--rpm", type=int, default=40, help="R: the quota per Region, a minute")
    parser.add_argument("--size", default="512x512",
                        help="image size (small: the Regions are measured, not the pipeline)")
    parser.add_argument("--processes", type=int, default=2, help="K: worker processes")
    parser.add_argument("--threads", type=int, default=48, help="threads per worker process")
    parser.add_argument("--measure-baseline", action="store_true",
                        help="also run the single-Region baseline instead of computing it")
    parser.add_argument("--timeout", type=float, default=900)
    add_json_out(parser)
    return parser.parse_args()


def start_redis(work: str) -> tuple[subprocess.Popen[bytes], str]:
    """A Redis of this run's own on a free port, nothing saved to disk."""
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is required (the jobs run on Redis in worker processes)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", work], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return process, url
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("redis-server did not start") from None
            time.sleep(0.1)


def signed_region(authorization: str) -> str:
    """The Region a request was signed for, as the double reads it."""
    from tests.fakes.sigv4 import credential_scope

    scope = credential_scope(authorization)
    return scope.region if scope is not None else "?"


def wait_for(pending: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def idle(double: Any) -> None:
    """Every Region's window idle again: the limiter's (this run's Redis) and the double's."""
    import redis
    from django.conf import settings

    connection = redis.Redis.from_url(settings.REDIS_URL)
    for key in [*connection.scan_iter("atelier:rpm:*"), *connection.scan_iter("*throttled*")]:
        connection.delete(key)
    double.reset_quota()


def run_phase(args: argparse.Namespace, double: Any, tenant: Any, regions: tuple[str, ...],
              label: str) -> dict[str, Any]:
    """Submit N jobs with the model called in `regions`; what came of them."""
    from django.db import transaction

    from assets.models import Asset
    from catalog.requests import JobRequest
    from generation.models import Job, ProviderAttempt
    from generation.services import submit_job

    def submit(prompt: str, seed: int) -> Any:
        return submit_job(tenant, JobRequest(model=MODEL_KEY, prompt=prompt, seed=seed,
                                             size=args.size)).pk

    env = {**os.environ, f"ATELIER_MODEL_REGIONS__{ENV_KEY}": ",".join(regions)}
    workers = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", str(args.processes),
         "--threads", str(args.threads)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_workers(args.processes)
        warm = [submit(f"warm-up {i}", i + 1) for i in range(2 * args.processes)]
        wait_for(Job.unscoped.filter(pk__in=warm, status__in=Job.ACTIVE), args.timeout)
        time.sleep(1)
        idle(double)
        first_request = len(double.requests)
        with transaction.atomic():  # queued together when it commits, as a batch's rows are
            ids = [submit(f"{label} shot {i}", i + 1) for i in range(args.images)]
            started = time.time()
        accepted = time.time() - started
        wait_for(Job.unscoped.filter(pk__in=ids, status__in=Job.ACTIVE), args.timeout)
        ended = [job.finished_at.timestamp() for job in Job.unscoped.filter(pk__in=ids)
                 if job.finished_at is not None]
        finished = max(ended) if len(ended) == len(ids) else time.time()
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(30)
    sent = Counter(signed_region(r.headers["authorization"])
                   for r in double.requests[first_request:] if r.operation == "invoke")
    calls = ProviderAttempt.unscoped.filter(job_id__in=ids)
    images = Asset.unscoped.filter(job_id__in=ids).count()
    out = sorted(call.started_at.timestamp() - started for call in calls)
    windows = [out[i:i + 2 * args.rpm] for i in range(0, len(out), 2 * args.rpm)]
    return {
        "timeline": "; ".join(f"window {n + 1} out {w[0]:.1f}-{w[-1]:.1f} s"
                              for n, w in enumerate(windows)),
        "elapsed": finished - started, "accepted": accepted, "images": images,
        "ok_calls": calls.filter(outcome="ok").count(), "calls": calls.count(),
        "recorded": Counter(calls.values_list("region", flat=True)), "sent": sent,
        "throttled": double.throttled}


def main() -> int:
    args = arguments()
    from tests.fakes.bedrock import BedrockDouble

    work = tempfile.mkdtemp(prefix="atelier-bench-")
    redis_server, redis_url = start_redis(work)
    double = BedrockDouble(latency=args.latency).start()
    double.rpm[MODEL_ID] = args.rpm
    try:
        os.environ["REDIS_URL"] = redis_url
        for shared in ("DATABASE_URL", "AWS_ENDPOINT_URL_S3"):  # this run's own services only
            os.environ.pop(shared, None)
        os.environ.update(bedrock_worker_environment(
            work, double.url, MODEL_KEY, args.rpm, AWS_REGION=REGIONS[0],
            ATELIER_PROVIDER_CALLS=str(args.threads), ATELIER_STORAGE="filesystem",
            **{f"ATELIER_MODEL_LIFECYCLE__{ENV_KEY}": "active"}))
        import django

        django.setup()
        from django.core.management import call_command

        from tenants.services import create_tenant

        call_command("migrate", verbosity=0)
        tenant = create_tenant("bench").tenant
        two = run_phase(args, double, tenant, REGIONS, "two-region")
        one = (run_phase(args, double, tenant, REGIONS[:1], "one-region")
               if args.measure_baseline else None)
    finally:
        double.stop()
        redis_server.terminate()
        redis_server.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    n, r, latency = args.images, args.rpm, args.latency
    bound = (math.ceil(n / (2 * r)) - 1) * 60 + latency
    single_bound = (math.ceil(n / r) - 1) * 60 + latency
    over = two["elapsed"] / bound - 1
    lost = n - two["images"]
    duplicates = two["ok_calls"] - two["images"]
    print(f"multi-Region: N={n} images of {args.size}, L={latency:g} s, R={r}/min in each of "
          f"{', '.join(REGIONS)}, K={args.processes} processes x {args.threads} threads")
    print(f"two Regions: elapsed {two['elapsed']:.1f} s; bound {bound:.1f} s ({over:+.1%}); "
          f"queued in {two['accepted']:.1f} s")
    print(f"  calls out (s after queueing): {two['timeline']}")
    print(f"  calls per Region, as the double saw them {dict(two['sent'])}, as recorded "
          f"{dict(two['recorded'])}; above quota (throttled) {two['throttled']}; "
          f"lost {lost}, duplicates {duplicates}")
    if one is not None:
        print(f"single Region (measured): elapsed {one['elapsed']:.1f} s; bound "
              f"{single_bound:.1f} s; throttled {one['throttled']}")
    else:
        print(f"single Region (computed bound, not run): {single_bound:.1f} s")
    baseline = one["elapsed"] if one is not None else single_bound
    checks = {
        "within 5 % of the two-Region bound": over <= 0.05,
        "0 calls above a Region's quota": two["throttled"] == 0,
        "none lost": lost == 0,
        "none duplicated": duplicates == 0,
    }
    for name, met in checks.items():
        print(f"  target {name}: {'met' if met else 'NOT met'}")
    name = f"multi-Region (N={n}, L={latency:g} s, R={r}/min per Region, 2 Regions)"
    emit(args.json_out, [
        row(name, "single Region " + ("(measured)" if one is not None else "(computed bound)"),
            baseline, "s"),
        row(name, "two-Region sliding-window bound", bound, "s"),
        row(name, "elapsed", two["elapsed"], "s", "<= bound + 5 %", over <= 0.05),
        row(name, "calls above a Region's quota", two["throttled"], "calls", "0",
            two["throttled"] == 0),
        row(name, "images lost + duplicated", lost + duplicates, "images", "0",
            lost == 0 and duplicates == 0)])
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
