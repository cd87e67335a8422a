"""Storage and delivery, on both backends: the filesystem (embedded default) and a real S3
server (SeaweedFS in CI). Objects are private, links expire, renditions exist at the right
sizes (AVIF once asked for), promotion re-tags and deletion removes every object."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from assets.delivery import link_for_key, signed_download_url
from assets.models import Asset, Rendition
from assets.rendition_links import lazy_rendition_link
from assets.renditions import EAGER_FORMATS, WEB_FORMATS, lazy_plans, make_rendition
from assets.services import delete_asset, promote_asset, render_asset
from assets.storage import object_tags
from generation.runner import run_job
from tests.helpers import png_bytes, signed_long_ago, temporary_bucket


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings):
    """Each test runs once per storage backend (S3 skips on a bare machine, not in CI)."""
    if request.param == "filesystem":
        yield "filesystem"
        return
    request.getfixturevalue("s3_endpoint")
    with temporary_bucket() as bucket:
        settings.ATELIER_BUCKET = bucket
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "assets.storage.PrivateS3Storage",
            "OPTIONS": {"bucket_name": bucket, "default_acl": None, "querystring_auth": True,
                        "file_overwrite": True, "signature_version": "s3v4",
                        "object_parameters": {"ServerSideEncryption": "AES256"}}}}
        yield "s3"


def fetch(url: str) -> tuple[int, bytes]:
    """GET a link, following Atelier's redirect to the bucket (on-request renditions)."""
    if url.startswith("http://testserver/"):
        parts = urlsplit(url)
        response = Client().get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
        if response.status_code == 302:
            return fetch(response["Location"])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, body
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def tamper(url: str) -> str:
    for marker in ("X-Amz-Signature=", "sig="):
        if marker in url:
            return url.replace(marker, marker + "0")
    raise AssertionError(url)


@pytest.fixture
def asset(backend, submit):
    job = submit(size="1024x768", seed=5)
    run_job(job.pk)
    return Asset.unscoped.select_related("tenant").get(job=job)


def test_original_is_served_only_by_a_valid_unexpired_link(backend, asset):
    link = signed_download_url(asset, base_url="http://testserver/")
    status, body = fetch(link.url)
    assert status == 200 and hashlib.sha256(body).hexdigest() == asset.sha256
    assert fetch(tamper(link.url))[0] == 403
    short = signed_download_url(asset, signer=signed_long_ago())
    assert fetch(short.url)[0] == 403
    if backend == "s3":
        endpoint = boto3.session.Session().client("s3").meta.endpoint_url.rstrip("/")
        bucket = default_storage.bucket_name
        assert fetch(f"{endpoint}/{bucket}/{asset.storage_key}")[0] == 403


