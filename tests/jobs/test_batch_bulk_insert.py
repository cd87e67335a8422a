"""A batch's jobs and holds are written by COPY on PostgreSQL (generation/bulk_insert.py) and
by bulk_create elsewhere; the two write the same rows, field by field, and neither writes a
row for another tenant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models, transaction

from billing.models import Reservation
from generation import batches, bulk_insert
from generation.models import Job
from tenants.scoping import TenantScopeError
from tests.factories import MonthlyLimitsFactory
from tests.helpers import ledger

ITEMS = [
    {"sku": "A-1", "slots": {"product": "mug", "color": "red"}, "seed": 11},
    {"sku": "A-2", "slots": {"product": "cup", "color": "blue"}, "seed": 12, "n": 3},
    {"sku": "A-3", "slots": {"product": "jug", "color": "teal"}, "seed": 13,
     "negative_prompt": "text", "size": "512x512", "stage": "final"},
    {"sku": "B-1", "template": None, "model": "local", "prompt": "a lamp\twith\\a tab",
     "seed": 14, "params": {"output_format": "jpeg"}},
    {"sku": "B-2", "template": None, "model": "local", "prompt": "a \u00e9t\u00e9 \"quote\"\n",
     "seed": 15},
]
COMPARED_APART = {"id", "batch", "created_at", "enqueued_at"}  # each batch's own


def fields_of(instance: models.Model, apart: set[str]) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname)
            for field in instance._meta.concrete_fields if field.name not in apart}


def submitted(acme, name: str) -> tuple[dict[str, object], dict[str, object]]:
    """Submit ITEMS as a batch; its jobs and holds by SKU, without what differs per batch."""
    batch = batches.submit_batch(acme.tenant, items=ITEMS, template="studio", name=name,
                                 user=acme.owner, api_key=acme.key.api_key)
    jobs = Job.objects.for_tenant(acme.tenant).filter(batch=batch)
    holds = Reservation.objects.for_tenant(acme.tenant).filter(job__batch=batch)
    return ({job.sku: fields_of(job, COMPARED_APART) for job in jobs},
            {hold.job.sku: fields_of(hold, {"id", "job", "created_at"}) for hold in holds})


def test_copy_writes_the_jobs_and_holds_bulk_create_writes(postgres, acme, studio, empty_queue,
                                                          monkeypatch):
    MonthlyLimitsFactory(tenant=acme.tenant, model_prices={"local": "0.0333"})
    copied_jobs, copied_holds = submitted(acme, "by COPY")
    monkeypatch.setattr(batches, "insert_rows", bulk_insert.create_rows)
    created_jobs, created_holds = submitted(acme, "by bulk_create")

    assert copied_jobs == created_jobs and len(copied_jobs) == len(ITEMS)
    assert copied_holds == created_holds
    assert copied_holds["A-2"]["images"] == 3
    assert copied_holds["A-2"]["unit_price_usd"] == Decimal("0.0333")
    assert copied_jobs["B-1"]["prompt"] == "a lamp\twith\\a tab"
    assert copied_jobs["A-1"]["status"] == "queued" and copied_jobs["A-1"]["withheld"] == []
    held = ledger(acme.tenant)
    assert held.reserved_images == 2 * 7
    assert held.reserved_usd == 2 * 7 * Decimal("0.0333")


def test_copied_jobs_are_created_in_row_order_at_distinct_times(postgres, acme, studio,
                                                                 empty_queue):
    batch = batches.submit_batch(acme.tenant, items=ITEMS, template="studio")
    jobs = Job.objects.for_tenant(acme.tenant).filter(batch=batch).order_by("created_at")
    assert [job.sku for job in jobs] == [item["sku"] for item in ITEMS]
    assert len({job.created_at for job in jobs}) == len(ITEMS)


@pytest.mark.parametrize("insert", [bulk_insert.insert_rows, bulk_insert.create_rows])
def test_a_row_of_another_tenant_is_refused(acme, globex, insert):
    with pytest.raises(TenantScopeError), transaction.atomic():
        insert(Job, acme.tenant, [{"tenant_id": globex.tenant.pk, "model_key": "local",
                                   "n": 1, "base_seed": 1, "width": 64, "height": 64,
                                   "request": {}}])
    assert not Job.objects.for_tenant(globex.tenant).exists()
