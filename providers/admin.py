"""The admin's "Models" page: every catalog model in every synced Region, as Bedrock
reported it (offered, lifecycle state and dates, access, inference profiles, last sync) and
the quota each has in use there now (the limiter's window, shared by every worker),
read-only. A failed or old sync shows as a warning above the list. It lives here rather than
in catalog/ because the quota in use is the providers' limiter's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from catalog import fleet
from catalog.admin import ReadOnly
from catalog.models import ModelOffer
from catalog.spec import ModelSpec, catalog
from providers import ratelimit


def _specs() -> dict[str, list[ModelSpec]]:
    """The catalog's models by the foundation model they call."""
    specs: dict[str, list[ModelSpec]] = {}
    for spec in catalog():
        specs.setdefault(spec.base_model_id, []).append(spec)
    return specs


@admin.register(ModelOffer)
class ModelOfferAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["model_id", "catalog_keys", "region", "state", "legacy_at",
                    "extended_access_at", "eol_at", "access", "profile_list", "quota_in_use",
                    "synced_at"]
    list_filter = ["region", "offered", "status", "access"]
    search_fields = ["model_id"]

    @admin.display(description="catalog keys")
    def catalog_keys(self, obj: ModelOffer) -> str:
        return ", ".join(spec.key for spec in _specs().get(obj.model_id, [])) or "-"

    @admin.display(description="state")
    def state(self, obj: ModelOffer) -> str:
        return obj.as_offer().state(timezone.now()).replace("_", " ")

    @admin.display(description="quota in use")
    def quota_in_use(self, obj: ModelOffer) -> str:
        """Per catalog model: calls in the last minute against its requests per minute."""
        shown = [f"{spec.key}: {ratelimit.in_use(ratelimit.limit_key(spec.key, obj.region))}"
                 f" / {spec.rate_limit_rpm} a minute" if spec.rate_limit_rpm else
                 f"{spec.key}: no limit" for spec in _specs().get(obj.model_id, [])]
        return "; ".join(shown) or "-"

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
