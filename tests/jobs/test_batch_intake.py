"""Accepting batches: 10,000 CSV rows, each one job, one reservation and one message (bulk
inserts), and a JSON batch run to completion with its results keyed by SKU. How fast is
benchmarks/batch_intake.py's question (a target beside a baseline of the same run), not a
unit test's."""

from __future__ import annotations

import importlib.util
import time
from decimal import Decimal

import pytest

from billing.models import Ledger, Reservation
from billing.services import current_month
from generation import batches
from generation.models import Batch, Job
from generation.templates import create_template
from tests.conftest import queued_messages
from tests.factories import MonthlyLimitsFactory

ROWS = 10_000
COLORS = ("red", "blue", "green", "ochre", "teal")


@pytest.fixture
def priced(acme):
    """Acme pays $0.01 an image of the (free) local model, so the holds have a value."""
    MonthlyLimitsFactory(tenant=acme.tenant, model_prices={"local": "0.01"})
    return acme


@pytest.fixture
def studio(acme):
    """This module's "studio" adds ", studio light" to the prompt (tests/jobs/conftest.py's
    does not)."""
    return create_template(acme.tenant, name="studio", prompt="a {product} in {color}, "
                           "studio light", model_key="local", size="256x256")


def catalog_csv(rows: int) -> bytes:
    lines = ["sku,product,color,seed,n"]
    lines += [f"SKU-{i:05d},product {i},{COLORS[i % len(COLORS)]},{i + 1},{1 + i % 2}"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_ten_thousand_csv_rows_each_become_one_job_one_hold_and_one_message(
        priced, studio, empty_queue, django_capture_on_commit_callbacks):
    import dramatiq

    data = catalog_csv(ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.submit_batch(priced.tenant, csv_data=data, template="studio",
                                     name="catalog.csv")

    images = sum(1 + i % 2 for i in range(ROWS))
    assert (batch.items, batch.images, batch.source) == (ROWS, images, "csv")
    assert batch.estimated_cost_usd == Decimal("0.01") * images
    jobs = Job.objects.for_tenant(priced.tenant).filter(batch=batch)
    assert jobs.count() == ROWS and not jobs.exclude(status="queued").exists()
    first = jobs.get(sku="SKU-00001")
    assert (first.prompt, first.seed, first.n, first.width) == (
        "a product 1 in blue, studio light", 2, 2, 256)
    assert first.template_id == studio.pk
    holds = Reservation.objects.for_tenant(priced.tenant).filter(job__batch=batch)
    assert holds.count() == ROWS
    assert sum(r.images * r.unit_price_usd for r in holds) == batch.estimated_cost_usd
    ledger = Ledger.objects.for_tenant(priced.tenant).get(month=current_month())
    assert (ledger.reserved_images, ledger.reserved_usd) == (images, batch.estimated_cost_usd)
    assert queued_messages() == ROWS
    queue = dramatiq.get_broker().queues["jobs"]
    enqueued = [str(dramatiq.Message.decode(raw).args[0]) for raw in list(queue.queue)]
    assert len(set(enqueued)) == ROWS  # each job once, and only this batch's
    assert set(enqueued) == {str(pk) for pk in jobs.values_list("pk", flat=True)}


def test_a_json_batch_runs_to_completion_with_results_by_sku(owner, acme, studio, run_jobs):
    endpoint = None
    if importlib.util.find_spec("api.webhooks"):  # the webhook engineer's module
        from generation.models import WebhookEndpoint

        endpoint = WebhookEndpoint.objects.for_tenant(acme.tenant).create(
            url="https://hooks.example.com/atelier", events=["batch.completed"], secret="s")
    response = owner.post("/api/v1/batches", {
        "name": "spring", "template": "studio", "items": [
            {"sku": "MUG-1", "slots": {"product": "mug", "color": "red"}, "seed": 7},
            {"sku": "MUG-2", "slots": {"product": "mug", "color": "blue"}, "n": 2, "seed": 9},
            {"sku": "LAMP-1", "prompt": "a brass lamp", "template": None, "model": "local",
             "size": "256x256"},
        ]}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["items"], body["images"], body["source"]) == (3, 4, "json")
    assert body["status"] in ("queued", "running")  # the worker may have started already
    batch = Batch.objects.for_tenant(acme.tenant).get(pk=body["id"])
    run_jobs(*Job.objects.for_tenant(acme.tenant).filter(batch=batch))
    deadline = time.monotonic() + 10  # the last finisher marks the batch just after its job
    while batch.completed_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
        batch.refresh_from_db()

    detail = owner.get(f"/api/v1/batches/{batch.pk}").json()
    assert detail["status"] == "completed" and detail["progress"] == 1.0
    assert detail["counts"]["succeeded"] == 3 and detail["images_made"] == 4
    assert detail["completed_at"] is not None
    results = owner.get(f"/api/v1/batches/{batch.pk}/results").json()["results"]
    assert list(results) == ["LAMP-1", "MUG-1", "MUG-2"]  # SKU order
    assert [a["seed"] for a in results["MUG-2"]["assets"]] == [9, 10]
    assert all(a["url"] for r in results.values() for a in r["assets"])
    assert results["LAMP-1"]["status"] == "succeeded" and results["LAMP-1"]["error"] is None
    if endpoint is not None:
        from generation.models import WebhookDelivery

        sent = WebhookDelivery.objects.for_tenant(acme.tenant).filter(event="batch.completed")
        assert sent.count() == 1
        assert sent.get().payload["data"]["batch"]["id"] == str(batch.pk)


def test_rows_override_the_batch_model_and_the_template_defaults(acme, studio, empty_queue):
    batch = batches.submit_batch(acme.tenant, template="studio", model="local", items=[
        {"sku": "A", "slots": {"product": "vase", "color": "red"}},
        {"sku": "B", "slots": {"product": "vase", "color": "red"}, "size": "512x512",
         "negative_prompt": "text"},
    ])
    a, b = Job.objects.for_tenant(acme.tenant).filter(batch=batch).order_by("sku")
    assert (a.width, b.width, b.negative_prompt) == (256, 512, "text")
    assert a.model_key == b.model_key == "local"


def test_the_completion_is_recorded_once(acme, studio, empty_queue):
    from generation import batch_progress
    from generation.runner import run_job

    batch = batches.submit_batch(acme.tenant, template="studio", items=[
        {"sku": "A", "slots": {"product": "cup", "color": "red"}}])
    job = Job.objects.for_tenant(acme.tenant).get(batch=batch)
    run_job(job.pk)
    batch.refresh_from_db()
    completed_at = batch.completed_at
    assert completed_at is not None
    assert batch_progress.complete_if_done(batch.pk) is False
    batch.refresh_from_db()
    assert batch.completed_at == completed_at
