"""Dramatiq actors of the API: parse the message, call one service."""

from __future__ import annotations

import dramatiq

from api import webhooks


@dramatiq.actor(queue_name="webhooks", max_retries=0)
def deliver_webhook_actor(delivery_id: str) -> None:
    """One delivery attempt; webhooks.deliver schedules its own retries (backoff, 24 h)."""
    webhooks.deliver(delivery_id)
