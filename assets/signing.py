"""Expiring download links for filesystem storage: an HMAC over key, expiry and filename.

S3 and CloudFront sign their own URLs; this is the embedded default's equivalent, checked by
`api.downloads.download`.
"""

from __future__ import annotations

import hmac
import time

from django.utils.crypto import salted_hmac

_SALT = "atelier.assets.download"


PURPOSES = ("download", "review")  # review links also open images waiting for a moderator


def signature(key: str, expires: int, filename: str, purpose: str = "download") -> str:
    message = f"{key}\n{expires}\n{filename}\n{purpose}"
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()


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
