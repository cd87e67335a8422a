"""Factories for the objects the tests make again and again (factory_boy).

Objects whose creation has rules are made by the product's own services, so a factory can
never make what the product would refuse: a tenant (with its owner and first API key) by
`tenants.services.create_tenant`, an API key by `issue_api_key`, a job by
`generation.services.submit_job` (catalog validation, moderation, quota holds and the queue
all apply). Plain model factories are kept for rows that tests write directly: users and
memberships, credit pools, monthly limits, tenant policies and Stripe customers.

    acme = TenantFactory(slug="acme", name="Acme Goods")   # a NewTenant: .tenant, .key, .owner
    reader = ApiKeyFactory(tenant=acme.tenant, scopes=["read"])   # an IssuedKey: .secret
    job = JobFactory(tenant=acme.tenant, n=2, seed=7)
    moderator = StaffFactory(groups=["Moderators"])
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from billing.models import CreditPool, MonthlyLimits, StripeCustomer
from catalog.requests import JobRequest
from generation import services as generation
from generation.models import Job
from moderation.models import TenantPolicy
from tenants.models import Membership
from tenants.services import IssuedKey, NewTenant, create_tenant, issue_api_key

# --- made by the product's services ---------------------------------------------------------


class TenantFactory(factory.Factory):
    """A tenant with its owner (`owner@<slug>.test`) and first API key, by `create_tenant`.

    Gives the service's `NewTenant`: `.tenant`, `.key` (an `IssuedKey`), `.owner`.
    """

    class Meta:
        model = NewTenant

    slug = factory.Sequence(lambda n: f"tenant-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    owner_email = factory.LazyAttribute(lambda o: f"owner@{o.slug}.test")
    owner_password = None

    @classmethod
    def _create(cls, model_class: type, slug: str, **fields: Any) -> NewTenant:
        return create_tenant(slug, **fields)

    _build = _create  # a tenant exists only once create_tenant has made it


class ApiKeyFactory(factory.Factory):
    """A key of `tenant` issued by `issue_api_key` (scopes and limits checked there).

    Gives the service's `IssuedKey`: `.api_key` and `.secret`, the only copy in clear.
    `scopes` and `rate_limit_per_minute` are the service's defaults unless given.
    """

    class Meta:
        model = IssuedKey

    tenant = None
    name = "default"

    @classmethod
    def _create(cls, model_class: type, tenant: Any, **fields: Any) -> IssuedKey:
        if tenant is None:
            raise TypeError("ApiKeyFactory needs tenant=")
        return issue_api_key(tenant, **fields)

    _build = _create


class JobFactory(factory.Factory):
    """A job of `tenant` submitted by `submit_job`, as the API and the dashboard submit it.

    Every other keyword is a field of `catalog.requests.JobRequest` (n, seed, size,
    aspect_ratio, operation, images, …).
    """

    class Meta:
        model = Job

    tenant = None
    model = "local"
    prompt = "a teapot on a wooden table"

    @classmethod
    def _create(cls, model_class: type, tenant: Any, **fields: Any) -> Job:
        if tenant is None:
            raise TypeError("JobFactory needs tenant=")
        return generation.submit_job(tenant, JobRequest(**fields))

    _build = _create


# --- plain rows --------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user made by the manager's `create_user` (no usable password unless `password=`).

    `groups=["Finance"]` adds the user to existing groups (the migrations make Moderators and
    Finance); an unknown name fails, as it should.
    """

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}@atelier.test")
    password = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **fields: Any) -> Any:
        return model_class._default_manager.create_user(*args, **fields)

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **_: Any) -> None:
        if create and names:
            self.groups.add(*[Group.objects.get(name=name) for name in names])


class StaffFactory(UserFactory):
    """A staff user (the Django admin's), optionally in `groups=[…]`."""

    username = factory.Sequence(lambda n: f"staff-{n}")
    is_staff = True


class MembershipFactory(DjangoModelFactory):
    """`user` (a new one unless given) belongs to `tenant` with `role` (member by default)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tenant = None
    role = Membership.Role.MEMBER


class CreditPoolFactory(DjangoModelFactory):
    """AWS credits of the platform, started `started` days ago, expiring in `expires_in`."""

    class Meta:
        model = CreditPool

    class Params:
        started = 1
        expires_in = 30

    name = factory.Sequence(lambda n: f"pool-{n}")
    category = CreditPool.Category.ACTIVATE
    amount_usd = factory.Transformer(Decimal("1.00"), transform=Decimal)
    priority = 100
    starts_on = factory.LazyAttribute(lambda o: date.today() - timedelta(days=o.started))
    expires_on = factory.LazyAttribute(lambda o: date.today() + timedelta(days=o.expires_in))


class MonthlyLimitsFactory(DjangoModelFactory):
    """A tenant's monthly limits row (quota, budget, price multiplier, fixed model prices)."""

    class Meta:
        model = MonthlyLimits

    tenant = None


class TenantPolicyFactory(DjangoModelFactory):
    """A tenant's own moderation policy (blocked terms and patterns, label thresholds)."""

    class Meta:
        model = TenantPolicy

    tenant = None


class StripeCustomerFactory(DjangoModelFactory):
    """The Stripe customer of `tenant` (`cus_<slug>` unless given)."""

    class Meta:
        model = StripeCustomer

    tenant = None
    customer_id = factory.LazyAttribute(lambda o: f"cus_{o.tenant.slug}")