@pytest.mark.parametrize("backend", ["s3"], indirect=True)  # the filesystem has neither
def test_objects_carry_encryption_metadata_and_tags(backend, asset):
    s3 = boto3.session.Session().client("s3")
    head = s3.head_object(Bucket=default_storage.bucket_name, Key=asset.storage_key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "image/png"
    assert head["Metadata"] == {"tenant": "acme", "job": str(asset.job_id),
                                "model": "atelier.local-v1", "seed": "5",
                                "prompt-hash": asset.storage_key.split("/")[2]}
    assert object_tags(asset.storage_key) == {"stage": "draft", "tenant": "acme"}


def test_renditions_have_the_right_sizes_and_formats(backend, asset):
    renditions = render_asset(asset.pk)
    made = {(r.kind, r.format, r.width, r.height) for r in renditions}
    assert made == {("thumbnail", "webp", 256, 192),
                    *{("web", fmt, w, w * 3 // 4) for w in (480, 960) for fmt in EAGER_FORMATS}}
    for rendition in renditions:
        assert rendition.storage_key.startswith(f"renditions/acme/{asset.pk}/")
        with default_storage.open(rendition.storage_key, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
        assert (image.format.lower(), image.size) == (rendition.format,
                                                      (rendition.width, rendition.height))
    assert len(render_asset(asset.pk)) == len(renditions)  # idempotent
    assert Rendition.unscoped.filter(asset=asset).count() == len(renditions)


def test_api_gives_working_thumbnail_and_rendition_links(backend, asset, owner):
    render_asset(asset.pk)
    body = owner.get(f"/api/v1/assets/{asset.pk}").json()
    status, data = fetch(body["thumbnail_url"])
    assert status == 200 and Image.open(io.BytesIO(data)).size == (256, 192)
    assert {(r["format"], r["width"]) for r in body["renditions"]} == {
        (fmt, w) for w in (480, 960) for fmt in WEB_FORMATS}
    for listed in body["renditions"]:  # the AVIFs are made by their first request
        status, data = fetch(listed["url"])
        image = Image.open(io.BytesIO(data))
        assert status == 200
        assert (image.format.lower(), image.size) == (listed["format"],
                                                      (listed["width"], listed["height"]))


def test_avif_is_made_on_first_request_then_served_like_the_others(backend, asset):
    render_asset(asset.pk)
    plan = lazy_plans(asset.width, asset.height)[0]
    link = lazy_rendition_link(asset, plan, base_url="http://testserver/")
    assert not asset.renditions.filter(format="avif").exists()
    for _ in range(2):
        status, data = fetch(link.url)
        assert status == 200
        assert Image.open(io.BytesIO(data)).size == (plan.width, plan.height)
    (made,) = asset.renditions.filter(format="avif")
    assert made.storage_key == f"renditions/acme/{asset.pk}/w480.avif"
    assert default_storage.exists(made.storage_key)
    if backend == "s3":
        assert object_tags(made.storage_key) == {"stage": "draft", "tenant": "acme"}


def test_promote_marks_final_and_retags_every_object(backend, asset, owner):
    render_asset(asset.pk)
    response = owner.post(f"/api/v1/assets/{asset.pk}/promote")
    assert response.status_code == 200 and response.json()["stage"] == "final"
    asset.refresh_from_db()
    assert asset.stage == "final"
    if backend == "s3":
        keys = [asset.storage_key, *asset.renditions.values_list("storage_key", flat=True)]
        assert all(object_tags(key) == {"stage": "final", "tenant": "acme"} for key in keys)


def test_delete_removes_the_original_and_every_rendition(backend, asset, owner):
    render_asset(asset.pk)
    for plan in lazy_plans(asset.width, asset.height):
        make_rendition(asset, plan)
    keys = [asset.storage_key, *asset.renditions.values_list("storage_key", flat=True)]
    assert len(keys) == 6 and all(default_storage.exists(key) for key in keys)
    assert owner.delete(f"/api/v1/assets/{asset.pk}").status_code == 204
    assert not any(default_storage.exists(key) for key in keys)
    assert owner.get(f"/api/v1/assets/{asset.pk}").status_code == 404
    assert not Rendition.unscoped.filter(storage_key__in=keys).exists()


def test_a_stranger_can_neither_promote_nor_delete(backend, asset, stranger):
    assert stranger.post(f"/api/v1/assets/{asset.pk}/promote").status_code == 404
    assert stranger.delete(f"/api/v1/assets/{asset.pk}").status_code == 404
    assert default_storage.exists(asset.storage_key)


def test_rejected_assets_lose_their_links_and_renditions(backend, asset, owner):
    render_asset(asset.pk)
    thumb = owner.get(f"/api/v1/assets/{asset.pk}").json()["thumbnail_url"]
    Asset.unscoped.filter(pk=asset.pk).update(moderation_status="rejected")
    body = owner.get(f"/api/v1/assets/{asset.pk}").json()
    assert body["url"] is None and body["thumbnail_url"] is None and body["renditions"] == []
    if backend == "filesystem":
        assert fetch(thumb)[0] == 404


def test_links_are_signed_locally_without_a_network_call(backend, asset, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a link must not need the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    link = link_for_key(asset.storage_key, "x.png", base_url="http://testserver/")
    assert link.url and link.expires_at


def test_promote_then_delete_of_an_upload_works_too(backend, acme, owner):
    picture = _named(png_bytes((300, 200), (1, 2, 3)), "a.png")
    response = owner.post("/api/v1/uploads", {"file": picture}, format="multipart")
    assert response.status_code == 201
    upload = Asset.unscoped.get(pk=response.json()["id"])
    assert default_storage.exists(upload.storage_key)
    delete_asset(acme.tenant, upload.pk)
    assert not default_storage.exists(upload.storage_key)


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_promote_is_idempotent(backend, asset):
    promote_asset(asset.tenant, asset.pk)
    again = promote_asset(asset.tenant, asset.pk)
    assert again.stage == "final"
