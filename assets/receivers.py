"""What the assets app does when something happens elsewhere (core/events.py)."""

from __future__ import annotations

from assets import services
from assets.models import Asset
from core.events import AssetModerated, subscribe


@subscribe(AssetModerated)
def deliver_or_withdraw(event: AssetModerated) -> None:
    """Approved: renditions are queued (after the commit). Rejected: the object is
    quarantined or deleted and its renditions go."""
    if event.status not in (Asset.Moderation.APPROVED, Asset.Moderation.REJECTED):
        return
    asset = Asset.unscoped.get(pk=event.asset_id)
    if event.status == Asset.Moderation.APPROVED:
        services.queue_renditions(asset)
    else:
        services.withdraw(asset)
