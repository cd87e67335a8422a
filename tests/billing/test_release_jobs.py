"""release_jobs(): what a canceled batch's jobs still hold goes back to the month it was held
in, exactly, once, and only for the jobs named (found by `make mutate`: no billing test called
it)."""

from __future__ import annotations

from decimal import Decimal

from billing import services as billing
from billing.models import Ledger, Reservation
from billing.services import current_month, set_monthly_limits
from generation.models import Job
from tests.helpers import ledger


def priced(tenant, price: str = "0.04") -> None:
    limits = set_monthly_limits(tenant, images=None, budget_usd=None)
    limits.model_prices = {"local": price}
    limits.save()


def test_releasing_jobs_gives_back_exactly_what_they_hold_once(acme, submit, empty_queue):
    priced(acme.tenant)
    first, second, kept = submit(n=2), submit(n=3), submit(n=1)
    billing.settle(second, 0, aws_cost_usd=Decimal("0.01"))  # one of second's images delivered
    assert (ledger(acme.tenant).reserved_images, ledger(acme.tenant).reserved_usd) == (
        5, Decimal("0.2"))
    jobs = Job.objects.for_tenant(acme.tenant).filter(pk__in=[first.pk, second.pk])
    assert billing.release_jobs(acme.tenant, jobs) == 4  # 2 + (3 - 1 delivered)
    row = ledger(acme.tenant)
    assert (row.reserved_images, row.reserved_usd) == (1, Decimal("0.04"))  # kept's hold
    assert (row.used_images, row.used_usd) == (1, Decimal("0.04"))
    closed = Reservation.objects.for_tenant(acme.tenant).filter(job__in=[first, second])
    assert {(r.images, r.status) for r in closed} == {(0, Reservation.Status.CLOSED)}
    assert Reservation.objects.for_tenant(acme.tenant).get(job=kept).images == 1
    assert billing.release_jobs(acme.tenant, jobs) == 0  # again: nothing left to give back
    assert ledger(acme.tenant).reserved_images == 1
    assert billing.reconcile()["drift"] == []


def test_holds_go_back_to_the_month_they_were_held_in(acme, submit, empty_queue):
    priced(acme.tenant, "0.10")
    old = submit(n=2)
    submit(n=1)  # held this month
    Reservation.unscoped.filter(job=old).update(month="2000-01")
    Ledger.unscoped.create(tenant=acme.tenant, month="2000-01", reserved_images=2,
                           reserved_usd=Decimal("0.20"))
    this_month = Ledger.objects.for_tenant(acme.tenant).get(month=current_month())
    Ledger.unscoped.filter(pk=this_month.pk).update(reserved_images=1,
                                                    reserved_usd=Decimal("0.10"))
    released = billing.release_jobs(acme.tenant, Job.objects.for_tenant(acme.tenant))
    assert released == 3
    months = {row.month: (row.reserved_images, row.reserved_usd)
              for row in Ledger.objects.for_tenant(acme.tenant)}
    assert months == {"2000-01": (0, Decimal("0")), current_month(): (0, Decimal("0"))}


def test_another_tenants_jobs_are_not_released(acme, globex, submit, empty_queue):
    priced(acme.tenant)
    priced(globex.tenant)
    theirs = submit(globex.tenant, n=2)
    assert billing.release_jobs(acme.tenant, Job.objects.for_tenant(globex.tenant)) == 0
    assert ledger(globex.tenant).reserved_images == 2
    assert Reservation.objects.for_tenant(globex.tenant).get(job=theirs).images == 2
