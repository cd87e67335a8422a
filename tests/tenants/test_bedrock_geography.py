"""A tenant's data residency setting for Bedrock calls: `any` unless a platform admin restricts
it, in the tenant admin (catalog.regions applies it to every job)."""

from __future__ import annotations

from tenants.models import Tenant
from tests.factories import StaffFactory
from tests.helpers import signed_in


def test_a_new_tenant_may_be_called_in_any_region(acme):
    assert acme.tenant.bedrock_geography == "any"


def test_a_platform_admin_restricts_a_tenant_to_eu_regions(acme):
    admin = signed_in(StaffFactory(is_superuser=True))
    url = f"/admin/tenants/tenant/{acme.tenant.pk}/change/"
    page = admin.get(url).content.decode()
    assert 'name="bedrock_geography"' in page and "EU Regions only" in page
    tenant = acme.tenant
    response = admin.post(url, {
        "name": tenant.name, "status": tenant.status, "bedrock_geography": "eu",
        "confirm_edits_above_usd": str(tenant.confirm_edits_above_usd),
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Tenant.objects.get(pk=tenant.pk).bedrock_geography == "eu"
