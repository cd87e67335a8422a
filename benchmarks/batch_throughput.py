"""Batch throughput against a Bedrock quota: N images through Redis and K worker processes.

The Bedrock double answers after L seconds and throttles above R requests per minute (a
sliding 60 s window, like the account quota). Atelier's shared rate limiter should keep the
batch just under R: the target is >= 90 % of the bound, <= 2 % of calls throttled, and no
image lost or made twice.

    REDIS_URL=redis://127.0.0.1:6379/0 [DATABASE_URL=postgres://…] \
        .venv/bin/python benchmarks/batch_throughput.py --images 300 --latency 2 --rpm 120

Prints the measured numbers and whether each target was met.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, emit, row  # noqa: E402

MODEL_KEY, MODEL_ID = "stable-image-core", "stability.stable-image-core-v1:1"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=300, help="N: images in the batch")
    parser.add_argument("--latency", type=float, default=2.0, help="L: seconds per call")
    parser.add_argument("--rpm", type=int, default=120, help="R: the quota, requests/minute")
    parser.add_argument("--processes", type=int, default=2, help="K: worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker process")
    parser.add_argument("--timeout", type=float, default=900)
    add_json_out(parser)
    return parser.parse_args()


def environment(args: argparse.Namespace, double_url: str, var_dir: str) -> dict[str, str]:
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required: the batch runs on Redis and separate worker processes")
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ATELIER_PROVIDER": "bedrock",
        "ATELIER_VAR_DIR": var_dir,
        "ATELIER_QUEUE_NAMESPACE": f"atelier-bench-{uuid.uuid4().hex[:8]}",
        f"ATELIER_MODEL_RPM__{MODEL_KEY.upper().replace('-', '_')}": str(args.rpm),
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": double_url,
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-west-2", "ATELIER_LOG_LEVEL": "WARNING",
    })
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    return env


def main() -> int:
    args = arguments()
    from tests.fakes.bedrock import BedrockDouble

    double = BedrockDouble(latency=args.latency).start()
    double.rpm[MODEL_ID] = args.rpm
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update(environment(args, double.url, var_dir))

    import django

    django.setup()
    from django.core.management import call_command

    from assets.models import Asset
    from catalog.requests import JobRequest
    from generation.models import Job, ProviderAttempt
    from generation.services import submit_job
    from tenants.models import Tenant
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.filter(slug="bench").first() or create_tenant("bench").tenant
    workers = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", str(args.processes),
         "--threads", str(args.threads)], cwd=ROOT, env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(3)  # let the workers boot before the clock starts
        started = time.time()
        jobs = [submit_job(tenant, JobRequest(model=MODEL_KEY, prompt=f"product shot {i}",
                                              seed=i + 1)) for i in range(args.images)]
        ids = [job.pk for job in jobs]
        deadline = time.monotonic() + args.timeout
        while Job.unscoped.filter(pk__in=ids, status__in=Job.ACTIVE).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        finished = time.time()
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(30)
        double.stop()

    images = Asset.unscoped.filter(job_id__in=ids).count()
    calls = ProviderAttempt.unscoped.filter(job_id__in=ids)
    ok_calls = calls.filter(outcome="ok").count()
    minutes = (finished - started) / 60
    rate = images / minutes if minutes else 0.0
    throttled = double.throttled
    lost = args.images - images
    duplicates = ok_calls - images
    share_throttled = throttled / max(1, calls.count())
    print(f"batch: N={args.images} images, L={args.latency:g} s, R={args.rpm}/min, "
          f"K={args.processes} processes x {args.threads} threads")
    print(f"elapsed {finished - started:.1f} s; achieved {rate:.1f} images/min "
          f"= {rate / args.rpm:.1%} of the bound")
    print(f"calls {calls.count()}, throttled {throttled} ({share_throttled:.1%}), "
          f"lost {lost}, duplicates {duplicates}")
    checks = {
        ">= 90 % of the quota bound": rate >= 0.9 * args.rpm,
        "<= 2 % of calls throttled": share_throttled <= 0.02,
        "none lost": lost == 0,
        "none duplicated": duplicates == 0,
    }
    for name, met in checks.items():
        print(f"  target {name}: {'met' if met else 'NOT met'}")
    name = f"batch throughput (N={args.images}, L={args.latency:g} s, R={args.rpm}/min)"
    emit(args.json_out, [
        row(name, "images/min / quota bound", 100 * rate / args.rpm, "%", ">= 90 %",
            rate >= 0.9 * args.rpm),
        row(name, "calls throttled", 100 * share_throttled, "%", "<= 2 %",
            share_throttled <= 0.02),
        row(name, "images lost + duplicated", lost + duplicates, "images", "0",
            lost == 0 and duplicates == 0)])
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
