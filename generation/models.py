"""Jobs: one request to make images. The database row, not the queue, is the source of truth."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from tenants.scoping import TenantOwnedModel


class Job(TenantOwnedModel):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        PARTIALLY_SUCCEEDED = "partially_succeeded"
        FAILED = "failed"
        BLOCKED = "blocked"
        CANCELED = "canceled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
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

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"]),
                   models.Index(fields=["status", "lease_expires_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(n__gte=1), name="job_n_positive")]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.model_key}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.ACTIVE

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
