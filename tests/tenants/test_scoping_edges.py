"""The rest of tenants/scoping.py's door, found by mutation testing (`make mutate`): a chained
scope keeps its tenant, bulk_create fills in or refuses the tenant of each object, a queryset
that was never scoped refuses to write, and a miss is the API's NotFound, named as the API
names the kind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Reservation
from core.errors import NotFound
from generation.models import Job
from tenants.scoping import TenantQuerySet, TenantScopeError


def hold(job: Job, **fields) -> Reservation:
    return Reservation(job_id=job.pk, month="2026-01", images=1,
                       unit_price_usd=Decimal("0.01"), **fields)


def test_a_chained_scope_keeps_its_tenant_for_create(acme, globex, submit):
    job = submit()
    Reservation.unscoped.filter(job=job).delete()
    chained = Reservation.objects.for_tenant(acme.tenant).filter(month="2026-01").exclude(
        images=99)
    made = chained.create(job_id=job.pk, month="2026-01", images=1,
                          unit_price_usd=Decimal("0.01"))
    assert made.tenant_id == acme.tenant.pk
    with pytest.raises(TenantScopeError, match="tenant differs"):
        chained.create(job_id=job.pk, month="2026-02", images=1,
                       unit_price_usd=Decimal("0.01"), tenant=globex.tenant)


def test_bulk_create_fills_in_the_scopes_tenant(acme, submit):
    first, second = submit(), submit()
    Reservation.unscoped.filter(job__in=[first, second]).delete()
    made = Reservation.objects.for_tenant(acme.tenant).filter(images__gte=0).bulk_create(
        [hold(first), hold(second, tenant=acme.tenant)])
    assert len(made) == 2
    assert set(Reservation.unscoped.filter(job__in=[first, second]).values_list(
        "tenant_id", flat=True)) == {acme.tenant.pk}


def test_bulk_create_refuses_an_object_of_another_tenant_and_writes_nothing(acme, globex,
                                                                           submit):
    mine, theirs = submit(), submit(globex.tenant)
    Reservation.unscoped.filter(job__in=[mine, theirs]).delete()
    with pytest.raises(TenantScopeError, match="tenant differs"):
        Reservation.objects.for_tenant(acme.tenant).bulk_create(
            [hold(mine), hold(theirs, tenant=globex.tenant)])
    assert not Reservation.unscoped.filter(job__in=[mine, theirs]).exists()


def test_a_queryset_never_scoped_refuses_create_and_bulk_create(acme, submit):
    job = submit()
    Reservation.unscoped.filter(job=job).delete()
    bare = TenantQuerySet(Reservation)
    with pytest.raises(TenantScopeError, match="create through for_tenant"):
        bare.create(job_id=job.pk, month="2026-01", images=1, unit_price_usd=Decimal("0"),
                    tenant=acme.tenant)
    with pytest.raises(TenantScopeError, match="bulk_create through for_tenant"):
        bare.bulk_create([hold(job, tenant=acme.tenant)])
    assert not Reservation.unscoped.filter(job=job).exists()


def test_the_unscoped_error_names_the_door(db):
    with pytest.raises(TenantScopeError) as caught:
        Job.objects.all()
    assert "Job.objects.for_tenant(tenant)" in str(caught.value)
    assert "Job.unscoped" in str(caught.value)


def test_owned_or_404_returns_the_tenants_own_object(acme, submit):
    job = submit()
    assert Job.objects.owned_or_404(acme.tenant, job.pk) == job


def test_owned_or_404_of_another_tenants_object_is_not_found_named_by_the_api(acme, globex,
                                                                              submit):
    from generation.templates import create_template

    theirs = submit(globex.tenant)
    with pytest.raises(NotFound) as caught:
        Job.objects.owned_or_404(acme.tenant, theirs.pk)
    assert (caught.value.message, caught.value.field) == ("job: no such job", "job")
    template = create_template(globex.tenant, name="t", prompt="a {x}", model_key="local")
    with pytest.raises(NotFound) as caught:  # a model with an api_name is named by it
        type(template).objects.owned_or_404(acme.tenant, template.pk)
    assert (caught.value.message, caught.value.field) == ("template: no such template",
                                                          "template")


def test_bulk_create_passes_its_options_on_by_keyword_and_by_position(acme, submit):
    job = submit()  # holds its reservation already: another for the same job conflicts
    scoped = Reservation.objects.for_tenant(acme.tenant)
    scoped.bulk_create([hold(job)], ignore_conflicts=True)
    scoped.bulk_create([hold(job)], None, True)  # batch_size, ignore_conflicts
    assert Reservation.unscoped.filter(job=job).count() == 1


def test_a_scope_without_a_saved_tenant_is_refused_naming_the_model(db):
    """(found by `make mutate`: the refusal's words were never read)"""
    from tenants.models import Tenant

    for tenant in (None, Tenant(slug="unsaved", name="Unsaved")):
        with pytest.raises(TenantScopeError) as refused:
            Reservation.objects.for_tenant(tenant)
        assert str(refused.value) == "Reservation: for_tenant() needs a saved tenant"
