"""A tenant's own bucket: named (S3's naming rules, a folder prefix, never Atelier's bucket),
proved to be the tenant's by a token file Atelier reads with its own credentials, and only
then read, and only under the prefix; an imported photo is an ordinary upload."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from assets.models import Asset
from assets.tenant_bucket import Refused, import_objects, verify_connection
from core.errors import InvalidParameter, NotFound
from tenants import bucket_connections
from tenants.bucket_connections import (
    VERIFICATION_FILE,
    bucket_name_problem,
    connect_bucket,
    disconnect_bucket,
    verified_connection,
)
from tenants.models import BucketConnection
from tests.helpers import encoded, png_bytes, temporary_bucket

# --- naming a bucket (no S3 needed) ------------------------------------------------------------


@pytest.mark.parametrize("name", ["ab", "a" * 64, "My-Photos", "-photos", "photos-", "pho..tos",
                                  "pho.-tos", "192.168.1.10", "xn--photos", "photos-s3alias",
                                  "photos_2024", "photos/catalog"])
def test_names_that_break_s3s_bucket_rules_are_refused(acme, name):
    assert bucket_name_problem(name) is not None
    with pytest.raises(InvalidParameter) as refused:
        connect_bucket(acme.tenant, name, "photos/")
    assert refused.value.field == "bucket"
    assert not BucketConnection.objects.for_tenant(acme.tenant).exists()


@pytest.mark.parametrize("name", ["abc", "acme-photos", "acme.photos.eu", "a" * 63, "0ab9"])
def test_names_s3_accepts_are_accepted(name):
    assert bucket_name_problem(name) is None


@pytest.mark.parametrize("prefix", ["../photos/", "photos/../../x/", "/photos/", "photos//x/",
                                    "photos/*", "a" * 512, "pho\ntos/"])
def test_a_prefix_must_be_a_plain_folder_of_at_most_512_characters(acme, prefix):
    with pytest.raises(InvalidParameter) as refused:
        connect_bucket(acme.tenant, "acme-photos", prefix)
    assert refused.value.field == "prefix"


def test_the_prefix_is_a_folder_and_may_be_the_whole_bucket(acme):
    assert connect_bucket(acme.tenant, "acme-photos", " catalog/2024 ").prefix == "catalog/2024/"
    assert connect_bucket(acme.tenant, "acme-photos", "a" * 511).prefix == "a" * 511 + "/"
    whole = connect_bucket(acme.tenant, "acme-photos", "")
    assert whole.prefix == "" and whole.uri == "s3://acme-photos/"


def test_atelier_s_own_bucket_is_refused_naming_the_field(acme, settings):
    settings.ATELIER_BUCKET = "atelier-images-prod"
    with pytest.raises(InvalidParameter) as refused:
        connect_bucket(acme.tenant, "atelier-images-prod", "uploads/acme/")
    assert refused.value.field == "bucket" and "Atelier's own bucket" in refused.value.message
    assert not BucketConnection.objects.for_tenant(acme.tenant).exists()


def test_a_connection_is_unverified_until_proved_and_changing_it_needs_proof_again(acme):
    first = connect_bucket(acme.tenant, "acme-photos", "catalog/")
    assert not first.is_verified and verified_connection(acme.tenant) is None
    assert first.token.startswith("atelier-verify-") and len(first.token) > 40
    bucket_connections.mark_verified(first)
    assert verified_connection(acme.tenant) == first
    moved = connect_bucket(acme.tenant, "acme-photos", "other/")
    assert moved.token == first.token  # the tenant's token: a file in place still proves it
    assert verified_connection(acme.tenant) is None
    assert disconnect_bucket(acme.tenant) is True and disconnect_bucket(acme.tenant) is False
    assert connect_bucket(acme.tenant, "acme-photos", "catalog/").token != first.token


def test_each_tenant_has_its_own_token(acme, globex):
    mine = connect_bucket(acme.tenant, "shared-name", "a/")
    theirs = connect_bucket(globex.tenant, "shared-name", "a/")
    assert mine.token != theirs.token


def test_verifying_without_a_connection_is_not_found(acme):
    with pytest.raises(NotFound):
        verify_connection(acme.tenant)


def test_no_object_is_read_without_a_verified_connection(acme):
    assert import_objects(acme.tenant, ["s3://acme-photos/catalog/a.png"]) == {
        "s3://acme-photos/catalog/a.png": Refused("bucket_not_connected", (
            "s3://acme-photos/catalog/a.png is an S3 key, but your account has no verified "
            "bucket: connect and verify your bucket in Settings, or upload the photo "
            "(POST /api/v1/uploads) and give its id"))}
    connect_bucket(acme.tenant, "acme-photos", "catalog/")  # named, not proved
    (outcome,) = import_objects(acme.tenant, ["s3://acme-photos/catalog/a.png"]).values()
    assert isinstance(outcome, Refused) and outcome.code == "bucket_not_connected"
    assert not Asset.objects.for_tenant(acme.tenant).exists()


def test_an_unreachable_s3_is_a_refusal_that_says_what_to_check(acme, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    bucket_connections.mark_verified(connect_bucket(acme.tenant, "acme-photos", "catalog/"))
    (outcome,) = import_objects(acme.tenant, ["s3://acme-photos/catalog/a.png"]).values()
    assert isinstance(outcome, Refused) and outcome.code == "source_unreadable"
    assert "s3://acme-photos/catalog/a.png could not be read" in outcome.message
    assert "bucket policy" in outcome.message and "arn:aws:s3:::acme-photos/catalog/*" in (
        outcome.message)


# --- on a real S3 server ---------------------------------------------------------------------


@dataclass
class Merchant:
    """A bucket of the merchant's own on the S3 server, and a client to fill it."""

    bucket: str
    s3: Any

    def put(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)


