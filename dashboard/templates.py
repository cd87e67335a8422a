"""Dashboard pages for brand templates: list, create, edit, delete, and try one (Generate
with the template chosen). The rules are `generation.templates`' own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from catalog.requests import OPERATIONS
from catalog.spec import ModelSpec, catalog
from core.errors import AtelierError, InvalidParameter
from dashboard.access import Page, tenant_page
from dashboard.formatting import model_name, status_label
from generation import templates
from generation.models import BrandTemplate

TEXT_FIELDS = ("name", "description", "prompt", "negative_prompt", "model_key", "operation",
               "size", "aspect_ratio", "quality", "style")
PARSERS: dict[str, Callable[[str], Any]] = {"int": int, "float": float}


def _values(data: QueryDict) -> dict[str, Any]:
    """The form's fields as the service's values: slots as (name, default) rows, the
    model's parameters as typed fields (blank: the model's default)."""
    values: dict[str, Any] = {name: data.get(name, "").strip() for name in TEXT_FIELDS}
    values["operation"] = values["operation"] or "text_to_image"
    names, defaults = data.getlist("slot_name"), data.getlist("slot_default")
    values["slot_defaults"] = {name.strip(): default.strip()
                               for name, default in zip(names, defaults, strict=False)
                               if name.strip() and default.strip()}
    values["params"] = _params(data, _spec(values["model_key"]))
    return values


def _spec(key: str) -> ModelSpec | None:
    if not key:
        return None
    try:
        return catalog().get(key)
    except AtelierError:
        return None  # the service names the unknown model


def _params(data: QueryDict, spec: ModelSpec | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if spec is None:
        return found
    for name, param in spec.params.items():
        kind = param.describe().get("type")
        raw = data.get(f"param_{name}", "").strip()
        if kind == "bool":
            if raw:
                found[name] = raw == "on"
            continue
        if not raw:
            continue
        try:
            found[name] = PARSERS.get(str(kind), str)(raw)
        except ValueError:
            raise InvalidParameter(f"params.{name}: expected a number (got {raw[:20]!r})",
                                   field=f"params.{name}") from None
    return found


def _choices(spec: ModelSpec | None) -> dict[str, Any]:
    """What the form offers for aspect ratio, quality, style and parameters: the chosen
    model's own, or every active model's when the template leaves the model open."""
    specs = [spec] if spec is not None else [s for s in catalog() if s.usable()]
    ratios: dict[str, None] = {}
    qualities: dict[str, None] = {}
    styles: dict[str, None] = {}
    for item in specs:
        ratios.update(dict.fromkeys(item.limits.aspect_ratios))
        qualities.update(dict.fromkeys(item.limits.qualities))
        styles.update(dict.fromkeys(item.limits.styles))
    params = [] if spec is None else [
        {"name": name, **param.describe(), "label": name.replace("_", " ").capitalize()}
        for name, param in spec.params.items()]
    return {"ratios": list(ratios), "qualities": list(qualities),
            "styles": [(style, style.replace("_", " ").replace("-", " ").capitalize())
                       for style in styles], "params": params, "model_chosen": spec is not None}


def _slots(prompt: str, defaults: Mapping[str, Any]) -> tuple[list[dict[str, str]], str]:
    """The prompt's slots with their defaults, and why there are none if the prompt's
    braces do not parse."""
    try:
        names = templates.slot_names(prompt)
    except AtelierError as exc:
        return [{"name": name, "default": str(value)} for name, value in defaults.items()], \
            exc.message
    return [{"name": name, "default": str(defaults.get(name, ""))} for name in names], ""


def _form_context(form: Any) -> dict[str, Any]:
    """The model-dependent part of the form, for what `form` (a template or the POST) says."""
    if isinstance(form, QueryDict):
        key, prompt = form.get("model_key", ""), form.get("prompt", "")
        defaults = dict(zip(form.getlist("slot_name"), form.getlist("slot_default"),
                            strict=False))
        params = {key[6:]: value for key, value in form.items() if key.startswith("param_")}
    else:
        key = getattr(form, "model_key", "") or ""
        prompt = getattr(form, "prompt", "") or ""
        defaults = dict(getattr(form, "slot_defaults", None) or {})
        params = dict(getattr(form, "params", None) or {})
    slots, slot_problem = _slots(prompt, defaults)
    choices = _choices(_spec(key))
    for param in choices["params"]:
        value = params.get(param["name"], "")
        param["value"] = "on" if value is True else ("" if value is False else value)
    return {"slots": slots, "slot_problem": slot_problem, **choices}


@tenant_page("templates")
def template_list(page: Page) -> HttpResponse:
    found = BrandTemplate.objects.for_tenant(page.tenant)
    return page.render("dashboard/templates.html", {
        "title": "Templates",
        "templates": [{"template": t, "slots": _slots(t.prompt, t.slot_defaults)[0],
                       "model": model_name(t.model_key) if t.model_key else "Any model"}
                      for t in found]})


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
        "form": form, "operations": [(op, status_label(op)) for op in OPERATIONS],
        "models": [(spec.key, spec.name) for spec in catalog() if spec.usable()],
        **_form_context(form)})


@tenant_page("templates")
def template_fields(page: Page) -> HttpResponse:
    """htmx: the slots of the prompt as typed and the chosen model's choices."""
    data = page.request.GET
    return page.render("dashboard/_template_fields.html", {"form": data,
                                                           **_form_context(data)})


@tenant_page("templates")
def template_delete(page: Page, template_id: str) -> HttpResponse:
    """GET: asks first (what goes, what stays); POST: deletes."""
    template = BrandTemplate.objects.owned(page.tenant, template_id)
    if template is None:
        raise Http404("no such template")
    back = reverse("dashboard-templates", args=[page.tenant.slug])
    if page.request.method != "POST":
        return page.render("dashboard/confirm.html", {
            "title": "Delete template?", "heading": f"Delete the template “{template.name}”?",
            "explain": "Images already made from it are kept; jobs and batches can no longer "
                       "use it, and API clients naming it get an error.",
            "action": page.request.path, "fields": [], "cancel": back,
            "button": "Delete the template"})
    try:
        templates.delete_template(page.tenant, template.pk)
    except AtelierError:
        raise Http404("no such template") from None
    messages.success(page.request, "Template deleted; images made from it are kept.")
    return redirect(back)


@tenant_page("templates")
def template_try(page: Page, template_id: str) -> HttpResponse:
    template = BrandTemplate.objects.owned(page.tenant, template_id)
    if template is None:
        raise Http404("no such template")
    return redirect(f"{reverse('dashboard-generate', args=[page.tenant.slug])}"
                    f"?template={template.pk}")
