"""billing.reprice: a job that moved to a fallback model holds what it still holds at the new
price per image. Up: the difference is held against the budget (refused when it no longer
fits, changing nothing); down: the difference is given back; the same price, a job holding
nothing, or one whose hold is closed change nothing; release afterwards gives back exactly what
is held at the new price. (Until now only tests/jobs/test_fallbacks.py reached it, through the
runner: `make mutate` counted its mutants as untested.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from billing import services as billing
from billing.models import Reservation
from billing.services import QuotaExceeded, set_monthly_limits
from tests.helpers import ledger


@pytest.fixture
def held(acme, submit, empty_queue):
    """A 3-image job at $0.04 an image, under a $0.20 budget: $0.12 held."""
    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("0.20"))
    limits.model_prices = {"local": "0.04"}
    limits.save()
    job = submit(n=3)
    assert ledger(acme.tenant).reserved_usd == Decimal("0.12")
    return job


def hold_of(job):
    return Reservation.unscoped.get(job_id=job.pk)


def test_a_higher_price_holds_the_difference_for_every_image_still_held(acme, held):
    with transaction.atomic():
        billing.reprice(held, Decimal("0.06"))
    assert hold_of(held).unit_price_usd == Decimal("0.06") and hold_of(held).images == 3
    assert ledger(acme.tenant).reserved_usd == Decimal("0.18")  # 0.12 + 3 x 0.02
    assert ledger(acme.tenant).reserved_images == 3  # the same images, at another price
    assert billing.release(held) == 3
    assert ledger(acme.tenant).reserved_usd == Decimal("0")


def test_a_lower_price_gives_the_difference_back(acme, held):
    with transaction.atomic():
        billing.reprice(held, Decimal("0.01"))
    assert hold_of(held).unit_price_usd == Decimal("0.01")
    assert ledger(acme.tenant).reserved_usd == Decimal("0.03")
    billing.release(held)
    assert ledger(acme.tenant).reserved_usd == Decimal("0")


def test_a_price_past_the_budget_is_refused_and_changes_nothing(acme, held):
    with pytest.raises(QuotaExceeded) as refused, transaction.atomic():
        billing.reprice(held, Decimal("0.07"))  # 3 x 0.07 = 0.21 > 0.20
    assert refused.value.code == "budget_exceeded" and refused.value.field == "model"
    assert refused.value.message == ("model: this job at its fallback model's price costs "
                                     "$0.09, $0.08 left of $0.20 this month")
    assert hold_of(held).unit_price_usd == Decimal("0.04")
    assert ledger(acme.tenant).reserved_usd == Decimal("0.12")


def test_only_the_images_still_held_are_repriced(acme, held):
    billing.settle(held, 0, aws_cost_usd=Decimal("0"))  # one image charged at $0.04
    with transaction.atomic():
        billing.reprice(held, Decimal("0.05"))
    assert hold_of(held).images == 2
    assert ledger(acme.tenant).reserved_usd == Decimal("0.10")  # 2 x 0.05
    assert ledger(acme.tenant).used_usd == Decimal("0.04")


@pytest.mark.parametrize("closed", [False, True])
def test_the_same_price_or_a_closed_hold_changes_nothing(acme, held, closed):
    if closed:
        billing.release(held)
    before = ledger(acme.tenant).reserved_usd
    with transaction.atomic():
        billing.reprice(held, Decimal("0.04") if not closed else Decimal("0.09"))
    assert ledger(acme.tenant).reserved_usd == before
    assert hold_of(held).unit_price_usd == Decimal("0.04")


def test_only_the_job_moved_is_repriced(acme, held, submit):
    other = submit(n=1)  # $0.04 more held, at the old price
    with transaction.atomic():
        billing.reprice(other, Decimal("0.02"))
    assert hold_of(held).unit_price_usd == Decimal("0.04")
    assert hold_of(other).unit_price_usd == Decimal("0.02")
    assert ledger(acme.tenant).reserved_usd == Decimal("0.14")
