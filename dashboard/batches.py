"""Dashboard pages for catalog batches: upload a CSV, preview its first rows with the
estimate, start it, watch its progress (and, for packshots, how many SKUs pass each preset)
and download its finals. The rules are
`generation.batches`' own (the same as the API's and `run_batch`'s)."""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypedDict

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assets import archives
from billing.services import usage
from catalog.spec import catalog
from core.body_limits import limit_body, room_for
from core.errors import AtelierError
from dashboard import selection
from dashboard.access import Page, tenant_page
from dashboard.formatting import job_state, model_name, moment, money, status_label
from generation import batch_progress, batch_results, batches
from generation.batch_input import csv_hint
from generation.models import Batch, BrandTemplate, Job

PREVIEW_ROWS = 10
RESULT_ROWS = 100


class _Options(TypedDict):
    """What the form gives both preview_batch and submit_batch."""

    template: str | None
    model: str | None


@tenant_page("batches")
def batch_list(page: Page) -> HttpResponse:
    found = list(Batch.objects.for_tenant(page.tenant)[:50])
    described = [_shown(item) for item in batch_progress.describe_many(found)]
    return page.render("dashboard/batches.html", {
        "title": "Batches", "batches": described,
        "active": any(item["completed_at"] is None for item in described)})


def _shown(described: dict[str, Any]) -> dict[str, Any]:
    """A batch's plain-data description with what people read: words, money, moments."""
    return {**described, "status_label": status_label(described["status"]),
            "estimate": money(described["estimated_cost_usd"]),
            "created": moment(described["created_at"]),
            "completed": moment(described["completed_at"]),
            "percent": round(described["progress"] * 100),
            "counts_shown": [(status_label(name), n) for name, n in described["counts"].items()
                             if n],
            "presets_shown": [{"preset": preset, **found}
                              for preset, found in described["compliance"].items()]}


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
               "models": [(spec.key, spec.name) for spec in catalog() if spec.usable()],
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
                preview = batches.preview_batch(page.tenant, csv_data=csv_data,
                                                rows=PREVIEW_ROWS, **options)
                context["preview"] = preview
                context["preview_cost"] = money(preview["estimated_cost_usd"])
                context["preview_rows"] = [
                    {**row, "cost": money(row.get("estimated_cost_usd")),
                     "model_name": model_name(row.get("model")), "makes": _makes(row)}
                    for row in preview.get("rows", [])]
                context["csv_b64"] = base64.b64encode(csv_data).decode()
            except AtelierError as exc:
                context["errors"] = exc.extra.get("errors", [])
                messages.error(page.request, exc.message)
    return page.render("dashboard/batch_new.html", context)


def _makes(row: dict[str, Any]) -> str:
    """A previewed row's job in words: its operation, and the preset, scene or format."""
    what = status_label(row["operation"].replace("_", " "))
    detail = row.get("preset") or row.get("scene", "").replace("_", " ") or row.get("format")
    return f"{what}: {detail}" if detail else what


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
    described = _shown(batches.describe(batch))
    jobs = [_job_row(job) for job in batch_results.results(page.tenant, batch)[:RESULT_ROWS]]
    _, assets = batch_results.batch_assets(page.tenant, batch.pk)
    stages = selection.approved_by_stage(assets)
    return {"title": batch.name or "Batch", "batch": batch, "described": described,
            "jobs": jobs, "active": described["completed_at"] is None,
            "packshots": bool(described["compliance"]),
            "finals": stages["final"], "drafts": stages["draft"],
            "everything": stages["final"] + stages["draft"],
            "more": max(described["jobs"] - RESULT_ROWS, 0)}


def _job_row(job: Job) -> dict[str, object]:
    """A row of the results table; a packshot's with its preset and its compliance check."""
    approved = job.approved_assets  # type: ignore[attr-defined]  # results() prefetches
    passed, failed = batch_results.compliance_of(approved)
    return {"job": job, "state": job_state(job.status), "model": model_name(job.model_key),
            "ready": len(approved), "preset": batch_results.preset_of(job),
            "passed": passed, "failed": ", ".join(failed)}


@require_POST
@tenant_page("batches")
def batch_cancel(page: Page, batch_id: str) -> HttpResponse:
    batches.cancel_batch(page.tenant, _batch(page, batch_id).pk)
    messages.success(page.request, "Queued jobs canceled; their holds are released.")
    return redirect("dashboard-batch", page.tenant.slug, batch_id)


@tenant_page("batches")
def batch_archive(page: Page, batch_id: str) -> HttpResponseBase:
    """The batch's approved finals (drafts with ?stage=draft, every image with ?stage=all)
    as a streamed ZIP, by SKU; with none, back to the batch with why."""
    asked = page.request.GET.get("stage")
    stage = asked if asked in ("draft", "all") else "final"
    batch, assets = batch_results.batch_assets(page.tenant, _batch(page, batch_id).pk)
    try:
        return archives.build(assets, filename=f"batch-{batch.pk}.zip", scope="batch",
                              stage=None if stage == "all" else stage,
                              folder=batch_results.sku_folders()).response()
    except archives.EmptyArchive as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-batch", page.tenant.slug, batch.pk)


@require_POST
@tenant_page("batches")
def batch_promote(page: Page, batch_id: str) -> HttpResponse:
    """Promote every approved draft of the batch to final: what "Download finals" takes."""
    batch = _batch(page, batch_id)
    _, assets = batch_results.batch_assets(page.tenant, batch.pk)
    done = selection.promote_drafts(page.tenant, assets)
    messages.success(page.request, f"Promoted {done} image{'s' if done != 1 else ''} to final: "
                                   "the finals ZIP now holds them.")
    return redirect("dashboard-batch", page.tenant.slug, batch.pk)
