"""The dashboard's Library: every image of the tenant, searched by prompt or SKU, filtered
and paged, in the same cards as the contact sheet (with the same selection)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.utils.dateparse import parse_date

from assets.models import Asset
from dashboard.access import Page, tenant_page
from dashboard.cards import asset_cards, with_job_facts
from dashboard.formatting import model_name, status_label
from generation.models import BrandTemplate

LIBRARY_PAGE_SIZE = 48
NARROWING = ("stage", "model", "template", "from", "to")  # the filters besides the search


@tenant_page("library")
def library(page: Page) -> HttpResponse:
    """Every image of the tenant, newest first, searched by prompt or SKU (`q`), filtered by
    stage, model, template and date; images still in review are marked and have no link."""
    data = page.request.GET
    assets = Asset.objects.for_tenant(page.tenant).filter(kind=Asset.Kind.GENERATED)
    search = data.get("q", "").strip()[:200]
    if search:
        assets = assets.filter(Q(job__prompt__icontains=search) | Q(job__sku__icontains=search))
    problems = []
    for name, field, allowed in (("stage", "stage", Asset.Stage.values),
                                 ("model", "model_key", None),
                                 ("template", "job__template_id", None)):
        value = data.get(name, "")
        if value and (allowed is None or value in allowed):
            try:
                assets = assets.filter(**{field: value})
            except ValidationError:
                problems.append(f"{name}: not a valid value")
    for name, lookup in (("from", "created_at__date__gte"), ("to", "created_at__date__lte")):
        if data.get(name):
            day = parse_date(data[name])
            if day is None:
                problems.append(f"{name}: expected a date like 2026-12-01")
            else:
                assets = assets.filter(**{lookup: day})
    paginator = Paginator(with_job_facts(assets.defer("moderation")),  # not shown here
                          LIBRARY_PAGE_SIZE)
    current = paginator.get_page(data.get("page"))
    templates = BrandTemplate.objects.for_tenant(page.tenant)
    # order_by(): without it the default ordering's created_at joins the DISTINCT, and every
    # image of the tenant comes back instead of one row per model.
    models = sorted(set(Asset.objects.for_tenant(page.tenant).order_by()
                        .values_list("model_key", flat=True).distinct()) - {""})
    query = data.copy()
    query.pop("page", None)
    return page.render("dashboard/library.html", {
        "title": "Library", "cards": asset_cards(page, current.object_list), "pager": current,
        "templates": templates, "models": [(key, model_name(key)) for key in models],
        "stages": [(stage, status_label(stage)) for stage in Asset.Stage.values],
        "form": data, "problems": problems, "query": query.urlencode(), "search": search,
        "filtered": any(data.get(name) for name in ("q", *NARROWING)),
        "narrowed": any(data.get(name) for name in NARROWING),
        "selectable": page.may("generate"), "back": page.request.get_full_path()})
