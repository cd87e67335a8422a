"""Tenant moderation policies and the audit log of every moderation decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assets.models import Asset

MODERATORS_GROUP = "Moderators"


class TenantPolicy(models.Model):
    """A tenant's own additions to the platform policy (they can only make it stricter)."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE,
                                  related_name="moderation_policy")
    blocked_terms = models.JSONField(default=list, blank=True,
                                     help_text="terms refused in prompts, e.g. competitors")
    blocked_patterns = models.JSONField(default=list, blank=True,
                                        help_text="regular expressions on normalized prompts")
    label_thresholds = models.JSONField(
        default=dict, blank=True,
        help_text='stricter thresholds per label: {"Violence": {"review": 30, "reject": 60}}')
    approve_without_services = models.BooleanField(
        default=False,
        help_text="with ATELIER_OUTPUT_MODERATION=local-only, approve images that pass the local "
                  "policy instead of sending every one to review")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tenant policies"

    def __str__(self) -> str:
        return f"policy of {self.tenant}"


class AuditEvent(models.Model):
    """Who decided what about which prompt or image, when and why. Never edited."""

    class Action(models.TextChoices):
        PROMPT_BLOCKED = "prompt_blocked"
        OUTPUT_BLOCKED = "output_blocked"
        ASSET_APPROVED = "asset_approved"
        ASSET_PENDING = "asset_pending_review"
        ASSET_REJECTED = "asset_rejected"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text="empty for automatic decisions")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey("generation.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    policy = models.CharField(max_length=100, blank=True,
                              help_text="platform, tenant, guardrails, rekognition, model, "
                                        "moderator, or the checks that ran on an image")
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        who = self.actor or "atelier"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.action}"


class ReviewItem(Asset):
    """An asset as the review queue shows it (a proxy: the same rows)."""

    class Meta:
        proxy = True
        verbose_name = "review queue item"
        verbose_name_plural = "review queue"
