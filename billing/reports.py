"""The finance report: per tenant, model and month, what images cost AWS, what credits paid,
what tenants were billed and the margin, with totals that equal the usage events to the cent.

Column names follow the FinOps FOCUS spec where one fits (billing_period, provider, sku,
usage_quantity, usage_unit, billed_cost); the others say what they hold.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import CreditAllocation, UsageEvent

COLUMNS = ["billing_period", "tenant", "provider", "sku", "usage_quantity", "usage_unit",
           "aws_cost_usd", "credits_usd", "net_aws_cost_usd", "billed_cost_usd", "margin_usd"]
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=4))


def usage_rows(*, month: str | None = None, tenant_slug: str | None = None
               ) -> list[dict[str, Any]]:
    """One row per (month, tenant, model), then a totals row."""
    scope = Q()
    if month:
        scope &= Q(month=month)
    if tenant_slug:
        scope &= Q(tenant__slug=tenant_slug)
    events = (UsageEvent.unscoped.filter(scope)  # finance sees every tenant: system scope
              .values("month", "tenant__slug", "model_key")
              .annotate(images=Count("id"), aws=Coalesce(Sum("aws_cost_usd"), ZERO),
                        billed=Coalesce(Sum("price_usd"), ZERO))
              .order_by("month", "tenant__slug", "model_key"))
    credits = {
        (row["event__month"], row["event__tenant__slug"], row["event__model_key"]): row["paid"]
        for row in CreditAllocation.objects.filter(
            **{f"event__{k}": v for k, v in (("month", month), ("tenant__slug", tenant_slug))
               if v})
        .values("event__month", "event__tenant__slug", "event__model_key")
        .annotate(paid=Sum("amount_usd"))}
    rows = []
    for item in events:
        credit = credits.get((item["month"], item["tenant__slug"], item["model_key"]),
                             Decimal("0"))
        rows.append(_row(item["month"], item["tenant__slug"], item["model_key"],
                         item["images"], item["aws"], credit, item["billed"]))
    totals = _row("total", "", "", sum(r["usage_quantity"] for r in rows),
                  sum((r["aws_cost_usd"] for r in rows), Decimal("0")),
                  sum((r["credits_usd"] for r in rows), Decimal("0")),
                  sum((r["billed_cost_usd"] for r in rows), Decimal("0")))
    return [*rows, totals]


def _row(month: str, tenant: str, model: str, images: int, aws: Decimal, credit: Decimal,
         billed: Decimal) -> dict[str, Any]:
    return {"billing_period": month, "tenant": tenant, "provider": "AWS Bedrock" if model else "",
            "sku": model, "usage_quantity": images, "usage_unit": "image",
            "aws_cost_usd": aws, "credits_usd": credit, "net_aws_cost_usd": aws - credit,
            "billed_cost_usd": billed, "margin_usd": billed - aws}


def as_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
