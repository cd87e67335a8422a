"""The dashboard's Usage page: the quota meter, a daily spend chart against the budget, spend
per model, and the prompt assistant's calls of the month."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.http import HttpResponse

from api.usage import MONTH
from billing.assistant_usage import month_usage
from billing.models import UsageEvent
from billing.services import current_month, usage
from dashboard.access import Page, tenant_page
from dashboard.formatting import money
from tenants.models import Tenant

CHART_WIDTH, CHART_HEIGHT = 640, 180


def spend_chart(tenant: Tenant, month: str, budget: Decimal | None) -> dict[str, Any]:
    """The tenant's spend on each day of the month (bars), the month-to-date total (line, up
    to the last day with spend) and the budget (a dashed level)."""
    year, number = (int(part) for part in month.split("-"))
    length = calendar.monthrange(year, number)[1]
    spent: dict[date, Mapping[str, Any]] = {
        row["day"]: row for row in UsageEvent.objects.for_tenant(tenant)
        .filter(month=month).annotate(day=TruncDate("created_at")).values("day")
        .annotate(spend=Sum("price_usd"), images=Count("id"))}
    days: list[dict[str, Any]] = []
    running = Decimal(0)
    for offset in range(length):
        day = date(year, number, 1) + timedelta(days=offset)
        row = spent.get(day, {"spend": Decimal(0), "images": 0})
        running += row["spend"]
        days.append({"day": day, "spend": row["spend"], "images": row["images"],
                     "total": running})
    top = max([running, budget or Decimal(0), Decimal("0.01")])
    step = CHART_WIDTH / length

    def y(amount: Decimal) -> float:
        return round(CHART_HEIGHT - float(amount / top) * CHART_HEIGHT, 1)

    for index, bar in enumerate(days):
        bar["x"] = round(index * step + 1, 1)
        bar["bar_y"] = y(bar["spend"])
        bar["bar_height"] = round(CHART_HEIGHT - bar["bar_y"], 1)
    last = max((i for i, d in enumerate(days) if d["images"]), default=-1)
    return {"days": [d for d in days if d["images"]], "bars": days, "width": CHART_WIDTH,
            "height": CHART_HEIGHT, "bar_width": max(step - 2, 1),
            "budget_y": y(budget) if budget else None,
            "line": " ".join(f"{d['x'] + step / 2:.1f},{y(d['total'])}"
                             for d in days[:last + 1])}


@tenant_page("usage")
def usage_page(page: Page) -> HttpResponse:
    month = page.request.GET.get("month") or current_month()
    if not MONTH.match(month):
        month = current_month()
    state = usage(page.tenant, month)
    budget = Decimal(state["spend_usd"]["budget"]) if state["spend_usd"]["budget"] else None
    by_model = (UsageEvent.objects.for_tenant(page.tenant).filter(month=month)
                .values("model_key").annotate(images=Count("id"), spend=Sum("price_usd"))
                .order_by("-spend"))
    images = state["images"]
    assistant = month_usage(page.tenant, month)
    return page.render("dashboard/usage.html", {
        "assistant": assistant, "assistant_cost": money(assistant["cost_usd"]),
        "title": "Usage", "month": month, "usage": state, "by_model": by_model,
        "chart": spend_chart(page.tenant, month, budget),
        "used_percent": min(100, round(100 * (images["used"] + images["reserved"])
                                       / images["limit"])) if images["limit"] else None})
