"""AVIF renditions are made on first request, through a signed Atelier link: the owner's link
makes the AVIF once and serves it; a forged or expired link, an asset not cleared for delivery
and another tenant's asset get nothing, and nothing is made for them."""

from __future__ import annotations

import io
import threading
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from assets import renditions
from assets.delivery import LinkSigner
from assets.models import Asset, Rendition
from assets.rendition_links import lazy_rendition_link, lazy_renditions
from assets.renditions import lazy_plans
from assets.services import render_asset, requested_rendition
from assets.signing import signature
from assets.uploads import create_upload
from generation.runner import run_job
from tests.helpers import png_bytes, signed_long_ago


@pytest.fixture
def asset(submit):
    job = submit(size="512x384", seed=11)
    run_job(job.pk)
    return Asset.unscoped.select_related("tenant").get(job=job)


@pytest.fixture
def encodes(monkeypatch) -> list[str]:
    """The formats encoded from now on (renditions.encode, counted)."""
    seen: list[str] = []
    real = renditions.encode

    def counting(image: Image.Image, fmt: str) -> bytes:
        seen.append(fmt)
        return real(image, fmt)

    monkeypatch.setattr(renditions, "encode", counting)
    return seen


def get(url: str):
    parts = urlsplit(url)
    return Client().get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def signed_path(key: str, *, expires: int | None = None) -> str:
    """A correctly signed link to any key, as only Atelier can make one."""
    expires = expires or int(time.time()) + 600
    name = key.rsplit("/", 1)[-1]
    query = urlencode({"exp": expires, "name": name, "sig": signature(key, expires, name)})
    return f"/files/{key}?{query}"


def avif_link(asset: Asset) -> str:
    (plan,) = lazy_plans(asset.width, asset.height)
    link = lazy_rendition_link(asset, plan, base_url="http://testserver/")
    assert link is not None
    return link.url


def test_owner_gets_the_avif_made_once(asset, encodes):
    url = avif_link(asset)
    first, second = get(url), get(url)

    for response in (first, second):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/avif"
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert (image.format, image.size) == ("AVIF", (480, 360))
    assert encodes == ["avif"]
    (made,) = Rendition.unscoped.filter(asset=asset, format="avif")
    assert (made.kind, made.width, made.height) == ("web", 480, 360)
    assert made.storage_key == f"renditions/acme/{asset.pk}/w480.avif"
    asset.refresh_from_db()
    assert asset.provenance["renditions"]["w480.avif"]["c2pa"] == "signed"


def test_the_eager_set_has_no_avif_and_the_lazy_list_offers_it(asset):
    made = render_asset(asset.pk)
    assert {r.format for r in made} == {"webp"}
    (offered,) = lazy_renditions(asset, made, signer=LinkSigner(base_url="http://testserver/"))
    assert {k: offered[k] for k in ("kind", "format", "width", "height", "bytes")} == {
        "kind": "web", "format": "avif", "width": 480, "height": 360, "bytes": None}
    assert get(offered["url"]).status_code == 200
    assert lazy_renditions(asset, asset.renditions.all(),
                           signer=LinkSigner(base_url="http://testserver/")) == []


@pytest.mark.parametrize("change", [{"sig": "0" * 64}, {"exp": "9999999999"},
                                    {"name": "w960.avif"}])
def test_a_forged_link_is_refused_and_makes_nothing(asset, encodes, change):
    parts = urlsplit(avif_link(asset))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | change
    response = Client().get(parts.path, query)
    assert response.status_code == 403
    assert encodes == [] and not asset.renditions.exists()


def test_an_expired_link_is_refused(asset, encodes):
    (plan,) = lazy_plans(asset.width, asset.height)
    link = lazy_rendition_link(asset, plan, signer=signed_long_ago())
    response = get(link.url)
    assert response.status_code == 403 and b"expired" in response.content
    assert encodes == []


@pytest.mark.parametrize("status", ["pending_review", "rejected"])
def test_a_withheld_asset_gets_no_avif(asset, encodes, status):
    url = avif_link(asset)
    Asset.unscoped.filter(pk=asset.pk).update(moderation_status=status)
    asset.refresh_from_db()
    assert get(url).status_code == 404
    assert encodes == [] and not asset.renditions.exists()
    assert lazy_rendition_link(asset, lazy_plans(480, 360)[0], base_url="http://x") is None
    assert lazy_renditions(asset, [], signer=LinkSigner(base_url="http://x")) == []


def test_an_avif_made_before_withholding_stops_being_served(asset):
    url = avif_link(asset)
    assert get(url).status_code == 200
    Asset.unscoped.filter(pk=asset.pk).update(moderation_status="pending_review")
    assert get(url).status_code == 404


def test_another_tenants_asset_is_404_even_with_a_signed_link(asset, submit, globex, encodes):
    theirs_job = submit(tenant=globex.tenant, size="512x384", seed=12)
    run_job(theirs_job.pk)
    theirs = Asset.unscoped.get(job=theirs_job)
    for key in (f"renditions/acme/{theirs.pk}/w480.avif",
                f"renditions/globex/{asset.pk}/w480.avif"):
        assert Client().get(signed_path(key)).status_code == 404
    assert encodes == [] and not Rendition.unscoped.filter(format="avif").exists()


@pytest.mark.parametrize("name", ["w960.avif", "w481.avif", "thumb.webp", "w480.webp",
                                  "w480.png"])
def test_only_the_assets_own_on_request_renditions_are_made(asset, encodes, name):
    """A 512 px image has one AVIF (480 px); the WebPs are the actor's, never the request's."""
    assert Client().get(signed_path(f"renditions/acme/{asset.pk}/{name}")).status_code == 404
    assert encodes == [] and not asset.renditions.exists()


def test_an_upload_has_no_avif(acme, encodes):
    """Uploads get no renditions at all, made at once or on request."""
    upload = create_upload(acme.tenant, png_bytes((512, 384), (40, 90, 160)), filename="a.png")
    assert upload.deliverable
    assert lazy_renditions(upload, [], signer=LinkSigner(base_url="http://x")) == []
    key = f"renditions/acme/{upload.pk}/w480.avif"
    assert Client().get(signed_path(key)).status_code == 404
    assert encodes == [] and not Rendition.unscoped.exists()


@pytest.mark.parametrize("key", ["renditions/acme/not-a-uuid/w480.avif",
                                 f"renditions/nobody/{uuid.uuid4()}/w480.avif",
                                 "renditions/acme/w480.avif"])
def test_malformed_keys_are_404(asset, key):
    assert Client().get(signed_path(key)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_make_one_avif(postgres, submit, encodes):
    """Two first requests at once (PostgreSQL: the second waits on the asset's row lock, then
    finds the first one's rendition): one row, one key, one encode."""
    job = submit(size="512x384", seed=13)
    run_job(job.pk)
    asset = Asset.unscoped.select_related("tenant").get(job=job)
    key = f"renditions/acme/{asset.pk}/w480.avif"
    start, found, errors = threading.Barrier(2), [], []

    def first_request() -> None:
        try:
            start.wait()
            found.append(requested_rendition(key))
        except Exception as exc:  # any failure of the thread is reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({rendition.pk for rendition in found}) == 1
    assert Rendition.unscoped.filter(asset=asset, format="avif").count() == 1
    assert found[0].storage_key == key and encodes == ["avif"]
