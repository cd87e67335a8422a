"""A logged-in user acts for a tenant they belong to: the named one, or their only one."""

import pytest

from core.errors import InvalidParameter, NotFound
from tenants.services import ensure_owner, tenant_for_user


def test_a_user_with_one_membership_acts_for_that_tenant(acme):
    assert tenant_for_user(acme.owner) == acme.tenant


def test_a_user_in_several_tenants_must_name_one(acme, globex):
    ensure_owner(globex.tenant, acme.owner.username)
    with pytest.raises(InvalidParameter):
        tenant_for_user(acme.owner)
    assert tenant_for_user(acme.owner, "globex") == globex.tenant
    assert tenant_for_user(acme.owner, "acme") == acme.tenant


def test_a_user_cannot_act_for_a_tenant_they_do_not_belong_to(acme, globex):
    with pytest.raises(NotFound):
        tenant_for_user(acme.owner, "globex")
