"""Billing records. Quota enforcement, usage events and credit pools arrive with issue 6."""

from __future__ import annotations

from django.db import models


class MonthlyLimits(models.Model):
    """A tenant's monthly allowance as set by `create_tenant` (None means no limit)."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE,
                                  related_name="monthly_limits")
    images = models.PositiveIntegerField(null=True, blank=True)
    budget_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant}: {self.images} images, ${self.budget_usd}"
