"""Dashboard pages of the tenant itself: where signing in lands, the tenant switcher, and
Settings (API keys shown once, webhooks with their delivery log, what may be public, the
editor's confirmation threshold, and the tenant's own bucket for catalog photos)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from api import webhooks
from assets.tenant_bucket import verify_connection
from core.errors import AtelierError
from dashboard.access import Page, first_page_for, memberships, tenant_page
from dashboard.formatting import CENT, moment, money, status_label
from generation.models import WebhookEndpoint
from tenants import bucket_connections
from tenants.models import SCOPES, ApiKey, Tenant
from tenants.services import issue_api_key, revoke_api_key, set_credentials_preferences

DELIVERIES_SHOWN = 20
MAX_CONFIRM_ABOVE = Decimal("100000000")  # the field holds 10 digits, two of them cents


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Land on the first tenant's first page; a user in no tenant is told so."""
    mine = memberships(request.user)
    if not mine:
        return render(request, "dashboard/no_tenant.html", status=403)
    return redirect(first_page_for(mine[0]))


@login_required
def switch(request: HttpRequest) -> HttpResponse:
    """The tenant switcher: only tenants the user belongs to (anything else is a 404)."""
    chosen = next((m for m in memberships(request.user)
                   if m.tenant.slug == request.GET.get("tenant")), None)
    if chosen is None:
        raise Http404("no such tenant")
    return redirect(first_page_for(chosen))


@tenant_page("settings")
def settings_page(page: Page) -> HttpResponse:
    """GET: the settings; POST: connect, verify or disconnect the tenant's own bucket
    (`bucket_action`)."""
    if page.request.method == "POST":
        return _bucket_action(page)
    keys = [{"key": key, "last_used": moment(key.last_used_at), "revoked": moment(key.revoked_at)}
            for key in ApiKey.objects.filter(tenant=page.tenant).order_by("-created_at")]
    endpoints = [{"endpoint": endpoint, "deliveries": [
        {"delivery": d, "status": status_label(d.status), "created": moment(d.created_at)}
        for d in list(endpoint.deliveries.all())[:DELIVERIES_SHOWN]]}
        for endpoint in WebhookEndpoint.objects.for_tenant(page.tenant)
        .prefetch_related("deliveries")]
    return page.render("dashboard/settings.html", {
        "keys": keys, "scopes": SCOPES, "endpoints": endpoints, "events": webhooks.EVENTS,
        "bucket": _bucket_context(page), "title": "Settings"})


def _bucket_context(page: Page) -> dict[str, Any]:
    connection = bucket_connections.bucket_connection(page.tenant)
    if connection is None:
        return {"connection": None}
    key = bucket_connections.verification_key(connection)
    return {"connection": connection, "verification_uri": f"s3://{connection.bucket}/{key}",
            "verified": moment(connection.verified_at),
            "policy": bucket_connections.bucket_policy(connection)}


def _bucket_action(page: Page) -> HttpResponse:
    """Connect (bucket and prefix), verify (Atelier reads the token file) or disconnect."""
    data, done = page.request.POST, ""
    action = data.get("bucket_action", "")
    try:
        if action == "connect":
            connection = bucket_connections.connect_bucket(
                page.tenant, data.get("bucket", ""), data.get("prefix", ""))
            done = (f"Connected {connection.uri}. Put the verification token in "
                    f"{bucket_connections.VERIFICATION_FILE} there, then verify.")
        elif action == "verify":
            connection = verify_connection(page.tenant)
            done = f"Verified: batches may name photos under {connection.uri}."
        elif action == "disconnect":
            if bucket_connections.disconnect_bucket(page.tenant):
                done = "Bucket disconnected: batches can no longer name photos in it."
        else:
            messages.error(page.request, "bucket_action: connect, verify or disconnect")
    except AtelierError as exc:
        messages.error(page.request, exc.message)
    if done:
        messages.success(page.request, done)
    return redirect(reverse("dashboard-settings", args=[page.tenant.slug]) + "#bucket")


def _secret_once(page: Page, *, title: str, what: str, secret: str) -> HttpResponse:
    """The page that shows a new secret once. No cache, and not the browser's history or
    back button either, may keep it (`Cache-Control: no-store`)."""
    response = page.render("dashboard/secret_once.html", {
        "title": title, "what": what, "secret": secret, "back": "dashboard-settings"})
    add_never_cache_headers(response)
    return response


