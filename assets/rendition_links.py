"""Links to the renditions made on first request (AVIF, assets/renditions.py `lazy_plans`).

Until it is made, such a rendition has no object for S3 or CloudFront to sign, so its link is
always Atelier's own: `/files/{rendition key}?exp=…&name=…&sig=…`, signed like the embedded
default's download links (assets/signing.py, purpose `download`). The download view
(api/downloads.py) makes the rendition on that first request and then serves it, or redirects
to the object's own link when it lives in the bucket. Once made, the rendition is an ordinary
row and gets ordinary links.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from assets.delivery import Link, LinkSigner, download_filename
from assets.models import Asset
from assets.renditions import Plan, lazy_plan_named, lazy_plans, rendition_key
from tenants.models import Tenant

_PREFIX = "renditions"


class Listed(Protocol):
    """A rendition already listed (a Rendition, or a row read as values)."""

    @property
    def kind(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def width(self) -> int: ...


def offered(asset: Asset) -> bool:
    """Whether the asset has on-request renditions now: a generated image (the ones that get
    renditions at all) cleared for delivery."""
    return asset.kind == Asset.Kind.GENERATED and asset.deliverable


def lazy_rendition_link(asset: Asset, plan: Plan, *, base_url: str = "",
                        ttl: int | None = None, signer: LinkSigner | None = None
                        ) -> Link | None:
    """A link that makes `plan`'s rendition on first use and then delivers it; None when the
    asset has none now (`offered`). Signed by `signer` (the answer's) or a new one for
    `base_url` and `ttl`."""
    if not offered(asset):
        return None
    signer = signer or LinkSigner(base_url=base_url, ttl=ttl)
    key = rendition_key(asset, plan)
    return Link(url=signer.own_url(key, download_filename(key)), expires_at=signer.expires_at)


def lazy_renditions(asset: Asset, made: Iterable[Listed], *, signer: LinkSigner
                    ) -> list[dict[str, Any]]:
    """The asset's on-request renditions not made yet, in the API's rendition shape (`bytes`
    unknown until made), each with a link that makes it; none unless the asset has them now
    (`offered`). `made`: the asset's renditions already listed (those have links of their
    own)."""
    if not offered(asset):
        return []
    have = {(r.kind, r.format, r.width) for r in made}
    entries = []
    for plan in lazy_plans(asset.width, asset.height):
        if (plan.kind, plan.format, plan.width) in have:
            continue
        link = lazy_rendition_link(asset, plan, signer=signer)
        if link is not None:
            entries.append({"kind": plan.kind, "format": plan.format, "width": plan.width,
                            "height": plan.height, "bytes": None, "url": link.url})
    return entries


def resolve(key: str) -> tuple[Asset, Plan] | None:
    """The asset and on-request plan a rendition key names, or None: a malformed key, an
    unknown tenant, an asset that is not that tenant's own or is an upload, a name that is
    not one of the asset's on-request renditions."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != _PREFIX:
        return None
    _, slug, asset_id, name = parts
    try:
        uuid.UUID(asset_id)
    except ValueError:
        return None
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        return None
    asset = Asset.objects.for_tenant(tenant).select_related("tenant").filter(pk=asset_id).first()
    if asset is None or asset.kind != Asset.Kind.GENERATED:
        return None
    plan = lazy_plan_named(asset, name)
    if plan is None or rendition_key(asset, plan) != key:  # one spelling of each key
        return None
    return asset, plan
