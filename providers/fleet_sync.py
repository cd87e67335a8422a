"""Sync the catalog's models with what Bedrock's control plane reports, Region by Region.

The static catalog says how to call a model and what it costs; whether it can be called in a
Region, with access, and until when is Bedrock's to say, and it says so in its control plane.
This service reads it (providers.bedrock.control_plane) and writes the catalog's rows
(catalog.fleet.store_region). A Region is written whole or not at all: any failure other than
"this model is not here" keeps the last good data in force and records the failure, which the
admin's Models page and `manage.py sync_models` show as a warning.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from catalog import fleet
from catalog.fleet import ACCESS_DENIED, ACCESS_GRANTED, ACCESS_UNKNOWN, Offer
from catalog.spec import catalog
from providers.bedrock import control_plane
from providers.bedrock.control_plane import ControlPlaneError

log = logging.getLogger("atelier.models_sync")
# GetFoundationModelAvailability answers these where it does not apply (or IAM lacks the
# action): access is then unknown, not denied, and the sync goes on.
AVAILABILITY_UNSUPPORTED = ("AccessDeniedException", "ValidationException",
                            "ResourceNotFoundException")


@dataclass
class RegionResult:
    region: str
    ok: bool
    error: str = ""
    models: int = 0
    changes: list[str] = field(default_factory=list)
    uncatalogued: list[str] = field(default_factory=list)  # image models the catalog lacks


def catalog_model_ids() -> list[str]:
    """The foundation models behind the catalog's Bedrock entries, once each."""
    return list(dict.fromkeys(spec.base_model_id for spec in catalog() if spec.family != "local"))


def default_regions() -> list[str]:
    """ATELIER_MODEL_SYNC_REGIONS, or AWS_REGION and every Region a model is called in
    (by default, or as listed in ATELIER_MODEL_REGIONS__<KEY>)."""
    if settings.ATELIER_MODEL_SYNC_REGIONS:
        return list(settings.ATELIER_MODEL_SYNC_REGIONS)
    home = settings.AWS_REGION
    models = [spec for spec in catalog() if spec.family != "local"]
    return list(dict.fromkeys([home, *(spec.region(home) for spec in models),
                               *(region for spec in models for region in spec.call_regions)]))


def _access(region: str, model_id: str) -> tuple[str, str]:
    try:
        availability = control_plane.get_availability(region, model_id)
    except ControlPlaneError as exc:
        if exc.code in AVAILABILITY_UNSUPPORTED:
            return ACCESS_UNKNOWN, f"GetFoundationModelAvailability: {exc.code}"
        raise
    return (ACCESS_GRANTED, "") if availability.granted else (ACCESS_DENIED, availability.detail)


def read_region(region: str, model_ids: Iterable[str]) -> tuple[list[Offer], list[str]]:
    """What Bedrock says about each model in the Region, and the image models it offers that
    the catalog does not name. Raises ControlPlaneError."""
    now = timezone.now()
    model_ids = list(model_ids)
    listed = {model.model_id for model in control_plane.list_image_models(region)}
    reaches: dict[str, list[str]] = defaultdict(list)
    for profile in control_plane.list_profiles(region):
        if profile.status == "ACTIVE":
            for model_id in profile.model_ids:
                reaches[model_id].append(profile.profile_id)
    offers = []
    for model_id in model_ids:
        details = control_plane.get_model(region, model_id)
        if details is None:
            offers.append(Offer(model_id=model_id, region=region, offered=False, synced_at=now))
            continue
        access, detail = _access(region, model_id)
        offers.append(Offer(
            model_id=model_id, region=region, offered=True, status=details.status,
            start_of_life=details.start_of_life, legacy_at=details.legacy_at,
            extended_access_at=details.extended_access_at, eol_at=details.eol_at,
            access=access, access_detail=detail, profiles=tuple(reaches.get(model_id, ())),
            synced_at=now))
    return offers, sorted(listed - set(model_ids))


def sync_region(region: str, model_ids: Iterable[str] | None = None) -> RegionResult:
    attempted = timezone.now()
    try:
        offers, uncatalogued = read_region(region, catalog_model_ids() if model_ids is None
                                           else model_ids)
    except ControlPlaneError as exc:
        error = f"{exc.operation}: {exc.code}: {exc.message}"[:500]
        fleet.record_failure(region, error, attempted)
        log.warning("models_sync.failed", extra={"region": region, "error": error})
        return RegionResult(region, ok=False, error=error)
    changes = fleet.store_region(region, offers, attempted)
    log.info("models_sync.synced", extra={"region": region, "models": len(offers),
                                          "changes": changes, "uncatalogued": uncatalogued})
    return RegionResult(region, ok=True, models=len(offers), changes=changes,
                        uncatalogued=uncatalogued)


def sync(regions: Iterable[str] | None = None) -> list[RegionResult]:
    """Sync each Region (ATELIER_MODEL_SYNC_REGIONS by default); one failing leaves the
    others alone."""
    model_ids = catalog_model_ids()
    return [sync_region(region, model_ids) for region in (regions or default_regions())]


def scheduled_sync() -> dict[str, Any]:
    """The scheduler's daily task: only where Atelier calls Bedrock."""
    if settings.ATELIER_PROVIDER != "bedrock":
        return {"skipped": "ATELIER_PROVIDER is not bedrock"}
    results = sync()
    return {result.region: "ok" if result.ok else f"failed: {result.error}"
            for result in results}
