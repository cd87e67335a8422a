"""Link signatures, made here in microseconds: Atelier's own expiring links, and S3's.

Atelier's links (the embedded default's files, checked by `api.downloads.download`): an HMAC
over key, expiry, filename and purpose. Its key is Django's `salted_hmac` key for our salt,
derived once per SECRET_KEY instead of once per link; the signatures are the same as before.

S3 presigned GETs (`presigned_get`), signed here rather than by boto3's
`generate_presigned_url`: boto3 builds and serializes a whole request through its event
system for each link, about 1 ms, and a job of 16 images lists six links an image. AWS
Signature Version 4 (query-string auth) needs only the request's canonical form and a signing
key that depends on the day, region, service and secret key alone, so that key is derived
once per day and credentials here; a link is then two SHA-256 and one HMAC. The URL up to
the object key (endpoint, addressing style, bucket) is botocore's own, taken from one URL
it presigns (assets.delivery), and tests/security/test_signed_links.py checks that this gives
botocore's URL, signature and all, for the same inputs and clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings

_SALT = "atelier.assets.download"


PURPOSES = ("download", "review")  # review links also open images waiting for a moderator


@lru_cache(maxsize=4)
def _derived_key(secret: str) -> bytes:
    return hashlib.sha256(_SALT.encode() + secret.encode()).digest()


def hmac_key() -> bytes:
    """django.utils.crypto.salted_hmac's key for our salt and SECRET_KEY (sha256), derived
    once; a caller signing many links passes it to `signature`."""
    return _derived_key(settings.SECRET_KEY)


def signature(key: str, expires: int, filename: str, purpose: str = "download", *,
              secret: bytes | None = None) -> str:
    message = f"{key}\n{expires}\n{filename}\n{purpose}"
    return hmac.new(secret or hmac_key(), message.encode(), hashlib.sha256).hexdigest()


def verify(key: str, expires: str, filename: str, given: str, *, purpose: str = "download",
           now: float | None = None) -> str | None:
    """None when the link is good, else why it is refused."""
    if not expires.isdigit() or purpose not in PURPOSES:
        return "malformed link"
    if not hmac.compare_digest(signature(key, int(expires), filename, purpose), given):
        return "bad signature"
    if int(expires) < (time.time() if now is None else now):
        return "link expired"
    return None


# --- S3: AWS Signature Version 4, query-string auth ---------------------------------------------

_UNRESERVED = "-._~"  # RFC 3986 unreserved: what SigV4 leaves unencoded


def _encode(text: str) -> str:
    return quote(text.encode(), safe=_UNRESERVED)


@lru_cache(maxsize=16)
def _signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    """kSigning = HMAC chain over the day, region, service and "aws4_request"."""
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def presigned_get(*, prefix: str, host: str, path_prefix: str, key: str, region: str,
                  access_key: str, secret_key: str, token: str | None, expires_in: int,
                  params: dict[str, str] | None = None, now: datetime | None = None,
                  service: str = "s3") -> str:
    """A presigned GET of object `key`, as botocore's S3SigV4QueryAuth makes it: `prefix` is
    the URL before the key (`https://bucket.s3.amazonaws.com/`), `host` the Host header it
    signs and `path_prefix` the URL path before the key (`/` or `/bucket/`). `params` are
    operation parameters by their query names (`response-content-disposition`)."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    day = moment[:8]
    scope = f"{day}/{region}/{service}/aws4_request"
    quoted_key = quote(key.encode(), safe="/~")
    query = [(_encode(name), _encode(value)) for name, value in (params or {}).items()]
    query += [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
              ("X-Amz-Credential", _encode(f"{access_key}/{scope}")),
              ("X-Amz-Date", moment), ("X-Amz-Expires", str(expires_in)),
              ("X-Amz-SignedHeaders", "host")]
    if token is not None:
        query.append(("X-Amz-Security-Token", _encode(token)))
    canonical_query = "&".join(f"{name}={value}" for name, value in sorted(query))
    canonical_request = (f"GET\n{path_prefix}{quoted_key}\n{canonical_query}\nhost:{host}\n\n"
                         "host\nUNSIGNED-PAYLOAD")
    string_to_sign = (f"AWS4-HMAC-SHA256\n{moment}\n{scope}\n"
                      f"{hashlib.sha256(canonical_request.encode()).hexdigest()}")
    signed = hmac.new(_signing_key(secret_key, day, region, service), string_to_sign.encode(),
                      hashlib.sha256).hexdigest()
    query_string = "&".join(f"{name}={value}" for name, value in query)
    return f"{prefix}{quoted_key}?{query_string}&X-Amz-Signature={signed}"
