"""Where each model ID of the Bedrock Runtime double answers, taken from Atelier's own catalog.

Bedrock offers a foundation model in some Regions only, and a cross-Region inference profile
answers only from the Regions of its geography (`us.` from US Regions, `eu.` from European ones,
`apac.` from Asia Pacific, `global.` from any commercial Region). A double that answered every
model everywhere would let a routing bug in Atelier pass, so the double reads the Regions from
catalog/catalog.yaml (as shipped: operator overrides do not move AWS's models) instead of from a
table of its own; a wrong Region in the catalog then fails against the double too, unless the
geography of the profile excludes it, which the double enforces on its own.

* A base model ID answers in every Region a catalog entry calling it (directly or through a
  profile) lists.
* A profile the catalog names answers from those of its entry's Regions in its geography; a
  profile the catalog does not name, from its base model's Regions in its geography.
* An ID the catalog does not know at all answers nowhere (a test may say where:
  `double.regions[model_id] = frozenset({...})`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache

from catalog.spec import CATALOG_FILE, PROFILE_PREFIXES, ModelSpec, base_model_id, load_catalog

__all__ = ["GEOGRAPHIES", "catalog_regions", "in_geography", "regions_for"]

_SOVEREIGN = ("us-gov-", "us-iso", "eu-iso", "eusc-", "cn-")


def _commercial(region: str) -> bool:
    return not region.startswith(_SOVEREIGN)


GEOGRAPHIES: dict[str, Callable[[str], bool]] = {
    "us.": lambda region: region.startswith("us-") and _commercial(region),
    "eu.": lambda region: region.startswith("eu-") and _commercial(region),
    "apac.": lambda region: region.startswith("ap-"),
    "global.": _commercial,
}
assert set(GEOGRAPHIES) == set(PROFILE_PREFIXES), "a profile prefix without a geography"


def in_geography(model_id: str, region: str) -> bool:
    """Whether a call from `region` is inside the geography of `model_id` (a base model ID has
    none: True)."""
    prefix = next((p for p in PROFILE_PREFIXES if model_id.startswith(p)), None)
    return prefix is None or GEOGRAPHIES[prefix](region)


def catalog_regions(specs: Iterable[ModelSpec]) -> dict[str, frozenset[str]]:
    """Model ID -> the Regions it answers from, for every Bedrock ID the catalog names."""
    table: dict[str, set[str]] = {}
    for spec in specs:
        if spec.family == "local" or "*" in spec.regions:
            continue
        table.setdefault(spec.base_model_id, set()).update(spec.regions)
        if spec.model_id != spec.base_model_id:
            table.setdefault(spec.model_id, set()).update(
                region for region in spec.regions if in_geography(spec.model_id, region))
    return {model_id: frozenset(regions) for model_id, regions in table.items()}


@cache
def _shipped() -> dict[str, frozenset[str]]:
    return catalog_regions(load_catalog(CATALOG_FILE, environ={}))


def regions_for(model_ids: Iterable[str], known: Mapping[str, frozenset[str]] | None = None
                ) -> dict[str, frozenset[str]]:
    """The Regions of each of `model_ids` (see the module docstring), from `known` (default: the
    shipped catalog's)."""
    known = _shipped() if known is None else known
    table = {}
    for model_id in model_ids:
        base = base_model_id(model_id)
        if model_id in known:
            table[model_id] = known[model_id]
        elif base != model_id:
            table[model_id] = frozenset(region for region in known.get(base, ())
                                        if in_geography(model_id, region))
        else:
            table[model_id] = frozenset()
    return table