@contextmanager
def merchant_bucket() -> Iterator[Merchant]:
    """A new bucket of the merchant's, emptied and deleted afterwards."""
    with temporary_bucket("merchant") as bucket:
        yield Merchant(bucket, boto3.session.Session().client("s3"))


@pytest.fixture
def merchant(s3_endpoint: str) -> Iterator[Merchant]:
    with merchant_bucket() as found:
        yield found


def connected(tenant: Any, merchant: Merchant, prefix: str = "photos/") -> BucketConnection:
    """The merchant's bucket connected and verified the way a tenant does it."""
    connection = connect_bucket(tenant, merchant.bucket, prefix)
    merchant.put(f"{prefix}{VERIFICATION_FILE}", f"{connection.token}\n".encode())
    return verify_connection(tenant)


@pytest.mark.s3
def test_verification_fails_without_the_file_or_with_another_token_and_passes_with_it(
        acme, globex, merchant):
    connection = connect_bucket(acme.tenant, merchant.bucket, "photos/")
    with pytest.raises(InvalidParameter) as missing:
        verify_connection(acme.tenant)
    where = f"s3://{merchant.bucket}/photos/{VERIFICATION_FILE}"
    assert missing.value.field == "bucket" and f"{where} was not found" in missing.value.message
    # Another tenant's token in the file proves nothing for this one.
    other = connect_bucket(globex.tenant, merchant.bucket, "photos/")
    merchant.put(f"photos/{VERIFICATION_FILE}", other.token.encode())
    with pytest.raises(InvalidParameter) as wrong:
        verify_connection(acme.tenant)
    assert "does not hold this account's verification token" in wrong.value.message
    merchant.put(f"photos/{VERIFICATION_FILE}", connection.token.encode() + b"-and-more")
    with pytest.raises(InvalidParameter):
        verify_connection(acme.tenant)
    assert verified_connection(acme.tenant) is None

    merchant.put(f"photos/{VERIFICATION_FILE}", f"{connection.token}\r\n".encode())
    assert verify_connection(acme.tenant).is_verified
    assert verified_connection(acme.tenant).uri == f"s3://{merchant.bucket}/photos/"
    assert verified_connection(globex.tenant) is None


