"""A batch row may name its product photo as an `s3://` key in the tenant's verified bucket:
the photo is imported as an upload (each object read once a batch) and the row goes on as a
row naming that upload. A key the tenant may not name, or that cannot be read, is an error on
its row and column, and the batch is refused with nothing created or held."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import botocore.client
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from assets.models import Asset
from assets.uploads import create_upload
from billing.models import Reservation
from generation.models import Batch, Job
from generation.runner import run_job
from tenants.bucket_connections import connect_bucket
from tests.assets.test_tenant_bucket import Merchant, connected, merchant_bucket
from tests.jobs.test_batch_packshot_validation import nothing_was_made, post_csv, refused
from tests.jobs.test_batch_packshots import catalog_photo


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


@pytest.fixture
def merchant(s3_endpoint: str) -> Iterator[Merchant]:
    with merchant_bucket() as found:
        yield found


@pytest.fixture
def s3_calls(monkeypatch):
    """The S3 operations made, as (operation, key): a spy that lets each call through."""
    made: list[tuple[str, str]] = []
    original = botocore.client.BaseClient._make_api_call

    def spy(client, operation, params):
        made.append((operation, params.get("Key", "")))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    return made


def test_a_named_but_unverified_bucket_is_an_error_on_the_row(owner, acme, empty_queue):
    connect_bucket(acme.tenant, "acme-photos", "catalog/")
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "images": ["s3://acme-photos/catalog/a.png"], "packshots": ["shopify"]}]},
        format="json"))
    assert [(row, column) for row, column, _ in errors] == [(1, "images[0]")]
    assert "no verified bucket" in errors[0][2] and "Settings" in errors[0][2]
    nothing_was_made(acme.tenant)
    assert not Asset.objects.for_tenant(acme.tenant).exists()


@pytest.mark.s3
def test_a_key_under_the_verified_prefix_makes_the_packshot_an_upload_would(
        owner, acme, merchant, empty_queue):
    connected(acme.tenant, merchant)
    photo = catalog_photo(7)
    merchant.put("photos/sku-a.png", photo)
    uploaded = create_upload(acme.tenant, catalog_photo(8), filename="b.png")
    response = owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "images": [f"s3://{merchant.bucket}/photos/sku-a.png"],
         "packshots": ["shopify"]},
        {"sku": "B", "images": [str(uploaded.pk)], "packshots": ["shopify"]}]}, format="json")
    assert response.status_code == 202, response.json()
    assert (response.json()["items"], response.json()["jobs"]) == (2, 2)

    imported = Asset.objects.for_tenant(acme.tenant).get(kind="upload",
                                                         sha256=hashlib.sha256(photo).hexdigest())
    with default_storage.open(imported.storage_key, "rb") as handle:
        assert pixels(handle.read()) == pixels(photo)
    jobs = {job.sku: job for job in Job.objects.for_tenant(acme.tenant)}
    assert jobs["A"].request["images"] == [str(imported.pk)]
    assert jobs["B"].request["images"] == [str(uploaded.pk)]

    def shape(job: Job) -> tuple:
        return (job.operation, job.model_key, job.n, job.params, job.status,
                job.estimated_cost_usd, {k: v for k, v in job.request.items() if k != "images"})

    assert shape(jobs["A"]) == shape(jobs["B"])
    assert Reservation.unscoped.filter(job__in=jobs.values()).count() == 2
    run_job(jobs["A"].pk)
    jobs["A"].refresh_from_db()
    assert jobs["A"].status == "succeeded", jobs["A"].error_message


@pytest.mark.s3
def test_a_csv_image_cell_may_be_a_key_in_the_bucket(owner, acme, merchant, empty_queue):
    connected(acme.tenant, merchant, prefix="catalog/2024/")
    merchant.put("catalog/2024/lamp.png", catalog_photo(3))
    response = post_csv(owner, "sku,image,packshots\n"
                               f"LAMP,S3://{merchant.bucket}/catalog/2024/lamp.png,shopify\n")
    assert response.status_code == 202, response.json()
    (job,) = Job.objects.for_tenant(acme.tenant)
    (upload,) = Asset.objects.for_tenant(acme.tenant).filter(kind="upload")
    assert job.request["images"] == [str(upload.pk)] and job.sku == "LAMP"


@pytest.mark.s3
def test_keys_it_may_not_name_or_cannot_read_are_errors_on_their_rows(
        owner, acme, globex, merchant, settings, empty_queue):
    connected(acme.tenant, merchant)
    connect_bucket(globex.tenant, "globex-photos", "photos/")  # unverified: never read
    settings.ATELIER_UPLOAD_MAX_BYTES = 20_000
    merchant.put("photos/big.png", catalog_photo(1) + b"\0" * 20_000)
    merchant.put("private/a.png", catalog_photo(2))
    merchant.put("photos/ok.png", catalog_photo(4))
    base = f"s3://{merchant.bucket}"
    rows = [f"{base}/private/a.png", "s3://globex-photos/photos/a.png", f"{base}/photos/none.png",
            f"{base}/photos/big.png"]
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": [
        *({"sku": f"S{i}", "images": [ref], "packshots": ["shopify"]}
          for i, ref in enumerate(rows)),
        {"sku": "OK", "images": [f"{base}/photos/ok.png"], "packshots": ["shopify"]}]},
        format="json"))
    assert [(row, column) for row, column, _ in errors] == [
        (1, "images[0]"), (2, "images[0]"), (3, "images[0]"), (4, "images[0]")]
    messages = [message for _, _, message in errors]
    assert messages[0] == (f"images[0]: {base}/private/a.png is not under your connected "
                           f"bucket's prefix {base}/photos/")
    assert messages[1] == ("images[0]: s3://globex-photos/photos/a.png is not under your "
                           f"connected bucket's prefix {base}/photos/")
    assert messages[2] == f"images[0]: {base}/photos/none.png was not found in your bucket"
    assert messages[3].startswith(f"images[0]: {base}/photos/big.png is ")
    assert "at most 20000 bytes (ATELIER_UPLOAD_MAX_BYTES)" in messages[3]
    nothing_was_made(acme.tenant)
    # What was imported before the batch was refused is an ordinary upload, and only that.
    assert list(Asset.objects.for_tenant(acme.tenant).values_list("kind", "parameters")) == [
        ("upload", {"filename": "ok.png"})]

    errors = refused(post_csv(owner, f"sku,image,packshots\nA,{base}/private/a.png,shopify\n"))
    assert [(row, column) for row, column, _ in errors] == [(2, "image")]
    assert errors[0][2].startswith(f"image: {base}/private/a.png is not under")


@pytest.mark.s3
def test_a_verified_connection_of_another_tenant_does_not_let_this_one_read(
        owner, acme, globex, merchant, empty_queue):
    connected(globex.tenant, merchant)
    merchant.put("photos/a.png", catalog_photo(5))
    connect_bucket(acme.tenant, merchant.bucket, "photos/")  # named, never proved by acme
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "images": [f"s3://{merchant.bucket}/photos/a.png"],
         "packshots": ["shopify"]}]}, format="json"))
    assert [(row, column) for row, column, _ in errors] == [(1, "images[0]")]
    assert "no verified bucket" in errors[0][2]
    nothing_was_made(acme.tenant)
    assert not Asset.objects.for_tenant(acme.tenant).exists()


@pytest.mark.s3
def test_rows_naming_the_same_key_read_it_once(owner, acme, merchant, s3_calls, empty_queue):
    connected(acme.tenant, merchant)
    merchant.put("photos/mug.png", catalog_photo(6))
    merchant.put("photos/cup.png", catalog_photo(9))
    s3_calls.clear()
    mug, cup = f"s3://{merchant.bucket}/photos/mug.png", f"s3://{merchant.bucket}/photos/cup.png"
    response = owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "MUG-1", "images": [mug], "packshots": ["shopify", "amazon-main"]},
        {"sku": "MUG-2", "images": [mug], "packshots": ["shopify"]},
        {"sku": "CUP", "images": [cup], "packshots": ["shopify"]},
        {"sku": "MUG-3", "images": [mug.replace("s3://", "S3://")], "packshots": ["ebay"]}]},
        format="json")
    assert response.status_code == 202, response.json()
    assert sorted(s3_calls) == [("GetObject", "photos/cup.png"), ("GetObject", "photos/mug.png"),
                                ("HeadObject", "photos/cup.png"),
                                ("HeadObject", "photos/mug.png")]
    by_sku = {}
    for job in Job.objects.for_tenant(acme.tenant):
        by_sku.setdefault(job.sku, set()).update(job.request["images"])
    assert by_sku["MUG-1"] == by_sku["MUG-2"] == by_sku["MUG-3"] != by_sku["CUP"]
    assert Batch.objects.for_tenant(acme.tenant).get().items == 4

