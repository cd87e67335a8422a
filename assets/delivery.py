"""Time-limited links to an asset's bytes, signed locally (never a network call).

Three ways, by configuration: CloudFront signed URLs (canned policy, RSA key pair) when
ATELIER_CDN_DOMAIN, ATELIER_CDN_KEY_ID and ATELIER_CDN_PRIVATE_KEY_FILE are set; S3
presigned GETs (SigV4) on the private bucket; or, on the embedded default, Atelier's own
signed view. Only assets cleared for delivery get links.

A job's answer lists about six links an image, so each costs microseconds: an answer's
links share one LinkSigner, which reads the configuration once; S3 links are signed by
assets.signing (botocore's signature, without botocore's 1 ms a link) from the URL prefix
and credentials botocore itself uses; Atelier's links are formatted from the download
route's prefix, resolved once, instead of a `reverse()` and a `urlencode()` each.

Links are stable for a minute (LINK_STEP): a link is signed as of the start of the current
minute and lasts the TTL plus a minute from then, so it works for at least the TTL and at most
a minute longer, and every answer within that minute gives the same URL. A partner polling a
job, or a browser reloading a page, then fetches each image once (the URL is the cache key of
browsers and CDNs), and the answer reuses the links it signed a moment ago (`_SIGNED`)
instead of signing them again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from storages.utils import clean_name

from assets import signing
from assets.models import Asset
from assets.storage import s3_storage

LINK_STEP = 60  # seconds a link stays the same (module docstring)
_SIGNED: dict[tuple[Any, ...], str] = {}  # (scope, key, filename): the link signed
_SIGNED_MAX = 20_000


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


class LinkSigner:
    """Signs links to stored objects that work for `ttl` seconds, with the configuration read
    once for all of them (an answer lists dozens). `purpose="review"` links (moderators'
    previews) also open images that are not cleared for delivery yet."""

    def __init__(self, *, base_url: str, ttl: int | None = None,
                 purpose: str = "download", now: float | None = None) -> None:
        self.base_url = base_url
        self.ttl = ttl or settings.ATELIER_URL_TTL_SECONDS
        self.signed_at = int(time.time() if now is None else now) // LINK_STEP * LINK_STEP
        self.lasts = self.ttl + LINK_STEP  # from signed_at: at least the TTL from now
        self.expires = self.signed_at + self.lasts
        self.expires_at = datetime.fromtimestamp(self.expires, tz=UTC)
        self.purpose = purpose
        self._cdn = cdn_enabled()
        self._storage = None if self._cdn else s3_storage()
        self._presigner = None if self._storage is None else _s3_presigner(self._storage)
        self._local_prefix = f"{base_url.rstrip('/')}{_download_prefix(get_script_prefix())}"
        self._purpose_field = "" if purpose == "download" else f"&purpose={quote_plus(purpose)}"
        self._secret = signing.hmac_key()
        # everything a link depends on besides its key and name (an S3 link: the credentials
        # it is signed with, which a role's rotation changes)
        if self._cdn:
            origin: tuple[Any, ...] = ("cdn", settings.ATELIER_CDN_DOMAIN,
                                       settings.ATELIER_CDN_KEY_ID)
        elif self._presigner is not None:
            origin = ("s3", self._presigner.prefix,
                      tuple(self._presigner.credentials.get_frozen_credentials()))
        else:
            origin = ("s3" if self._storage else "local", self._local_prefix, self._secret)
        self._scope = (*origin, purpose, self.expires)
        self._own_scope = ("local", self._local_prefix, self._secret, purpose, self.expires)

    def link(self, key: str, filename: str) -> Link:
        return Link(url=self.url(key, filename), expires_at=self.expires_at)

    def url(self, key: str, filename: str) -> str:
        return _memo((self._scope, key, filename), lambda: self._sign(key, filename))

    def own_url(self, key: str, filename: str) -> str:
        """Atelier's own link to `key` whatever the storage (the download view serves it):
        what an object not made yet (a rendition made on first request) can be signed as."""
        return _memo((self._own_scope, key, filename), lambda: self._own(key, filename))

    def _sign(self, key: str, filename: str) -> str:
        if self._cdn:
            signer = _cloudfront_signer(settings.ATELIER_CDN_KEY_ID,
                                        settings.ATELIER_CDN_PRIVATE_KEY_FILE)
            resource = f"https://{settings.ATELIER_CDN_DOMAIN}/{quote(key)}"
            return signer.generate_presigned_url(resource, date_less_than=self.expires_at)
        if self._storage is not None:
            disposition = f'inline; filename="{filename}"'
            if self._presigner is None:  # not SigV4 on a plain bucket URL: botocore signs it
                return self._storage.url(key, expire=self.expires - int(time.time()),
                                         parameters={"ResponseContentDisposition": disposition})
            return self._presigner.url(key, self.lasts,
                                       {"response-content-disposition": disposition},
                                       now=datetime.fromtimestamp(self.signed_at, tz=UTC))
        return self._own(key, filename)

    def _own(self, key: str, filename: str) -> str:
        # urlencode({"exp", "name", "sig", "purpose"?}), spelled out: the same query
        signature = signing.signature(key, self.expires, filename, self.purpose,
                                      secret=self._secret)
        path = key if _PLAIN_PATH.fullmatch(key) else quote(key, safe=_PATH_SAFE)
        name = filename if _PLAIN_NAME.fullmatch(filename) else quote_plus(filename)
        return (f"{self._local_prefix}{path}?exp={self.expires}&name={name}&sig={signature}"
                f"{self._purpose_field}")


def _memo(memo: tuple[Any, ...], sign: Callable[[], str]) -> str:
    found = _SIGNED.get(memo)
    if found is None:
        if len(_SIGNED) >= _SIGNED_MAX:  # past a minute's links of the busiest answers
            _SIGNED.clear()
        found = _SIGNED[memo] = sign()
    return found


def link_for_key(key: str, filename: str, *, base_url: str, ttl: int | None = None,
                 purpose: str = "download") -> Link:
    """A link to one stored object that works for `ttl` seconds (LinkSigner)."""
    return LinkSigner(base_url=base_url, ttl=ttl, purpose=purpose).link(key, filename)


_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in a path
# Text that quote() / quote_plus() would give back as it is (every key Atelier makes): no call.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/-]*")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.~-]*")


@lru_cache(maxsize=8)
def _download_prefix(script_prefix: str) -> str:
    """The download route's path before the key, resolved once per script prefix (a link's
    path is then this and the key quoted as reverse() quotes it)."""
    return reverse("asset-download", kwargs={"key": "k"})[:-1]


_PROBE = "atelier-presign-probe"


@dataclass(frozen=True)
class S3Presigner:
    """Presigned GETs of one bucket, as its botocore client makes them (assets.signing)."""

    prefix: str  # the URL before the object key
    host: str
    path_prefix: str
    region: str
    credentials: Any  # botocore Credentials (refreshable ones renew themselves)

    def url(self, key: str, ttl: int, params: dict[str, str], *,
            now: datetime | None = None) -> str:
        frozen = self.credentials.get_frozen_credentials()
        return signing.presigned_get(
            prefix=self.prefix, host=self.host, path_prefix=self.path_prefix,
            key=clean_name(key), region=self.region, access_key=frozen.access_key,
            secret_key=frozen.secret_key, token=frozen.token, expires_in=ttl, params=params,
            now=now)


@lru_cache(maxsize=4)
def _s3_presigner(storage: Any) -> S3Presigner | None:
    """The presigner of `storage`'s bucket, from one URL botocore presigns (its endpoint,
    addressing style, location and signing region); None when that URL is not a SigV4
    query-string one on the bucket's own host (e.g. a custom domain)."""
    try:
        probe = storage.url(_PROBE, expire=60)
        credentials = storage.connection.meta.client._request_signer._credentials
    except Exception:  # a storage we cannot read this way: botocore signs each link
        return None
    parts = urlsplit(probe)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    scope = query.get("X-Amz-Credential", "").split("/")
    if (query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or credentials is None
            or query.get("X-Amz-SignedHeaders") != "host" or len(scope) != 5
            or not parts.path.endswith(_PROBE) or parts.hostname is None):
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return S3Presigner(prefix=probe[:probe.index(_PROBE)], host=host,
                       path_prefix=parts.path.removesuffix(_PROBE), region=scope[2],
                       credentials=credentials)


def download_filename(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def signed_download_url(asset: Asset, *, base_url: str = "", ttl: int | None = None,
                        signer: LinkSigner | None = None) -> Link | None:
    """A link to the original, or None when the asset is not cleared for delivery; signed by
    `signer` (the answer's, which signs its other links too) or a new one for `base_url`."""
    if not asset.deliverable:
        return None
    signer = signer or LinkSigner(base_url=base_url, ttl=ttl)
    return signer.link(asset.storage_key, download_filename(asset.storage_key))
