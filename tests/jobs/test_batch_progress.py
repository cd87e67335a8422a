"""A batch's progress comes from its jobs: counts per status, progress, status; its results
are paged by SKU; canceling it cancels the queued jobs and gives their holds back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Reservation
from generation import batches
from generation.models import Job
from generation.runner import run_job
from tests.factories import MonthlyLimitsFactory
from tests.helpers import ledger


@pytest.fixture
def three_rows(acme, empty_queue):
    MonthlyLimitsFactory(tenant=acme.tenant, model_prices={"local": "0.02"})
    return batches.submit_batch(acme.tenant, model="local", items=[
        {"sku": f"S{i}", "prompt": f"a vase, view {i}", "size": "256x256", "n": 2}
        for i in range(3)])


def jobs_of(batch):
    return Job.objects.for_tenant(batch.tenant).filter(batch=batch).order_by("sku")


def test_progress_and_status_follow_the_jobs(owner, three_rows):
    url = f"/api/v1/batches/{three_rows.pk}"
    body = owner.get(url).json()
    assert (body["status"], body["progress"], body["counts"]["queued"]) == ("queued", 0.0, 3)
    run_job(jobs_of(three_rows)[0].pk)
    body = owner.get(url).json()
    assert (body["status"], body["progress"], body["images_made"]) == ("running", 0.3333, 2)
    assert body["counts"] == {"waiting": 0, "queued": 2, "running": 0, "succeeded": 1,
                              "partially_succeeded": 0, "failed": 0, "blocked": 0,
                              "canceled": 0}
    assert body["completed_at"] is None


def test_results_are_paged_by_sku(owner, three_rows):
    url = f"/api/v1/batches/{three_rows.pk}/results?limit=2"
    first = owner.get(url).json()
    assert list(first["results"]) == ["S0", "S1"] and first["previous"] is None
    second = owner.get(first["next"]).json()
    assert list(second["results"]) == ["S2"] and second["next"] is None
    assert second["results"]["S2"] == {"job": str(jobs_of(three_rows)[2].pk),
                                       "status": "queued", "error": None,
                                       "packshots": None, "steps": None, "assets": []}


def test_canceling_releases_the_queued_jobs_holds(owner, acme, three_rows):
    assert ledger(acme.tenant).reserved_images == 6
    run_job(jobs_of(three_rows)[0].pk)
    response = owner.post(f"/api/v1/batches/{three_rows.pk}/cancel")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["progress"]) == ("canceled", 1.0)
    assert (body["counts"]["succeeded"], body["counts"]["canceled"]) == (1, 2)
    assert body["completed_at"] is not None
    month = ledger(acme.tenant)
    assert (month.reserved_images, month.reserved_usd) == (0, Decimal("0"))
    assert (month.used_images, month.used_usd) == (2, Decimal("0.04"))
    assert not Reservation.objects.for_tenant(acme.tenant).filter(status="held").exists()
    again = owner.post(f"/api/v1/batches/{three_rows.pk}/cancel").json()
    assert again["counts"] == body["counts"]


def test_a_canceled_jobs_message_makes_nothing(acme, three_rows):
    batches.cancel_batch(acme.tenant, three_rows.pk)
    job = jobs_of(three_rows)[0]
    run_job(job.pk)  # the message still in the queue
    job.refresh_from_db()
    assert job.status == "canceled" and not job.assets.exists()


def test_a_text_csv_body_with_options_in_the_query(owner, acme, empty_queue):
    response = owner.generic("POST", "/api/v1/batches?model=local&name=plain",
                             "sku,prompt,size\nA,a vase,256x256\n", content_type="text/csv")
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["name"], body["source"], body["items"]) == ("plain", "csv", 1)
    assert response["Location"] == f"/api/v1/batches/{body['id']}"


def test_canceling_its_jobs_one_by_one_completes_the_batch(owner, three_rows):
    for job in jobs_of(three_rows):
        assert owner.post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 200
    body = owner.get(f"/api/v1/batches/{three_rows.pk}").json()
    assert body["status"] == "canceled" and body["completed_at"] is not None


def test_the_sweep_completes_a_batch_whose_last_finisher_died(acme, three_rows):
    from generation.batch_progress import complete_stragglers
    from generation.models import Batch

    jobs_of(three_rows).update(status="succeeded")  # ended, but nobody marked the batch
    assert complete_stragglers() == [str(three_rows.pk)]
    assert complete_stragglers() == []
    assert Batch.objects.for_tenant(acme.tenant).get().completed_at is not None


def test_a_preview_checks_everything_and_writes_nothing(acme, empty_queue):
    from generation.batch_input import InvalidBatch
    from generation.models import Batch

    preview = batches.preview_batch(acme.tenant, model="local", rows=1, csv_data=(
        b"sku,prompt,n\nA,a vase,2\nB,a bowl,1\n"))
    assert (preview["items"], preview["images"]) == (2, 3)
    assert preview["rows"] == [{"row": 2, "sku": "A", "prompt": "a vase", "model": "local",
                                "n": 2, "estimated_cost_usd": Decimal("0"),
                                "operation": "text_to_image"}]
    with pytest.raises(InvalidBatch):
        batches.preview_batch(acme.tenant, model="local", csv_data=b"sku,prompt\nA,\n")
    assert not Batch.objects.for_tenant(acme.tenant).exists()
