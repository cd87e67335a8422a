"""A job's hold counts against the month while it runs: a second submission that would take
the budget or the image quota past its limit together with what is already held is refused —
by the single conditional UPDATE as much as by the locked re-read — naming the field, and
counted in the refusals metric by kind (found by `make mutate`: a budget check that left the
held spend out, and the field and metric label, survived)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from billing import services as billing
from billing.models import Ledger, MonthlyLimits, Reservation
from billing.services import QuotaExceeded, set_monthly_limits
from tests.factories import JobFactory
from tests.helpers import ledger


def refusals(kind: str) -> float:
    return REGISTRY.get_sample_value("atelier_quota_refusals_total", {"kind": kind}) or 0.0


@pytest.fixture
def budget_of_ten_cents(acme):
    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("0.10"))
    limits.model_prices = {"local": "0.04"}
    limits.save()
    return acme


def test_what_is_held_counts_against_the_budget(budget_of_ten_cents, submit, empty_queue):
    acme = budget_of_ten_cents
    submit(n=2)  # $0.08 held, nothing used yet
    before = refusals("budget")
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=1)  # $0.04 more: $0.12 > $0.10
    assert (refused.value.code, refused.value.field) == ("budget_exceeded", "n")
    assert refused.value.extra == {"budget_left_usd": "0.0200", "month": billing.current_month()}
    assert refusals("budget") == before + 1
    row = ledger(acme.tenant)
    assert (row.reserved_images, row.reserved_usd) == (2, Decimal("0.08"))


def test_what_is_held_and_used_counts_against_the_budget(budget_of_ten_cents, submit,
                                                         empty_queue):
    acme = budget_of_ten_cents
    job = submit(n=2)
    billing.settle(job, 0, aws_cost_usd=Decimal("0"))  # $0.04 used, $0.04 still held
    with pytest.raises(QuotaExceeded):
        submit(n=1)
    billing.release(job)  # $0.04 used, nothing held: one more image fits
    assert JobFactory(tenant=acme.tenant, n=1, size="256x256") is not None
    assert ledger(acme.tenant).reserved_usd == Decimal("0.04")


def test_what_is_held_counts_against_the_image_quota(acme, submit, empty_queue):
    set_monthly_limits(acme.tenant, images=3, budget_usd=None)
    submit(n=2)
    before = refusals("images")
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=2)
    assert (refused.value.code, refused.value.field) == ("quota_exceeded", "n")
    assert refused.value.extra["images_left"] == 1
    assert refusals("images") == before + 1
    assert ledger(acme.tenant).reserved_images == 2


def test_a_hold_is_checked_against_the_limits_the_caller_read(acme, empty_queue):
    """Submission reads the limits once and passes them on (found by `make mutate`: reserve
    dropping them and reading the tenant's again survived): those are the ones applied."""
    set_monthly_limits(acme.tenant, images=100, budget_usd=None)  # 3 more would fit these
    job = JobFactory(tenant=acme.tenant, n=1, size="256x256")
    Reservation.unscoped.filter(job=job).delete()
    held = ledger(acme.tenant).reserved_images
    read = MonthlyLimits(tenant=acme.tenant, images=held + 2)
    with pytest.raises(QuotaExceeded) as refused:
        billing.reserve(acme.tenant, job, images=3, unit_price=Decimal("0.01"), limits=read)
    assert refused.value.extra["images_left"] == 2


@pytest.mark.parametrize(("images", "budget", "code"), [
    (2, Decimal("10.00"), "quota_exceeded"),  # the budget has room, the image quota not
    (100, Decimal("0.10"), "budget_exceeded"),  # the image quota has room, the budget not
])
def test_with_both_limits_a_hold_must_fit_each(acme, submit, empty_queue, images, budget, code):
    """The single conditional UPDATE checks both limits together (found by `make mutate`:
    a WHERE holding only the budget's check, or either check, survived: the locked re-read
    never ran, as the UPDATE had already taken the hold)."""
    limits = set_monthly_limits(acme.tenant, images=images, budget_usd=budget)
    limits.model_prices = {"local": "0.04"}
    limits.save()
    submit(n=2)  # two images, $0.08: both limits still hold
    held = ledger(acme.tenant).reserved_images
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=1)
    assert refused.value.code == code
    assert ledger(acme.tenant).reserved_images == held


def test_a_hold_changes_only_this_months_ledger(acme, submit, empty_queue):
    last = Ledger.objects.for_tenant(acme.tenant).create(month="2000-01", reserved_images=5)
    submit(n=2)  # the month's first hold, then one that updates its ledger
    submit(n=1)
    last.refresh_from_db()
    assert (last.reserved_images, last.reserved_usd) == (5, Decimal("0"))
    assert ledger(acme.tenant).reserved_images == 3


def test_what_is_used_and_held_counts_against_the_image_quota(acme, submit, empty_queue):
    set_monthly_limits(acme.tenant, images=3, budget_usd=None)
    job = submit(n=2)
    billing.settle(job, 0, aws_cost_usd=Decimal("0"))  # one image used, one still held
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=2)
    assert refused.value.extra["images_left"] == 1
    assert refused.value.message == "n: 2 image(s) asked for, 1 left of 3 this month"


def test_a_quota_lowered_below_what_is_held_leaves_none(acme, submit, empty_queue):
    set_monthly_limits(acme.tenant, images=3, budget_usd=None)
    submit(n=3)
    set_monthly_limits(acme.tenant, images=1, budget_usd=None)  # two more held than allowed
    with pytest.raises(QuotaExceeded) as refused:
        submit(n=1)
    assert refused.value.extra == {"images_left": 0, "month": billing.current_month()}
    assert refused.value.message == "n: 1 image(s) asked for, 0 left of 1 this month"
