"""Production mode: jobs through a real Redis broker and separate `rundramatiq` worker
processes, including a worker SIGKILLed in the middle of a job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from assets.models import Asset
from generation.models import Job
from tests.conftest import manage, start_manage, subprocess_env
from tests.helpers import wait_until

pytestmark = pytest.mark.redis


class Workers:
    """Worker process groups started for one test, all stopped at the end."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.groups = env, log, []
        self.scheduler: subprocess.Popen[bytes] | None = None  # sweeps for stuck jobs

    def start(self) -> subprocess.Popen[bytes]:
        if self.scheduler is None:
            self.scheduler = start_manage("run_scheduler", "--metrics-port", "0",
                                          env=self.env, log=self.log)
        process = start_manage("run_workers", "--processes", "1", "--threads", "2",
                               env=self.env, log=self.log)
        self.groups.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in [*self.groups, *([self.scheduler] if self.scheduler else [])]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def redis_env(redis_url: str, transactional_db: None) -> Iterator[dict[str, str]]:
    env = subprocess_env(REDIS_URL=redis_url, ATELIER_SWEEP_INTERVAL_SECONDS="1")
    yield env
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{env['ATELIER_QUEUE_NAMESPACE']}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def workers(redis_env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(redis_env, tmp_path / "workers.log")
    yield pool
    pool.stop_all()
    print(pool.log.read_text(errors="replace")[-4000:])


def test_a_job_runs_on_a_separate_worker_process_through_redis(acme, redis_env, workers):
    workers.start()
    result = manage("generate", "--tenant", "acme", "--model", "local", "--prompt",
                    "a walnut desk", "--n", "3", "--size", "256x256", "--wait", "--json",
                    "--timeout", "90", env=redis_env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"] == "succeeded"
    job = Job.objects.for_tenant(acme.tenant).get(pk=printed["id"])
    assert job.assets.count() == 3
    # It really went through Redis: this pytest process's own broker never saw a message.
    assert job.attempts == 1


def test_a_worker_killed_mid_job_leaves_it_completed_exactly_once(acme, redis_env, workers):
    # Two calls at a time, 400 ms each: the eight images take four rounds, so the worker is
    # killed mid-job even when a loaded machine notices the first images late (with sixteen
    # calls at a time, all eight were made before the kill once).
    redis_env.update(ATELIER_LOCAL_LATENCY_MS="400", ATELIER_JOB_LEASE_SECONDS="3",
                     ATELIER_PROVIDER_CALLS="2")
    first = workers.start()
    submitted = manage("generate", "--tenant", "acme", "--model", "local", "--prompt",
                       "a copper kettle", "--n", "8", "--size", "256x256", "--json",
                       env=redis_env)
    assert submitted.returncode == 0, submitted.stderr
    job = Job.objects.for_tenant(acme.tenant).get(pk=json.loads(submitted.stdout)["id"])

    wait_until(lambda: job.assets.count() >= 2, 60, "the first images")
    workers.kill(first)
    made_before_kill = job.assets.count()
    job.refresh_from_db()
    assert job.status == "running" and made_before_kill < 8

    workers.start()
    wait_until(lambda: Job.unscoped.get(pk=job.pk).is_finished, 90, "the job to finish")
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.attempts == 2
    assets = list(Asset.objects.for_tenant(acme.tenant).filter(job=job).order_by("index"))
    assert [a.index for a in assets] == list(range(8))
    assert [a.seed for a in assets] == [job.base_seed + i for i in range(8)]
    job_dir = Path(settings.MEDIA_ROOT) / Path(assets[0].storage_key).parent
    assert sorted(p.name for p in job_dir.iterdir()) == sorted(
        Path(a.storage_key).name for a in assets)
