"""Brand templates: a house prompt with named slots, filled per job or per batch row.

A template's prompt uses `{slot}` placeholders (`{{` and `}}` are literal braces). A job names
the template (by id or name) and gives `slots`; every field the job leaves out takes the
template's value, so a template is the house style and a job only says what differs. A field
the job gives always wins, even when its value is the default (`operation: text_to_image`).
"""

from __future__ import annotations

import string
import uuid
from dataclasses import fields, replace
from typing import Any

from django.db import IntegrityError, transaction

from catalog.requests import OPERATIONS, JobRequest
from catalog.spec import catalog
from catalog.validation import parse_size, validate_defaults
from core.errors import Conflict, InvalidParameter
from generation.fallbacks import check_fallback
from generation.models import BrandTemplate
from tenants.models import Tenant

SLOT_VALUE_MAX_CHARS = 2000
# Template fields copied onto a job that leaves them at their default (job field: template's).
_DEFAULTED = {"model": "model_key", "operation": "operation", "negative_prompt":
              "negative_prompt", "size": "size", "aspect_ratio": "aspect_ratio",
              "quality": "quality", "style": "style"}
_JOB_DEFAULTS = {f.name: f.default for f in fields(JobRequest)}
EDITABLE = ("name", "description", "prompt", "negative_prompt", "model_key", "fallback_model",
            "operation", "size", "aspect_ratio", "quality", "style", "params", "slot_defaults")


def slot_names(prompt: str) -> list[str]:
    """The slots of a template prompt, in order of first use; InvalidParameter if malformed."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(prompt))
    except ValueError as exc:
        raise InvalidParameter(f"prompt: {exc} (write literal braces as {{{{ and }}}})",
                               field="prompt") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise InvalidParameter(f"prompt: slot {{{name}}} must be a plain name such as "
                                   "{subject}", field="prompt")
        if name not in names:
            names.append(name)
    return names


def render_prompt(template: BrandTemplate, slots: dict[str, Any], *,
                  field: str = "slots") -> str:
    """The template's prompt with its slots filled; a 400 listing missing and unknown slots."""
    names = slot_names(template.prompt)
    values = {**template.slot_defaults, **slots}
    missing = [name for name in names if str(values.get(name, "")).strip() == ""]
    unknown = sorted(set(slots) - set(names))
    if missing or unknown:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else [])
        raise InvalidParameter(
            f"{field}: template {template.name!r} {'; '.join(parts)} (its slots: "
            f"{', '.join(names) or 'none'})", field=field,
            extra={"missing": missing, "unknown": unknown, "slots": names})
    for name in names:
        value = values[name]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InvalidParameter(f"{field}.{name}: expected text", field=f"{field}.{name}")
        if len(str(value)) > SLOT_VALUE_MAX_CHARS:
            raise InvalidParameter(f"{field}.{name}: at most {SLOT_VALUE_MAX_CHARS} characters",
                                   field=f"{field}.{name}")
    return template.prompt.format_map({name: str(values[name]) for name in names})


def find_template(tenant: Tenant, ref: str) -> BrandTemplate:
    """The tenant's template by id or by name; a 400 on `template` when there is none."""
    templates = BrandTemplate.objects.for_tenant(tenant)
    try:
        found = templates.filter(pk=uuid.UUID(str(ref))).first()
    except ValueError:
        found = templates.filter(name=ref).first()
    if found is None:
        raise InvalidParameter(f"template: no template {ref!r}", field="template")
    return found


def apply_template(request: JobRequest, template: BrandTemplate, slots: dict[str, Any],
                   *, field: str = "slots") -> JobRequest:
    """The request with the template's prompt rendered and its defaults filled in."""
    if request.prompt:
        raise InvalidParameter("prompt: give either a prompt or a template with slots",
                               field="prompt")
    changes: dict[str, Any] = {"prompt": render_prompt(template, slots, field=field)}
    sized = bool(request.size or request.aspect_ratio)  # the job's own shape wins whole
    for job_field, template_field in _DEFAULTED.items():
        value = getattr(template, template_field)
        if job_field in ("size", "aspect_ratio") and sized:
            continue
        if value and _left_out(request, job_field):
            changes[job_field] = value
    changes["params"] = {**template.params, **request.params}
    return replace(request, **changes)


def _left_out(request: JobRequest, job_field: str) -> bool:
    """The request leaves `job_field` to the template: not given (when the request knows what
    was given), and at its default."""
    if request.explicit is not None and job_field in request.explicit:
        return False
    return bool(getattr(request, job_field) == _JOB_DEFAULTS[job_field])


def _checked(template: BrandTemplate) -> BrandTemplate:
    if not template.name.strip():
        raise InvalidParameter("name: required", field="name")
    slot_names(template.prompt)
    if not template.prompt.strip():
        raise InvalidParameter("prompt: required", field="prompt")
    if template.model_key:
        spec = catalog().get(template.model_key)  # raises, naming the field `model`
        if template.operation not in spec.operations:
            raise InvalidParameter(
                f"operation: {template.model_key!r} does not support {template.operation!r}; "
                f"it supports {', '.join(spec.operations)}", field="operation")
    elif template.operation not in OPERATIONS:
        raise InvalidParameter(f"operation: one of {', '.join(OPERATIONS)}", field="operation")
    if template.fallback_model:
        if not template.model_key:
            raise InvalidParameter("fallback_model: only with a default model (model)",
                                   field="fallback_model")
        check_fallback(template.model_key, template.fallback_model, field="fallback_model")
        if template.operation not in catalog().get(template.fallback_model).operations:
            raise InvalidParameter(f"fallback_model: {template.fallback_model!r} does not "
                                   f"support {template.operation!r}", field="fallback_model")
    if template.size and template.aspect_ratio:
        raise InvalidParameter("size: give a size or an aspect_ratio, not both", field="size")
    for name, data in (("params", template.params), ("slot_defaults", template.slot_defaults)):
        if not isinstance(data, dict):
            raise InvalidParameter(f"{name}: expected an object", field=name)
    if template.size and parse_size(template.size) is None:
        raise InvalidParameter(f"size: must look like 1024x1024 (got {template.size!r})",
                               field="size")
    if template.model_key:  # the defaults must be ones its model takes
        validate_defaults(spec, JobRequest(
            operation=template.operation, negative_prompt=template.negative_prompt,
            size=template.size or None, aspect_ratio=template.aspect_ratio or None,
            quality=template.quality or None, style=template.style or None,
            params=template.params))
    return template


def _save(template: BrandTemplate) -> BrandTemplate:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise Conflict(f"name: a template named {template.name!r} exists already",
                       field="name") from None
    return template


def create_template(tenant: Tenant, **values: Any) -> BrandTemplate:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise InvalidParameter(f"{unknown[0]}: unknown field", field=unknown[0])
    template = BrandTemplate(tenant=tenant, **values)
    return _save(_checked(template))


def update_template(tenant: Tenant, template_id: Any, **values: Any) -> BrandTemplate:
    template = BrandTemplate.objects.owned_or_404(tenant, template_id)
    for name, value in values.items():
        if name not in EDITABLE:
            raise InvalidParameter(f"{name}: unknown field", field=name)
        setattr(template, name, value)
    return _save(_checked(template))


def delete_template(tenant: Tenant, template_id: Any) -> None:
    """Jobs and batches made from it keep their own copy of what was asked."""
    BrandTemplate.objects.owned_or_404(tenant, template_id).delete()
