"""What Bedrock's control plane reported about each catalog model in each Region.

Platform data, not a tenant's: written by the model sync (providers.fleet_sync), read as a
snapshot by catalog.fleet. A failed sync never writes these rows, so the last good data
stays in force; RegionSync says when that was and why the last attempt failed.
"""

from __future__ import annotations

from django.db import models

from catalog.fleet import ACCESS_DENIED, ACCESS_GRANTED, ACCESS_UNKNOWN, Offer, RegionStatus


class ModelOffer(models.Model):
    """One foundation model in one Region (the admin's "Models" page)."""

    ACCESS_CHOICES = [(ACCESS_GRANTED, "granted"), (ACCESS_DENIED, "denied"),
                      (ACCESS_UNKNOWN, "unknown")]

    model_id = models.CharField(max_length=140, help_text="the foundation model's Bedrock ID")
    region = models.CharField(max_length=32)
    offered = models.BooleanField(help_text="Bedrock lists the model in this Region")
    status = models.CharField(max_length=16, blank=True,
                              help_text="modelLifecycle.status: ACTIVE or LEGACY")
    start_of_life = models.DateTimeField(null=True, blank=True)
    legacy_at = models.DateTimeField(null=True, blank=True)
    extended_access_at = models.DateTimeField(
        null=True, blank=True, help_text="publicExtendedAccessTime: higher prices from then")
    eol_at = models.DateTimeField(null=True, blank=True, help_text="endOfLifeTime")
    access = models.CharField(max_length=8, choices=ACCESS_CHOICES, default=ACCESS_UNKNOWN)
    access_detail = models.CharField(max_length=300, blank=True)
    profiles = models.JSONField(default=list, blank=True,
                                help_text="inference profiles in this Region that reach it")
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["model_id", "region"]
        constraints = [models.UniqueConstraint(fields=["model_id", "region"],
                                               name="catalog_offer_model_region")]
        verbose_name = "model"
        verbose_name_plural = "models"

    def __str__(self) -> str:
        return f"{self.model_id} in {self.region}"

    def as_offer(self) -> Offer:
        return Offer(model_id=self.model_id, region=self.region, offered=self.offered,
                     status=self.status, start_of_life=self.start_of_life,
                     legacy_at=self.legacy_at, extended_access_at=self.extended_access_at,
                     eol_at=self.eol_at, access=self.access, access_detail=self.access_detail,
                     profiles=tuple(self.profiles), synced_at=self.synced_at)


class RegionSync(models.Model):
    """The last sync attempt of one Region, and the last success."""

    region = models.CharField(max_length=32, unique=True)
    attempted_at = models.DateTimeField()
    succeeded_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="why the last attempt failed")

    class Meta:
        ordering = ["region"]
        verbose_name = "Region sync"
        verbose_name_plural = "Region syncs"

    def __str__(self) -> str:
        return self.region

    def as_status(self) -> RegionStatus:
        return RegionStatus(region=self.region, attempted_at=self.attempted_at,
                            succeeded_at=self.succeeded_at, error=self.error)
