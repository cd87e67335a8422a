"""Per-model request limits shared by the workers, and holding off after a throttle."""

from __future__ import annotations

import time
import uuid

import pytest

from providers import ratelimit
from providers.base import ProviderError


def key() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_no_limit_never_waits():
    name = key()
    assert all(ratelimit.acquire(name, None) == 0.0 for _ in range(50))


def test_calls_are_spread_over_seconds():
    name = key()
    started = time.monotonic()
    for _ in range(3):  # 60 rpm: one call a second
        ratelimit.acquire(name, 60, max_wait=5)
    assert time.monotonic() - started >= 1.0


def test_a_full_minute_budget_refuses_further_calls_until_it_frees():
    name = key()
    ratelimit.acquire(name, 2, max_wait=2)  # 2 rpm: one a second, at most one a minute more
    with pytest.raises(ProviderError) as raised:
        ratelimit.acquire(name, 2, max_wait=1.5)
    assert raised.value.retryable and raised.value.code == "rate_limited"


def test_after_a_throttle_every_caller_holds_off(settings):
    settings.ATELIER_THROTTLE_PENALTY_SECONDS = 0.6
    name = key()
    ratelimit.penalize(name)
    waited = ratelimit.acquire(name, 6000, max_wait=5)
    assert waited >= 0.4
