"""A batch is reserved as a whole (billing.services.reserve_batch): one hold per job at its own
price, the exact Decimal total held once under the ledger lock, the same rows whichever writer
inserts the holds, nothing held when the total does not fit, and never a second hold for a
job."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.models import Reservation
from billing.services import QuotaExceeded, reserve_batch, set_monthly_limits
from generation.bulk_insert import insert_rows
from generation.models import Job
from tests.helpers import ledger

PRICES = [Decimal("0.0333"), Decimal("0.0125"), Decimal("0.0401")]


def bare_jobs(tenant, count: int) -> list[uuid.UUID]:
    """Jobs with no hold yet (as a batch inserts them before reserving)."""
    ids = [uuid.uuid4() for _ in range(count)]
    insert_rows(Job, tenant, [{"id": job_id, "model_key": "local", "n": 1 + i % 3,
                               "base_seed": 1, "width": 64, "height": 64, "request": {}}
                              for i, job_id in enumerate(ids)])
    return ids


def holds_for(job_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, int, Decimal]]:
    return [(job_id, 1 + i % 3, PRICES[i % 3]) for i, job_id in enumerate(job_ids)]


@pytest.mark.parametrize("insert", [None, insert_rows], ids=["bulk_create", "insert_rows"])
def test_each_job_holds_its_images_and_the_ledger_the_exact_total(acme, insert):
    job_ids = bare_jobs(acme.tenant, 30)
    assert reserve_batch(acme.tenant, holds_for(job_ids), insert=insert) == 30
    holds = {hold.job_id: hold for hold in Reservation.objects.for_tenant(acme.tenant)}
    for job_id, images, price in holds_for(job_ids):
        hold = holds[job_id]
        assert (hold.images, hold.unit_price_usd, hold.status) == (images, price, "held")
    held = ledger(acme.tenant)
    assert held.reserved_images == sum(images for _, images, _ in holds_for(job_ids)) == 60
    assert held.reserved_usd == sum((price * images for _, images, price in holds_for(job_ids)),
                                    Decimal("0")) == Decimal("1.7860")


def test_a_batch_over_the_quota_holds_nothing(acme):
    set_monthly_limits(acme.tenant, images=59, budget_usd=None)
    job_ids = bare_jobs(acme.tenant, 30)
    with pytest.raises(QuotaExceeded) as refused, transaction.atomic():
        reserve_batch(acme.tenant, holds_for(job_ids), insert=insert_rows)
    assert refused.value.extra["images_left"] == 59 and refused.value.field == "items"
    assert not Reservation.objects.for_tenant(acme.tenant).exists()


def test_a_batch_over_the_budget_says_what_it_costs_and_what_is_left(acme):
    set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("0.10"))
    job_ids = bare_jobs(acme.tenant, 3)  # 1 x 0.0333 + 2 x 0.0125 + 3 x 0.0401 = 0.1786
    with pytest.raises(QuotaExceeded) as refused, transaction.atomic():
        reserve_batch(acme.tenant, holds_for(job_ids))
    assert refused.value.message == "items: this batch costs $0.18, $0.10 left of $0.10 this month"
    assert not Reservation.objects.for_tenant(acme.tenant).exists()


def test_a_job_is_never_held_twice(acme):
    job_ids = bare_jobs(acme.tenant, 3)
    reserve_batch(acme.tenant, holds_for(job_ids), insert=insert_rows)
    with pytest.raises(IntegrityError), transaction.atomic():
        reserve_batch(acme.tenant, holds_for(job_ids[:1]), insert=insert_rows)
    assert Reservation.objects.for_tenant(acme.tenant).count() == 3
    assert ledger(acme.tenant).reserved_images == 6
