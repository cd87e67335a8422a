"""The Regions a model may be called in, in order of preference.

Bedrock's quotas are per model and Region, so an account that may call a model in two Regions
has twice the throughput. The list is the operator's (`ATELIER_MODEL_REGIONS__<KEY>`) or, by
default, the Region the model has always been called in followed by the other catalog Regions
the last fleet sync found offering it with access granted: an unsynced deployment keeps its one
Region. A cross-Region inference profile (`us.` ...) only answers in its own geography, and a
tenant's data residency setting (`Tenant.bedrock_geography`) narrows the list further.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from catalog.fleet import ACCESS_GRANTED, Fleet

ANY_GEOGRAPHY = "any"
# A geography -> the prefix of its Regions' names.
GEOGRAPHIES = {"us": "us-", "eu": "eu-", "apac": "ap-"}
# An inference profile's prefix -> the geography it routes within (None: anywhere).
PROFILE_GEOGRAPHIES = {"us.": "us", "eu.": "eu", "apac.": "apac", "global.": None}
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def in_geography(region: str, geography: str) -> bool:
    """Is `region` inside `geography` (`any`, `us`, `eu`, `apac`)?"""
    return geography == ANY_GEOGRAPHY or region.startswith(GEOGRAPHIES[geography])


def profile_geography(model_id: str) -> str:
    """The geography an inference-profile ID keeps to; `any` for a foundation model's ID."""
    for prefix, geography in PROFILE_GEOGRAPHIES.items():
        if model_id.startswith(prefix):
            return geography or ANY_GEOGRAPHY
    return ANY_GEOGRAPHY


def parse_override(text: str, model_id: str, variable: str) -> tuple[str, ...]:
    """`ATELIER_MODEL_REGIONS__<KEY>`: Region names, comma-separated, in order; each must be a
    Region the model's ID can be called in. Raises ValueError naming the problem."""
    regions = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not regions:
        raise ValueError(f"{variable}: expected Region names, comma-separated")
    for region in regions:
        if not REGION_NAME.match(region):
            raise ValueError(f"{variable}: {region!r} is not a Region name")
        if not in_geography(region, profile_geography(model_id)):
            raise ValueError(f"{variable}: {region!r} is outside the geography of the "
                             f"inference profile {model_id!r}")
    return regions


def candidates(home: str, model_id: str, base_model_id: str, catalog_regions: Iterable[str],
               override: Sequence[str], fleet: Fleet | None) -> tuple[str, ...]:
    """The Regions to try, best first: the override, else `home` (where the model is called
    without a sync) then the other catalog Regions the sync saw offering the model with access
    granted. Regions outside an inference profile's geography are left out."""
    if override:
        found = list(override)
    else:
        found = [home]
        for region in catalog_regions:
            if region in ("*", home) or fleet is None or not fleet.synced(region):
                continue
            offer = fleet.offer(base_model_id, region)
            if offer is not None and offer.offered and offer.access == ACCESS_GRANTED:
                found.append(region)
    geography = profile_geography(model_id)
    return tuple(r for r in dict.fromkeys(found) if in_geography(r, geography))
