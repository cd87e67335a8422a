"""Money rules. This issue's part: the estimate of a job and the tenant's stated limits.

Reservations, settlement, credit pools and Stripe come with issue 6 (DESIGN §8).
"""

from __future__ import annotations

from decimal import Decimal

from billing.models import MonthlyLimits
from generation.catalog import ModelSpec
from generation.requests import ResolvedRequest
from tenants.models import Tenant

PRECISION = Decimal("0.0001")  # job estimates keep sub-cent unit prices exact


def estimate_cost_usd(spec: ModelSpec, resolved: ResolvedRequest) -> Decimal:
    """AWS cost of the whole request: the model's unit price times the images asked for."""
    unit = spec.unit_cost_usd(resolved.request.quality, resolved.width * resolved.height)
    return (unit * resolved.request.n).quantize(PRECISION)


def set_monthly_limits(tenant: Tenant, *, images: int | None,
                       budget_usd: Decimal | None) -> MonthlyLimits:
    limits, _ = MonthlyLimits.objects.update_or_create(
        tenant=tenant, defaults={"images": images, "budget_usd": budget_usd})
    return limits
