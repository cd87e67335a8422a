from django.contrib import admin
from django.http import HttpRequest

from billing.models import CreditPool, Ledger, MonthlyLimits, UsageEvent


@admin.register(CreditPool)
class CreditPoolAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "amount_usd", "used_usd", "starts_on", "expires_on",
                    "priority"]
    list_filter = ["category"]
    readonly_fields = ["used_usd"]


@admin.register(MonthlyLimits)
class MonthlyLimitsAdmin(admin.ModelAdmin):
    list_display = ["tenant", "images", "budget_usd", "price_multiplier", "updated_at"]


@admin.register(Ledger)
class LedgerAdmin(admin.ModelAdmin):
    list_display = ["tenant", "month", "used_images", "used_usd", "reserved_images",
                    "reserved_usd", "aws_cost_usd"]
    list_filter = ["month", "tenant"]
    readonly_fields = [f.name for f in Ledger._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tenant", "job", "index", "model_key", "aws_cost_usd",
                    "price_usd"]
    list_filter = ["month", "model_key", "tenant"]
    readonly_fields = [f.name for f in UsageEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
