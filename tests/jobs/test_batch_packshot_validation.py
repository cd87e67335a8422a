"""A batch of packshots is checked whole before anything is made: every row and every preset,
each error naming its row and column (`packshots[i]` in JSON, the CSV header's own spelling),
and a refused batch creates, holds and queues nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import MarketplacePreset
from assets.uploads import create_upload
from billing.models import Reservation
from generation.models import Batch, Job
from tests.conftest import queued_messages
from tests.jobs.test_batch_packshots import catalog_photo


@pytest.fixture
def photos(acme):
    return [str(create_upload(acme.tenant, catalog_photo(i), filename=f"p{i}.png").pk)
            for i in range(3)]


def refused(response) -> list[tuple[int, str | None, str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_batch", body
    return [(error["row"], error["column"], error["message"]) for error in body["errors"]]


def nothing_was_made(tenant) -> None:
    assert not Batch.objects.for_tenant(tenant).exists()
    assert not Job.objects.for_tenant(tenant).exists()
    assert not Reservation.unscoped.exists() and queued_messages() == 0


def post_csv(client, text: str):
    upload = SimpleUploadedFile("catalog.csv", text.encode(), "text/csv")
    return client.post("/api/v1/batches", {"file": upload, "model": "local"},
                       format="multipart")


def test_every_bad_row_and_preset_is_listed_and_nothing_is_made(owner, acme, photos,
                                                                empty_queue):
    items = [
        {"sku": "A", "images": [photos[0]], "packshots": ["amazon-main", "walmart-main"]},
        {"sku": "B", "images": [photos[1]], "packshots": ["shopify", "shopify"]},
        {"sku": "C", "images": [photos[2]], "packshots": []},
        {"sku": "D", "images": [photos[0]], "packshots": ["ebay"], "operation": "inpaint"},
        {"sku": "E", "images": [photos[1]], "packshots": ["etsy"],
         "params": {"preset": "etsy"}},
        {"sku": "F", "images": [photos[2]], "packshots": ["etsy"], "params": {"shadow": "long"}},
        {"sku": "G", "images": [photos[0]], "packshots": "amazon-main"},
        {"sku": "H", "images": [photos[0]], "packshots": ["amazon-main"]},  # the good one
        {"sku": "I", "images": [photos[1]], "packshots": ["ebay"], "params": "bright"},
    ]
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": items},
                                format="json"))
    assert [(row, column) for row, column, _ in errors] == [
        (1, "packshots[1]"), (2, "packshots[1]"), (3, "packshots"), (4, "operation"),
        (5, "params.preset"), (6, "params.shadow"), (7, "packshots"), (9, "params")]
    messages = {row: message for row, _, message in errors}
    assert "unknown preset 'walmart-main'; one of amazon-main" in messages[1]
    assert "'shopify' is named twice" in messages[2]
    assert "a list of 1 to 10 preset keys" in messages[3]
    assert "a row with packshots makes packshots" in messages[4]
    assert "give the presets in packshots" in messages[5]
    assert "must be one of none, contact, drop" in messages[6]  # once, not once per preset
    nothing_was_made(acme.tenant)


def test_a_csv_names_the_packshots_column_as_its_header_spells_it(owner, acme, photos,
                                                                  empty_queue):
    text = ("sku,Image,Packshots\n"
            f"A,{photos[0]},amazon-main|shopify\n"
            f"B,{photos[1]},amazon-main|nope\n"
            f"C,{photos[2]},amazon-main||shopify\n")
    errors = refused(post_csv(owner, text))
    assert [(row, column) for row, column, _ in errors] == [(3, "Packshots"), (4, "Packshots")]
    assert errors[0][2].startswith("Packshots: unknown preset 'nope'")
    assert "a preset's key" in errors[1][2]
    nothing_was_made(acme.tenant)


def test_a_csv_row_of_packshots_makes_a_job_per_preset(owner, acme, photos, empty_queue,
                                                       django_capture_on_commit_callbacks):
    text = f"sku,image,packshots\nA,{photos[0]},amazon-main | shopify\nB,{photos[1]},ebay\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_csv(owner, text)
    assert response.status_code == 202, response.json()
    assert (response.json()["items"], response.json()["jobs"]) == (2, 3)
    made = Job.objects.for_tenant(acme.tenant).values_list("sku", "params__preset")
    assert sorted(made) == [("A", "amazon-main"), ("A", "shopify"), ("B", "ebay")]
    assert queued_messages() == 3


def test_an_s3_source_is_refused_until_a_bucket_can_be_connected(owner, acme, empty_queue):
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "images": ["s3://acme-photos/catalog/a.jpg"], "packshots": ["shopify"]}]},
        format="json"))
    assert [(row, column) for row, column, _ in errors] == [(1, "images[0]")]
    assert "S3 key" in errors[0][2] and "POST /api/v1/uploads" in errors[0][2]
    errors = refused(post_csv(owner, "sku,image,packshots\nA,S3://acme/a.jpg,shopify\n"))
    assert [(row, column) for row, column, _ in errors] == [(2, "image")]
    nothing_was_made(acme.tenant)


def test_a_tenant_preset_packshots_cannot_be_stored_in_is_an_error_on_its_packshot(
        owner, acme, photos, empty_queue):
    MarketplacePreset.objects.for_tenant(acme.tenant).create(
        key="print", name="Print", formats=["tiff"], source="unsourced")
    MarketplacePreset.objects.for_tenant(acme.tenant).create(
        key="house", name="House", size="1200x1200", formats=["png"], source="unsourced")
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "images": [photos[0]], "packshots": ["house", "print"]}]}, format="json"))
    assert [(row, column) for row, column, _ in errors] == [(1, "packshots[1]")]
    assert errors[0][2].startswith("packshots[1]: 'print' allows only tiff")
    nothing_was_made(acme.tenant)


def test_a_batch_makes_at_most_the_row_limit_of_jobs(owner, acme, photos, settings,
                                                     empty_queue):
    settings.ATELIER_BATCH_MAX_ROWS = 5
    items = [{"sku": f"S{i}", "images": [photos[i]], "packshots": ["amazon-main", "shopify"]}
             for i in range(3)]
    errors = refused(owner.post("/api/v1/batches", {"model": "local", "items": items},
                                format="json"))
    assert [(row, column) for row, column, _ in errors] == [(3, "packshots")]
    assert "at most 5 jobs in a batch" in errors[0][2]
    nothing_was_made(acme.tenant)
