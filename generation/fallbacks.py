"""Fallback models, with the tenant's consent: when the model a job names is retired or
unavailable (as the catalog and the last fleet sync say), the fallback that the job's brand
template or the tenant named runs instead; the job keeps which model was asked for and why,
and the price follows the model actually used. Without a fallback the job fails naming the
successor (catalog.spec.ModelSpec.retired).

One step only: a fallback's own fallback is never followed, so no chain can loop or end on a
model nobody named for this one. A fallback that cannot take the request either (it lacks the
operation, the size is outside its limits, it is retired too) fails the job with both reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from django.db import transaction

from catalog.requests import JobRequest
from catalog.spec import ModelRetired, ModelUnavailable, catalog
from core.errors import AtelierError, InvalidParameter
from generation.models import BrandTemplate, ModelFallback
from tenants.models import Tenant

NOT_CALLABLE = (ModelRetired, ModelUnavailable)
T = TypeVar("T")


@dataclass(frozen=True)
class Substitution:
    """The model asked for, the fallback that runs instead, and why."""

    requested: str
    fallback: str
    reason: str

    def job_fields(self) -> dict[str, str]:
        return {"requested_model": self.requested, "fallback_reason": self.reason}


def fallback_for(tenant: Tenant, model_key: str, template: BrandTemplate | None = None
                 ) -> str | None:
    """The template's fallback when the job runs the template's own model, else the
    tenant's for that model."""
    if template is not None and template.fallback_model and template.model_key == model_key:
        return template.fallback_model
    return (ModelFallback.objects.for_tenant(tenant).filter(model_key=model_key)
            .values_list("fallback_key", flat=True).first())


def first_callable(tenant: Tenant, request: JobRequest, template: BrandTemplate | None,
                   validate: Callable[[JobRequest], T]) -> tuple[T, Substitution | None]:
    """`validate(request)`, or, when its model may not be called now and a fallback was
    named, `validate` of the request on the fallback, with what was substituted."""
    try:
        return validate(request), None
    except NOT_CALLABLE as exc:
        fallback = fallback_for(tenant, request.model, template)
        if not fallback:
            raise
        try:
            result = validate(replace(request, model=fallback))
        except AtelierError as second:
            raise type(exc)(f"{exc.message}; its fallback {fallback!r} cannot take the job "
                            f"either: {second.message}", field=exc.field,
                            extra=exc.extra) from second
        return result, Substitution(requested=request.model, fallback=fallback,
                                    reason=exc.message)


# --- the tenant's fallbacks -------------------------------------------------------------------

def fallbacks(tenant: Tenant) -> dict[str, str]:
    """The tenant's fallbacks, model -> fallback."""
    return dict(ModelFallback.objects.for_tenant(tenant).values_list("model_key",
                                                                     "fallback_key"))


def check_fallback(model_key: str, fallback_key: str, *, field: str) -> None:
    """A fallback names a catalog model other than the model, one tenants may use now."""
    models = catalog()
    models.get(model_key)  # UnknownModel names the available keys
    if fallback_key == model_key:
        raise InvalidParameter(f"{field}: a model cannot be its own fallback", field=field)
    target = models.get(fallback_key)
    if not target.usable():
        raise InvalidParameter(f"{field}: {fallback_key!r} is {target.state()} and cannot be a "
                               "fallback", field=field)


def set_fallbacks(tenant: Tenant, mapping: Mapping[str, str]) -> dict[str, str]:
    """Replace the tenant's fallbacks with `mapping` (model -> fallback); an empty mapping
    removes them all. Checked entirely before anything is written."""
    if not isinstance(mapping, Mapping) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()):
        raise InvalidParameter("fallbacks: an object of model key to fallback model key",
                               field="fallbacks")
    for model_key, fallback_key in mapping.items():
        check_fallback(model_key, fallback_key, field=f"fallbacks.{model_key}")
    with transaction.atomic():
        rows = ModelFallback.objects.for_tenant(tenant)
        rows.exclude(model_key__in=list(mapping)).delete()
        for model_key, fallback_key in mapping.items():
            rows.update_or_create(model_key=model_key,
                                  defaults={"fallback_key": fallback_key})
    return fallbacks(tenant)
