"""The Finance group's report page (under /admin/finance/): the usage report with totals, a
chart of daily AWS spend against the credits left, each pool's burn rate, and CSV export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from billing.credits import burn
from billing.models import CreditAllocation, CreditPool, UsageEvent
from billing.reports import COLUMNS, as_csv, usage_rows
from billing.services import current_month

FINANCE_GROUP = "Finance"
CHART_WIDTH, CHART_HEIGHT = 720, 200


def is_finance(user: Any) -> bool:
    return bool(user.is_active and user.is_staff
                and user.groups.filter(name=FINANCE_GROUP).exists())


def daily_chart(month: str) -> dict[str, Any]:
    """Bars of each day's AWS cost and a line of the credits left at the end of that day."""
    days = list(UsageEvent.unscoped.filter(month=month).annotate(day=TruncDate("created_at"))
                .values("day").annotate(cost=Sum("aws_cost_usd")).order_by("day"))
    total_credit = CreditPool.objects.aggregate(total=Sum("amount_usd"))["total"] or Decimal(0)
    points = []
    for item in days:
        drawn = CreditAllocation.objects.filter(
            event__created_at__date__lte=item["day"]).aggregate(t=Sum("amount_usd"))["t"] or 0
        points.append({"day": item["day"], "cost": item["cost"],
                       "credits_left": total_credit - drawn})
    top = max([p["cost"] for p in points] + [p["credits_left"] for p in points] + [Decimal(1)])
    step = CHART_WIDTH / max(len(points), 1)
    for index, point in enumerate(points):
        point["x"] = round(index * step + 2, 1)
        point["bar_height"] = round(float(point["cost"] / top) * CHART_HEIGHT, 1)
        point["bar_y"] = round(CHART_HEIGHT - point["bar_height"], 1)
        point["line_y"] = round(CHART_HEIGHT - float(point["credits_left"] / top) * CHART_HEIGHT,
                                1)
    line = " ".join(f"{p['x'] + step / 2:.1f},{p['line_y']}" for p in points)
    return {"points": points, "line": line, "bar_width": max(step - 4, 1),
            "width": CHART_WIDTH, "height": CHART_HEIGHT}


@staff_member_required
def finance_report(request: HttpRequest) -> HttpResponse:
    if not is_finance(request.user):
        raise PermissionDenied("the finance report is for the Finance group")
    month = request.GET.get("month") or current_month()
    rows = usage_rows(month=month)
    if request.GET.get("format") == "csv":
        response = HttpResponse(as_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="atelier-usage-{month}.csv"'
        return response
    return render(request, "billing/finance_report.html", {
        "title": f"Finance report {month}", "month": month, "columns": COLUMNS,
        "rows": [[row[c] for c in COLUMNS] for row in rows], "chart": daily_chart(month),
        "pools": [burn(pool) for pool in CreditPool.objects.all()],
    })
