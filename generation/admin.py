from django.contrib import admin
from django.http import HttpRequest

from assets.models import Asset
from generation.models import Job, ProviderAttempt, WebhookDelivery, WebhookEndpoint


class AssetInline(admin.TabularInline):
    model = Asset
    extra = 0
    fields = ("index", "seed", "width", "height", "format", "storage_key", "moderation_status")
    readonly_fields = fields
    can_delete = False


class ProviderAttemptInline(admin.TabularInline):
    """Every call to the model, so a retried (and maybe twice-billed) timeout is visible."""

    model = ProviderAttempt
    extra = 0
    fields = ("started_at", "job_attempt", "indices", "model_id", "region", "outcome",
              "http_status", "duration_ms", "waited_ms", "images", "request_id", "message")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "tenant", "model_key", "operation", "n", "status", "attempts",
                    "created_at", "finished_at"]
    list_filter = ["status", "model_key", "tenant"]
    search_fields = ["id", "prompt"]
    readonly_fields = [f.name for f in Job._meta.fields]
    inlines = [AssetInline, ProviderAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Staff may pause or describe an endpoint; the signing secret is never shown here."""

    list_display = ["url", "tenant", "events", "is_active", "created_at"]
    list_filter = ["is_active", "tenant"]
    search_fields = ["url", "description"]
    fields = ["id", "tenant", "url", "description", "events", "is_active", "created_at"]
    readonly_fields = ["id", "tenant", "url", "events", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # endpoints are created through the API, which issues the secret


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read-only: what was sent where, and each attempt's outcome."""

    list_display = ["id", "event", "endpoint", "tenant", "status", "attempts",
                    "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event", "tenant"]
    search_fields = ["id", "endpoint__url"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest,
                              obj: WebhookDelivery | None = None) -> bool:
        return False
