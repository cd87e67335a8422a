"""billing.reconcile compares each ledger with its own tenant's and its own month's usage
events and holds, and releases only the holds of jobs that have finished (found by `make
mutate`: dropping the tenant or the month from either comparison, releasing the holds of
running jobs, and counting only the last release all survived)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services as billing
from billing.models import Ledger, Reservation, UsageEvent
from billing.services import set_monthly_limits
from generation.models import Job

PAST = "2026-01"


@pytest.fixture
def priced(acme, globex):
    for tenant in (acme.tenant, globex.tenant):
        limits = set_monthly_limits(tenant, images=None, budget_usd=None)
        limits.model_prices = {"local": "0.04"}
        limits.save()


def charged(submit, tenant, n):
    """A job of `n` images, all delivered and charged, its hold closed."""
    job = submit(tenant, n=n)
    for index in range(n):
        billing.settle(job, index, aws_cost_usd=Decimal("0"))
    billing.release(job)
    return job


def finished_without_release(job):
    Job.unscoped.filter(pk=job.pk).update(status="failed", finished_at=timezone.now())


def test_each_ledger_is_compared_with_its_own_tenants_events_and_holds(
        acme, globex, priced, submit, empty_queue):
    charged(submit, acme.tenant, 2)
    charged(submit, globex.tenant, 3)
    submit(acme.tenant, n=1)  # held, running
    submit(globex.tenant, n=2)
    assert billing.reconcile() == {"released": 0, "drift": []}


def test_each_ledger_is_compared_with_its_own_months_events_and_holds(
        acme, priced, submit, empty_queue):
    old = charged(submit, acme.tenant, 2)
    running = submit(acme.tenant, n=1)
    # The first job's month is a past one: its ledger row, events and hold move there.
    for model in (UsageEvent, Reservation):
        model.unscoped.filter(job=old).update(month=PAST)
    current = Ledger.unscoped.get(tenant=acme.tenant)
    Ledger.unscoped.create(tenant=acme.tenant, month=PAST, used_images=2,
                           used_usd=Decimal("0.08"))
    Ledger.unscoped.filter(pk=current.pk).update(used_images=0, used_usd=Decimal("0"))
    Reservation.unscoped.filter(job=running).update(month=current.month)
    assert billing.reconcile() == {"released": 0, "drift": []}


def test_only_finished_jobs_holds_are_released_and_every_release_counts(
        acme, priced, submit, empty_queue):
    first, second = submit(acme.tenant, n=2), submit(acme.tenant, n=3)
    running = submit(acme.tenant, n=4)
    finished_without_release(first)
    finished_without_release(second)
    result = billing.reconcile()
    assert result == {"released": 5, "drift": []}
    assert Reservation.unscoped.get(job=running).status == Reservation.Status.HELD
    assert Reservation.unscoped.get(job=running).images == 4
    assert Ledger.unscoped.get(tenant=acme.tenant).reserved_images == 4
