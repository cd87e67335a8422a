from django.contrib import admin

from assets.models import Asset
from generation.models import Job, ProviderAttempt


class AssetInline(admin.TabularInline):
    model = Asset
    extra = 0
    fields = ["index", "seed", "width", "height", "format", "storage_key", "moderation_status"]
    readonly_fields = fields
    can_delete = False


class ProviderAttemptInline(admin.TabularInline):
    """Every call to the model, so a retried (and maybe twice-billed) timeout is visible."""

    model = ProviderAttempt
    extra = 0
    fields = ["started_at", "job_attempt", "indices", "model_id", "region", "outcome",
              "http_status", "duration_ms", "waited_ms", "images", "request_id", "message"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "tenant", "model_key", "operation", "n", "status", "attempts",
                    "created_at", "finished_at"]
    list_filter = ["status", "model_key", "tenant"]
    search_fields = ["id", "prompt"]
    readonly_fields = [f.name for f in Job._meta.fields]
    inlines = [AssetInline, ProviderAttemptInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
