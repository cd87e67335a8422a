"""Dashboard pages for making images: Generate (with a live estimate), the job's contact sheet
(filled in live), and the picked image with its refinements. Each view parses the form, calls
one service and renders; errors are the services' own messages."""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from decimal import Decimal
from typing import Any, TypeGuard

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assets import archives
from assets.job_reads import job_assets, job_renditions
from assets.models import Asset
from assets.services import get_asset, promote_asset
from assets.uploads import body_hint, create_upload, max_request_bytes
from billing.services import usage
from catalog.requests import JobRequest
from catalog.spec import catalog
from core.body_limits import limit_body
from core.errors import AtelierError, InvalidParameter
from dashboard import compliance, editor, selection
from dashboard.access import Page, tenant_page
from dashboard.cards import asset_cards, with_job_facts
from dashboard.formatting import job_state, model_name, moment, money, per_image, status_label
from generation import services
from generation.models import BrandTemplate, Job
from generation.presenters import describe_model
from generation.prompt_rules import uses
from generation.templates import find_template, slot_names

DEFAULT_MODEL = "local"


def _models() -> list[dict[str, Any]]:
    return [describe_model(spec) for spec in catalog() if spec.usable()]


def _int(data: QueryDict, name: str) -> int | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidParameter(f"{name}: expected a whole number (got {value[:20]!r})",
                               field=name) from None


def job_request_from(data: QueryDict) -> JobRequest:
    """The Generate form as a job request (the service checks it against the model)."""
    template = data.get("template") or None
    slots = {key[5:]: value for key, value in data.items()
             if key.startswith("slot_") and isinstance(value, str) and value.strip()}
    size = data.get("size", "").strip() or None
    return JobRequest(
        model=data.get("model", "").strip(), prompt=data.get("prompt", "").strip(),
        negative_prompt=data.get("negative_prompt", "").strip(), n=_int(data, "n") or 1,
        seed=_int(data, "seed"), size=size,
        aspect_ratio=None if size else (data.get("aspect_ratio") or None),
        quality=data.get("quality") or None, style=data.get("style") or None,
        template=template, slots=slots if template else {},
        stage="final" if data.get("stage") == "final" else "draft")


@tenant_page("generate")
def generate(page: Page) -> HttpResponse:
    request = page.request
    if request.method == "POST":
        try:
            job = services.submit_job(page.tenant, job_request_from(request.POST),
                                      user=page.user)
        except AtelierError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("dashboard-job", page.tenant.slug, job.pk)
    data = request.POST if request.method == "POST" else request.GET
    return page.render("dashboard/generate.html", generate_context(page, data))


def generate_context(page: Page, data: QueryDict) -> dict[str, Any]:
    """The Generate page for the form as it stands (also after the prompt assistant)."""
    templates = BrandTemplate.objects.for_tenant(page.tenant)
    template_id = data.get("template")
    chosen = templates.filter(pk=template_id).first() if _is_uuid(template_id) else None
    model_key = data.get("model") or (chosen.model_key if chosen else "") or DEFAULT_MODEL
    return {"title": "Generate", "templates": templates, "template": chosen,
            "slots": _slot_fields(chosen, data), "models": _models(), "model": _model(model_key),
            "form": data, "quota": usage(page.tenant), "uses": uses()}


def _is_uuid(value: str | None) -> TypeGuard[str]:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _model(key: str) -> dict[str, Any] | None:
    try:
        described = describe_model(catalog().get(key))
    except AtelierError:
        return None
    described["operation_words"] = [status_label(op.replace("_", " "))
                                    for op in described["operations"]]
    successor = described["lifecycle"]["successor"]
    described["successor_name"] = model_name(successor) if successor else ""
    prices = described["prices"]
    described["from_price"] = money(min(Decimal(p["usd"]) for p in prices)) if prices else "—"
    return described


def _slot_fields(template: BrandTemplate | None, data: QueryDict) -> list[dict[str, str]]:
    if template is None:
        return []
    return [{"name": name, "value": data.get(f"slot_{name}", ""),
             "default": str(template.slot_defaults.get(name, ""))}
            for name in slot_names(template.prompt)]


