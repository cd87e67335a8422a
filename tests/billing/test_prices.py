"""What one image is priced at, and the month and budget it is held against (found by
`make mutate`: a price that ignored the quality asked for, a month spelled with minutes, and a
budget refusing a job that costs exactly what is left all survived)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing import services as billing
from billing.models import MonthlyLimits
from billing.services import QuotaExceeded, set_monthly_limits
from catalog.requests import JobRequest, ResolvedRequest
from catalog.spec import catalog
from tests.helpers import ledger


def nova_canvas(quality: str | None = None, size: tuple[int, int] = (1024, 1024)) -> tuple:
    """Nova Canvas's spec and a checked request of that quality and size."""
    spec = catalog().get("nova-canvas")
    request = JobRequest(model="nova-canvas", prompt="a lamp", quality=quality)
    return spec, ResolvedRequest(request=request, model_id=spec.model_id, width=size[0],
                                 height=size[1], params={})


@pytest.mark.parametrize(("quality", "size", "cost"), [
    ("standard", (1024, 1024), "0.04"), ("premium", (1024, 1024), "0.06"),
    ("premium", (2048, 2048), "0.08"), (None, (1024, 1024), "0.04")])
def test_an_image_costs_the_price_of_its_quality_and_size(acme, quality, size, cost):
    """Nova Canvas's price list (its quality and size tiers); the model is retired, but a job
    accepted before is still settled and repriced at it. The tenant pays 1.5 times the cost."""
    set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    acme.tenant.monthly_limits.price_multiplier = Decimal("1.5")
    acme.tenant.monthly_limits.save()
    spec, resolved = nova_canvas(quality, size)
    aws, price = billing.unit_prices(acme.tenant, spec, resolved)
    assert (aws, price) == (Decimal(cost), (Decimal(cost) * Decimal("1.5")).quantize(
        Decimal("0.0001")))


def test_holds_count_in_this_calendar_month_utc(acme, submit, empty_queue):
    submit(n=1)
    now = datetime.now(UTC)
    assert billing.current_month() == f"{now.year:04d}-{now.month:02d}"
    assert ledger(acme.tenant).month == billing.current_month()


def test_a_job_costing_exactly_what_is_left_fits(acme, submit, empty_queue):
    limits = set_monthly_limits(acme.tenant, images=2, budget_usd=Decimal("0.08"))
    limits.model_prices = {"local": "0.04"}
    limits.save()
    submit(n=2)  # the month's first hold: exactly the budget and the quota
    row = ledger(acme.tenant)
    assert (row.reserved_images, row.reserved_usd) == (2, Decimal("0.08"))
    with pytest.raises(QuotaExceeded):
        submit(n=1)


def test_the_price_follows_the_limits_the_caller_read(acme):
    """A batch reads the tenant's limits once and prices every row with them."""
    set_monthly_limits(acme.tenant, images=None, budget_usd=None)  # multiplier 1
    spec, resolved = nova_canvas()
    read = MonthlyLimits(tenant=acme.tenant, price_multiplier=Decimal("2"),
                         model_prices={})
    assert billing.unit_prices(acme.tenant, spec, resolved, limits=read) == (
        Decimal("0.04"), Decimal("0.0800"))
    assert billing.estimate_cost_usd(acme.tenant, spec, resolved, limits=read) == Decimal(
        "0.0800")
