"""What the billing app does when something happens elsewhere (core/events.py)."""

from __future__ import annotations

from assets.models import Asset
from billing import services
from core.events import AssetModerated, subscribe


@subscribe(AssetModerated)
def charge_approved_image(event: AssetModerated) -> None:
    """Only a delivered image is charged: when it becomes approved, inside the same
    transaction as its status (docs/billing.md)."""
    if event.changed and event.status == Asset.Moderation.APPROVED and event.job_id:
        services.charge_delivery(Asset.unscoped.select_related("tenant", "job__tenant").get(
            pk=event.asset_id))
