"""Tenant-owned models have one door, for_tenant(); everything else fails closed."""

import pytest
from django.apps import apps

from assets.models import Asset
from generation.models import Job
from tenants.scoping import TenantManager, TenantOwnedModel, TenantScopeError


def tenant_owned_models() -> list[type]:
    return [m for m in apps.get_models() if issubclass(m, TenantOwnedModel)]


def test_the_known_tenant_owned_models_use_the_scoped_manager():
    owned = tenant_owned_models()
    assert {Job, Asset} <= set(owned)
    for model in owned:
        assert isinstance(model.objects, TenantManager), model
        assert model._default_manager.name == "unscoped", model


@pytest.mark.parametrize("call", [
    lambda m: m.objects.all(),
    lambda m: m.objects.filter(pk=1),
    lambda m: m.objects.count(),
    lambda m: m.objects.create(),
    lambda m: m.objects.first(),
])
def test_unscoped_queries_raise(db, call):
    for model in tenant_owned_models():
        with pytest.raises(TenantScopeError):
            call(model)


def test_for_tenant_refuses_none_and_unsaved_tenants(db):
    from tenants.models import Tenant

    with pytest.raises(TenantScopeError):
        Job.objects.for_tenant(None)
    with pytest.raises(TenantScopeError):
        Job.objects.for_tenant(Tenant(slug="unsaved"))


def test_scoped_queryset_only_sees_its_tenant(acme, globex, submit):
    mine = submit()
    theirs = submit(globex.tenant)
    assert list(Job.objects.for_tenant(acme.tenant)) == [mine]
    assert list(Job.objects.for_tenant(globex.tenant)) == [theirs]
    assert Job.objects.owned(acme.tenant, theirs.pk) is None
    assert Job.objects.owned(acme.tenant, mine.pk) == mine


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1; DROP TABLE", 12345, None])
def test_owned_treats_malformed_ids_as_missing(acme, bad_id):
    assert Job.objects.owned(acme.tenant, bad_id) is None


def test_scoped_create_sets_the_tenant_and_refuses_another(acme, globex, submit):
    job = submit()
    assert job.tenant == acme.tenant
    with pytest.raises(TenantScopeError):
        Job.objects.for_tenant(acme.tenant).create(tenant=globex.tenant, n=1)
