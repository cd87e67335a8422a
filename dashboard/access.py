"""The merchant dashboard's front door: which tenant a page is for, and who may see it.

Every dashboard URL names its tenant (`/t/<slug>/…`). `tenant_page` checks, on every request,
that the signed-in user is a member of that tenant (anything else is a 404, as in the API)
and that the member's role may open the page (else a 403: it is their own tenant); the view
then receives the tenant and the membership. Navigation is built from the same table, so a
role never sees a link it cannot follow.

One exception: staff in the platform's Finance group read any tenant's Usage page (linked
from the finance report), as a tenant's finance member would, without being a member; only
with GET, so they can change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from billing.reports import is_finance
from tenants.models import Membership, Tenant

OWNER, MEMBER = Membership.Role.OWNER, Membership.Role.MEMBER
MODERATOR, FINANCE = Membership.Role.MODERATOR, Membership.Role.FINANCE

# page -> (label, URL name, roles that may open it); the order is the navigation's.
PAGES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "generate": ("Generate", "dashboard-generate", (OWNER, MEMBER)),
    "library": ("Library", "dashboard-library", (OWNER, MEMBER, MODERATOR)),
    "batches": ("Batches", "dashboard-batches", (OWNER, MEMBER)),
    "templates": ("Templates", "dashboard-templates", (OWNER, MEMBER)),
    "trials": ("Trials", "dashboard-trials", (OWNER, MEMBER)),
    "usage": ("Usage", "dashboard-usage", (OWNER, MEMBER, FINANCE)),
    "settings": ("Settings", "dashboard-settings", (OWNER,)),
}
# Pages the platform's Finance staff may read in any tenant (as its finance role).
FINANCE_STAFF_PAGES = frozenset({"usage"})


@dataclass(frozen=True)
class Page:
    """What a dashboard view knows about its request: the tenant and the member's role."""

    request: HttpRequest
    tenant: Tenant
    membership: Membership
    name: str

    @property
    def user(self) -> User:
        """The signed-in member (tenant_page lets no one else through)."""
        user = self.request.user
        assert user.is_authenticated
        return user

    def may(self, page: str) -> bool:
        return self.membership.role in PAGES[page][2]

    def render(self, template: str, context: dict[str, Any] | None = None,
               status: int = 200) -> HttpResponse:
        nav = [{"page": name, "label": label, "url": reverse(url, args=[self.tenant.slug])}
               for name, (label, url, _) in PAGES.items() if self.may(name)]
        base = {"tenant": self.tenant, "membership": self.membership, "page": self.name,
                "nav": nav, "memberships": memberships(self.request.user)}
        return render(self.request, template, {**base, **(context or {})}, status=status)


def memberships(user: Any) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("tenant")
                .order_by("tenant__name"))


def tenant_page(page: str) -> Callable[..., Callable[..., HttpResponseBase]]:
    """Decorate a view `view(page: Page, *args)` served at a URL with a `slug`."""
    roles = PAGES[page][2]

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any
                    ) -> HttpResponseBase:
            user = request.user
            assert user.is_authenticated  # login_required, above
            membership = (Membership.objects.select_related("tenant")
                          .filter(user=user, tenant__slug=slug).first())
            if membership is None:
                membership = finance_staff_view(request, slug, page)
            if membership is None:
                raise Http404("no such tenant")
            if membership.role not in roles:
                raise PermissionDenied(f"the {membership.role} role cannot open {page}")
            return view(Page(request, membership.tenant, membership, page), *args, **kwargs)

        return wrapped

    return decorate


def finance_staff_view(request: HttpRequest, slug: str, page: str) -> Membership | None:
    """For Finance staff reading a tenant's page they may read: an unsaved finance membership
    of the tenant (it grants what that role's pages show, and is never stored); else None."""
    if (page not in FINANCE_STAFF_PAGES or request.method not in ("GET", "HEAD")
            or not is_finance(request.user)):
        return None
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        return None
    assert request.user.is_authenticated
    return Membership(user=request.user, tenant=tenant, role=FINANCE)


def first_page_for(membership: Membership) -> str:
    """The first page the member's role may open (where signing in lands)."""
    name = next(name for name, (_, _, roles) in PAGES.items() if membership.role in roles)
    return reverse(PAGES[name][1], args=[membership.tenant.slug])
