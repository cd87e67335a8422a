"""Links are signed locally and fast (assets/signing.py, assets/delivery.py), and say exactly
what the slow, reference way says: botocore's own S3 presigned URL (signature included) for
the same inputs and clock, Django's salted_hmac and reverse() for Atelier's own links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import boto3
import pytest
from botocore.config import Config
from django.urls import reverse
from django.utils.crypto import salted_hmac

from assets import signing
from assets.delivery import LINK_STEP, LinkSigner, link_for_key
from assets.storage import s3_storage

NOW = datetime(2026, 12, 2, 12, 34, 56, tzinfo=UTC)
KEYS = ["generated/acme/5f0c/0-5.png", "renditions/acme/5f0c/w480.webp",
        "generated/acme/a b+c=d&e;f/é~ü (1).png", "uploads/acme/x%2Fy/日本.png"]


@pytest.fixture
def frozen_botocore(monkeypatch):
    """botocore signs at NOW (its clock, naive UTC, as get_current_datetime gives it), for
    the endpoint it is given: not one the environment points S3 clients at (CI's S3)."""
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("botocore.auth.get_current_datetime",
                        lambda *args, **kwargs: NOW.replace(tzinfo=None))


def client(endpoint: str | None, *, token: str | None = None, style: str = "auto"):
    return boto3.session.Session().client(
        "s3", region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}))


@pytest.mark.parametrize("endpoint, style, prefix, host, path_prefix", [
    (None, "auto", "https://my-bucket.s3.amazonaws.com/", "my-bucket.s3.amazonaws.com", "/"),
    (None, "virtual", "https://my-bucket.s3.eu-west-1.amazonaws.com/",
     "my-bucket.s3.eu-west-1.amazonaws.com", "/"),
    ("http://127.0.0.1:8333", "path", "http://127.0.0.1:8333/my-bucket/", "127.0.0.1:8333",
     "/my-bucket/"),
    ("https://s3.eu-west-1.amazonaws.com", "path",
     "https://s3.eu-west-1.amazonaws.com/my-bucket/", "s3.eu-west-1.amazonaws.com",
     "/my-bucket/"),
])
@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzE+/session=="])
@pytest.mark.parametrize("key", KEYS)
def test_sigv4_presigned_get_is_botocores_url(frozen_botocore, endpoint, style, prefix, host,
                                              path_prefix, token, key):
    filename = key.rsplit("/", 1)[-1]
    disposition = f'inline; filename="{filename}"'
    expected = client(endpoint, token=token, style=style).generate_presigned_url(
        "get_object", ExpiresIn=900, Params={
            "Bucket": "my-bucket", "Key": key, "ResponseContentDisposition": disposition})
    assert signing.presigned_get(
        prefix=prefix, host=host, path_prefix=path_prefix, key=key, region="eu-west-1",
        access_key="AKIDEXAMPLE", secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token=token, expires_in=900, params={"response-content-disposition": disposition},
        now=NOW) == expected


@pytest.fixture
def bucket_storage(settings, monkeypatch):
    """The default storage is a private bucket on a path-style endpoint (no request is made:
    presigning is local), with the signing clock at NOW."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "assets.storage.PrivateS3Storage",
        "OPTIONS": {"bucket_name": "atelier-test", "region_name": "eu-west-1",
                    "endpoint_url": "http://127.0.0.1:9", "addressing_style": "path",
                    "access_key": "AKIDEXAMPLE", "secret_key": "secret/key+1",
                    "signature_version": "s3v4", "querystring_auth": True,
                    "querystring_expire": 900, "default_acl": None}}}

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            return NOW

    monkeypatch.setattr(signing, "datetime", Frozen)
    storage = s3_storage()
    assert storage is not None
    return storage


@pytest.mark.parametrize("key", KEYS)
def test_an_s3_link_is_the_one_django_storages_would_give(frozen_botocore, bucket_storage,
                                                          key, monkeypatch):
    """Signed as of the start of NOW's minute, for the TTL and a minute more (links stay the
    same for a minute: assets/delivery.py)."""
    minute = NOW.replace(second=0)
    monkeypatch.setattr("botocore.auth.get_current_datetime",
                        lambda *args, **kwargs: minute.replace(tzinfo=None))
    filename = key.rsplit("/", 1)[-1]
    link = LinkSigner(base_url="http://unused/", ttl=600, now=NOW.timestamp()).link(
        key, filename)
    assert link.url == bucket_storage.url(key, expire=600 + LINK_STEP, parameters={
        "ResponseContentDisposition": f'inline; filename="{filename}"'})
    assert link.expires_at == minute + timedelta(seconds=660)


def test_atelier_link_signatures_are_djangos_salted_hmac():
    """Links signed before this code (salted_hmac per link) still verify, and new ones are
    the same."""
    for purpose in ("download", "review"):
        message = f"generated/acme/a.png\n1765000000\na.png\n{purpose}"
        assert signing.signature("generated/acme/a.png", 1765000000, "a.png", purpose) == (
            salted_hmac("atelier.assets.download", message, algorithm="sha256").hexdigest())


@pytest.mark.parametrize("purpose", ["download", "review"])
@pytest.mark.parametrize("key", KEYS)
def test_an_atelier_link_is_reverse_and_urlencode(key, purpose):
    filename = key.rsplit("/", 1)[-1]
    link = link_for_key(key, filename, base_url="http://testserver/", purpose=purpose)
    expires = int(link.expires_at.timestamp())
    fields = {"exp": expires, "name": filename,
              "sig": signing.signature(key, expires, filename, purpose)}
    if purpose != "download":
        fields["purpose"] = purpose
    path = reverse("asset-download", kwargs={"key": key})
    assert link.url == f"http://testserver{path}?{urlencode(fields)}"
    assert signing.verify(key, str(expires), filename, fields["sig"], purpose=purpose) is None
