"""Dashboard pages for side-by-side model trials: the list with the new-trial form (prompts one
per line, the models to compare, an optional seed, and the estimated total before submitting),
and a trial's grid (model columns, prompt rows) with favourites and "make it a template's
default". The rules are `generation.trials`' own (the same as the API's)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assets.models import Asset
from billing.services import usage
from core.errors import AtelierError, InvalidParameter
from dashboard.access import Page, tenant_page
from dashboard.cards import asset_cards, with_job_facts
from dashboard.formatting import model_name, moment, money, status_label
from generation import trials
from generation.models import BrandTemplate, Trial


def _form(data: QueryDict) -> tuple[list[str], list[str], int | None]:
    """The form's prompts (one per non-empty line), models (ticked) and seed (blank: drawn)."""
    prompts = [line.strip() for line in data.get("prompts", "").splitlines() if line.strip()]
    raw = data.get("seed", "").strip()
    try:
        seed = int(raw) if raw else None
    except ValueError:
        raise InvalidParameter(f"seed: a whole number (got {raw[:20]!r})", field="seed") from None
    return prompts, data.getlist("models"), seed


def _form_context(page: Page, data: QueryDict | None) -> dict[str, Any]:
    chosen = set(data.getlist("models")) if data is not None else set()
    return {"form": data or {}, "limits": {"prompts": trials.MAX_PROMPTS,
                                           "models": trials.MAX_MODELS},
            "models": [{"key": spec.key, "name": spec.name, "checked": spec.key in chosen,
                        "operations": ", ".join(status_label(op) for op in spec.operations)}
                       for spec in trials.trial_models(page.tenant)]}


@tenant_page("trials")
def trial_list(page: Page) -> HttpResponse:
    """GET: the trials and the form. POST: start a trial, then show its grid."""
    data = page.request.POST if page.request.method == "POST" else None
    if data is not None:
        try:
            prompts, models, seed = _form(data)
            trial = trials.submit_trial(page.tenant, prompts, models, seed, user=page.user)
        except AtelierError as exc:
            messages.error(page.request, exc.message)
        else:
            return redirect("dashboard-trial", page.tenant.slug, trial.pk)
    found = Trial.objects.for_tenant(page.tenant)[:50]
    return page.render("dashboard/trials.html", {
        "title": "Trials", "quota": usage(page.tenant), **_form_context(page, data),
        "trials": [{"trial": trial, "models": ", ".join(model_name(k) for k in trial.model_keys),
                    "cost": money(trial.estimated_cost_usd), "created": moment(trial.created_at),
                    "favourites": len(trial.favourites)} for trial in found]})


@require_POST
@tenant_page("trials")
def trial_estimate(page: Page) -> HttpResponse:
    """htmx: the estimated total and per-model totals of the form as filled, or why the trial
    would be refused."""
    context: dict[str, Any] = {}
    try:
        prompts, models, seed = _form(page.request.POST)
        if prompts and models:
            found = trials.estimate_trial(page.tenant, prompts, models, seed)
            context = {"estimate": found, "cost": money(found["estimated_cost_usd"]),
                       "per_model": [(model_name(key), money(total))
                                     for key, total in found["models"].items()]}
    except AtelierError as exc:
        context = {"error": exc.message}
    return page.render("dashboard/_trial_estimate.html", context)


def _trial(page: Page, trial_id: str) -> Trial:
    """The tenant's trial; another tenant's is a 404, as in the API."""
    trial = Trial.objects.owned(page.tenant, trial_id)
    if trial is None:
        raise Http404("no such trial")
    return trial


@tenant_page("trials")
def trial_page(page: Page, trial_id: str) -> HttpResponse:
    trial = _trial(page, trial_id)
    return page.render("dashboard/trial.html", {"title": "Trial", **_grid_context(page, trial)})


def _grid_context(page: Page, trial: Trial) -> dict[str, Any]:
    grid = trials.grid(page.tenant, trial)
    images = with_job_facts(Asset.objects.for_tenant(page.tenant).filter(
        job__trial=trial, index=0).defer("moderation"))
    cards = {card["job"]: card for card in asset_cards(page, images)}
    columns = [{"key": column.spec.key, "name": column.spec.name, "seed": column.seed,
                "operations": [status_label(op) for op in column.spec.operations],
                "total": money(column.total_usd), "charged": money(column.charged_usd)}
               for column in grid.columns]
    rows = [{"number": row + 1, "prompt": prompt,
             "cells": [None if cell is None else {
                 "row": cell.row, "column": cell.column, "job": cell.job,
                 "status": cell.job.status, "status_label": status_label(cell.job.status),
                 "card": cards.get(str(cell.job.pk)),
                 "latency": f"{cell.latency_ms / 1000:.1f} s" if cell.latency_ms is not None
                 else "—",
                 "price": money(cell.price_usd), "favourite": cell.favourite,
                 "model_name": columns[cell.column]["name"]} for cell in cells]}
            for row, (prompt, cells) in enumerate(grid.rows)]
    return {"trial": trial, "columns": columns, "rows": rows, "total": money(grid.total_usd),
            "finished": grid.finished,
            "templates": BrandTemplate.objects.for_tenant(page.tenant).filter(
                operation=trials.OPERATION)}


@require_POST
@tenant_page("trials")
def trial_favourite(page: Page, trial_id: str) -> HttpResponseBase:
    trial, data = _trial(page, trial_id), page.request.POST
    try:
        row, column = int(data.get("row", "")), int(data.get("column", ""))
        trials.set_favourite(page.tenant, trial.pk, row, column, data.get("favourite") == "1")
    except ValueError:
        messages.error(page.request, "row, column: whole numbers")
    except AtelierError as exc:
        messages.error(page.request, exc.message)
    return redirect("dashboard-trial", page.tenant.slug, trial.pk)


@require_POST
@tenant_page("trials")
def trial_adopt(page: Page, trial_id: str) -> HttpResponseBase:
    trial, data = _trial(page, trial_id), page.request.POST
    try:
        template = trials.adopt_model(page.tenant, trial.pk, data.get("model", ""),
                                      data.get("template", ""))
    except AtelierError as exc:
        messages.error(page.request, exc.message)
    else:
        messages.success(page.request, f"{model_name(template.model_key)} is now the default "
                                       f"model of the template “{template.name}”.")
    return redirect("dashboard-trial", page.tenant.slug, trial.pk)
