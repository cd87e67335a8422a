"""Dramatiq actors of the billing app."""

from __future__ import annotations

import dramatiq

from billing import stripe_sync


@dramatiq.actor(queue_name="billing", max_retries=20, min_backoff=5_000, max_backoff=3_600_000)
def report_usage_actor(event_id: str) -> None:
    stripe_sync.report_usage(event_id)
