"""Which marketplace presets a tenant can name: the built-in ones (catalog/presets.yaml) and
its own (MarketplacePreset), looked up here for the compliance check and for packshots alike,
so an unknown key is refused the same way everywhere; and the check of a stored image against
one, which the API and the editor's compliance panel both answer from."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage

from assets.compliance import Report, UnreadableImage, check
from assets.models import Asset, MarketplacePreset
from catalog.presets import Preset, PresetError, builtin_presets
from core.errors import Conflict, InvalidParameter
from tenants.models import Tenant

log = logging.getLogger("atelier.assets")


def tenant_presets(tenant: Tenant) -> list[Preset]:
    """The tenant's own presets that are valid (each is validated when saved; one that no
    longer is, after a rule change, is left out and logged rather than failing the list)."""
    found = []
    for row in MarketplacePreset.objects.for_tenant(tenant).order_by("key"):
        try:
            found.append(row.as_preset())
        except PresetError as exc:
            log.warning("tenant %s preset %s skipped: %s", tenant.pk, row.key, exc.message)
    return found


def find_preset(tenant: Tenant, key: str | None, *, field: str = "preset") -> Preset:
    """The built-in or tenant preset named `key`, or InvalidParameter naming `field`."""
    if not key:
        raise InvalidParameter(f"{field}: required, a preset's key (GET /api/v1/presets lists "
                               "them)", field=field)
    builtin = builtin_presets()
    if key in builtin:
        return builtin[key]
    own = {preset.key: preset for preset in tenant_presets(tenant)}
    if key not in own:
        known = ", ".join([*builtin, *own])
        raise InvalidParameter(f"{field}: unknown preset {key[:64]!r}; one of {known}",
                               field=field)
    return own[key]


def all_presets(tenant: Tenant) -> list[Preset]:
    """Every preset the tenant can name: the built-in ones first, then its own."""
    return [*builtin_presets().values(), *tenant_presets(tenant)]


def check_asset(tenant: Tenant, asset: Asset, key: str | None) -> tuple[Preset, Report]:
    """The tenant's stored image measured against the preset named `key` (nothing is
    changed); Conflict naming `asset` when its image is withdrawn, missing or unreadable."""
    preset = find_preset(tenant, key)
    if asset.moderation_status == Asset.Moderation.REJECTED:
        raise Conflict("asset: rejected by moderation; its image is withdrawn", field="asset")
    if not default_storage.exists(asset.storage_key):
        raise Conflict("asset: its image file is missing", field="asset")
    with default_storage.open(asset.storage_key, "rb") as handle:
        data = handle.read()
    try:
        return preset, check(data, preset)
    except UnreadableImage as exc:
        raise Conflict(f"asset: {exc}", field="asset") from exc
