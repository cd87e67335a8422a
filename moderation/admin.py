"""The moderators' review queue and the audit log, in the Django admin.

Only active staff users in the Moderators group reach either; other staff (and tenant
users, who are not staff) do not see them at all.

The queue lists each image waiting in review with its thumbnail (a rendition, made on first
sight: never the full original), why it is in review and its labels. Its page shows the image
with Approve and Reject buttons; a rejection must say why (one of the policy's labels, or
typed). Decisions go through `moderation.services.review`, which audits and delivers or
withdraws the image.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from assets.delivery import LinkSigner, download_filename
from assets.models import Rendition
from assets.renditions import make_thumbnail
from core.errors import AtelierError
from moderation import services
from moderation.models import MODERATORS_GROUP, AuditEvent, ReviewItem, TenantPolicy
from moderation.policy import for_tenant

log = logging.getLogger("atelier.moderation")
PREVIEW_SECONDS = 300
OTHER = "__other__"
REASON_REQUIRED = ("Reason: a rejection needs one. Choose one of the policy's reasons or "
                   "type your own.")


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


def _review_link(signer: LinkSigner, key: str) -> str:
    return signer.url(key, download_filename(key))


def _signer() -> LinkSigner:
    # Links relative to the page (base_url ""), so no request is needed to make them.
    return LinkSigner(base_url="", ttl=PREVIEW_SECONDS, purpose="review")


def rejection_reasons(item: ReviewItem) -> list[str]:
    """The reasons a moderator picks from: the labels found on the image first, then every
    label the tenant's policy can flag (thresholds above 100 never flag: not offered)."""
    found = [str(label.get("name")) for label in item.moderation.get("labels", [])
             if label.get("name")]
    flaggable = [name for name, limits in for_tenant(item.tenant).labels.items()
                 if min(limits.review, limits.reject) <= 100]
    return list(dict.fromkeys([*found, *flaggable]))


class DecisionForm(forms.Form):
    """Approve or reject one image; rejecting takes a reason chosen or typed."""

    reason_choice = forms.ChoiceField(label="Reason", required=False)
    reason_text = forms.CharField(
        label="Reason in your words", required=False, max_length=500,
        help_text="required to reject unless a reason is chosen above; added to it if both "
                  "are given (recorded in the audit log)")
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])

    def __init__(self, *args: Any, reasons: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason_choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(r, r) for r in reasons], (OTHER, "Other (type it below)")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("reason_choice") or ""
        text = (data.get("reason_text") or "").strip()
        reason = text if choice in ("", OTHER) else (f"{choice}: {text}" if text else choice)
        if data.get("decision") == "reject" and not reason:
            self.add_error("reason_text" if choice == OTHER else "reason_choice",
                           REASON_REQUIRED)
        data["reason"] = reason
        return data


class ReasonForm(ActionForm):
    reason = forms.CharField(required=False, max_length=500,
                             help_text="why (recorded in the audit log; required to reject)")