@tenant_page("generate")
def generate_fields(page: Page) -> HttpResponse:
    """htmx: the template's slot fields and the model's own fields, for the chosen pair."""
    data = page.request.GET
    template = None
    if data.get("template"):
        try:
            template = find_template(page.tenant, data["template"])
        except AtelierError:
            template = None
    key = data.get("model") or (template.model_key if template else "") or DEFAULT_MODEL
    return page.render("dashboard/_generate_fields.html", {
        "template": template, "slots": _slot_fields(template, data), "model": _model(key),
        "models": _models(), "form": data, "uses": uses()})


@require_POST
@tenant_page("generate")
def estimate(page: Page) -> HttpResponse:
    """htmx: the live estimate and the month's quota left, or why the job would be refused."""
    try:
        found = services.estimate_job(page.tenant, job_request_from(page.request.POST))
    except AtelierError as exc:
        quota = usage(page.tenant)
        return page.render("dashboard/_estimate.html", {"error": exc.message, "quota": quota,
                                                        "spend": _spend(quota)})
    request = found.resolved.request
    return page.render("dashboard/_estimate.html", {
        "estimate": found, "quota": found.quota, "spend": _spend(found.quota),
        "cost": money(found.estimated_cost_usd), "model_name": model_name(request.model),
        "each": money(per_image(found.estimated_cost_usd, request.n)),
        "price_is_estimate": catalog().get(request.model).price_is_estimate})


def _spend(quota: Any) -> dict[str, str] | None:
    """The month's budget and what is left of it, in money, when the tenant has a budget."""
    spend = (quota or {}).get("spend_usd") or {}
    if not spend.get("budget"):
        return None
    return {"budget": money(spend["budget"]), "left": money(spend.get("left"))}


def _job_context(page: Page, job: Job) -> dict[str, Any]:
    images = job_assets(page.tenant, job.pk)  # the API's prepared reads (assets/job_reads.py)
    made = job_renditions(page.tenant, job.pk, images)
    cards = {card["index"]: card for card in asset_cards(page, images, job=job, made=made)}
    withheld = {item["index"]: item["reason"] for item in job.withheld}
    slots = [{"index": i, "asset": cards.get(i), "withheld": withheld.get(i)}
             for i in range(job.n)]
    review = Counter(card["moderation_status"] for card in cards.values())
    state = job_state(job.status, review)
    active = not job.is_finished
    return {"job": job, "slots": slots, "active": active, "has_assets": bool(cards),
            "state": state, "poll": "1s" if active else ("5s" if state.waiting else None),
            "ready": review[Asset.Moderation.APPROVED],
            "drafts": sum(1 for card in cards.values()
                          if card["url"] and card["stage"] == Asset.Stage.DRAFT),
            "selectable": True, "facts": _job_facts(job)}


def _job_facts(job: Job) -> dict[str, Any]:
    """The job's header, in words."""
    return {"model": model_name(job.model_key),
            "operation": status_label(job.operation.replace("_", " ")),
            "size": f"{job.width}\N{MULTIPLICATION SIGN}{job.height}", "images": job.n,
            "estimate": money(job.estimated_cost_usd), "created": moment(job.created_at)}


@tenant_page("generate")
def job_page(page: Page, job_id: str) -> HttpResponse:
    job = _job(page, job_id)
    return page.render("dashboard/job.html", {"title": job.prompt[:60] or "Job",
                                              **_job_context(page, job)})


@tenant_page("generate")
def job_sheet(page: Page, job_id: str) -> HttpResponse:
    """htmx: the contact sheet, polled every second while the job runs."""
    return page.render("dashboard/_sheet.html", _job_context(page, _job(page, job_id)))


def _job(page: Page, job_id: str) -> Job:
    try:
        return services.get_job(page.tenant, job_id)
    except AtelierError:
        raise Http404("no such job") from None