@require_POST
@tenant_page("settings")
def create_key(page: Page) -> HttpResponse:
    data = page.request.POST
    limit = data.get("rate_limit_per_minute", "").strip()
    try:
        issued = issue_api_key(page.tenant, name=data.get("name", "").strip()[:100] or "key",
                               created_by=page.user, scopes=data.getlist("scopes"),
                               rate_limit_per_minute=int(limit) if limit.isdigit() else None)
    except AtelierError as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-settings", page.tenant.slug)
    return _secret_once(page, title="New API key", what=f"API key “{issued.api_key.name}”",
                        secret=issued.secret)


@tenant_page("settings")
def revoke_key(page: Page, key_id: str) -> HttpResponse:
    """GET: asks first (what stops working); POST: revokes."""
    key = ApiKey.objects.filter(tenant=page.tenant, pk=key_id).first()
    if key is None:
        raise Http404("no such key")
    if page.request.method != "POST":
        return page.render("dashboard/confirm.html", {
            "title": "Revoke key?", "heading": f"Revoke the key “{key.name}”?",
            "explain": f"Every program using the key {key.prefix}… is refused from now on. "
                       "This cannot be undone: a new key means a new secret to hand out.",
            "action": page.request.path, "fields": [], "button": "Revoke the key",
            "cancel": reverse("dashboard-settings", args=[page.tenant.slug])})
    revoke_api_key(key)
    messages.success(page.request, f"Revoked the key “{key.name}”.")
    return redirect("dashboard-settings", page.tenant.slug)


@require_POST
@tenant_page("settings")
def create_webhook(page: Page) -> HttpResponse:
    data = page.request.POST
    try:
        endpoint, secret = webhooks.create_endpoint(
            page.tenant, data.get("url", "").strip(), data.getlist("events"),
            description=data.get("description", "").strip()[:200])
    except AtelierError as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-settings", page.tenant.slug)
    return _secret_once(page, title="New webhook", what=f"the signing secret of {endpoint.url}",
                        secret=secret)


@tenant_page("settings")
def delete_webhook(page: Page, endpoint_id: str) -> HttpResponse:
    """GET: asks first; POST: deletes the endpoint and its delivery log."""
    if page.request.method != "POST":
        endpoint = WebhookEndpoint.objects.owned(page.tenant, endpoint_id)
        if endpoint is None:
            raise Http404("no such webhook")
        return page.render("dashboard/confirm.html", {
            "title": "Delete webhook?", "heading": f"Delete the webhook to {endpoint.url}?",
            "explain": "Atelier stops sending it events, and its delivery log is deleted.",
            "action": page.request.path, "fields": [], "button": "Delete the webhook",
            "cancel": reverse("dashboard-settings", args=[page.tenant.slug])})
    try:
        webhooks.delete_endpoint(page.tenant, endpoint_id)
    except AtelierError as exc:
        raise Http404(exc.message) from None
    messages.success(page.request, "Webhook deleted.")
    return redirect("dashboard-settings", page.tenant.slug)


@require_POST
@tenant_page("settings")
def update_credentials(page: Page) -> HttpResponse:
    """What new images' Content Credentials and public verification may say about the tenant
    (both off unless ticked)."""
    data = page.request.POST
    set_credentials_preferences(page.tenant,
                                embed_prompt=data.get("embed_prompt_in_credentials") == "on",
                                reveal_tenant=data.get("reveal_tenant_in_verification") == "on")
    messages.success(page.request, "Content Credentials settings saved.")
    return redirect("dashboard-settings", page.tenant.slug)


@require_POST
@tenant_page("settings")
def update_editor_settings(page: Page) -> HttpResponse:
    """The amount above which the editor asks to confirm an edit before starting it."""
    raw = page.request.POST.get("confirm_edits_above_usd", "").strip().lstrip("$")
    try:
        amount = Decimal(raw).quantize(CENT)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= MAX_CONFIRM_ABOVE:
        messages.error(page.request, "Confirm edits above: an amount in dollars, such as 1.00 "
                                     "(0 asks for every edit)")
        return redirect("dashboard-settings", page.tenant.slug)
    Tenant.objects.filter(pk=page.tenant.pk).update(confirm_edits_above_usd=amount)
    messages.success(page.request, f"Edits that cost more than {money(amount)} now ask you "
                                   "to confirm first.")
    return redirect("dashboard-settings", page.tenant.slug)
