from django.contrib import admin
from django.http import HttpRequest

from assets.models import Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["id", "tenant", "model_key", "seed", "width", "height", "format", "stage",
                    "moderation_status", "created_at"]
    list_filter = ["stage", "moderation_status", "model_key", "tenant"]
    search_fields = ["id", "storage_key", "sha256"]
    readonly_fields = [f.name for f in Asset._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
