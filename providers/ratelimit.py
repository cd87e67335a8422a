"""Requests-per-minute limits per model and region, shared by every worker.

Two Dramatiq window limiters per (model, region): a per-second one that spreads calls evenly
and a per-minute one that keeps any 60-second stretch under the account's quota (the catalog's
`rate_limit_rpm`, or ATELIER_MODEL_RPM__<KEY>). They live in Redis in production, so all worker
processes on all machines share them, and in memory on the embedded default. After Bedrock
throttles anyway, every worker holds off that model for a while (`penalize`).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.cache import cache as shared_cache
from dramatiq.rate_limits import WindowRateLimiter
from dramatiq.rate_limits.backends import RedisBackend, StubBackend

from providers.base import ProviderError


@cache
def _backend(redis_url: str) -> object:
    return RedisBackend(url=redis_url) if redis_url else StubBackend()


@cache
def _limiters(key: str, rpm: int, redis_url: str) -> tuple[WindowRateLimiter, ...]:
    backend = _backend(redis_url)
    per_second = max(1, math.ceil(rpm / 60))
    per_minute = max(1, rpm - per_second)
    return (WindowRateLimiter(backend, f"{key}:s", limit=per_second, window=1),
            WindowRateLimiter(backend, f"{key}:m", limit=per_minute, window=60))


def _take(limiter: WindowRateLimiter) -> bool:
    # Window limiters count on acquire and release nothing, so leaving the block keeps the slot.
    with limiter.acquire(raise_on_failure=False) as acquired:
        return bool(acquired)


def _penalty_key(key: str) -> str:
    return f"atelier:throttled:{key}"


def penalize(key: str) -> None:
    """Bedrock throttled a call: every worker waits a little before the next one."""
    seconds = settings.ATELIER_THROTTLE_PENALTY_SECONDS
    shared_cache.set(_penalty_key(key), time.time() + seconds, timeout=int(seconds) + 1)


def acquire(key: str, rpm: int | None, *, max_wait: float | None = None,
            keepalive: Callable[[], None] | None = None) -> float:
    """Wait for a slot under `rpm`; return the seconds waited. Unlimited when rpm is None.

    Gives up after `max_wait` seconds (ATELIER_RATE_WAIT_SECONDS) with a retryable error, so
    the job goes back to the queue instead of holding a worker forever. `keepalive` is called
    while waiting (the job's lease: a waiting worker is not a dead one).
    """
    if not rpm:
        return 0.0
    limiters = _limiters(key, rpm, settings.REDIS_URL if settings.ATELIER_QUEUE == "redis"
                         else "")
    started = time.monotonic()
    deadline = started + (settings.ATELIER_RATE_WAIT_SECONDS if max_wait is None else max_wait)
    while True:
        held_until = shared_cache.get(_penalty_key(key))
        if held_until and held_until > time.time():
            time.sleep(min(held_until - time.time(), 1.0) + random.uniform(0, 0.2))
        elif all(_take(limiter) for limiter in limiters):
            return time.monotonic() - started
        else:
            time.sleep(random.uniform(0.05, 0.25))
        if keepalive is not None:
            keepalive()
        if time.monotonic() > deadline:
            raise ProviderError("rate_limited", f"no free slot under {rpm} requests/minute for "
                                f"{key} within {deadline - started:.0f} s", retryable=True)
