"""The Generate page's "Improve prompt" button: the prompt box's words are the brief, and the
prompt assistant's suggestion (generation/prompt_assistant.py) fills the prompt, the negative
prompt and the aspect ratio. With htmx the form's fields are swapped in place; without
JavaScript the button submits the form here and the whole page comes back filled in."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from core.errors import AtelierError
from dashboard.access import Page, tenant_page
from dashboard.formatting import money
from dashboard.jobs import generate_context
from generation.prompt_assistant import suggest_prompt


@require_POST
@tenant_page("generate")
def improve_prompt(page: Page) -> HttpResponse:
    form = page.request.POST.copy()
    context = generate_context(page, form)
    model = context["model"]["key"] if context["model"] else None
    try:
        suggestion = suggest_prompt(page.tenant, form.get("prompt", ""), model=model,
                                    use=form.get("use") or None)
    except AtelierError as exc:
        context["assistant"] = {"error": exc.message}
    else:
        form["prompt"], form["negative_prompt"] = suggestion.prompt, suggestion.negative_prompt
        form["aspect_ratio"] = suggestion.aspect_ratio or ""
        form.pop("size", None)  # the aspect ratio decides the shape now
        context["assistant"] = {
            "notes": suggestion.notes, "source": suggestion.source,
            "cost": money(suggestion.cost_usd) if suggestion.cost_usd is not None else None}
    if page.request.headers.get("HX-Request") == "true":  # htmx: the fields only
        return page.render("dashboard/_generate_fields.html", context)
    return page.render("dashboard/generate.html", context)
