"""The prompt assistant's line of usage: one row per call of its text model, with the tokens
and the AWS cost, summed per month for the tenant (GET /api/v1/usage, the Usage page) and per
tenant and model for the finance report.

The cost is AWS's, recorded as it happens; it is not drawn from the tenant's image budget or
reported to Stripe, so the image ledger and its reconciliation are unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from billing.models import PromptAssistantCall
from tenants.models import Tenant

PLACES = Decimal("0.00000001")


def record_call(tenant: Tenant, *, month: str, model_id: str, input_tokens: int,
                output_tokens: int, cost_usd: Decimal) -> PromptAssistantCall:
    if not isinstance(cost_usd, Decimal) or cost_usd < 0:
        raise ValueError(f"cost_usd must be a Decimal of zero or more, got {cost_usd!r}")
    return PromptAssistantCall.objects.for_tenant(tenant).create(
        month=month, model_id=model_id, input_tokens=input_tokens, output_tokens=output_tokens,
        cost_usd=cost_usd)


def _exact(amount: Any) -> Decimal:
    """A sum read back at eight places (SQLite's sums carry binary noise)."""
    return Decimal(str(amount or 0)).quantize(PLACES)


def month_usage(tenant: Tenant, month: str) -> dict[str, Any]:
    """The tenant's calls of the month: count, tokens and AWS cost (a string, exact)."""
    totals = PromptAssistantCall.objects.for_tenant(tenant).filter(month=month).aggregate(
        calls=Count("id"), input_tokens=Sum("input_tokens"), output_tokens=Sum("output_tokens"),
        cost=Sum("cost_usd"))
    return {"calls": totals["calls"], "input_tokens": totals["input_tokens"] or 0,
            "output_tokens": totals["output_tokens"] or 0,
            "cost_usd": f"{_exact(totals['cost']):f}"}  # never "0E-8"


def report_rows(*, month: str | None = None, tenant_slug: str | None = None
                ) -> list[dict[str, Any]]:
    """Per month, tenant and model: calls, tokens and AWS cost (finance sees every tenant)."""
    calls = PromptAssistantCall.unscoped.all()
    if month:
        calls = calls.filter(month=month)
    if tenant_slug:
        calls = calls.filter(tenant__slug=tenant_slug)
    return [{"month": row["month"], "tenant": row["tenant__slug"], "model_id": row["model_id"],
             "calls": row["calls"], "tokens": row["tokens"] or 0, "cost_usd": _exact(row["cost"])}
            for row in calls.values("month", "tenant__slug", "model_id")
            .annotate(calls=Count("id"), tokens=Sum("input_tokens") + Sum("output_tokens"),
                      cost=Sum("cost_usd"))
            .order_by("month", "tenant__slug", "model_id")]
