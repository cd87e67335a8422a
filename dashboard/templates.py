"""Dashboard pages for brand templates: list, create, edit, delete, and try one (Generate
with the template chosen). The rules are `generation.templates`' own."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.requests import OPERATIONS
from catalog.spec import catalog
from core.errors import AtelierError, InvalidParameter
from dashboard.access import Page, tenant_page
from generation import templates
from generation.models import BrandTemplate

TEXT_FIELDS = ("name", "description", "prompt", "negative_prompt", "model_key", "operation",
               "size", "aspect_ratio", "quality", "style")


def _values(data: QueryDict) -> dict[str, Any]:
    values: dict[str, Any] = {name: data.get(name, "").strip() for name in TEXT_FIELDS}
    values["operation"] = values["operation"] or "text_to_image"
    for name in ("params", "slot_defaults"):
        raw = data.get(name, "").strip() or "{}"
        try:
            values[name] = json.loads(raw)
        except json.JSONDecodeError:
            raise InvalidParameter(f"{name}: expected a JSON object such as "
                                   '{"surface": "white marble"}', field=name) from None
    return values


@tenant_page("templates")
def template_list(page: Page) -> HttpResponse:
    found = BrandTemplate.objects.for_tenant(page.tenant)
    return page.render("dashboard/templates.html", {
        "title": "Templates",
        "templates": [{"template": t, "slots": templates.slot_names(t.prompt)} for t in found]})


@tenant_page("templates")
def template_form(page: Page, template_id: str | None = None) -> HttpResponse:
    """Create (no id) or edit a template; on success go back to the list."""
    template = None
    if template_id is not None:
        template = BrandTemplate.objects.owned(page.tenant, template_id)
        if template is None:
            raise Http404("no such template")
    form: Any = template
    if page.request.method == "POST":
        form = page.request.POST
        try:
            values = _values(form)
            if template is None:
                saved = templates.create_template(page.tenant, **values)
            else:
                saved = templates.update_template(page.tenant, template.pk, **values)
        except AtelierError as exc:
            messages.error(page.request, exc.message)
        else:
            messages.success(page.request, f"Saved the template “{saved.name}”.")
            return redirect("dashboard-templates", page.tenant.slug)
    return page.render("dashboard/template_form.html", {
        "title": "Edit template" if template else "New template", "template": template,
        "form": form, "operations": OPERATIONS,
        "params_json": _json_text(form, "params"),
        "defaults_json": _json_text(form, "slot_defaults"),
        "models": [spec.key for spec in catalog() if spec.state() != "eol"]})


def _json_text(form: Any, name: str) -> str:
    """A JSON field as the form shows it: as typed (after an error) or as stored."""
    if isinstance(form, QueryDict):
        return form.get(name, "")
    return json.dumps(getattr(form, name, None) or {})


@require_POST
@tenant_page("templates")
def template_delete(page: Page, template_id: str) -> HttpResponse:
    try:
        templates.delete_template(page.tenant, template_id)
    except AtelierError:
        raise Http404("no such template") from None
    messages.success(page.request, "Template deleted; images made from it are kept.")
    return redirect("dashboard-templates", page.tenant.slug)


@tenant_page("templates")
def template_try(page: Page, template_id: str) -> HttpResponse:
    template = BrandTemplate.objects.owned(page.tenant, template_id)
    if template is None:
        raise Http404("no such template")
    return redirect(f"{reverse('dashboard-generate', args=[page.tenant.slug])}"
                    f"?template={template.pk}")
