"""Time-limited links to an asset's bytes: signed locally, never a network call."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from assets import signing
from assets.models import Asset


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime


def download_filename(asset: Asset) -> str:
    return asset.storage_key.rsplit("/", 1)[-1]


def signed_download_url(asset: Asset, *, base_url: str, ttl: int | None = None) -> Link | None:
    """A link that works for `ttl` seconds, or None when the asset is not cleared for delivery."""
    if not asset.deliverable:
        return None
    ttl = ttl or settings.ATELIER_URL_TTL_SECONDS
    expires = int(time.time()) + ttl
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    filename = download_filename(asset)
    if settings.ATELIER_BUCKET:
        url = default_storage.url(asset.storage_key, expire=ttl, parameters={
            "ResponseContentDisposition": f'inline; filename="{filename}"'})
        return Link(url=url, expires_at=expires_at)
    query = urlencode({"exp": expires, "name": filename,
                       "sig": signing.signature(asset.storage_key, expires, filename)})
    path = reverse("asset-download", kwargs={"key": asset.storage_key})
    return Link(url=f"{base_url.rstrip('/')}{path}?{query}", expires_at=expires_at)
