"""Per-model request limits shared by the workers: a sliding window like Bedrock's, bursts up
to what the window has free, and holding off after a throttle."""

from __future__ import annotations

import contextvars
import threading
import time
import uuid

import pytest

from generation import fanout
from generation import runner as jobs
from providers import ratelimit
from providers.base import ProviderError, ProviderResult
from tests.helpers import wait_until


def key() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def window(request: pytest.FixtureRequest) -> ratelimit.Window:
    if request.param == "memory":
        return ratelimit.MemoryWindow()
    return ratelimit.RedisWindow(request.getfixturevalue("redis_url"))


def test_no_limit_never_waits():
    name = key()
    assert all(ratelimit.acquire(name, None).waited == 0.0 for _ in range(50))


def test_a_burst_up_to_the_quota_goes_at_once_and_the_next_call_waits_for_the_oldest(window):
    name = key()
    assert [window.take(name, 30, 60.0, f"c{i}") for i in range(30)] == [0.0] * 30
    wait = window.take(name, 30, 60.0, "c30")
    assert 59.0 < wait <= 60.0  # the first of the 30 leaves the window in a minute
    assert window.take(key(), 30, 60.0, "c31") == 0.0  # another model's window is its own


def test_the_window_counts_what_is_in_use_now(window):
    name = key()
    assert window.count(name, 60.0) == 0
    for i in range(3):
        window.take(name, 30, 60.0, f"c{i}")
    assert window.count(name, 60.0) == 3
    assert window.count(key(), 60.0) == 0


def test_in_use_is_counted_per_model_and_region():
    model = key()
    ratelimit.acquire(ratelimit.limit_key(model, "us-west-2"), 10)
    ratelimit.acquire(ratelimit.limit_key(model, "us-west-2"), 10)
    ratelimit.acquire(ratelimit.limit_key(model, "us-east-1"), 10)
    assert ratelimit.in_use(ratelimit.limit_key(model, "us-west-2")) == 2
    assert ratelimit.in_use(ratelimit.limit_key(model, "us-east-1")) == 1


def test_calls_leave_the_count_with_the_window():
    clock = Clock()
    window, name = ratelimit.MemoryWindow(clock), key()
    window.take(name, 5, 60.0, "old")
    clock.now += 30
    window.take(name, 5, 60.0, "new")
    assert window.count(name, 60.0) == 2
    clock.now += 31
    assert window.count(name, 60.0) == 1


def test_a_slot_frees_when_the_oldest_call_leaves_the_window():
    clock = Clock()
    window = ratelimit.MemoryWindow(clock)
    name = key()
    for step in range(3):  # calls at t, t+10, t+20
        assert window.take(name, 3, 60.0, f"c{step}") == 0.0
        clock.now += 10
    assert window.take(name, 3, 60.0, "c3") == pytest.approx(30.0)  # the first leaves at t+60
    clock.now += 30
    assert window.take(name, 3, 60.0, "c4") == 0.0
    assert window.take(name, 3, 60.0, "c5") == pytest.approx(10.0)  # then the one from t+10


def test_a_call_counts_from_when_the_provider_got_it_never_from_earlier(window):
    name = key()
    assert window.take(name, 2, 60.0, "late") == 0.0
    assert window.take(name, 2, 60.0, "early") == 0.0
    window.move(name, "late", 0.0, 60.0)  # sent long after its admission: counted from now
    window.move(name, "early", 3600.0, 60.0)  # an hour "ago" would be before its admission
    wait = window.take(name, 2, 60.0, "next")
    assert 59.0 < wait <= 60.0  # "early" still counts from its admission, and leaves first


def test_moving_the_oldest_call_later_delays_the_next_admission():
    clock = Clock()
    window = ratelimit.MemoryWindow(clock)
    name = key()
    window.take(name, 1, 60.0, "first")
    clock.now += 2
    window.move(name, "first", 0.5, 60.0)  # the provider got it 1.5 s after its admission
    assert window.take(name, 1, 60.0, "second") == pytest.approx(59.5)


