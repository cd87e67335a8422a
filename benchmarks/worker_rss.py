"""Peak resident memory of a worker process while it makes 1024x1024 images: the Redis
broker, a `manage.py run_workers` process (Dramatiq, N threads) and the whole pipeline
(local renderer, moderation, watermark, C2PA, storage, the eager renditions, billing).

    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python benchmarks/worker_rss.py --images 40

The same images are made twice in one run, by a worker of one thread (the baseline: one image
in flight at a time) and by one of N threads. For each, the worker process's resident memory
once it is idle and ready (before any job: the imports) and its peak (VmHWM from /proc, the
kernel's high-water mark, read after the last image); the master process that only forks
workers is reported too. `--provider-calls` sets ATELIER_PROVIDER_CALLS for the worker (how
many provider calls a worker process has in flight; the local renderer then renders that many
images at once).

Target (issue "Speed"): a worker process of 4 threads stays within 200 MB RSS.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import add_json_out, children, emit, row, status_mb  # noqa: E402

TARGET_MB = 200.0
NAME = "worker memory"


def idle_mb(master: int, *, timeout: float = 120.0) -> tuple[int, float]:
    """The worker process (master's first child that imports the app) and its resident memory
    once it has stopped growing: started, imported, waiting for messages."""
    deadline, last, steady = time.monotonic() + timeout, -1.0, 0
    while time.monotonic() < deadline:
        workers = children(master)
        if workers:
            pid = max(workers, key=lambda p: status_mb(p, "VmRSS"))
            rss = status_mb(pid, "VmRSS")
            steady = steady + 1 if abs(rss - last) < 0.5 else 0
            if steady >= 4:
                return pid, rss
            last = rss
        time.sleep(0.5)
    raise SystemExit("the worker did not settle")


def finished(tenant: Any, images: int) -> bool:
    """Every job ended and every image has its thumbnail (the renditions actor ran too)."""
    from assets.models import Rendition
    from generation.models import Job

    if Job.objects.for_tenant(tenant).filter(status__in=Job.ACTIVE).exists():
        return False
    return Rendition.objects.for_tenant(tenant).filter(kind="thumbnail").count() >= images


def run(threads: int, images: int, var_dir: str) -> dict[str, Any]:
    """One worker of `threads` threads makes `images` images: its idle and peak memory."""
    from catalog.requests import JobRequest
    from generation.models import Job
    from generation.services import submit_job
    from tenants.services import create_tenant

    tenant = create_tenant(f"bench-{uuid.uuid4().hex[:6]}").tenant
    log = open(Path(var_dir) / f"worker-{threads}.log", "wb")  # noqa: SIM115 - its whole life
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", "1", "--threads",
         str(threads)], cwd=ROOT, env=dict(os.environ), stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        pid, idle = idle_mb(worker.pid)
        jobs = [submit_job(tenant, JobRequest(model="local", prompt=f"memory {i}", n=4,
                                              size="1024x1024"))
                for i in range(max(1, images // 4))]
        started, deadline = time.monotonic(), time.monotonic() + 900
        while time.monotonic() < deadline and not finished(tenant, len(jobs) * 4):
            time.sleep(0.5)
        seconds = time.monotonic() - started
        done = Job.objects.for_tenant(tenant).filter(status="succeeded").count()
        peak = status_mb(pid, "VmHWM")
        master = status_mb(worker.pid, "VmHWM")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    print(f"{threads} thread(s): {done} of {len(jobs)} jobs ({len(jobs) * 4} images of "
          f"1024x1024) in {seconds:.1f} s; worker process {pid}: idle {idle:.0f} MB, "
          f"peak {peak:.0f} MB; master process: peak {master:.0f} MB")
    return {"idle": idle, "peak": peak, "ok": done == len(jobs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--provider-calls", type=int,
                        help="ATELIER_PROVIDER_CALLS for the worker (default: the setting's)")
    add_json_out(parser)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required (a worker process needs the Redis broker)")
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_VAR_DIR": var_dir,
                       "ATELIER_C2PA_TEST_CA": "1",
                       "ATELIER_QUEUE_NAMESPACE": f"atelier-bench-{uuid.uuid4().hex[:8]}"})
    os.environ.pop("DEBUG", None)  # as in production: no query log kept per connection
    if args.provider_calls:
        os.environ["ATELIER_PROVIDER_CALLS"] = str(args.provider_calls)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    baseline = run(1, args.images, var_dir)
    measured = run(args.threads, args.images, var_dir)
    calls = os.environ.get("ATELIER_PROVIDER_CALLS", "default")
    label = f"{args.threads} threads, provider calls {calls}"
    ok = baseline["ok"] and measured["ok"]
    emit(args.json_out, [
        row(NAME, "worker process idle RSS (baseline)", measured["idle"], "MB"),
        row(NAME, f"worker process peak RSS, 1 thread (baseline, provider calls {calls})",
            baseline["peak"], "MB"),
        row(NAME, f"worker process peak RSS, {label}", measured["peak"], "MB",
            f"<= {TARGET_MB:g} MB", measured["peak"] <= TARGET_MB and ok),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
