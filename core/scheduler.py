"""The one scheduler: periodic work (`settings.ATELIER_SCHEDULE`) run by exactly one process.

Workers are pure consumers. The `scheduler` role runs this loop; a Redis lock makes it the
leader, and a second scheduler started by mistake waits on standby and takes over within
`ATELIER_SCHEDULER_LOCK_SECONDS` if the leader dies. A thread renews the lock, so a slow task
never lets it lapse while the leader is alive. On the embedded default (no Redis) the
in-process worker runs the same loop in a thread, with a lock local to the process.

Tasks are named by dotted path in the settings, so this module depends on nothing above it;
each runs in its own try block (one failing repair never stops the others).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger("atelier.scheduler")
LOCK_KEY = "atelier:scheduler:leader"


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...
    def renew(self) -> bool: ...
    def release(self) -> None: ...


class RedisLeaderLock:
    """SET NX with a TTL, renewed and released only by its owner (a compare-and-set script)."""

    RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
             "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end")
    RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
               "return redis.call('del', KEYS[1]) else return 0 end")

    def __init__(self, url: str, ttl_seconds: float, key: str = LOCK_KEY) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5)
        self.key = f"{settings.DRAMATIQ_BROKER['OPTIONS'].get('namespace', 'atelier')}:{key}"
        self.token = uuid.uuid4().hex
        self.ttl_ms = int(ttl_seconds * 1000)

    def acquire(self) -> bool:
        return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        return bool(self.client.eval(self.RENEW, 1, self.key, self.token, self.ttl_ms))

    def release(self) -> None:
        self.client.eval(self.RELEASE, 1, self.key, self.token)


class LocalLeaderLock:
    """One process, one scheduler: always the leader."""

    def acquire(self) -> bool:
        return True

    def renew(self) -> bool:
        return True

    def release(self) -> None:
        pass


def leader_lock() -> LeaderLock:
    if settings.REDIS_URL:
        return RedisLeaderLock(settings.REDIS_URL, settings.ATELIER_SCHEDULER_LOCK_SECONDS)
    return LocalLeaderLock()


@dataclass
class Task:
    name: str
    path: str
    every: float
    due: float = 0.0

    def function(self) -> Callable[[], Any]:
        return import_string(self.path)


def summary(result: Any) -> Any:
    """A task's result as a log field: counts stay counts, lists of ids become their length
    and the ids."""
    if isinstance(result, list | tuple):
        return {"count": len(result), "ids": [str(item) for item in result][:50]}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items()}
    return result


def run_task(task: Task) -> Any:
    started = time.perf_counter()
    try:
        result = task.function()()
    except Exception:  # one failing repair must not stop the others
        log.exception("scheduler.task_failed", extra={"task": task.name})
        return None
    log.info("scheduler.ran", extra={"task": task.name, "result": summary(result),
                                     "ms": round((time.perf_counter() - started) * 1000, 1)})
    return result


def run_all_once() -> dict[str, Any]:
    """Every scheduled task once, now (`manage.py sweep_jobs`)."""
    return {name: run_task(Task(name, path, every))
            for name, (path, every) in settings.ATELIER_SCHEDULE.items()}


@dataclass
class Scheduler:
    lock: LeaderLock = field(default_factory=leader_lock)
    tick: float = 1.0
    stop_event: threading.Event = field(default_factory=threading.Event)
    leading: threading.Event = field(default_factory=threading.Event)

    def tasks(self) -> list[Task]:
        now = time.monotonic()  # the first run comes one interval after start
        return [Task(name, path, float(every), due=now + float(every))
                for name, (path, every) in settings.ATELIER_SCHEDULE.items()]

    def _keep_lead(self) -> None:
        """Acquire or renew the lock every third of its lifetime until stopped."""
        interval = max(0.2, settings.ATELIER_SCHEDULER_LOCK_SECONDS / 3)
        while not self.stop_event.is_set():
            try:
                held = self.lock.renew() if self.leading.is_set() else self.lock.acquire()
            except Exception:  # Redis unreachable: stop leading until it answers again
                log.warning("scheduler.lock_unavailable", exc_info=True)
                held = False
            if held and not self.leading.is_set():
                log.info("scheduler.leading")
                self.leading.set()
            elif not held and self.leading.is_set():
                log.warning("scheduler.lost_lead")
                self.leading.clear()
            elif not held:
                log.debug("scheduler.standby")
            self.stop_event.wait(interval)

    def run(self) -> None:
        """Loop until `stop()`: run each task when it is due, while this process leads."""
        keeper = threading.Thread(target=self._keep_lead, name="atelier-scheduler-lock",
                                  daemon=True)
        keeper.start()
        tasks = self.tasks()
        try:
            while not self.stop_event.wait(self.tick):
                if not self.leading.is_set():
                    continue
                for task in tasks:
                    if self.stop_event.is_set() or not self.leading.is_set():
                        break
                    if time.monotonic() >= task.due:
                        run_task(task)
                        close_old_connections()  # a long-lived thread: drop stale ones
                        task.due = time.monotonic() + task.every
        finally:
            self.stop_event.set()
            keeper.join(timeout=5)
            if self.leading.is_set():
                self.lock.release()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="atelier-scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stop_event.set()