@pytest.mark.s3
def test_an_imported_photo_is_an_upload_with_its_pixels_and_without_its_location(
        acme, merchant):
    connected(acme.tenant, merchant)
    photo = Image.new("RGB", (120, 90), (200, 40, 10))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    merchant.put("photos/red.jpg", encoded(photo, "JPEG", exif=exif.tobytes()))
    merchant.put("photos/blue.png", png_bytes((64, 48), (0, 0, 255)))
    refs = [f"s3://{merchant.bucket}/photos/red.jpg", f"s3://{merchant.bucket}/photos/blue.png"]
    outcomes = import_objects(acme.tenant, refs)
    red, blue = (outcomes[ref] for ref in refs)
    assert isinstance(red, Asset) and isinstance(blue, Asset)
    assert (red.kind, red.format, red.width, red.height) == ("upload", "jpeg", 120, 90)
    assert red.parameters["filename"] == "red.jpg"
    with default_storage.open(red.storage_key, "rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
        assert 0x8825 not in kept.getexif()
    with default_storage.open(blue.storage_key, "rb") as handle:
        assert handle.read() == png_bytes((64, 48), (0, 0, 255))
    # Imported again (or uploaded): the same asset, as uploads of the same bytes are.
    assert import_objects(acme.tenant, refs[1:]) == {refs[1]: blue}


@pytest.mark.s3
def test_keys_outside_the_prefix_or_missing_or_too_large_or_not_images_are_refused(
        acme, merchant, settings):
    connected(acme.tenant, merchant)
    settings.ATELIER_UPLOAD_MAX_BYTES = 4000
    merchant.put("private/secret.png", png_bytes())
    merchant.put("photos/big.png", png_bytes((400, 400)) + b"\0" * 5000)
    merchant.put("photos/notes.txt", b"not an image")
    base = f"s3://{merchant.bucket}"
    outcomes = import_objects(acme.tenant, [
        f"{base}/private/secret.png", "s3://someone-else/photos/a.png", f"{base}/photos/none.png",
        f"{base}/photos/big.png", f"{base}/photos/notes.txt", f"{base}/photos/../private/x.png"])
    got = {ref: (outcome.code, outcome.message) for ref, outcome in outcomes.items()
           if isinstance(outcome, Refused)}
    assert got == {
        f"{base}/private/secret.png": ("outside_connected_bucket", f"{base}/private/secret.png "
                                       f"is not under your connected bucket's prefix "
                                       f"{base}/photos/"),
        "s3://someone-else/photos/a.png": ("outside_connected_bucket", "s3://someone-else/"
                                           "photos/a.png is not under your connected bucket's "
                                           f"prefix {base}/photos/"),
        f"{base}/photos/none.png": ("source_not_found",
                                    f"{base}/photos/none.png was not found in your bucket"),
        f"{base}/photos/big.png": ("source_too_large", f"{base}/photos/big.png is "
                                   f"{len(png_bytes((400, 400))) + 5000} bytes; a photo may be "
                                   "at most 4000 bytes (ATELIER_UPLOAD_MAX_BYTES)"),
        f"{base}/photos/notes.txt": ("invalid_image", f"{base}/photos/notes.txt is not an image "
                                     "Atelier can read (PNG, JPEG or WebP)"),
        f"{base}/photos/../private/x.png": ("invalid_source", f"{base}/photos/../private/x.png: "
                                            "a photo's key, without `.` or `..` folders"),
    }
    assert not Asset.objects.for_tenant(acme.tenant).exists()


@pytest.mark.s3
def test_a_bucket_that_became_atelier_s_is_never_read(acme, merchant, settings):
    connected(acme.tenant, merchant)
    merchant.put("photos/a.png", png_bytes())
    settings.ATELIER_BUCKET = merchant.bucket
    (outcome,) = import_objects(acme.tenant, [f"s3://{merchant.bucket}/photos/a.png"]).values()
    assert isinstance(outcome, Refused) and outcome.code == "bucket_not_connected"
    with pytest.raises(InvalidParameter, match="Atelier's own bucket"):
        verify_connection(acme.tenant)
    assert not Asset.objects.for_tenant(acme.tenant).exists()
