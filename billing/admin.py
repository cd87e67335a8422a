"""Billing in the admin: credit pools, tenants' monthly limits, the ledger and usage events.

Staff in the Finance group may read all of them (the finance report links here), whatever
model permissions they hold; changing them takes the usual permissions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from billing.models import CreditPool, Ledger, MonthlyLimits, UsageEvent
from billing.reports import is_finance


class FinanceMayRead:
    """The Finance group reads these lists and records (read-only unless also permitted)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_finance(request.user) or super().has_module_permission(  # type: ignore[misc]
            request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_finance(request.user) or super().has_view_permission(  # type: ignore[misc]
            request, obj)


@admin.register(CreditPool)
class CreditPoolAdmin(FinanceMayRead, admin.ModelAdmin):
    list_display = ["name", "category", "amount_usd", "used_usd", "starts_on", "expires_on",
                    "priority"]
    list_filter = ["category"]
    readonly_fields = ["used_usd"]


@admin.register(MonthlyLimits)
class MonthlyLimitsAdmin(FinanceMayRead, admin.ModelAdmin):
    list_display = ["tenant", "images", "budget_usd", "price_multiplier", "updated_at"]


@admin.register(Ledger)
class LedgerAdmin(FinanceMayRead, admin.ModelAdmin):
    list_display = ["tenant", "month", "used_images", "used_usd", "reserved_images",
                    "reserved_usd", "aws_cost_usd"]
    list_filter = ["month", "tenant"]
    readonly_fields = [f.name for f in Ledger._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(UsageEvent)
class UsageEventAdmin(FinanceMayRead, admin.ModelAdmin):
    list_display = ["created_at", "tenant", "job", "index", "model_key", "aws_cost_usd",
                    "price_usd"]
    list_filter = ["month", "model_key", "tenant"]
    readonly_fields = [f.name for f in UsageEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
