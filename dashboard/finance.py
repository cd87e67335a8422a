"""The Finance group's page in the admin (/admin/finance/report/, linked from the admin's home):
the month's totals, the usage report by tenant and model, a chart of each day's AWS spend
against the credits left, each credit pool's burn rate, and the report as CSV.

Money is shown as `billing.reports.money` shows it (cents; four decimals only under a cent);
the ledger and the usage events keep their exact amounts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from api.usage import MONTH
from billing.credits import burn
from billing.models import CreditAllocation, CreditPool, UsageEvent
from billing.reports import (
    COLUMNS,
    FINANCE_GROUP,
    MONEY_COLUMNS,
    as_csv,
    exact,
    is_finance,
    money,
    usage_rows,
)
from billing.services import current_month

__all__ = ["FINANCE_GROUP", "daily_chart", "finance_report", "is_finance"]

# The chart's drawing area inside its viewBox, in SVG units (it scales to the page's width).
WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 84, 20, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
TICKS = 4
LABELLED_BARS = 12  # above this many days with spend, values are in the tooltips and table


def nice_top(amount: Decimal) -> Decimal:
    """The axis maximum: the smallest 1, 2, 2.5 or 5 x 10^k at or above `amount` (> 0)."""
    if amount <= 0:
        return Decimal("0.01")
    exponent = amount.adjusted()
    for _ in range(2):
        for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
            top = step.scaleb(exponent)
            if top >= amount:
                return top
        exponent += 1
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always finds one


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


def _ticks(top: Decimal) -> list[Tick]:
    return [Tick(y=round(TOP + PLOT_H - PLOT_H * i / TICKS, 1),
                 label=f"${money(top * i / TICKS)}") for i in range(TICKS + 1)]


def daily_chart(month: str) -> dict[str, Any]:
    """Each day of the month: its AWS cost (bars, left axis) and the credits left at its end
    (line, right axis); both axes start at zero and are labelled in dollars."""
    year, number = (int(part) for part in month.split("-"))
    length = calendar.monthrange(year, number)[1]
    costs = {row["day"]: exact(row["cost"]) for row in
             UsageEvent.unscoped.filter(month=month).annotate(day=TruncDate("created_at"))
             .values("day").annotate(cost=Sum("aws_cost_usd"))}
    total_credit = exact(CreditPool.objects.aggregate(total=Sum("amount_usd"))["total"])
    drawn_by_day = {row["day"]: exact(row["drawn"]) for row in
                    CreditAllocation.objects.filter(event__month=month)
                    .annotate(day=TruncDate("event__created_at")).values("day")
                    .annotate(drawn=Sum("amount_usd"))}
    first = date(year, number, 1)
    drawn_before = exact(CreditAllocation.objects.filter(event__created_at__date__lt=first)
                         .aggregate(t=Sum("amount_usd"))["t"])
    days: list[dict[str, Any]] = []
    drawn = drawn_before
    for offset in range(length):
        day = first + timedelta(days=offset)
        drawn += drawn_by_day.get(day, Decimal(0))
        days.append({"day": day, "cost": costs.get(day, Decimal(0)),
                     "credits_left": total_credit - drawn})
    spent = [d for d in days if d["cost"]]
    cost_top = nice_top(max((d["cost"] for d in days), default=Decimal(0)))
    credit_top = nice_top(max([total_credit - drawn_before, Decimal(0)]))
    slot = PLOT_W / length
    bar_width = round(max(slot * 0.7, 1), 1)
    last = max((i for i, d in enumerate(days) if d["cost"]), default=-1)
    line = []
    for index, d in enumerate(days):
        d["x"] = round(LEFT + index * slot + (slot - bar_width) / 2, 1)
        d["centre"] = round(LEFT + index * slot + slot / 2, 1)
        d["bar_height"] = round(float(d["cost"] / cost_top) * PLOT_H, 1)
        d["bar_y"] = round(TOP + PLOT_H - d["bar_height"], 1)
        d["label_y"] = round(d["bar_y"] - 4, 1)
        d["cost_text"], d["credits_text"] = money(d["cost"]), money(d["credits_left"])
        share = max(d["credits_left"], Decimal(0)) / credit_top
        d["line_y"] = round(TOP + PLOT_H - float(share) * PLOT_H, 1)
        if index <= last:
            line.append(f"{d['centre']},{d['line_y']}")
    end = days[max(last, 0)]
    return {
        "days": days, "spent": spent, "has_credit": total_credit > 0,
        "line": " ".join(line), "end": end, "label_bars": len(spent) <= LABELLED_BARS,
        "x_labels": [d for i, d in enumerate(days) if i == 0 or (i + 1) % 5 == 0],
        "cost_ticks": _ticks(cost_top), "credit_ticks": _ticks(credit_top),
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": TOP + PLOT_H, "bar_width": bar_width, "x_axis_y": TOP + PLOT_H + 18,
        "right_label_x": WIDTH - RIGHT + 6, "left_label_x": LEFT - 6, "axis_title_y": HEIGHT - 4,
    }


def _pools() -> list[dict[str, Any]]:
    rows = []
    for pool in CreditPool.objects.all():
        rate = burn(pool)
        rows.append({"name": pool.name, "category": pool.get_category_display(),
                     "left": money(pool.remaining_usd), "amount": money(pool.amount_usd),
                     "week": money(rate.last_7_days_usd), "month": money(rate.last_30_days_usd),
                     "per_day": money(rate.per_day_usd), "runs_out_on": rate.runs_out_on,
                     "expires_on": pool.expires_on})
    return rows


@staff_member_required
def finance_report(request: HttpRequest) -> HttpResponse:
    if not is_finance(request.user):
        raise PermissionDenied("the finance report is for the Finance group")
    month = request.GET.get("month") or current_month()
    if not MONTH.match(month):
        month = current_month()
    rows = usage_rows(month=month)
    if request.GET.get("format") == "csv":
        response = HttpResponse(as_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="atelier-usage-{month}.csv"'
        return response
    *body, total = rows
    shown = [{**row, **{c: money(row[c]) for c in MONEY_COLUMNS},
              "usage_url": reverse("dashboard-usage", args=[row["tenant"]]) + f"?month={month}"}
             for row in body]
    return render(request, "billing/finance_report.html", {
        "title": f"Finance report, {month}", "month": month, "columns": COLUMNS,
        "rows": shown, "total": {**total, **{c: money(total[c]) for c in MONEY_COLUMNS}},
        "chart": daily_chart(month), "pools": _pools(),
        "csv_url": f"{request.path}?month={month}&format=csv",
    })
