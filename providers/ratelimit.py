"""Requests-per-minute limits per model and region, shared by every worker.

Bedrock counts a model's requests in a sliding 60-second window (the catalog's
`rate_limit_rpm`, or ATELIER_MODEL_RPM__<KEY>). This limiter keeps the same kind of window: a
log of the times of the calls it let through, so a job may burst up to whatever the window
still has free and waits only when it is full, and then exactly until its oldest call leaves
the window. Dramatiq's window limiters were used before; they count in fixed buckets, which
either refuses a burst the quota allows or lets 2R through across a bucket boundary, so the
old per-second plus per-minute pair reached only about half of a quota's throughput on a
burst (docs/benchmarks.md).

A call enters the log when it is admitted, but Bedrock counts it when the request arrives,
which on a worker short of CPU can be seconds later (measured: 2 s with 64 threads on two busy
cores, enough to draw throttles a minute on). So once the answer is in, the call's entry moves
to when Bedrock got it, as Bedrock itself reports (its invocation latency before the answer),
or to the answer's arrival when it does not say: never earlier than the admission, so the
window only ever grows more careful.

The log lives in Redis in production (one Lua script per step: trim, count, add, all on
Redis's clock, so every worker on every machine shares one window) and in memory on the
embedded default, which runs in one process. After Bedrock throttles anyway, every worker
holds off that model in that Region for a while (`penalize`); the hold is kept beside the
window and checked by the same script, so taking a slot is one round trip on one long-lived
connection. (It was kept in Django's cache, whose client is per context: every provider
call's thread opened a Redis connection of its own to read it, 5 ms of CPU a call.) A model
callable in several Regions has a window per Region, each with the full quota;
`acquire_first` takes the first with room, so a job waits only when every one is full.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import redis
from django.conf import settings

from providers.base import ProviderError

WINDOW_SECONDS = 60.0
# Admitted calls reach Bedrock a few milliseconds later, and not all equally late: a call
# admitted just as the oldest one leaves our window could arrive while that one is still in
# Bedrock's. Half a second per window costs under 1 % of throughput and covers that skew.
MARGIN_SECONDS = 0.5
LONGEST_SLEEP = 1.0  # waiters wake at least this often to keep their job's lease

# KEYS[1]: the window's sorted set, KEYS[2]: its hold after a throttle; ARGV: limit, window
# in ms, a unique member. Returns 0 when the call may go now, minus the milliseconds left of
# the hold, or the milliseconds until the oldest call leaves.
_TAKE = """
local held = redis.call('PTTL', KEYS[2])
if held > 0 then
  return -held
end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