def _asset(page: Page, asset_id: str) -> Asset:
    try:
        return get_asset(page.tenant, asset_id)
    except AtelierError:
        raise Http404("no such image") from None


@tenant_page("generate")
def asset_page(page: Page, asset_id: str) -> HttpResponse:
    """The editor around the picked image; `?tool=<action>` opens that action's panel."""
    asset = _asset(page, asset_id)
    return _editor_page(page, asset, tool=page.request.GET.get("tool", ""))


def _editor_page(page: Page, asset: Asset, *, tool: str = "", form: QueryDict | None = None,
                 status: int = 200, check: dict[str, Any] | None = None) -> HttpResponse:
    card = asset_cards(page, with_job_facts(Asset.objects.for_tenant(page.tenant)
                                            .filter(pk=asset.pk)), renditions=True)[0]
    tools = editor.actions(page.tenant, asset, chosen=tool, form=form) if card["url"] else []
    if tool not in {t["key"] for t in tools}:
        tool = ""
    return page.render("dashboard/asset.html", {
        "title": "Picked image", "asset": asset, "card": card, "before": _before(page, asset),
        **_derived_context(page, asset), "tools": tools, "tool": tool,
        "form": form if form is not None and tool else {}, "formats": editor.formats(),
        "chosen_formats": form.getlist("formats") if form is not None else [],
        "presets": compliance.presets(page) if card["url"] else [], "check": check,
        "threshold": money(page.tenant.confirm_edits_above_usd)}, status=status)


def _before(page: Page, asset: Asset) -> dict[str, Any] | None:
    """The image this one was made from (its job's source), as a card; None if none."""
    source_id = (Job.objects.for_tenant(page.tenant).filter(pk=asset.job_id)
                 .values_list("source_asset_id", flat=True).first()) if asset.job_id else None
    if source_id is None:
        return None
    source = Asset.objects.for_tenant(page.tenant).filter(pk=source_id).first()
    if source is None:
        return None
    card = asset_cards(page, [source])[0]
    return card if card["url"] else None


@tenant_page("generate")
def asset_derived(page: Page, asset_id: str) -> HttpResponse:
    """htmx: the jobs made from the image, polled while any of them runs."""
    asset = _asset(page, asset_id)
    return page.render("dashboard/_derived.html", _derived_context(page, asset))


def _derived_context(page: Page, asset: Asset) -> dict[str, Any]:
    jobs = list(Job.objects.for_tenant(page.tenant).filter(source_asset=asset)
                .order_by("created_at"))
    firsts: dict[Any, Asset] = {}
    for made in (Asset.objects.for_tenant(page.tenant).filter(job__in=jobs)
                 .defer("moderation").order_by("job_id", "index")):
        firsts.setdefault(made.job_id, made)
    cards = {card["id"]: card for card in asset_cards(page, list(firsts.values()))}
    rows = [{"job": job, "state": job_state(job.status), "model": model_name(job.model_key),
             "operation": status_label(job.operation.replace("_", " ")),
             "cost": money(job.estimated_cost_usd),
             "thumb": cards.get(str(firsts[job.pk].pk)) if job.pk in firsts else None}
            for job in jobs]
    return {"asset": asset, "derived": rows,
            "derived_active": any(not job.is_finished for job in jobs)}


@require_POST
@tenant_page("generate")
def asset_check(page: Page, asset_id: str) -> HttpResponse:
    """The compliance panel's answer for the preset chosen: the panel alone for htmx, else
    the editor with it filled in."""
    asset = _asset(page, asset_id)
    check = compliance.result(page, asset, page.request.POST.get("preset"))
    if page.request.headers.get("HX-Request"):
        return page.render("dashboard/_compliance.html", {"asset": asset, "check": check})
    return _editor_page(page, asset, check=check)


@require_POST
@tenant_page("generate")
def editor_estimate(page: Page, asset_id: str) -> HttpResponse:
    """htmx: an editor panel's price, notes and submit, for the form as it stands."""
    asset = _asset(page, asset_id)
    data = page.request.POST
    chosen = editor.tool(page.tenant, asset, data.get("action", ""), data)
    if chosen is None:
        raise Http404("no such edit")
    return page.render("dashboard/_editor_estimate.html", {"asset": asset, "t": chosen})


