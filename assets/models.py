"""Assets: each stored image, with everything needed to make it again."""

from __future__ import annotations

import uuid

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from catalog.presets import Preset, PresetError, builtin_presets, parse_preset
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
    # An image made for a marketplace preset (a packshot) is checked against it as it is
    # stored (assets.compliance); the verdict is a column of its own so that a batch's
    # per-preset summary is one grouped query on any database. db_default: the release before
    # these columns inserts assets without them during a deploy.
    preset = models.CharField(max_length=64, blank=True, default="", db_default="",
                              help_text="the marketplace preset the image was made for")
    compliant = models.BooleanField(null=True, blank=True,
                                    help_text="passed its preset's check; null: not checked")
    compliance = models.JSONField(default=dict, db_default={}, blank=True,
                                  help_text="the check: preset, passed, failed rules, each rule")
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

    @property
    def compliance_check(self) -> dict[str, object] | None:
        """The compliance check kept with the image, or None for an image made for no
        preset (the API's `compliance`)."""
        return self.compliance or None


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


class MarketplacePreset(TenantOwnedModel):
    """A tenant's own marketplace preset: the fields of catalog/presets.yaml, validated by the
    same parser (catalog.presets.parse_preset), so a tenant preset is refused exactly as a bad
    file entry would be. Its key may not be a built-in preset's."""

    api_name = "preset"

    key = models.CharField(max_length=64, help_text="lower-case letters, digits and dashes")
    name = models.CharField(max_length=100)
    min_longest_side = models.PositiveIntegerField(null=True, blank=True)
    min_shortest_side = models.PositiveIntegerField(null=True, blank=True)
    max_longest_side = models.PositiveIntegerField(null=True, blank=True)
    size = models.CharField(max_length=11, blank=True, help_text="WxH, e.g. 2000x2000")
    aspect = models.CharField(max_length=16, blank=True, help_text="W:H, e.g. 1:1 or 1:1.44")
    background = models.CharField(max_length=7, blank=True, help_text="#RRGGBB")
    min_fill = models.FloatField(null=True, blank=True, help_text="0-1, on the longer axis")
    formats = models.JSONField(default=list, help_text='e.g. ["jpeg", "png"]')
    color_space = models.CharField(max_length=8, blank=True, help_text='"srgb" or empty')
    alpha = models.BooleanField(default=False)
    text = models.BooleanField(default=True, help_text="text and marks allowed in the "
                                                       "background")
    shadow = models.CharField(max_length=8, default="none")
    source = models.CharField(max_length=500, default="unsourced")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"],
                                               name="preset_unique_key_per_tenant")]

    def __str__(self) -> str:
        return self.key

    def fields(self) -> dict[str, object]:
        """The preset as the presets file spells it (empty fields left out)."""
        values: dict[str, object] = {
            "key": self.key, "name": self.name, "formats": self.formats,
            "alpha": self.alpha, "text": self.text, "shadow": self.shadow,
            "source": self.source}
        for field in ("min_longest_side", "min_shortest_side", "max_longest_side", "size",
                      "aspect", "background", "min_fill", "color_space"):
            value = getattr(self, field)
            if value not in (None, ""):
                values[field] = value
        return values

    def as_preset(self) -> Preset:
        """The validated preset (PresetError naming the field if it is not valid)."""
        return parse_preset(self.fields(), where=f"presets[{self.key}]", builtin=False)

    def clean(self) -> None:
        try:
            self.as_preset()
        except PresetError as exc:
            raise ValidationError({exc.field if exc.field in {
                f.name for f in self._meta.fields} else NON_FIELD_ERRORS: exc.message}) from exc
        if self.key in builtin_presets():
            raise ValidationError({"key": f"presets[{self.key}].key: a built-in preset's key; "
                                          "choose another"})
