"""The finance report: per tenant, model and month, what images cost AWS, what credits paid,
what tenants were billed and the margin, with totals that equal the usage events to the cent.

Column names follow the FinOps FOCUS spec where one fits (billing_period, provider, sku,
usage_quantity, usage_unit, billed_cost); the others say what they hold.

`usage_rows` holds exact amounts (the ledger's four decimal places; the database's sums are
read back at that precision, so SQLite's float noise never shows). The prompt assistant's calls
have rows of their own (`usage_unit` token, sku `prompt-assistant:<model ID>`): their AWS cost,
not billed to tenants. What people read, the CSV
and the finance page, shows money with `money()`: cents, or four decimals for an amount under
one cent that is not zero.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from billing.assistant_usage import report_rows as assistant_rows
from billing.models import CreditAllocation, UsageEvent
from catalog.spec import UnknownModel, catalog

COLUMNS = ["billing_period", "tenant", "provider", "sku", "usage_quantity", "usage_unit",
           "aws_cost_usd", "credits_usd", "net_aws_cost_usd", "billed_cost_usd", "margin_usd"]
MONEY_COLUMNS = ("aws_cost_usd", "credits_usd", "net_aws_cost_usd", "billed_cost_usd",
                 "margin_usd")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=4))
EXACT = Decimal("0.0001")  # the ledger's precision (MONEY: four decimal places)
CENT = Decimal("0.01")
FINANCE_GROUP = "Finance"  # the staff group that reads this report (migration 0006)
LOCAL_PROVIDER, BEDROCK_PROVIDER = "Atelier local renderer", "AWS Bedrock"
ASSISTANT_SKU = "prompt-assistant"


def is_finance(user: Any) -> bool:
    """An active staff user in the Finance group: reads this report and any tenant's usage."""
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and user.groups.filter(name=FINANCE_GROUP).exists())


def exact(amount: Decimal | int | float | None) -> Decimal:
    """A summed amount at the ledger's precision (a sum read back from SQLite carries binary
    noise: 0.0800000000000001, 0E-15)."""
    if amount is None:
        return Decimal("0.0000")
    return Decimal(str(amount)).quantize(EXACT, rounding=ROUND_HALF_EVEN)


def money(amount: Decimal) -> str:
    """An amount for people: cents (`0.08`, `-1.25`), or four decimals when it is under one
    cent but not zero (`0.0040`), so a small cost never reads as nothing. Half rounds up."""
    value = exact(amount)
    if value and abs(value) < CENT:
        return str(value)
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return str(rounded + 0)  # + 0: never "-0.00"


def provider(model_key: str) -> str:
    """Who made the images: the local renderer (no AWS cost) or Bedrock."""
    if not model_key:
        return ""
    try:
        family = catalog().get(model_key).family
    except UnknownModel:  # a retired model's events: every real model is Bedrock's
        family = ""
    return LOCAL_PROVIDER if family == "local" else BEDROCK_PROVIDER


def usage_rows(*, month: str | None = None, tenant_slug: str | None = None
               ) -> list[dict[str, Any]]:
    """One row per (month, tenant, model), then a totals row (its usage_quantity counts the
    images; the token rows' quantities are tokens)."""
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
        credit = credits.get((item["month"], item["tenant__slug"], item["model_key"]))
        rows.append(_row(item["month"], item["tenant__slug"], item["model_key"],
                         item["images"], exact(item["aws"]), exact(credit),
                         exact(item["billed"])))
    rows += [_assistant_row(item) for item in assistant_rows(month=month,
                                                             tenant_slug=tenant_slug)]
    rows.sort(key=lambda r: (r["billing_period"], r["tenant"], r["sku"]))
    totals = _row("total", "", "", sum(r["usage_quantity"] for r in rows
                                       if r["usage_unit"] == "image"),
                  sum((r["aws_cost_usd"] for r in rows), Decimal("0")),
                  sum((r["credits_usd"] for r in rows), Decimal("0")),
                  sum((r["billed_cost_usd"] for r in rows), Decimal("0")))
    return [*rows, totals]


def _row(month: str, tenant: str, model: str, images: int, aws: Decimal, credit: Decimal,
         billed: Decimal) -> dict[str, Any]:
    return {"billing_period": month, "tenant": tenant, "provider": provider(model),
            "sku": model, "usage_quantity": images, "usage_unit": "image",
            "aws_cost_usd": aws, "credits_usd": credit, "net_aws_cost_usd": aws - credit,
            "billed_cost_usd": billed, "margin_usd": billed - aws}


def _assistant_row(item: dict[str, Any]) -> dict[str, Any]:
    """The prompt assistant's calls of a tenant and text model: AWS's cost, nothing billed."""
    cost, nothing = exact(item["cost_usd"]), exact(0)
    return {"billing_period": item["month"], "tenant": item["tenant"],
            "provider": BEDROCK_PROVIDER, "sku": f"{ASSISTANT_SKU}:{item['model_id']}",
            "usage_quantity": item["tokens"], "usage_unit": "token", "aws_cost_usd": cost,
            "credits_usd": nothing, "net_aws_cost_usd": cost, "billed_cost_usd": nothing,
            "margin_usd": nothing - cost}


def for_people(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its money as `money()` shows it."""
    return {**row, **{column: money(row[column]) for column in MONEY_COLUMNS}}


def as_csv(rows: list[dict[str, Any]]) -> str:
    """The report as CSV, money in cents (`money()`); the totals row adds up the exact
    amounts, so it can differ from the sum of the rounded rows by a cent or so."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(for_people(row) for row in rows)
    return buffer.getvalue()