# KEYS[1]: the window; ARGV: the call's member, how many ms ago it arrived, the window in ms.
_MOVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local admitted = redis.call('ZSCORE', KEYS[1], ARGV[1])
local arrived = now - tonumber(ARGV[2])
if admitted and arrived > tonumber(admitted) then
  redis.call('ZADD', KEYS[1], 'XX', arrived, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 0
"""

# KEYS[1]: the window; ARGV: the window in ms. Returns the calls in it now (on Redis's clock).
_COUNT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
"""


class Window(Protocol):
    def take(self, key: str, limit: int, window: float, member: str) -> float:
        """Count the call `member` if the window has room and return 0; while the window is
        held after a throttle, minus the seconds left of the hold; else the seconds to wait
        for the oldest call to leave."""

    def hold(self, key: str, seconds: float) -> None:
        """Admit no call for `seconds` (Bedrock throttled one)."""

    def move(self, key: str, member: str, seconds_ago: float, window: float) -> None:
        """The call arrived `seconds_ago`: count it from then, if that is later."""

    def count(self, key: str, window: float) -> int:
        """The calls in the window now (what the quota has in use)."""


class MemoryWindow:
    """The sliding-window log in this process (the embedded default's single process)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, dict[str, float]] = {}
        self._held: dict[str, float] = {}

    def take(self, key: str, limit: int, window: float, member: str) -> float:
        with self._lock:
            now = self._clock()
            held = self._held.get(key, now) - now
            if held > 0:
                return -held
            calls = self._calls.setdefault(key, {})
            for name in [n for n, at in calls.items() if at <= now - window]:
                del calls[name]
            if len(calls) < limit:
                calls[member] = now
                return 0.0
            return max(0.001, min(calls.values()) + window - now)

    def hold(self, key: str, seconds: float) -> None:
        with self._lock:
            self._held[key] = self._clock() + seconds

    def move(self, key: str, member: str, seconds_ago: float, window: float) -> None:
        with self._lock:
            calls = self._calls.get(key, {})
            if member in calls:
                calls[member] = max(calls[member], self._clock() - seconds_ago)

    def count(self, key: str, window: float) -> int:
        with self._lock:
            since = self._clock() - window
            return sum(1 for at in self._calls.get(key, {}).values() if at > since)


class RedisWindow:
    """The same log as a Redis sorted set, shared by every worker process."""

    def __init__(self, url: str) -> None:
        connection = self._connection = redis.Redis.from_url(url)
        self._take: Any = connection.register_script(_TAKE)
        self._move: Any = connection.register_script(_MOVE)
        self._count: Any = connection.register_script(_COUNT)

    def take(self, key: str, limit: int, window: float, member: str) -> float:
        waited_ms = self._take(keys=[f"atelier:rpm:{key}", f"atelier:throttled:{key}"],
                               args=[limit, int(window * 1000), member])
        return int(waited_ms) / 1000

    def hold(self, key: str, seconds: float) -> None:
        self._connection.set(f"atelier:throttled:{key}", 1, px=max(1, int(seconds * 1000)))

    def move(self, key: str, member: str, seconds_ago: float, window: float) -> None:
        self._move(keys=[f"atelier:rpm:{key}"],
                   args=[member, int(seconds_ago * 1000), int(window * 1000)])

    def count(self, key: str, window: float) -> int:
        return int(self._count(keys=[f"atelier:rpm:{key}"], args=[int(window * 1000)]))


@dataclass(frozen=True)
class Slot:
    """A call's place in its model's window, and how long the call waited for it."""

    key: str
    member: str
    waited: float
    limited: bool = True

    def arrived(self, seconds_ago: float = 0.0) -> None:
        """The provider got the call `seconds_ago` (0: just now, the safe guess)."""
        if self.limited:
            _current_window().move(self.key, self.member, max(0.0, seconds_ago),
                                   WINDOW_SECONDS + MARGIN_SECONDS)


@cache
def _window(redis_url: str) -> Window:
    return RedisWindow(redis_url) if redis_url else MemoryWindow()


def _current_window() -> Window:
    return _window(settings.REDIS_URL if settings.ATELIER_QUEUE == "redis" else "")


def limit_key(model_key: str, region: str) -> str:
    """A model's window in one Region: Bedrock's quotas are per model and Region."""
    return f"{model_key}:{region}"


def in_use(key: str) -> int:
    """The calls counted in the window of `key` (limit_key) right now, across all workers."""
    return _current_window().count(key, WINDOW_SECONDS + MARGIN_SECONDS)


def penalize(key: str) -> None:
    """Bedrock throttled a call: every worker waits a little before the next one."""
    _current_window().hold(key, settings.ATELIER_THROTTLE_PENALTY_SECONDS)


def acquire(key: str, rpm: int | None, *, max_wait: float | None = None,
            keepalive: Callable[[], None] | None = None) -> Slot:
    """Wait for a slot under `rpm`; the slot says how long that took. Unlimited when rpm is
    None. Call `slot.arrived(...)` once the call is answered.

    Gives up after `max_wait` seconds (ATELIER_RATE_WAIT_SECONDS) with a retryable error, so
    the job goes back to the queue instead of holding a worker forever. `keepalive` is called
    while waiting (the job's lease: a waiting worker is not a dead one).
    """
    return acquire_first([key], rpm, max_wait=max_wait, keepalive=keepalive)


def acquire_first(keys: Sequence[str], rpm: int | None, *, max_wait: float | None = None,
                  keepalive: Callable[[], None] | None = None) -> Slot:
    """`acquire` over several windows (one model's, in each Region it may be called in): the
    slot is in the first window with room and not held off after a throttle (`slot.key` says
    which); when none has one, wait until the earliest frees anywhere. Each key keeps its own
    quota of `rpm`."""
    if not keys:
        raise ValueError("acquire_first: no window to take a slot in")
    if not rpm:
        return Slot(keys[0], "", 0.0, limited=False)
    window, member = _current_window(), uuid.uuid4().hex
    started = time.monotonic()
    deadline = started + (settings.ATELIER_RATE_WAIT_SECONDS if max_wait is None else max_wait)
    while True:
        pauses = []
        for key in keys:
            pause = window.take(key, rpm, WINDOW_SECONDS + MARGIN_SECONDS, member)
            if not pause:
                return Slot(key, member, time.monotonic() - started)
            # waiters do not all wake at once: for one freed slot, or when a hold ends
            pauses.append(pause + random.uniform(0, 0.02) if pause > 0
                          else -pause + random.uniform(0, 0.2))
        pause = min(pauses)
        if time.monotonic() + pause > deadline:  # no slot frees in time: say so now
            raise ProviderError("rate_limited", f"no free slot under {rpm} requests/minute for "
                                f"{', '.join(keys)} within {deadline - started:.0f} s",
                                retryable=True)
        time.sleep(min(pause, LONGEST_SLEEP))
        if keepalive is not None:
            keepalive()
