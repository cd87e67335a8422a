"""CloudFront signed URLs (canned policy), verified against the key pair's public key."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from assets.delivery import _cloudfront_signer, link_for_key


@pytest.fixture
def cdn(settings, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "cloudfront.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    settings.ATELIER_CDN_DOMAIN = "images.example.com"
    settings.ATELIER_CDN_KEY_ID = "K2JCJMDEHXQW5F"
    settings.ATELIER_CDN_PRIVATE_KEY_FILE = str(path)
    _cloudfront_signer.cache_clear()
    yield key.public_key()
    _cloudfront_signer.cache_clear()


def unsafe_b64decode(text: str) -> bytes:
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"))


def canned_policy(resource: str, expires: int) -> bytes:
    return json.dumps({"Statement": [{"Resource": resource, "Condition": {
        "DateLessThan": {"AWS:EpochTime": expires}}}]}, separators=(",", ":")).encode()


def verify(public_key, resource: str, expires: int, signature: str) -> None:
    public_key.verify(unsafe_b64decode(signature), canned_policy(resource, expires),
                      padding.PKCS1v15(), hashes.SHA1())


def test_url_is_signed_for_the_resource_and_expiry(cdn):
    key = "generated/acme/abc/job/0-5.png"
    link = link_for_key(key, "0-5.png", base_url="http://unused/", ttl=600)
    parts = urlsplit(link.url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    resource = f"https://images.example.com/{key}"
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == resource
    assert query["Key-Pair-Id"] == "K2JCJMDEHXQW5F"
    expires = int(query["Expires"])
    assert expires == int(link.expires_at.timestamp())
    assert 600 <= expires - time.time() <= 660  # the TTL, and up to a minute more
    verify(cdn, resource, expires, query["Signature"])


def test_signature_does_not_cover_another_resource_or_a_later_expiry(cdn):
    link = link_for_key("generated/acme/a.png", "a.png", base_url="http://unused/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link.url).query).items()}
    expires = int(query["Expires"])
    with pytest.raises(InvalidSignature):
        verify(cdn, "https://images.example.com/generated/globex/a.png", expires,
               query["Signature"])
    with pytest.raises(InvalidSignature):
        verify(cdn, "https://images.example.com/generated/acme/a.png", expires + 3600,
               query["Signature"])
