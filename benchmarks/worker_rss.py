"""Peak resident memory of a worker process while it makes 1024x1024 images: the Redis
broker, a `manage.py run_workers` process (Dramatiq, N threads) and the whole pipeline
(local renderer, moderation, watermark, C2PA, storage, renditions, billing).

    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python benchmarks/worker_rss.py --images 40

The peak is each worker process's VmHWM from /proc (the kernel's high-water mark), read
after the last image; the master process that only forks workers is reported too.

Target (issue 9): a worker process stays within 300 MB RSS.
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
from benchmarks.common import add_json_out, children, emit, row, status_mb  # noqa: E402

TARGET_MB = 300.0
NAME = "worker memory"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--threads", type=int, default=4)
    add_json_out(parser)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required (a worker process needs the Redis broker)")
    var_dir = tempfile.mkdtemp(prefix="atelier-bench-")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "ATELIER_VAR_DIR": var_dir,
                       "DEBUG": "1", "ATELIER_C2PA_TEST_CA": "1",
                       "ATELIER_QUEUE_NAMESPACE": f"atelier-bench-{uuid.uuid4().hex[:8]}"})
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    from catalog.requests import JobRequest
    from generation.models import Job
    from generation.services import submit_job
    from tenants.services import create_tenant

    call_command("migrate", verbosity=0)
    tenant = create_tenant(f"bench-{uuid.uuid4().hex[:6]}").tenant
    log = open(Path(var_dir) / "worker.log", "wb")  # noqa: SIM115 - the worker's whole life
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_workers", "--processes", "1", "--threads",
         str(args.threads)], cwd=ROOT, env=dict(os.environ), stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        jobs = [submit_job(tenant, JobRequest(model="local", prompt=f"memory {i}", n=4,
                                              size="1024x1024"))
                for i in range(max(1, args.images // 4))]
        started, deadline = time.monotonic(), time.monotonic() + 900
        while time.monotonic() < deadline:
            if not Job.objects.for_tenant(tenant).filter(status__in=Job.ACTIVE).exists():
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
        done = Job.objects.for_tenant(tenant).filter(status="succeeded").count()
        workers = children(worker.pid)
        peaks = {pid: status_mb(pid, "VmHWM") for pid in workers}
        master = status_mb(worker.pid, "VmHWM")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    worst = max(peaks.values(), default=0.0)
    print(f"{done} of {len(jobs)} jobs ({len(jobs) * 4} images of 1024x1024) in {seconds:.1f} s"
          f" by 1 worker process x {args.threads} threads")
    for pid, peak in peaks.items():
        print(f"worker process {pid}: peak RSS {peak:.0f} MB")
    print(f"master process {worker.pid}: peak RSS {master:.0f} MB")
    emit(args.json_out, [row(NAME, "worker process peak RSS", worst, "MB",
                             f"<= {TARGET_MB:g} MB", worst <= TARGET_MB and done == len(jobs))])
    return 0 if done == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
