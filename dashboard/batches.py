"""Dashboard pages for catalog batches: upload a CSV, preview its first rows with the
estimate, start it, watch its progress and download its finals. The rules are
`generation.batches`' own (the same as the API's and `run_batch`'s)."""

from __future__ import annotations

import base64
import binascii
from typing import TypedDict

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from billing.services import usage
from catalog.spec import catalog
from core.body_limits import limit_body, room_for
from core.errors import AtelierError
from dashboard.access import Page, tenant_page
from generation import batch_progress, batches
from generation.batch_input import csv_hint
from generation.models import Batch, BrandTemplate

PREVIEW_ROWS = 10
RESULT_ROWS = 100


class _Options(TypedDict):
    """What the form gives both preview_batch and submit_batch."""

    template: str | None
    model: str | None


@tenant_page("batches")
def batch_list(page: Page) -> HttpResponse:
    found = list(Batch.objects.for_tenant(page.tenant)[:50])
    return page.render("dashboard/batches.html", {
        "title": "Batches", "batches": batch_progress.describe_many(found)})


def _csv_from(page: Page) -> bytes | None:
    upload = page.request.FILES.get("file")
    if upload is not None:  # one byte past the cap is enough for the service to refuse it
        return upload.read(settings.ATELIER_BATCH_MAX_BYTES + 1)
    carried = page.request.POST.get("csv_b64", "")
    try:
        return base64.b64decode(carried, validate=True) if carried else None
    except (binascii.Error, ValueError):
        return None


@limit_body(lambda request: room_for(settings.ATELIER_BATCH_MAX_BYTES), hint=csv_hint)
@tenant_page("batches")
def batch_new(page: Page) -> HttpResponse:
    """GET: the upload form. POST: a preview (first rows, estimate, errors by row and
    column); POST with `start`: the batch itself."""
    data = page.request.POST
    context = {"title": "New batch", "form": data,
               "templates": BrandTemplate.objects.for_tenant(page.tenant),
               "models": [spec.key for spec in catalog() if spec.state() != "eol"],
               "quota": usage(page.tenant)}
    if page.request.method == "POST":
        csv_data = _csv_from(page)
        options: _Options = {"template": data.get("template") or None,
                             "model": data.get("model") or None}
        if csv_data is None:
            messages.error(page.request, "file: choose a CSV file")
        elif "start" in data:
            try:
                batch = batches.submit_batch(page.tenant, csv_data=csv_data, **options,
                                             name=data.get("name", "").strip()[:200],
                                             user=page.user)
            except AtelierError as exc:
                context["errors"] = exc.extra.get("errors", [])
                messages.error(page.request, exc.message)
            else:
                return redirect("dashboard-batch", page.tenant.slug, batch.pk)
        else:
            try:
                context["preview"] = batches.preview_batch(page.tenant, csv_data=csv_data,
                                                           rows=PREVIEW_ROWS, **options)
                context["csv_b64"] = base64.b64encode(csv_data).decode()
            except AtelierError as exc:
                context["errors"] = exc.extra.get("errors", [])
                messages.error(page.request, exc.message)
    return page.render("dashboard/batch_new.html", context)


@tenant_page("batches")
def batch_page(page: Page, batch_id: str) -> HttpResponse:
    batch = _batch(page, batch_id)
    return page.render("dashboard/batch.html", _batch_context(page, batch))


@tenant_page("batches")
def progress_panel(page: Page, batch_id: str) -> HttpResponse:
    """htmx: the progress panel, polled while the batch runs."""
    return page.render("dashboard/_batch_progress.html",
                       _batch_context(page, _batch(page, batch_id)))


def _batch(page: Page, batch_id: str) -> Batch:
    try:
        return batches.get_batch(page.tenant, batch_id)
    except AtelierError:
        raise Http404("no such batch") from None


def _batch_context(page: Page, batch: Batch) -> dict[str, object]:
    described = batches.describe(batch)
    jobs = batches.results(page.tenant, batch)[:RESULT_ROWS]
    return {"title": batch.name or "Batch", "batch": batch, "described": described,
            "jobs": jobs, "active": described["completed_at"] is None,
            "more": max(batch.items - RESULT_ROWS, 0)}


@require_POST
@tenant_page("batches")
def batch_cancel(page: Page, batch_id: str) -> HttpResponse:
    batches.cancel_batch(page.tenant, _batch(page, batch_id).pk)
    messages.success(page.request, "Queued jobs canceled; their holds are released.")
    return redirect("dashboard-batch", page.tenant.slug, batch_id)


@tenant_page("batches")
def batch_archive(page: Page, batch_id: str) -> HttpResponseBase:
    """The batch's approved finals (or every image with ?stage=all) as a ZIP, by SKU."""
    stage = None if page.request.GET.get("stage") == "all" else "final"
    batch, spool = batches.archive_file(page.tenant, _batch(page, batch_id).pk, stage=stage)
    return FileResponse(spool, as_attachment=True, filename=f"batch-{batch.pk}.zip",
                        content_type="application/zip")