def test_the_redis_window_frees_slots_on_redis_time(redis_url):
    window, name = ratelimit.RedisWindow(redis_url), key()
    assert window.take(name, 2, 0.5, "a") == 0.0 and window.take(name, 2, 0.5, "b") == 0.0
    assert window.take(name, 2, 0.5, "c") > 0
    wait_until(lambda: window.take(name, 2, 0.5, uuid.uuid4().hex) == 0.0, 5,
               "a slot after half a second")


def test_concurrent_callers_never_take_more_than_the_quota(window):
    name, granted = key(), []

    def caller() -> None:
        granted.extend(w for w in (window.take(name, 25, 60.0, uuid.uuid4().hex)
                                   for _ in range(10)) if w == 0.0)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 25


def test_a_full_window_refuses_at_once_when_no_slot_frees_before_the_deadline():
    name = key()
    ratelimit.acquire(name, 1, max_wait=1)
    with pytest.raises(ProviderError) as raised:
        ratelimit.acquire(name, 1, max_wait=5)  # the slot frees in a minute, not in 5 s
    assert raised.value.retryable and raised.value.code == "rate_limited"


def test_after_a_throttle_every_caller_holds_off(settings):
    settings.ATELIER_THROTTLE_PENALTY_SECONDS = 0.6
    name = key()
    ratelimit.penalize(name)
    assert ratelimit.acquire(name, 6000, max_wait=5).waited >= 0.4


@pytest.mark.django_db
def test_a_worker_waiting_for_a_slot_keeps_its_jobs_lease(submit, settings):
    settings.ATELIER_JOB_LEASE_SECONDS = 3
    settings.ATELIER_THROTTLE_PENALTY_SECONDS = 2.5
    job = jobs.claim_job(submit().pk)
    first_deadline = job.lease_expires_at
    name = key()
    ratelimit.penalize(name)  # every caller holds off for 2.5 s, longer than a third of the lease
    ratelimit.acquire(name, 60, max_wait=10, keepalive=jobs._lease_keeper(job))
    job.refresh_from_db()
    assert job.lease_expires_at > first_deadline


def test_a_call_counts_from_its_answers_arrival_not_from_when_its_thread_got_round_to_it():
    """A call answered at once but handed back a second later (its thread short of CPU,
    parsing): the window counts it from the answer's arrival (less the provider's own time
    on it, here none), so the next window opens a second earlier than if it counted from
    when its thread finished."""
    name = key()

    def make(call: object) -> ProviderResult:
        answered_at = time.monotonic()
        time.sleep(1.0)  # the thread busy after the answer arrived
        return ProviderResult(images=(), provider_seconds=0.0, answered_at=answered_at)

    outcomes = list(fanout.run_calls(
        [([0], object())], threads=1, wait_for_slot=lambda: ratelimit.acquire(name, 1),
        make=make, finish=lambda *args: None, keepalive=lambda: None,  # type: ignore[arg-type]
        keepalive_every=5.0))
    assert outcomes[0].result is not None
    window = ratelimit.WINDOW_SECONDS + ratelimit.MARGIN_SECONDS
    wait = ratelimit._current_window().take(name, 1, window, "next")
    assert 0 < wait <= window - 1.0


def test_taking_slots_from_many_threads_reuses_one_connection_to_redis(redis_url, settings):
    """Each provider call runs on a pool thread in a context of its own. Taking a slot and
    checking for a hold after a throttle go through the window's one client, not a client
    per context (Django's cache made one for every call: a new connection, 5 ms of CPU)."""
    import redis

    settings.REDIS_URL, settings.ATELIER_QUEUE = redis_url, "redis"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url}}  # as in production
    ratelimit._window.cache_clear()
    server = redis.Redis.from_url(redis_url)
    name = key()
    ratelimit.acquire(name, 6000)  # the window's own connection
    before = server.info("stats")["total_connections_received"]
    for _ in range(20):
        caller = threading.Thread(target=contextvars.copy_context().run,
                                  args=(ratelimit.acquire, name, 6000))
        caller.start()
        caller.join()
    assert server.info("stats")["total_connections_received"] - before <= 1
    assert ratelimit.in_use(name) == 21
    ratelimit._window.cache_clear()
