from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tenants.models import SCOPES, ApiKey, Membership, Tenant
from tenants.services import issue_api_key, revoke_api_key


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "status", "bedrock_geography", "embed_prompt_in_credentials",
                    "reveal_tenant_in_verification", "created_at"]
    list_filter = ["status", "bedrock_geography", "embed_prompt_in_credentials",
                   "reveal_tenant_in_verification"]
    search_fields = ["slug", "name"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Tenant | None = None) -> list[str]:
        return ["slug"] if obj else []


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in SCOPES], initial=list(SCOPES),
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["tenant", "name", "scopes", "rate_limit_per_minute"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Owners' keys: issued here with scopes and an optional rate limit, the secret shown once
    (only a prefix and a digest are stored); scopes and limits can change; keys are revoked,
    never edited back to life."""

    form = ApiKeyForm
    list_display = ["tenant", "name", "prefix", "scopes", "rate_limit_per_minute", "created_at",
                    "last_used_at", "revoked_at"]
    list_filter = ["tenant"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        readonly = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        return ["tenant", *readonly] if obj else readonly

    def get_fields(self, request, obj=None):
        editable = ["tenant", "name", "scopes", "rate_limit_per_minute"]
        return [*editable, "prefix", "created_by", "created_at", "last_used_at",
                "revoked_at"] if obj else editable

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        user = request.user
        assert user.is_authenticated  # the admin serves signed-in staff only
        issued = issue_api_key(obj.tenant, name=obj.name, created_by=user,
                               scopes=form.cleaned_data["scopes"],
                               rate_limit_per_minute=obj.rate_limit_per_minute)
        obj.pk = issued.api_key.pk
        obj.refresh_from_db()
        messages.warning(request, f"The new API key (shown once, copy it now): {issued.secret}")

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            revoke_api_key(key)
