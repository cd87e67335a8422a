"""Every list and detail endpoint answers in a fixed number of queries, whatever the number of
items it shows: the same count for 2 items as for 12 (no query per job, asset or rendition),
and never more than its budget."""

from __future__ import annotations

import pytest

from api import webhooks
from assets.models import Asset
from generation import batches
from generation.models import Job, WebhookDelivery, WebhookEndpoint
from generation.templates import create_template
from tests.api.conftest import delivered_job, queries_of


def test_job_detail_reads_its_images_and_renditions_in_two_queries(
        owner, delivered, django_assert_max_num_queries):
    few, many = delivered(2), delivered(12)
    assert queries_of(owner, f"/api/v1/jobs/{few.pk}") == queries_of(
        owner, f"/api/v1/jobs/{many.pk}")
    with django_assert_max_num_queries(3):  # the job, its images, their renditions
        body = owner.get(f"/api/v1/jobs/{many.pk}").json()
    assert len(body["assets"]) == 12
    assert all(asset["thumbnail_url"] and asset["renditions"] for asset in body["assets"])


def test_job_list_does_not_grow_with_jobs(owner, acme, delivered, django_assert_max_num_queries):
    for _ in range(2):
        delivered(1)
    few = queries_of(owner, "/api/v1/jobs")
    for _ in range(10):
        delivered(1)
    assert queries_of(owner, "/api/v1/jobs") == few
    with django_assert_max_num_queries(2):
        assert len(owner.get("/api/v1/jobs").json()["results"]) == 12


def test_asset_list_and_detail_do_not_grow_with_assets(owner, delivered,
                                                       django_assert_max_num_queries):
    delivered(2)
    few = queries_of(owner, "/api/v1/assets")
    delivered(10)
    assert queries_of(owner, "/api/v1/assets") == few
    with django_assert_max_num_queries(3):  # a page of assets, their renditions
        assert len(owner.get("/api/v1/assets").json()["results"]) == 12
    asset = Asset.unscoped.filter(job__isnull=False).first()
    with django_assert_max_num_queries(2):
        assert owner.get(f"/api/v1/assets/{asset.pk}").json()["renditions"]


def test_template_list_and_detail_do_not_grow_with_templates(owner, acme,
                                                             django_assert_max_num_queries):
    made = [create_template(acme.tenant, name=f"t{i}", prompt="a {subject}") for i in range(2)]
    few = queries_of(owner, "/api/v1/templates")
    made += [create_template(acme.tenant, name=f"u{i}", prompt="a {subject}")
             for i in range(10)]
    assert queries_of(owner, "/api/v1/templates") == few
    with django_assert_max_num_queries(2):
        owner.get("/api/v1/templates")
    with django_assert_max_num_queries(1):
        owner.get(f"/api/v1/templates/{made[-1].pk}")


def _endpoint(tenant, index: int) -> WebhookEndpoint:
    return WebhookEndpoint.objects.for_tenant(tenant).create(
        url=f"https://hooks.example.com/{index}", events=list(webhooks.EVENTS), secret="s")


def test_webhook_lists_and_detail_do_not_grow(owner, acme, django_assert_max_num_queries):
    endpoints = [_endpoint(acme.tenant, i) for i in range(2)]
    few = queries_of(owner, "/api/v1/webhooks")
    endpoints += [_endpoint(acme.tenant, i) for i in range(2, 12)]
    assert queries_of(owner, "/api/v1/webhooks") == few
    target = endpoints[0]
    path = f"/api/v1/webhooks/{target.pk}/deliveries"
    for _ in range(2):
        WebhookDelivery.objects.for_tenant(acme.tenant).create(
            endpoint=target, event="job.succeeded", payload={"n": 1})
    few_deliveries = queries_of(owner, path)
    for _ in range(10):
        WebhookDelivery.objects.for_tenant(acme.tenant).create(
            endpoint=target, event="job.succeeded", payload={"n": 1})
    assert queries_of(owner, path) == few_deliveries
    with django_assert_max_num_queries(1):
        owner.get(f"/api/v1/webhooks/{target.pk}")


def _batch_with_results(tenant, rows: int):
    """A batch of `rows` SKUs whose jobs each delivered two images with renditions."""
    batch = batches.submit_batch(tenant, model="local", name="mugs", items=[
        {"sku": f"MUG-{i}", "prompt": "a red mug", "size": "512x512"} for i in range(rows)])
    for job in Job.objects.for_tenant(tenant).filter(batch=batch):
        made = delivered_job(tenant, 2)
        Asset.unscoped.filter(job=made).update(job=job)
    return batch


@pytest.mark.parametrize("rows", [2, 12])
def test_batch_results_do_not_grow_with_skus_or_images(owner, acme, rows,
                                                       django_assert_max_num_queries):
    batch = _batch_with_results(acme.tenant, rows)
    owner.get("/api/v1/models")  # the key, read once
    # The batch, the page's SKUs (a row of packshots is several jobs: pages are of SKUs),
    # their jobs, their images, renditions.
    with django_assert_max_num_queries(5):
        results = owner.get(f"/api/v1/batches/{batch.pk}/results").json()["results"]
    assert len(results) == rows
    assert all(len(result["assets"]) == 2 and result["assets"][0]["renditions"]
               for result in results.values())


def test_batch_list_and_detail_do_not_grow_with_batches(owner, acme):
    made = [_batch_with_results(acme.tenant, 1) for _ in range(2)]
    few = queries_of(owner, "/api/v1/batches")
    made += [_batch_with_results(acme.tenant, 1) for _ in range(10)]
    assert queries_of(owner, "/api/v1/batches") == few
    assert queries_of(owner, f"/api/v1/batches/{made[0].pk}") == queries_of(
        owner, f"/api/v1/batches/{made[-1].pk}")


def test_usage_and_models_answer_in_a_fixed_number_of_queries(owner, delivered,
                                                              django_assert_max_num_queries):
    delivered(2)
    owner.get("/api/v1/usage")
    with django_assert_max_num_queries(3):  # the ledger, the limits, the assistant's calls
        owner.get("/api/v1/usage")
    with django_assert_max_num_queries(0):
        owner.get("/api/v1/models")


def test_an_upload_answers_in_a_fixed_number_of_queries(owner, django_assert_max_num_queries):
    from tests.helpers import png_bytes

    owner.get("/api/v1/models")  # the key, read once
    with django_assert_max_num_queries(5):  # same-image check, insert (a savepoint), renditions
        response = owner.post("/api/v1/uploads", {"file": _file(png_bytes((64, 64)))},
                              format="multipart")
    assert response.status_code == 201, response.content


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", data, content_type="image/png")
