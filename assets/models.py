"""Assets: each stored image, with everything needed to make it again."""

from __future__ import annotations

import uuid

from django.db import models

from tenants.scoping import TenantOwnedModel


class Asset(TenantOwnedModel):
    class Kind(models.TextChoices):
        GENERATED = "generated"
        UPLOAD = "upload"

    class Stage(models.TextChoices):
        DRAFT = "draft"
        FINAL = "final"

    class Moderation(models.TextChoices):
        APPROVED = "approved"
        PENDING_REVIEW = "pending_review"
        REJECTED = "rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GENERATED)
    job = models.ForeignKey("generation.Job", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="assets")
    index = models.PositiveSmallIntegerField(null=True, blank=True,
                                             help_text="position within the job")
    model_key = models.CharField(max_length=64, blank=True)
    model_id = models.CharField(max_length=200, blank=True)
    operation = models.CharField(max_length=32)
    parameters = models.JSONField(help_text="prompt, size, quality, style, params: all inputs")
    seed = models.BigIntegerField(null=True, blank=True,
                                  help_text="the seed actually used; null if the model has none")
    storage_key = models.CharField(max_length=500, unique=True)
    sha256 = models.CharField(max_length=64)
    bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.DRAFT)
    # Fail closed: nothing is delivered until moderation (or a moderator) approves it.
    moderation_status = models.CharField(max_length=16, choices=Moderation.choices,
                                         default=Moderation.PENDING_REVIEW, db_index=True)
    moderation = models.JSONField(
        default=dict, blank=True,
        help_text="which checks ran, their labels and confidences, and why this status")
    provenance = models.JSONField(default=dict, blank=True,
                                  help_text="watermark and content credentials applied")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="asset_unique_job_index"),
            models.UniqueConstraint(fields=["tenant", "sha256"],
                                    condition=models.Q(kind="upload"),
                                    name="asset_unique_upload_per_tenant"),
        ]

    def __str__(self) -> str:
        return self.storage_key

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"

    @property
    def deliverable(self) -> bool:
        return self.moderation_status == self.Moderation.APPROVED


class Rendition(TenantOwnedModel):
    """A smaller or web-format copy of an asset, made from its original off the request path."""

    class Kind(models.TextChoices):
        THUMBNAIL = "thumbnail"
        WEB = "web"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=500, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["asset", "kind", "width", "format"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind", "format", "width"],
                                               name="rendition_unique_per_asset")]

    def __str__(self) -> str:
        return self.storage_key

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"
