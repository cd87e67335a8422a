"""One scheduler: periodic work runs in exactly one process, never in the workers, and a
standby takes over when the leader dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.utils import timezone

from core.scheduler import LocalLeaderLock, RedisLeaderLock, Scheduler
from generation.models import Job
from tests.conftest import start_manage, subprocess_env
from tests.helpers import wait_until

CALLS: list[str] = []


def record_call() -> int:
    """A scheduled task for these tests: remembers which scheduler thread ran it."""
    CALLS.append(threading.current_thread().name)
    return len(CALLS)


def explode() -> None:
    raise RuntimeError("a repair that fails")


@pytest.fixture
def calls() -> Iterator[list[str]]:
    CALLS.clear()
    yield CALLS
    CALLS.clear()


def run_in_thread(scheduler: Scheduler, name: str) -> threading.Thread:
    thread = threading.Thread(target=scheduler.run, name=name, daemon=True)
    thread.start()
    return thread


def test_tasks_run_every_interval_and_a_failing_one_stops_nothing(calls, settings):
    settings.ATELIER_SCHEDULE = {"boom": ("tests.core.test_scheduler.explode", 0.1),
                                 "count": ("tests.core.test_scheduler.record_call", 0.1)}
    scheduler = Scheduler(lock=LocalLeaderLock(), tick=0.05)
    thread = run_in_thread(scheduler, "solo")
    try:
        wait_until(lambda: len(calls) >= 3, 10, "three runs of the task")
    finally:
        scheduler.stop()
        thread.join(5)
    assert set(calls) == {"solo"}


@pytest.fixture
def lock_url(redis_url: str) -> Iterator[str]:
    yield redis_url
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("*atelier:scheduler:leader*"):
        client.delete(key)


def test_the_redis_lock_has_one_owner_and_only_the_owner_renews_or_releases(lock_url, settings):
    settings.DRAMATIQ_BROKER = {**settings.DRAMATIQ_BROKER,
                                "OPTIONS": {"namespace": f"t-{uuid.uuid4().hex[:8]}"}}
    first, second = RedisLeaderLock(lock_url, 1.0), RedisLeaderLock(lock_url, 1.0)
    assert first.acquire() is True
    assert second.acquire() is False
    assert second.renew() is False
    second.release()  # not the owner: nothing happens
    assert first.renew() is True and second.acquire() is False
    time.sleep(1.2)  # the owner stopped renewing: the lock lapses
    assert second.acquire() is True
    assert first.renew() is False
    second.release()
    assert first.acquire() is True


def test_a_second_scheduler_waits_and_takes_over_when_the_leader_stops(
        calls, lock_url, settings):
    settings.DRAMATIQ_BROKER = {**settings.DRAMATIQ_BROKER,
                                "OPTIONS": {"namespace": f"t-{uuid.uuid4().hex[:8]}"}}
    settings.ATELIER_SCHEDULER_LOCK_SECONDS = 1
    settings.ATELIER_SCHEDULE = {"count": ("tests.core.test_scheduler.record_call", 0.1)}
    leader = Scheduler(lock=RedisLeaderLock(lock_url, 1.0), tick=0.05)
    leader_thread = run_in_thread(leader, "leader")
    wait_until(lambda: leader.leading.is_set(), 5, "the first scheduler to lead")
    standby = Scheduler(lock=RedisLeaderLock(lock_url, 1.0), tick=0.05)
    standby_thread = run_in_thread(standby, "standby")
    try:
        wait_until(lambda: len(calls) >= 10, 10, "ten runs")
        assert set(calls) == {"leader"} and not standby.leading.is_set()
        leader.stop()
        leader_thread.join(5)
        ran_by_leader = len(calls)
        wait_until(lambda: len(calls) >= ran_by_leader + 5, 10, "the standby to take over")
        assert set(calls[ran_by_leader:]) == {"standby"}
    finally:
        leader.stop()
        standby.stop()
        standby_thread.join(5)


# --- processes: two schedulers and three workers on Redis ------------------------------------

def json_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def swept_job_ids(path: Path) -> list[str]:
    return [job_id for line in json_lines(path)
            if line.get("event") == "scheduler.ran" and line.get("task") == "stale jobs"
            for job_id in line["result"]["ids"]]


def ran_anything(path: Path) -> bool:
    return any(line.get("event") == "scheduler.ran" for line in json_lines(path))


@pytest.mark.redis
def test_two_schedulers_and_three_workers_sweep_each_stale_job_once(
        acme, submit, redis_url, transactional_db, tmp_path):
    env = subprocess_env(REDIS_URL=redis_url, ATELIER_SWEEP_INTERVAL_SECONDS="1",
                         ATELIER_SCHEDULER_LOCK_SECONDS="2", LOG_LEVEL="INFO")
    jobs = [submit(n=1) for _ in range(6)]  # queued on this process's own broker: "lost"
    Job.unscoped.filter(pk__in=[j.pk for j in jobs]).update(
        enqueued_at=timezone.now() - timedelta(hours=2))
    logs = {name: tmp_path / f"{name}.log" for name in
            ("scheduler-1", "scheduler-2", "worker-1", "worker-2", "worker-3")}
    processes = {name: start_manage(
        *(["run_scheduler", "--metrics-port", "0"] if name.startswith("scheduler") else
          ["run_workers", "--processes", "1", "--threads", "2"]), env=env, log=log)
        for name, log in logs.items()}
    try:
        wait_until(lambda: not Job.unscoped.filter(
            pk__in=[j.pk for j in jobs], status__in=Job.ACTIVE).exists(), 90,
            "the swept jobs to run")
        time.sleep(3)  # several more sweep intervals: nothing may be swept again
        swept = {name: swept_job_ids(logs[name]) for name in ("scheduler-1", "scheduler-2")}
        leaders = [name for name in swept if ran_anything(logs[name])]
        assert len(leaders) == 1, {name: logs[name].read_text()[-2000:] for name in swept}
        all_swept = swept["scheduler-1"] + swept["scheduler-2"]
        assert sorted(all_swept) == sorted(str(j.pk) for j in jobs)
        assert not any(ran_anything(logs[f"worker-{i}"]) for i in (1, 2, 3))
        assert {j.status for j in Job.unscoped.filter(pk__in=[j.pk for j in jobs])} == {
            "succeeded"}
        # The leader publishes the queue's figures as CloudWatch Embedded Metric Format lines.
        emf = [line for line in json_lines(logs[leaders[0]])
               if line.get("event") == "queue.metrics"]
        assert emf and emf[-1]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Atelier"
        assert emf[-1]["QueueDepth"] == 0 and "QueueOldestAgeSeconds" in emf[-1]

        # The leader dies: the standby leads within the lock's lifetime.
        leader, standby = leaders[0], ({"scheduler-1", "scheduler-2"} - set(leaders)).pop()
        os.killpg(processes[leader].pid, signal.SIGKILL)
        wait_until(lambda: ran_anything(logs[standby]), 20, "the standby to take over")
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{env['ATELIER_QUEUE_NAMESPACE']}*"))
        if keys:
            client.delete(*keys)


@pytest.mark.redis
def test_the_scheduler_serves_its_metrics_with_the_queue_figures(redis_url, transactional_db,
                                                                tmp_path):
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = subprocess_env(REDIS_URL=redis_url, ATELIER_SWEEP_INTERVAL_SECONDS="1")
    process = start_manage("run_scheduler", "--metrics-port", str(port), env=env,
                           log=tmp_path / "scheduler.log")

    def scraped() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                return r.read().decode()
        except OSError:
            return ""
    try:
        wait_until(lambda: "\natelier_queue_depth " in scraped(), 30, "the queue gauge")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(15) == 0, (tmp_path / "scheduler.log").read_text()[-2000:]
