"""A contact sheet at model latency: one n-image job from submit to its last image stored.

A Stable Diffusion 3.5 Large job of n images (one image per call) goes through the same
service as the API, onto Redis, and is run by one `manage.py run_workers` process against
the Bedrock double, which answers each call after L seconds under an idle quota of R
requests a minute; output moderation runs through the double's ApplyGuardrail. The clock
runs from the submit until the job is finished with every image stored; a warm-up job runs
first, and each job's renditions are made before the next job starts (they run after the job,
off its path).

Baselines, measured in the same run against the same double: one InvokeModel call (the
floor: the model's own latency) and n InvokeModel calls one after another, which is how a
job's calls used to run. Where the time went is printed too (medians after the submit: the
job claimed, its calls out and answered, its images stored), from the rows the job wrote.

    REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python benchmarks/contact_sheet.py \
        [--images 10 --latency 2 --rpm 100 --runs 3]

Target: at most 3 s for 10 images at L = 2 s (a job's calls in flight together).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import statistics
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

MODEL_KEY, MODEL_ID = "sd3.5-large", "stability.sd3-5-large-v1:0"
GUARDRAIL = "benchguardrail"
TARGET_S = 3.0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10, help="n: images in the job")
    parser.add_argument("--latency", type=float, default=2.0, help="L: seconds per call")
    parser.add_argument("--rpm", type=int, default=100, help="R: the quota, requests/minute")
    parser.add_argument("--runs", type=int, default=3, help="jobs, one after another")
    parser.add_argument("--threads", type=int, default=4, help="worker threads")
    add_json_out(parser)
    return parser.parse_args()


def invoke_once(client: object, seed: int) -> None:
    body = {"prompt": "a linen shirt on a hanger, studio light", "mode": "text-to-image",
            "aspect_ratio": "1:1", "seed": seed, "output_format": "png"}
    answer = client.invoke_model(modelId=MODEL_ID, body=json.dumps(body))  # type: ignore[attr-defined]
    base64.b64decode(json.loads(answer["body"].read())["images"][0])


def timeline(job: Any, submitted: float) -> dict[str, float]:
    """When each step of a finished job happened, in seconds after its submit (the workers'
    clock is this machine's)."""
    from assets.models import Asset
    from generation.models import ProviderAttempt

    attempts = list(ProviderAttempt.unscoped.filter(job_id=job.pk))
    stored = [a.created_at.timestamp() for a in Asset.unscoped.filter(job_id=job.pk)]
    calls_out = [a.started_at.timestamp() for a in attempts]
    answered = [a.started_at.timestamp() + a.duration_ms / 1000 for a in attempts]
    return {"claimed": job.started_at.timestamp() - submitted,
            "first call out": min(calls_out) - submitted,
            "last call out": max(calls_out) - submitted,
            "last call answered": max(answered) - submitted,
            "first image stored": min(stored) - submitted,
            "last image stored": max(stored) - submitted,
            "finished": job.finished_at.timestamp() - submitted}


def main() -> int:
    args = arguments()
    from tests.fakes.bedrock import BedrockDouble

    double = BedrockDouble(latency=args.latency).start()
    double.rpm[MODEL_ID] = args.rpm
    double.guardrails.add(GUARDRAIL)
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update(bedrock_worker_environment(var_dir, double.url, MODEL_KEY, args.rpm,
                                                 ATELIER_GUARDRAIL_ID=GUARDRAIL))

    import boto3
    import django

    django.setup()
    from django.core.management import call_command

    from assets.models import Asset, Rendition
    from catalog.requests import JobRequest
    from generation.models import Job
    from generation.services import submit_job
    from tenants.models import Tenant
    from tenants.services import create_tenant

    client = boto3.client("bedrock-runtime", region_name="us-west-2")
    clock = time.monotonic()
    invoke_once(client, 1)
    one_call = time.monotonic() - clock
    clock = time.monotonic()
    for seed in range(args.images):
        invoke_once(client, seed + 2)
    sequential = time.monotonic() - clock

    call_command("migrate", verbosity=0)
    idle_quota(MODEL_KEY)
    tenant = Tenant.objects.filter(slug="bench").first() or create_tenant("bench").tenant
    workers = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", "1", "--threads",
         str(args.threads)], cwd=ROOT, env=os.environ.copy(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    times: list[float] = []
    phases: list[dict[str, float]] = []

    def quiet(job_id: object, images: int) -> None:
        """Wait for the job to finish and its renditions to be made (the worker idle again)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and Rendition.unscoped.filter(
                asset__job_id=job_id, kind="thumbnail").count() < images:
            time.sleep(0.1)
        time.sleep(0.5)

    try:
        wait_for_workers(1)  # the worker polls the queue before the clock starts
        warm_up = submit_job(tenant, JobRequest(model=MODEL_KEY, prompt="warm-up",
                                                aspect_ratio="1:1", seed=99))
        quiet(warm_up.pk, 1)
        for run in range(args.runs):
            clock, submitted = time.monotonic(), time.time()
            job = submit_job(tenant, JobRequest(model=MODEL_KEY, prompt=f"a linen shirt {run}",
                                                n=args.images, aspect_ratio="1:1",
                                                seed=run + 1))
            while Job.unscoped.filter(pk=job.pk, status__in=Job.ACTIVE).exists():
                if time.monotonic() - clock > 300:
                    sys.exit("the job did not finish within 300 s")
                time.sleep(0.02)
            times.append(time.monotonic() - clock)
            stored = Asset.unscoped.filter(job_id=job.pk).count()
            job.refresh_from_db()
            if job.status != "succeeded" or stored != args.images:
                sys.exit(f"the job ended {job.status} with {stored} of {args.images} images")
            phases.append(timeline(job, submitted))
            quiet(job.pk, args.images)
    finally:
        os.killpg(workers.pid, signal.SIGTERM)
        workers.wait(30)
        double.stop()

    median = statistics.median(times)
    steps = {name: statistics.median(p[name] for p in phases) for name in phases[0]}
    print(f"{args.images}-image {MODEL_KEY} job, L={args.latency:g} s, R={args.rpm}/min, "
          f"1 worker process x {args.threads} threads, guardrails on")
    print(f"  baseline: one InvokeModel call {one_call:.2f} s; {args.images} calls one after "
          f"another {sequential:.2f} s")
    print(f"  submit -> last image stored: {', '.join(f'{t:.2f}' for t in times)} s "
          f"(median {median:.2f} s = {median / one_call:.2f} model latencies)")
    print("  where it went (median s after the submit): "
          + ", ".join(f"{name} {value:.2f}" for name, value in steps.items()))
    name = f"contact sheet ({args.images} x {MODEL_KEY}, L={args.latency:g} s)"
    emit(args.json_out, [
        row(name, "one call (floor)", one_call, "s"),
        row(name, "calls one after another (baseline)", sequential, "s"),
        row(name, "submit to last image stored, median", median, "s", f"<= {TARGET_S:g} s",
            median <= TARGET_S)])
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
