"""Tenant scoping that fails closed.

A tenant-owned model declares `objects = TenantManager()` and `unscoped = models.Manager()`.
Application code has exactly one door, `Model.objects.for_tenant(tenant)`; anything else on
`objects` (all, filter, get, create, …) raises `TenantScopeError`. `Model.unscoped` is the
loudly named escape hatch for the admin, migrations and system sweeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from core.errors import NotFound

if TYPE_CHECKING:
    from tenants.models import Tenant


class TenantScopeError(RuntimeError):
    """A tenant-owned model was queried without naming the tenant."""


_M = TypeVar("_M", bound="TenantOwnedModel")


class TenantQuerySet(models.QuerySet[_M, _M]):
    """A queryset bound to one tenant: objects it creates belong to that tenant too."""

    _tenant: Tenant | None = None

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # QuerySet._clone is private Django API that django-stubs leaves out
        clone._tenant = self._tenant
        return clone

    def create(self, **kwargs: Any) -> _M:
        if self._tenant is None:
            raise TenantScopeError(f"{self.model.__name__}: create through for_tenant(tenant)")
        if kwargs.setdefault("tenant", self._tenant) != self._tenant:
            raise TenantScopeError(f"{self.model.__name__}: tenant differs from the scope")
        return super().create(**kwargs)

    def bulk_create(self, objs: Iterable[_M], *args: Any, **kwargs: Any) -> list[_M]:
        """Like create(): every object belongs to the scope's tenant (filled in if unset)."""
        if self._tenant is None:
            raise TenantScopeError(f"{self.model.__name__}: bulk_create through for_tenant()")
        objs = list(objs)
        for obj in objs:
            if obj.tenant_id is None:
                obj.tenant = self._tenant
            elif obj.tenant_id != self._tenant.pk:
                raise TenantScopeError(f"{self.model.__name__}: tenant differs from the scope")
        return super().bulk_create(objs, *args, **kwargs)


_TenantManagerBase = models.Manager.from_queryset(TenantQuerySet)


class TenantManager(_TenantManagerBase[_M]):
    """The only application-facing manager of a tenant-owned model."""

    def get_queryset(self) -> TenantQuerySet[_M]:
        raise TenantScopeError(
            f"{self.model.__name__}.objects needs a tenant: use "
            f"{self.model.__name__}.objects.for_tenant(tenant), or "
            f"{self.model.__name__}.unscoped for admin, migrations and sweeps."
        )

    def for_tenant(self, tenant: Tenant | None) -> TenantQuerySet[_M]:
        if tenant is None or tenant._state.adding:
            raise TenantScopeError(f"{self.model.__name__}: for_tenant() needs a saved tenant")
        queryset = super().get_queryset().filter(tenant=tenant)
        # from_queryset() makes the base manager build TenantQuerySets; the stubs type its
        # get_queryset() as a plain QuerySet.
        assert isinstance(queryset, TenantQuerySet)
        queryset._tenant = tenant
        return queryset

    def owned(self, tenant: Tenant | None, pk: Any) -> _M | None:
        """The tenant's object with this id, or None (also for a malformed id): callers answer
        404 either way, so another tenant's object is indistinguishable from a missing one."""
        try:  # one row at most: no ORDER BY (first() would add one)
            return next(iter(self.for_tenant(tenant).filter(pk=pk).order_by()[:1]), None)
        except (ValidationError, ValueError, TypeError):
            return None

    def owned_or_404(self, tenant: Tenant | None, pk: Any) -> _M:
        """The tenant's object, or NotFound naming the kind as the API does (the model's
        `api_name`, else its model name); never "it belongs to another"."""
        found = self.owned(tenant, pk)
        if found is None:
            name = getattr(self.model, "api_name", self.model._meta.model_name)
            raise NotFound(f"{name}: no such {name}", field=name)
        return found


class TenantOwnedModel(models.Model):
    """Abstract base: a tenant foreign key plus the fail-closed manager pair."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

    class Meta:
        abstract = True
        # Django's internals (admin, related managers, deletion) use the default manager; it is
        # the unscoped one so that they keep working, while `objects` stays closed.
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"
