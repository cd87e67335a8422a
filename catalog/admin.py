"""The admin's page of Region syncs (when each Region was last read, and its error), read-only.
The "Models" page itself is providers/admin.py: it shows the quota in use, which the
providers' limiter keeps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from catalog.models import RegionSync


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RegionSync)
class RegionSyncAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["region", "attempted_at", "succeeded_at", "error"]
