"""Time-limited links to an asset's bytes, signed locally (never a network call).

Three ways, by configuration: CloudFront signed URLs (canned policy, RSA key pair) when
ATELIER_CDN_DOMAIN, ATELIER_CDN_KEY_ID and ATELIER_CDN_PRIVATE_KEY_FILE are set; S3
presigned GETs (SigV4) on the private bucket; or, on the embedded default, Atelier's own
signed view. Only assets cleared for delivery get links.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import cast
from urllib.parse import quote, urlencode

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.urls import reverse

from assets import signing
from assets.models import Asset
from assets.storage import s3_storage


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime


@cache
def _cloudfront_signer(key_id: str, key_file: str) -> CloudFrontSigner:
    private_key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)

    # CloudFront key pairs are RSA (its spec); with another kind of key sign() fails, as it
    # always did: the cast only names the type, it checks nothing.
    rsa_key = cast(rsa.RSAPrivateKey, private_key)

    def rsa_sign(message: bytes) -> bytes:  # CloudFront signs with RSA-SHA1 (its spec)
        return rsa_key.sign(message, padding.PKCS1v15(), hashes.SHA1())

    return CloudFrontSigner(key_id, rsa_sign)


def cdn_enabled() -> bool:
    return bool(settings.ATELIER_CDN_DOMAIN and settings.ATELIER_CDN_KEY_ID
                and settings.ATELIER_CDN_PRIVATE_KEY_FILE)


def link_for_key(key: str, filename: str, *, base_url: str, ttl: int | None = None,
                 purpose: str = "download") -> Link:
    """A link to one stored object that works for `ttl` seconds. `purpose="review"` links
    (moderators' previews) also open images that are not cleared for delivery yet."""
    ttl = ttl or settings.ATELIER_URL_TTL_SECONDS
    expires = int(time.time()) + ttl
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    if cdn_enabled():
        signer = _cloudfront_signer(settings.ATELIER_CDN_KEY_ID,
                                    settings.ATELIER_CDN_PRIVATE_KEY_FILE)
        resource = f"https://{settings.ATELIER_CDN_DOMAIN}/{quote(key)}"
        return Link(url=signer.generate_presigned_url(resource, date_less_than=expires_at),
                    expires_at=expires_at)
    storage = s3_storage()
    if storage is not None:
        url = storage.url(key, expire=ttl, parameters={
            "ResponseContentDisposition": f'inline; filename="{filename}"'})
        return Link(url=url, expires_at=expires_at)
    fields = {"exp": expires, "name": filename,
              "sig": signing.signature(key, expires, filename, purpose)}
    if purpose != "download":
        fields["purpose"] = purpose
    query = urlencode(fields)
    path = reverse("asset-download", kwargs={"key": key})
    return Link(url=f"{base_url.rstrip('/')}{path}?{query}", expires_at=expires_at)


def download_filename(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def signed_download_url(asset: Asset, *, base_url: str, ttl: int | None = None) -> Link | None:
    """A link to the original, or None when the asset is not cleared for delivery."""
    if not asset.deliverable:
        return None
    return link_for_key(asset.storage_key, download_filename(asset.storage_key),
                        base_url=base_url, ttl=ttl)
