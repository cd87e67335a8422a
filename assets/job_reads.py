"""A job's images and their renditions as its API answer reads them: two prepared reads.

`GET /api/v1/jobs/{id}` is what partners poll. Both reads compare the tenant in SQL (an
asset of another tenant is never read), take the ids only, and skip Django's per-request
query compilation (core/prepared.py); the answer shows the same as `renditions_by_asset`
would (tests/api/test_answer_shapes.py).
"""

from __future__ import annotations

from typing import Any

from assets.models import Asset, Rendition
from assets.serializers import ROW_FIELDS, RenditionRow, listing_order
from core.prepared import PreparedRead
from tenants.models import Tenant

# `moderation` (the checks' details) is not part of any answer: not read.
_ASSETS = PreparedRead(lambda tenant, job: Asset.unscoped.filter(
    tenant_id=tenant, job_id=job).order_by("index").defer("moderation"), "tenant", "job")
_RENDITIONS = PreparedRead(lambda tenant, job: Rendition.unscoped.filter(
    tenant_id=tenant, asset__job_id=job).order_by().values_list(*ROW_FIELDS), "tenant", "job")


def job_assets(tenant: Tenant, job_id: Any) -> list[Asset]:
    """The job's images in order, each with its tenant set (links name it: no query)."""
    assets = _ASSETS.instances(Asset, tenant=tenant.pk, job=job_id)
    for asset in assets:
        asset.tenant = tenant
    return assets


def job_renditions(tenant: Tenant, job_id: Any, assets: list[Asset]
                   ) -> dict[Any, list[RenditionRow]]:
    """The renditions of those of `assets` (the job's) cleared for delivery, by asset id, in
    `renditions_by_asset`'s order."""
    found: dict[Any, list[RenditionRow]] = {asset.pk: [] for asset in assets
                                            if asset.deliverable}
    for asset_id, *fields in _RENDITIONS.rows(tenant=tenant.pk, job=job_id):
        if asset_id in found:
            found[asset_id].append(RenditionRow(*fields))
    for made in found.values():
        made.sort(key=listing_order)
    return found
