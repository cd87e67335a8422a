"""Dramatiq actors of the assets app: parse the message, call one service."""

from __future__ import annotations

import dramatiq

from assets import services


@dramatiq.actor(queue_name="assets", max_retries=5, min_backoff=1_000, max_backoff=60_000)
def make_renditions_actor(asset_id: str) -> None:
    services.render_asset(asset_id)
