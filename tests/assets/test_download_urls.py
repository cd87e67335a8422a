"""Filesystem downloads: signed links that expire; tampered or expired links are refused."""

import hashlib
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from assets.delivery import LINK_STEP, LinkSigner, signed_download_url
from assets.models import Asset
from generation.runner import run_job
from tests.helpers import signed_long_ago


@pytest.fixture
def asset(submit):
    job = submit()
    run_job(job.pk)
    return Asset.unscoped.get(job=job)


def fetch(url: str):
    parts = urlsplit(url)
    return Client().get(parts.path, parse_qs(parts.query))


def relink(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode(query)}"


def test_api_url_downloads_the_original_bytes(owner, asset):
    body = owner.get(f"/api/v1/assets/{asset.pk}").json()
    response = fetch(body["url"])
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == asset.sha256
    assert response["Content-Type"] == "image/png"
    assert body["url"].startswith("http://testserver/files/generated/acme/")
    expires = int(parse_qs(urlsplit(body["url"]).query)["exp"][0])
    assert 900 <= expires - time.time() <= 900 + LINK_STEP  # the TTL, and up to a minute more


def test_expired_url_is_refused(asset):
    link = signed_download_url(asset, signer=signed_long_ago("http://x"))
    response = fetch(link.url)
    assert response.status_code == 403
    assert b"expired" in response.content


@pytest.mark.parametrize("change", [
    {"sig": "0" * 64},
    {"exp": "9999999999"},
    {"name": "other.png"},
    {"exp": "soon"},
])
def test_tampered_query_is_refused(asset, change):
    link = signed_download_url(asset, base_url="http://x")
    assert fetch(link.url).status_code == 200
    assert fetch(relink(link.url, **change)).status_code == 403


def test_a_signature_does_not_open_another_key(submit, asset):
    other_job = submit(prompt="something else")
    run_job(other_job.pk)
    other = Asset.unscoped.get(job=other_job)
    link = signed_download_url(asset, base_url="http://x")
    swapped = link.url.replace(asset.storage_key, other.storage_key)
    assert fetch(swapped).status_code == 403


def test_undeliverable_asset_has_no_url_and_its_old_link_stops_working(owner, asset):
    link = signed_download_url(asset, base_url="http://x")
    Asset.unscoped.filter(pk=asset.pk).update(moderation_status="pending_review")
    asset.refresh_from_db()
    assert signed_download_url(asset, base_url="http://x") is None
    assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"] is None
    assert fetch(link.url).status_code == 404


def test_a_link_stays_the_same_for_a_minute_and_lasts_at_least_its_ttl(asset):
    """Every answer within a minute gives the same link (a poller's browser or CDN fetches
    the image once); the next minute's is signed anew."""
    start = (int(time.time()) // LINK_STEP + 1) * LINK_STEP
    links = [signed_download_url(asset, signer=LinkSigner(base_url="http://x", ttl=900, now=at))
             for at in (start, start + LINK_STEP - 1, start + LINK_STEP)]
    assert links[0] == links[1] and links[2].url != links[0].url
    for at, link in zip((start, start + LINK_STEP - 1, start + LINK_STEP), links, strict=True):
        assert 900 <= link.expires_at.timestamp() - at <= 900 + LINK_STEP
