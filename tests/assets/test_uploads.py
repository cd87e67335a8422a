"""POST /api/v1/uploads: verified images only; bad ones get a 400 with the reason and nothing
is stored."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assets.models import Asset
from tests.helpers import encoded, png_bytes, png_header


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """A media root of this test's own, so "nothing stored" means exactly that."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media"), "allow_overwrite": True}}}


def post_file(client, data: bytes, name="image.png", content_type="image/png"):
    return client.post("/api/v1/uploads",
                       {"file": SimpleUploadedFile(name, data, content_type=content_type)},
                       format="multipart")


def stored_uploads() -> list[str]:
    try:
        _, files = default_storage.listdir("uploads/acme")
    except FileNotFoundError:
        return []
    return files


def test_a_png_upload_is_stored_and_usable(owner, acme):
    response = post_file(owner, png_bytes())
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["width"], body["height"], body["format"]) == (
        "upload", 64, 48, "png")
    asset = Asset.objects.for_tenant(acme.tenant).get(pk=body["id"])
    assert asset.storage_key == f"uploads/acme/{asset.sha256}.png"
    assert default_storage.exists(asset.storage_key)


def test_base64_json_uploads_work_too(owner, acme):
    data = png_bytes(color=(200, 1, 1))
    response = owner.post("/api/v1/uploads", {"data": base64.b64encode(data).decode(),
                                              "filename": "red.png"}, format="json")
    assert response.status_code == 201
    assert response.json()["parameters"] == {"filename": "red.png"}


def test_the_same_bytes_twice_are_one_upload(owner, acme):
    data = png_bytes(color=(5, 5, 5))
    first, second = post_file(owner, data).json(), post_file(owner, data).json()
    assert first["id"] == second["id"]
    assert Asset.objects.for_tenant(acme.tenant).filter(kind="upload").count() == 1


def test_gps_location_is_removed_from_exif(owner, acme):
    image = Image.new("RGB", (80, 60), (9, 99, 9))
    exif = Image.Exif()
    exif[0x010F] = "ACME camera"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    body = post_file(owner, encoded(image, "JPEG", exif=exif.tobytes()), "photo.jpg",
                     "image/jpeg").json()
    asset = Asset.objects.for_tenant(acme.tenant).get(pk=body["id"])
    with default_storage.open(asset.storage_key, "rb") as handle:
        kept = Image.open(io.BytesIO(handle.read())).getexif()
    assert 0x8825 not in kept and kept[0x010F] == "ACME camera"


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"just some text, not an image", "notes.png", "not an image"),
    (png_bytes((400, 300))[:300], "cut.png", "damaged or truncated"),
    (png_header(30000, 30000), "bomb.png", "pixels"),
    (b"GIF89a" + b"\x00" * 64, "anim.gif", "not an image"),
    (b"", "empty.png", "empty"),
])
def test_bad_uploads_are_refused_with_the_reason(owner, acme, data, name, words):
    response = post_file(owner, data, name)
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["field"] == "file" and words in error["message"]
    assert not Asset.objects.for_tenant(acme.tenant).exists()
    assert stored_uploads() == []


def test_unsupported_formats_are_named(owner, acme):
    response = post_file(owner, png_bytes((20, 20), 0, fmt="BMP"), "pic.bmp", "image/bmp")
    assert response.status_code == 400
    assert "PNG, JPEG or WebP (got BMP)" in response.json()["message"]
    assert stored_uploads() == []


def test_an_oversized_file_is_refused(owner, acme, settings):
    settings.ATELIER_UPLOAD_MAX_BYTES = 1000
    response = post_file(owner, png_bytes((300, 300)) + b"\x00" * 2000)
    assert response.status_code == 400
    assert "at most 1000 bytes" in response.json()["message"]
    assert stored_uploads() == []


def test_bad_base64_and_missing_file_are_refused(owner, acme):
    response = owner.post("/api/v1/uploads", {"data": "%%%not base64%%%"}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "data")
    response = owner.post("/api/v1/uploads", {}, format="json")
    assert (response.status_code, response.json()["field"]) == (400, "file")


@pytest.mark.parametrize("body", [[None, None], [], 42, "aGVsbG8=", {"file": "not a file"},
                                  {"data": ["a", "list"]}, {"data": "AA==", "filename": {}}])
def test_a_body_of_the_wrong_shape_is_a_400_not_a_500(owner, acme, body):
    """Found by the schema fuzzer: a JSON list as the body crashed the view (500)."""
    response = owner.post("/api/v1/uploads", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_request"
    assert stored_uploads() == []


def test_personas_for_uploads(owner, stranger, anonymous, acme):
    upload_id = post_file(owner, png_bytes()).json()["id"]
    assert stranger.get(f"/api/v1/assets/{upload_id}").status_code == 404
    assert post_file(anonymous, png_bytes()).status_code == 401
