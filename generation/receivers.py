"""What the generation app does when something happens elsewhere (core/events.py)."""

from __future__ import annotations

from assets.models import Asset
from core.events import AssetModerated, subscribe
from generation import webhooks


@subscribe(AssetModerated)
def announce_moderation(event: AssetModerated) -> None:
    """One `asset.approved` / `asset.rejected` webhook per transition."""
    if event.changed:
        webhooks.asset_moderated(Asset.unscoped.select_related("tenant", "job").get(
            pk=event.asset_id))