@admin.register(ReviewItem)
class ReviewQueueAdmin(ModeratorsOnly, admin.ModelAdmin):
    action_form = ReasonForm
    actions = ["approve", "reject"]
    list_display = ["preview", "tenant", "prompt", "why", "labels", "model_key", "age"]
    list_display_links = ["preview", "prompt"]
    list_filter = ["tenant", "model_key", "created_at"]
    search_fields = ["job__prompt", "tenant__slug"]
    list_per_page = 25
    ordering = ("created_at", "pk")  # the longest waiting first, as "next" follows
    readonly_fields = ("tenant", "prompt", "model_key", "model_id", "created_at", "storage_key")
    fields = readonly_fields
    change_form_template = "admin/moderation/reviewitem/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        thumbnails = Rendition.unscoped.filter(kind=Rendition.Kind.THUMBNAIL)
        return (ReviewItem.unscoped.filter(moderation_status=services.PENDING)
                .select_related("tenant", "job").order_by("created_at", "pk")
                .prefetch_related(Prefetch("renditions", queryset=thumbnails,
                                           to_attr="thumbnails")))

    @admin.display(description="image")
    def preview(self, item: ReviewItem) -> str:
        thumbnail = next(iter(getattr(item, "thumbnails", [])), None)
        if thumbnail is None:
            try:
                thumbnail = make_thumbnail(item)
            except (OSError, ValueError) as exc:  # the original is missing or unreadable
                log.warning("review thumbnail of %s: %s", item.pk, exc)
                return format_html("<span class=\"atelier-empty\">{}</span>", "no preview")
        return format_html('<img src="{}" class="atelier-thumb" alt="asset {}" width="{}" '
                           'height="{}" loading="lazy">',
                           _review_link(_signer(), thumbnail.storage_key), item.pk,
                           thumbnail.width, thumbnail.height)

    @admin.display(description="prompt")
    def prompt(self, item: ReviewItem) -> str:
        return (item.job.prompt if item.job else "")[:200] or "(no prompt)"

    @admin.display(description="why in review")
    def why(self, item: ReviewItem) -> str:
        reasons = item.moderation.get("reasons", [])
        if not reasons:
            return "—"
        return format_html('<ul class="atelier-reasons atelier-why">{}</ul>', format_html_join(
            "", "<li>{}</li>", ((reason,) for reason in reasons)))

    @admin.display(description="labels")
    def labels(self, item: ReviewItem) -> str:
        found = item.moderation.get("labels", [])
        if not found:
            return "—"
        return format_html_join(
            ", ", "{} {}", ((label.get("name"), f"{label['confidence']:.0f}%"
                             if "confidence" in label else "") for label in found))

    @admin.display(description="waiting", ordering="created_at")
    def age(self, item: ReviewItem) -> str:
        return timesince(item.created_at, timezone.now())

    # --- one image: its page, with Approve and Reject -----------------------------------------

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> Any:
        item = self.get_object(request, object_id)
        if item is None or not is_moderator(request.user):
            return super().change_view(request, object_id, form_url, extra_context)
        reasons = rejection_reasons(item)
        if request.method == "POST" and "decision" in request.POST:
            form = DecisionForm(request.POST, reasons=reasons)
            if form.is_valid():
                return self._decide_one(request, item, form)
        else:
            form = DecisionForm(reasons=reasons)
        signer = _signer()
        context = {**(extra_context or {}), "decision_form": form, "item": item,
                   "original_url": _review_link(signer, item.storage_key),
                   "why_in_review": item.moderation.get("reasons", []),
                   "found_labels": self.labels(item),
                   "checks": ", ".join(item.moderation.get("checks", [])) or "—"}
        if request.method == "POST":  # an invalid decision: the page again, with its errors
            request.method = "GET"  # (the read-only page would refuse a POST as an edit)
        return super().change_view(request, object_id, form_url, context)

    def _decide_one(self, request: HttpRequest, item: ReviewItem, form: DecisionForm
                    ) -> HttpResponse:
        moderator = request.user
        assert moderator.is_authenticated  # the admin serves signed-in staff only
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.review(item, approve=approve, moderator=moderator,
                            reason=form.cleaned_data["reason"])
        except AtelierError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.path)
        verb = "approved" if approve else "rejected"
        self.message_user(request, f"Image {item.index} of job {item.job_id} {verb}.",
                          messages.SUCCESS)
        following = self.get_queryset(request).filter(
            Q(created_at__gt=item.created_at) | Q(created_at=item.created_at, pk__gt=item.pk)
        ).first()  # the next in the queue's order (the oldest first)
        if following is None:
            return HttpResponseRedirect(reverse("admin:moderation_reviewitem_changelist"))
        return HttpResponseRedirect(
            reverse("admin:moderation_reviewitem_change", args=[following.pk]))

    # --- many images: the list's actions ------------------------------------------------------

    def _decide(self, request: HttpRequest, queryset: QuerySet, approve: bool) -> None:
        reason = request.POST.get("reason", "").strip()
        if not approve and not reason:
            self.message_user(request, f"Nothing was rejected. {REASON_REQUIRED}",
                              messages.ERROR)
            return
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
