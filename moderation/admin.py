"""The moderators' review queue and the audit log, in the Django admin.

Only active staff users in the Moderators group reach either; other staff (and tenant
users, who are not staff) do not see them at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from assets.delivery import download_filename, link_for_key
from moderation import services
from moderation.models import MODERATORS_GROUP, AuditEvent, ReviewItem, TenantPolicy

PREVIEW_SECONDS = 300


def is_moderator(user: Any) -> bool:
    return bool(user.is_active and user.is_staff
                and user.groups.filter(name=MODERATORS_GROUP).exists())


class ModeratorsOnly:
    """Admin permissions that depend on membership of the Moderators group alone."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_moderator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_moderator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReasonForm(ActionForm):
    reason = forms.CharField(required=False, max_length=500,
                             help_text="why (recorded in the audit log)")


@admin.register(ReviewItem)
class ReviewQueueAdmin(ModeratorsOnly, admin.ModelAdmin):
    action_form = ReasonForm
    actions = ["approve", "reject"]
    list_display = ["preview", "tenant", "prompt", "model_key", "labels", "age"]
    list_filter = ["tenant", "model_key", "created_at"]
    search_fields = ["job__prompt", "tenant__slug"]
    list_per_page = 25
    readonly_fields = ("preview_large", "tenant", "prompt", "model_key", "model_id", "labels",
                       "reasons", "created_at", "storage_key")
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (ReviewItem.unscoped.filter(moderation_status=services.PENDING)
                .select_related("tenant", "job").order_by("created_at"))

    def _link(self, item: ReviewItem) -> str:
        return link_for_key(item.storage_key, download_filename(item.storage_key),
                            base_url=self.base_url, ttl=PREVIEW_SECONDS, purpose="review").url

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        self.base_url = request.build_absolute_uri("/")
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> Any:
        self.base_url = request.build_absolute_uri("/")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="image")
    def preview(self, item: ReviewItem) -> str:
        return format_html('<img src="{}" alt="asset {}" style="max-height:120px" '
                           'loading="lazy">', self._link(item), item.pk)

    @admin.display(description="image")
    def preview_large(self, item: ReviewItem) -> str:
        return format_html('<img src="{}" alt="asset {}" style="max-width:720px">',
                           self._link(item), item.pk)

    @admin.display(description="prompt")
    def prompt(self, item: ReviewItem) -> str:
        return (item.job.prompt if item.job else "")[:200]

    @admin.display(description="labels")
    def labels(self, item: ReviewItem) -> str:
        found = item.moderation.get("labels", [])
        if not found:
            return "—"
        return format_html_join(
            ", ", "{} {}", ((label.get("name"), f"{label['confidence']:.0f}%"
                             if "confidence" in label else "") for label in found))

    @admin.display(description="why in review")
    def reasons(self, item: ReviewItem) -> str:
        return "; ".join(item.moderation.get("reasons", []))

    @admin.display(description="waiting", ordering="created_at")
    def age(self, item: ReviewItem) -> str:
        return timesince(item.created_at, timezone.now())

    def _decide(self, request: HttpRequest, queryset: QuerySet, approve: bool) -> None:
        reason = request.POST.get("reason", "").strip()
        moderator = request.user
        assert moderator.is_authenticated  # the admin serves signed-in staff only
        done = 0
        for item in queryset:
            services.review(item, approve=approve, moderator=moderator, reason=reason)
            done += 1
        verb = "approved" if approve else "rejected"
        self.message_user(request, f"{done} image(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected images")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected images (with the reason above)")
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=False)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Actions are this queue's purpose: allowed to moderators though "change" is not.
        actions = super().get_actions(request)
        return actions if is_moderator(request.user) else {}


@admin.register(AuditEvent)
class AuditLogAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ["created_at", "actor", "tenant", "action", "policy", "reason", "asset",
                    "job"]
    list_filter = ["action", "policy", "tenant", "created_at"]
    search_fields = ["reason", "tenant__slug"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(TenantPolicy)
class TenantPolicyAdmin(admin.ModelAdmin):
    list_display = ["tenant", "updated_at"]
    autocomplete_fields = ["tenant"]
