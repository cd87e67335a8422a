"""Jobs: one request to make images. The database row, not the queue, is the source of truth."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwnedModel


class Job(TenantOwnedModel):
    class Status(models.TextChoices):
        WAITING = "waiting"  # for the job it starts from (`after`) to deliver its source
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        PARTIALLY_SUCCEEDED = "partially_succeeded"
        FAILED = "failed"
        BLOCKED = "blocked"
        CANCELED = "canceled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)  # what the runner claims and the sweep re-sends
    UNFINISHED = (Status.WAITING, *ACTIVE)  # not ended yet: a waiting job has not even started
    DELIVERED = (Status.SUCCEEDED, Status.PARTIALLY_SUCCEEDED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey("tenants.ApiKey", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    model_key = models.CharField(max_length=64)
    model_id = models.CharField(max_length=200)
    operation = models.CharField(max_length=32)
    prompt = models.TextField(blank=True)
    negative_prompt = models.TextField(blank=True)
    n = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField(null=True, blank=True, help_text="the seed asked for, if any")
    base_seed = models.BigIntegerField(help_text="image i uses base_seed + i (wrapping)")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    stage = models.CharField(max_length=8, default="draft")
    request = models.JSONField(help_text="the normalized request as submitted")
    params = models.JSONField(default=dict, help_text="model parameters with defaults filled")
    estimated_cost_usd = models.DecimalField(max_digits=12, decimal_places=4,
                                             default=Decimal("0"))

    status = models.CharField(max_length=24, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    withheld = models.JSONField(default=list, blank=True,
                                help_text="images a content filter withheld: index and reason")
    template = models.ForeignKey("generation.BrandTemplate", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="jobs")
    batch = models.ForeignKey("generation.Batch", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="jobs")
    sku = models.CharField(max_length=200, blank=True, help_text="the batch row's SKU")
    source_asset = models.ForeignKey("assets.Asset", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="derived_jobs",
                                     help_text="the picked image this job refines")
    requested_model = models.CharField(
        max_length=64, blank=True,
        help_text="the model asked for, when its fallback ran instead (model_key)")
    fallback_reason = models.TextField(blank=True, help_text="why the fallback ran")
    after = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_jobs",
        help_text="the job whose first approved image is this one's source (a batch row's "
                  "chain): this one waits until that one ends")
    trial = models.ForeignKey("generation.Trial", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="jobs")
    trial_row = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="in a trial: the index of its prompt")
    trial_column = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="in a trial: the index of its model")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"]),
                   models.Index(fields=["status", "lease_expires_at"]),
                   models.Index(fields=["batch", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(n__gte=1), name="job_n_positive")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.model_key}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    def seed_for(self, index: int, seed_max: int) -> int:
        return (self.base_seed + index) % (seed_max + 1)


class ProviderAttempt(TenantOwnedModel):
    """One call to a model, whatever its outcome.

    InvokeModel has no idempotency token, so a call that timed out and was tried again may have
    been billed twice; this log makes every such attempt visible.
    """

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="provider_attempts")
    job_attempt = models.PositiveIntegerField(help_text="the job's run this call belonged to")
    indices = models.JSONField(help_text="the job's image indices this call was for")
    model_id = models.CharField(max_length=200)
    region = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    waited_ms = models.PositiveIntegerField(default=0, help_text="time spent under rate limit")
    outcome = models.CharField(max_length=64, help_text="ok, or the normalized error code")
    retryable = models.BooleanField(default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    images = models.PositiveSmallIntegerField(default=0, help_text="images delivered")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.model_id} {self.outcome} ({self.duration_ms} ms)"


class BrandTemplate(TenantOwnedModel):
    """A reusable prompt with named slots (`{subject}`, `{setting}`) and house defaults."""

    api_name = "template"  # in errors: "template: no such template"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    prompt = models.TextField(help_text="text with {slot} placeholders")
    negative_prompt = models.TextField(blank=True)
    model_key = models.CharField(max_length=64, blank=True, help_text="default model")
    fallback_model = models.CharField(
        max_length=64, blank=True,
        help_text="runs instead of the default model when that is retired or unavailable")
    operation = models.CharField(max_length=32, default="text_to_image")
    size = models.CharField(max_length=20, blank=True)
    aspect_ratio = models.CharField(max_length=10, blank=True)
    quality = models.CharField(max_length=32, blank=True)
    style = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    slot_defaults = models.JSONField(default=dict, blank=True,
                                     help_text="values used when a job leaves a slot out")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"],
                                               name="template_unique_tenant_name")]

    def __str__(self) -> str:
        return self.name


class ModelFallback(TenantOwnedModel):
    """A tenant's consent to run `fallback_key` when `model_key` is retired or unavailable
    (generation/fallbacks.py). A template's own fallback_model wins over this."""

    model_key = models.CharField(max_length=64)
    fallback_key = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["model_key"]
        constraints = [models.UniqueConstraint(fields=["tenant", "model_key"],
                                               name="fallback_unique_tenant_model")]

    def __str__(self) -> str:
        return f"{self.model_key} -> {self.fallback_key}"


class Batch(TenantOwnedModel):
    """Many jobs accepted together (a catalog CSV or a JSON list), reserved as a whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, blank=True)
    template = models.ForeignKey(BrandTemplate, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="batches")
    source = models.CharField(max_length=8, default="json", help_text="json or csv")
    items = models.PositiveIntegerField(help_text="rows accepted (one job each)")
    images = models.PositiveIntegerField(help_text="images asked for across all rows")
    estimated_cost_usd = models.DecimalField(max_digits=14, decimal_places=4,
                                             default=Decimal("0"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey("tenants.ApiKey", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True,
                                        help_text="when its last job finished")

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.items} rows)"


class Trial(TenantOwnedModel):
    """The same prompts on several models with one seed, run as one group (one job per prompt
    and model), to compare quality, editing support and price before choosing a model."""

    api_name = "trial"  # in errors: "trial: no such trial"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    prompts = models.JSONField(help_text="the rows: one prompt each")
    model_keys = models.JSONField(help_text="the columns: one model key each")
    seed = models.BigIntegerField(help_text="asked for or drawn; clamped into each model's "
                                            "seed range (a model without a seed gets none)")
    favourites = models.JSONField(default=list, blank=True,
                                  help_text="the cells marked: [row, column] pairs")
    estimated_cost_usd = models.DecimalField(max_digits=12, decimal_places=4,
                                             default=Decimal("0"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey("tenants.ApiKey", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"trial {self.pk} ({len(self.prompts)} x {len(self.model_keys)})"


class WebhookEndpoint(TenantOwnedModel):
    """Where a tenant wants signed event callbacks, with its own signing secret (and, for a
    while after a rotation, the previous one: api.webhooks.rotate_secret)."""

    api_name = "webhook"  # in errors: "webhook: no such webhook"
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(help_text="event types sent to this endpoint")
    secret = models.CharField(max_length=100, help_text="HMAC-SHA256 signing secret")
    # db_default: the release before this column inserts rows without it during a deploy.
    previous_secret = models.CharField(
        max_length=100, blank=True, default="", db_default="",
        help_text="the secret before the last rotation: signs too, until it expires")
    previous_secret_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="when the previous secret stops signing")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantOwnedModel):
    """One event for one endpoint and every attempt to deliver it (the delivery log)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False,
                          help_text="the event id receivers deduplicate on")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    log = models.JSONField(default=list, blank=True,
                           help_text="each attempt: when, HTTP status or error, milliseconds")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.status})"