@limit_body(lambda request: max_request_bytes(), hint=body_hint)
@require_POST
@tenant_page("generate")
def refine(page: Page, asset_id: str) -> HttpResponse:
    """Start an edit: nothing runs without a painted mask where one is needed, and nothing
    above the tenant's threshold runs until its total is confirmed."""
    asset = _asset(page, asset_id)
    data = page.request.POST
    action = data.get("action", "")
    try:
        mask = _painted_mask(page, data.get("mask_data", ""))
        planned = editor.plan_from(page.tenant, asset, data, mask=mask)
        if (planned.ready and planned.needs_confirmation
                and data.get("confirm_total") != planned.confirm_token):
            messages.warning(page.request, (
                f"{planned.shown()['label']} costs {money(planned.total)}, more than the "
                f"{money(planned.threshold)} you asked to confirm: tick the confirmation and "
                "start it again. Nothing was started."))
            return _editor_page(page, asset, tool=action, form=data, status=409)
        jobs = editor.submit(page.tenant, asset, planned, user=page.user)
    except AtelierError as exc:
        messages.error(page.request, exc.message)
        return _editor_page(page, asset, tool=action, form=data, status=400)
    for note in planned.notes:
        messages.info(page.request, note)
    if len(jobs) == 1:
        return redirect("dashboard-job", page.tenant.slug, jobs[0].pk)
    messages.success(page.request, f"{len(jobs)} jobs started: they appear below as they finish.")
    return redirect("dashboard-asset", page.tenant.slug, asset.pk)


def _painted_mask(page: Page, data_url: str) -> str | None:
    """The mask painted in the browser (a PNG data URL) stored as an upload; its id."""
    if not data_url:
        return None
    header, _, payload = data_url.partition(",")
    if header != "data:image/png;base64":
        raise InvalidParameter("mask: expected a PNG painted in the browser", field="mask")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParameter("mask: not valid base64", field="mask") from None
    return str(create_upload(page.tenant, data, filename="painted-mask.png").pk)


@require_POST
@tenant_page("generate")
def promote(page: Page, asset_id: str) -> HttpResponse:
    try:
        asset = promote_asset(page.tenant, asset_id)
    except AtelierError as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-asset", page.tenant.slug, asset_id)
    messages.success(page.request, "Promoted to final: it will not expire with the drafts.")
    return redirect("dashboard-asset", page.tenant.slug, asset.pk)


@tenant_page("library")
def download(page: Page, asset_id: str) -> HttpResponse:
    """A fresh expiring link to the original, for approved images only."""
    card = asset_cards(page, [_asset(page, asset_id)])[0]
    if not card["url"]:
        raise Http404("this image is not cleared for delivery")
    return redirect(card["url"])


@tenant_page("generate")
def job_archive(page: Page, job_id: str) -> HttpResponseBase:
    """The job's approved images as a streamed ZIP; with none, back to the job with why."""
    try:
        job, assets = services.job_assets(page.tenant, job_id)
    except AtelierError:
        raise Http404("no such job") from None
    try:
        return archives.build(assets, filename=f"job-{job.pk}.zip", scope="job").response()
    except archives.EmptyArchive as exc:
        messages.error(page.request, exc.message)
        return redirect("dashboard-job", page.tenant.slug, job.pk)


@require_POST
@tenant_page("generate")
def job_promote(page: Page, job_id: str) -> HttpResponse:
    """Promote every approved draft of the job to final (what its ZIP of finals will hold)."""
    try:
        job, assets = services.job_assets(page.tenant, job_id)
    except AtelierError:
        raise Http404("no such job") from None
    done = selection.promote_drafts(page.tenant, assets)
    messages.success(page.request, f"Promoted {done} image{'s' if done != 1 else ''} to final.")
    return redirect("dashboard-job", page.tenant.slug, job.pk)
