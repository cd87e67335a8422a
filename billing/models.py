"""Billing records: each tenant's monthly limits, the monthly ledger that holds reservations
and usage (locked row by row so concurrent submissions can never overshoot), and one usage
event per delivered image."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.db import models

from catalog.spec import catalog
from tenants.scoping import TenantOwnedModel


class _DecimalPlaces(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _DecimalPlaces = {"max_digits": 14, "decimal_places": 4}


class MonthlyLimits(models.Model):
    """A tenant's monthly allowance (None means no limit) and what it pays per image."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE,
                                  related_name="monthly_limits")
    images = models.PositiveIntegerField(null=True, blank=True)
    budget_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_multiplier = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1.000"),
        help_text="the tenant's price per image = AWS cost x this")
    model_prices = models.JSONField(
        default=dict, blank=True,
        help_text='a fixed price per image for some models, e.g. {"nova-2-omni": "0.05"}')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "monthly limits"

    def __str__(self) -> str:
        return f"{self.tenant}: {self.images} images, ${self.budget_usd}"

    def clean(self) -> None:
        from decimal import InvalidOperation

        from django.core.exceptions import ValidationError

        if not isinstance(self.model_prices, dict):
            raise ValidationError({"model_prices": "a mapping of model key to USD price"})
        for key, value in self.model_prices.items():
            catalog().get(key)  # UnknownModel names the available keys
            try:
                price = Decimal(str(value))
            except InvalidOperation:
                price = Decimal(-1)
            if not price.is_finite() or price < 0:
                raise ValidationError({"model_prices": f"{key}: {value!r} is not a price"})


class Ledger(TenantOwnedModel):
    """One row per tenant and month: what is held for running jobs and what was used."""

    month = models.CharField(max_length=7, help_text="YYYY-MM (UTC)")
    reserved_images = models.PositiveIntegerField(default=0)
    reserved_usd = models.DecimalField(default=Decimal("0"), **MONEY)
    used_images = models.PositiveIntegerField(default=0)
    used_usd = models.DecimalField(default=Decimal("0"), **MONEY)
    aws_cost_usd = models.DecimalField(default=Decimal("0"), **MONEY)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "month"],
                                               name="ledger_unique_tenant_month")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.month}"


class Reservation(TenantOwnedModel):
    """What a job holds against its month until it settles or releases."""

    class Status(models.TextChoices):
        HELD = "held"
        CLOSED = "closed"

    job = models.OneToOneField("generation.Job", on_delete=models.CASCADE,
                               related_name="reservation")
    month = models.CharField(max_length=7)
    images = models.PositiveIntegerField(help_text="images still held")
    unit_price_usd = models.DecimalField(**MONEY)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reservation of job {self.job_id}: {self.images} images"


class UsageEvent(TenantOwnedModel):
    """One delivered image: charged once, whatever retries or re-runs happen."""

    job = models.ForeignKey("generation.Job", on_delete=models.PROTECT,
                            related_name="usage_events")
    index = models.PositiveSmallIntegerField()
    month = models.CharField(max_length=7, db_index=True)
    model_key = models.CharField(max_length=64)
    aws_cost_usd = models.DecimalField(**MONEY)
    price_usd = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    reported_at = models.DateTimeField(null=True, blank=True,
                                       help_text="when Stripe accepted its meter event")

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["job", "index"],
                                               name="usage_unique_job_index")]

    def __str__(self) -> str:
        return f"job {self.job_id} image {self.index}: ${self.price_usd}"


class CreditPool(models.Model):
    """AWS credits the platform holds (Activate, proof-of-concept, …), drawn down by the AWS
    cost of every image: highest priority first, then the earliest expiry."""

    class Category(models.TextChoices):
        ACTIVATE = "activate"
        PROOF_OF_CONCEPT = "proof_of_concept"
        ACCELERATOR = "accelerator"
        OTHER = "other"

    name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=Category.choices)
    amount_usd = models.DecimalField(**MONEY)
    used_usd = models.DecimalField(default=Decimal("0"), **MONEY)
    starts_on = models.DateField()
    expires_on = models.DateField()
    priority = models.PositiveSmallIntegerField(default=100, help_text="lower is used first")

    class Meta:
        ordering = ["priority", "expires_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} (${self.amount_usd - self.used_usd} of ${self.amount_usd} left)"

    @property
    def remaining_usd(self) -> Decimal:
        return self.amount_usd - self.used_usd


class CreditAllocation(models.Model):
    """Which pool paid how much of one usage event's AWS cost."""

    event = models.ForeignKey(UsageEvent, on_delete=models.CASCADE, related_name="allocations")
    pool = models.ForeignKey(CreditPool, on_delete=models.PROTECT, related_name="allocations")
    amount_usd = models.DecimalField(**MONEY)

    def __str__(self) -> str:
        return f"{self.pool.name}: ${self.amount_usd}"


class StripeCustomer(models.Model):
    """The Stripe customer of a tenant, created the first time usage is reported."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE,
                                  related_name="stripe_customer")
    customer_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    subscription_id = models.CharField(
        max_length=64, blank=True,
        help_text="the tenant's Stripe subscription; when set, events about another "
                  "subscription of the customer are ignored")
    status_event_at = models.DateTimeField(
        null=True, blank=True,
        help_text="when Stripe created the event that set the tenant's status; an older event "
                  "never overrides it")

    def __str__(self) -> str:
        return f"{self.tenant} -> {self.customer_id}"


class StripeEvent(models.Model):
    """Every Stripe webhook event handled, by id, so a replay changes nothing."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class CreditAlert(models.Model):
    """A pool crossed 50, 80 or 100 % used: recorded once, and e-mailed to finance."""

    pool = models.ForeignKey(CreditPool, on_delete=models.CASCADE, related_name="alerts")
    threshold = models.PositiveSmallIntegerField()
    used_usd = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "threshold"],
                                               name="credit_alert_once_per_threshold")]

    def __str__(self) -> str:
        return f"{self.pool.name} at {self.threshold}%"


class PromptAssistantCall(TenantOwnedModel):
    """One call of the prompt assistant's text model: the tokens Bedrock billed and their AWS
    cost, kept as a line of the tenant's usage of its own (not images, not drawn from the
    month's image budget)."""

    month = models.CharField(max_length=7, db_index=True)
    model_id = models.CharField(max_length=200)
    input_tokens = models.PositiveIntegerField()
    output_tokens = models.PositiveIntegerField()
    # A call costs a fraction of a cent: eight decimal places, not the ledger's four.
    cost_usd = models.DecimalField(max_digits=16, decimal_places=8)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.model_id}: {self.input_tokens}+{self.output_tokens} tokens, ${self.cost_usd}"
