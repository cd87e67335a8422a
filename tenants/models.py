"""Tenants, who belongs to them, and the API keys they call with."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from tenants.scoping import TenantOwnedModel


class BedrockGeography(models.TextChoices):
    """Where a tenant's calls may go: the geographies of catalog.regions.GEOGRAPHIES."""

    ANY = "any", "any Region"
    US = "us", "US Regions only"
    EU = "eu", "EU Regions only"
    APAC = "apac", "Asia Pacific Regions only"


class Tenant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        PAST_DUE = "past_due"
        SUSPENDED = "suspended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The slug names the tenant in storage keys and URLs, so it never changes after creation.
    slug = models.SlugField(
        max_length=40, unique=True,
        validators=[RegexValidator(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
                                   "lower-case letters, digits and inner hyphens only")],
    )
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Content Credentials are public metadata: what they may say about the tenant is its choice
    # (docs/moderation.md, "Provenance"). Both off by default.
    embed_prompt_in_credentials = models.BooleanField(
        default=False,
        help_text="put the prompt in new images' Content Credentials (public metadata)")
    reveal_tenant_in_verification = models.BooleanField(
        default=False,
        help_text="name the tenant as the images' publisher: in public verification answers "
                  "and in new images' Content Credentials")
    # The dashboard's editor asks for an explicit confirmation before it starts an edit that
    # costs more than this (docs/dashboard.md, "Editing an image").
    confirm_edits_above_usd = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="the dashboard asks for a confirmation before an edit that costs more")
    # Data residency: the Bedrock Regions its jobs' prompts and input images may be sent to
    # (docs/bedrock.md, "Calls across Regions"); storage stays in the home Region whatever this
    # says. Platform admins set it.
    bedrock_geography = models.CharField(
        max_length=8, choices=BedrockGeography.choices, default=BedrockGeography.ANY,
        help_text="the Bedrock Regions this tenant's prompts and input images may be sent to")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        MEMBER = "member"
        MODERATOR = "moderator"
        FINANCE = "finance"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"],
                                               name="membership_unique_user_tenant")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant} ({self.role})"


SCOPES = ("read", "write")


def default_scopes() -> list[str]:
    return list(SCOPES)


class ApiKey(models.Model):
    """A bearer key. Only a lookup prefix and a SHA-256 digest are stored; the key is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, default="default")
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=default_scopes,
                              help_text='what the key may do: "read", "write" or both')
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="requests per minute; empty = ATELIER_API_RATE_LIMIT")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.tenant.slug}/{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(TenantOwnedModel):
    """The stored answer to a POST made with an `Idempotency-Key`, replayed for 24 hours.

    The row is written (committed) before the work starts, so a concurrent duplicate finds it
    and waits for the answer instead of doing the work a second time.
    """

    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True,
                                                   help_text="empty while the work runs")
    response = models.JSONField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "key"],
                                               name="idempotency_unique_tenant_key")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.key} ({self.status_code or 'running'})"


class BucketConnection(TenantOwnedModel):
    """The tenant's own S3 bucket and key prefix that catalog batches may name photos in
    (`s3://bucket/prefix…`, docs/batches.md "Photos from your own bucket"). Usable only once
    verified: the tenant proved it can write to that prefix by putting `token` in the
    prefix's verification file (assets/tenant_bucket.py reads it)."""

    bucket = models.CharField(max_length=63)
    prefix = models.CharField(max_length=512, blank=True,
                              help_text="keys under it only; empty: the whole bucket")
    token = models.CharField(max_length=64, help_text="what the verification file must hold")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant"],
                                               name="bucket_connection_one_per_tenant")]

    def __str__(self) -> str:
        return f"{self.tenant_id} s3://{self.bucket}/{self.prefix}"

    @property
    def uri(self) -> str:
        """Where the tenant's photos are: `s3://bucket/prefix`."""
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
