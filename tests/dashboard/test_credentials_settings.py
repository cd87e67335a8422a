"""What Content Credentials and verification may say about a tenant: both off by default,
switched by the owner on the Settings page or by staff in the admin; nobody else."""

from __future__ import annotations

from django.urls import reverse

from tenants.models import Tenant
from tests.factories import MembershipFactory, StaffFactory
from tests.helpers import signed_in


def _flags(tenant: Tenant) -> tuple[bool, bool]:
    tenant.refresh_from_db()
    return tenant.embed_prompt_in_credentials, tenant.reveal_tenant_in_verification


def test_both_are_off_by_default_and_shown_on_settings(browser, acme):
    assert _flags(acme.tenant) == (False, False)

    page = browser.get(reverse("dashboard-settings", args=["acme"])).content.decode()

    assert 'id="credentials"' in page
    assert 'name="embed_prompt_in_credentials"' in page
    assert 'name="reveal_tenant_in_verification"' in page
    assert " checked" not in page.split('id="credentials"')[1]


def test_the_owner_switches_them(browser, acme):
    url = reverse("dashboard-update-credentials", args=["acme"])

    response = browser.post(url, {"embed_prompt_in_credentials": "on"}, follow=True)

    assert response.status_code == 200 and b"Content Credentials settings saved." in \
        response.content
    assert _flags(acme.tenant) == (True, False)
    browser.post(url, {"reveal_tenant_in_verification": "on"})
    assert _flags(acme.tenant) == (False, True)
    page = browser.get(reverse("dashboard-settings", args=["acme"])).content.decode()
    assert 'id="reveal-tenant" checked' in page


def test_members_and_other_tenants_cannot(acme, other):
    member = MembershipFactory(tenant=acme.tenant, role="member",
                               user__username="m@acme.test", user__email="m@acme.test")
    url = reverse("dashboard-update-credentials", args=["acme"])
    on = {"embed_prompt_in_credentials": "on", "reveal_tenant_in_verification": "on"}

    assert signed_in(member.user).post(url, on).status_code == 403
    assert other.post(url, on).status_code == 404
    assert _flags(acme.tenant) == (False, False)


def test_staff_edit_them_in_the_admin(acme):
    admin = signed_in(StaffFactory(username="root", is_superuser=True))
    url = reverse("admin:tenants_tenant_change", args=[acme.tenant.pk])

    page = admin.get(url).content.decode()

    assert 'name="embed_prompt_in_credentials"' in page
    assert 'name="reveal_tenant_in_verification"' in page
