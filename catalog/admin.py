"""The admin's "Models" page: every catalog model in every synced Region, as Bedrock
reported it (offered, lifecycle state and dates, access, inference profiles, last sync),
read-only. A failed or old sync shows as a warning above the list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from catalog import fleet
from catalog.models import ModelOffer, RegionSync
from catalog.spec import catalog


def _catalog_keys() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for spec in catalog():
        keys.setdefault(spec.base_model_id, []).append(spec.key)
    return keys


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelOffer)
class ModelOfferAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["model_id", "catalog_keys", "region", "state", "legacy_at",
                    "extended_access_at", "eol_at", "access", "profile_list", "synced_at"]
    list_filter = ["region", "offered", "status", "access"]
    search_fields = ["model_id"]

    @admin.display(description="catalog keys")
    def catalog_keys(self, obj: ModelOffer) -> str:
        return ", ".join(_catalog_keys().get(obj.model_id, [])) or "-"

    @admin.display(description="state")
    def state(self, obj: ModelOffer) -> str:
        return obj.as_offer().state(timezone.now()).replace("_", " ")

    @admin.display(description="inference profiles")
    def profile_list(self, obj: ModelOffer) -> str:
        return ", ".join(obj.profiles) or "-"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        current = fleet.load()
        for warning in current.warnings(timezone.now()):
            messages.warning(request, f"Model sync: {warning}")
        if not current.regions:
            messages.info(request, "No Region has been synced yet (manage.py sync_models): "
                                   "the static catalog decides which models are called.")
        return super().changelist_view(request, extra_context)


@admin.register(RegionSync)
class RegionSyncAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["region", "attempted_at", "succeeded_at", "error"]
