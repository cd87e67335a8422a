"""Job rules from the outside: estimate, submit (validate, moderate the prompt, reserve,
persist, enqueue), read and cancel. Running a job is generation/runner.py."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from http import HTTPStatus
from typing import Any, TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assets.models import Asset
from billing import services as billing
from billing.models import MonthlyLimits
from catalog.requests import JobRequest, ResolvedRequest
from catalog.spec import ModelSpec, catalog
from core import events, tasks
from core.errors import AtelierError, Conflict, InvalidParameter, InvalidRequest, NotFound
from core.events import JobFellBack, JobFinished
from core.prepared import PreparedRead
from generation import batch_progress, chains, compositions, fallbacks
from generation.fallbacks import Substitution
from generation.inputs import outpaint_canvas, resolve_sources
from generation.models import BrandTemplate, Job
from generation.templates import apply_template, find_template
from moderation import services as moderation
from moderation.models import AuditEvent
from tenants.models import ApiKey, Tenant
from tenants.scoping import TenantScopeError

log = logging.getLogger("atelier.jobs")
NOT_STARTED = (Job.Status.QUEUED, Job.Status.WAITING)  # what canceling can still stop


class TenantInactive(AtelierError):
    code = "tenant_inactive"
    http_status = HTTPStatus.PAYMENT_REQUIRED


@dataclass(frozen=True)
class Estimate:
    """A dry run: what the job would cost and make, with nothing created."""

    resolved: ResolvedRequest
    estimated_cost_usd: Decimal
    quota: dict[str, Any]  # the month's usage and what is left (billing.usage)


def check_tenant_active(tenant: Tenant) -> None:
    if tenant.status != Tenant.Status.ACTIVE:
        raise TenantInactive(f"tenant: {tenant.slug!r} is {tenant.status}; jobs are not "
                             "accepted until the account is active again", field="tenant")


def with_template(tenant: Tenant, request: JobRequest, *, field: str = "slots",
                  find: Callable[[Tenant, str], BrandTemplate] = find_template
                  ) -> tuple[JobRequest, BrandTemplate | None]:
    """The request with its brand template applied (if it names one) and that template;
    `find` lets a batch look each template up once."""
    template = None
    if request.template:
        template = find(tenant, request.template)
        request = apply_template(request, template, request.slots, field=field)
    elif request.slots:
        raise InvalidParameter("slots: only with a template", field="slots")
    if not request.model:
        raise InvalidRequest("model: required (or a template that names one)", field="model")
    return request, template


def _check(tenant: Tenant, request: JobRequest, *, template: BrandTemplate | None = None,
           uploads: Mapping[str, Asset] | None = None, limits: MonthlyLimits | None = None
           ) -> tuple[ModelSpec, ResolvedRequest, Decimal, Substitution | None]:
    """The request checked and priced on its model, or on the fallback the tenant named when
    that model may not be called now (the resolved request then names the fallback)."""
    check_tenant_active(tenant)

    def validated(candidate: JobRequest) -> tuple[ModelSpec, ResolvedRequest]:
        return _validated(tenant, candidate, uploads)

    (spec, resolved), moved = fallbacks.first_callable(tenant, request, template, validated)
    return (spec, resolved, billing.estimate_cost_usd(tenant, spec, resolved, limits=limits),
            moved)


def _validated(tenant: Tenant, request: JobRequest,
               uploads: Mapping[str, Asset] | None = None) -> tuple[ModelSpec, ResolvedRequest]:
    """The request on its model, with the size it will make (from its source images)."""
    spec = catalog().get(request.model)
    resolved = compositions.resolve(
        tenant, spec.validate(request, geography=tenant.bedrock_geography))
    sources = resolve_sources(tenant, spec, request, uploads=uploads)
    return spec, replace(resolved, **_output_size(spec, resolved, sources.first_size))


class _Size(TypedDict):
    width: int
    height: int


def _output_size(spec: ModelSpec, resolved: ResolvedRequest,
                 source: tuple[int, int] | None) -> _Size:
    """The size the job will make: asked for, the source's, or the canvas to outpaint to."""
    sizing = spec.operations[resolved.request.operation].sizing
    if sizing == "output" or source is None:
        return {"width": resolved.width, "height": resolved.height}
    if sizing == "source":
        return {"width": source[0], "height": source[1]}
    target = (resolved.width, resolved.height)
    ratio = resolved.request.aspect_ratio or ""
    if ":" in ratio:  # "16:9" states the shape exactly; the nominal size only approximates it
        across, down, *_ = (int(part) for part in ratio.split(":"))
        target = (across, down)
    width, height = outpaint_canvas(source, target, exact=bool(resolved.request.size))
    limit = spec.limits.inputs.max_pixels
    if width * height > limit:
        field = "size" if resolved.request.size else "aspect_ratio"
        raise InvalidParameter(f"{field}: outpainting {source[0]}x{source[1]} to {width}x{height}"
                               f" exceeds {limit} pixels for {spec.key!r}", field=field)
    return {"width": width, "height": height}


def estimate_job(tenant: Tenant, request: JobRequest) -> Estimate:
    request, template = with_template(tenant, request)
    _, resolved, cost, _ = _check(tenant, request, template=template)
    moderation.check_prompt(tenant, request)
    return Estimate(resolved=resolved, estimated_cost_usd=cost, quota=billing.usage(tenant))


@dataclass(frozen=True)
class PreparedJob:
    """A request checked and priced, with the fields of the Job it makes; nothing written yet,
    so that a batch can check every row before it creates any."""

    request: JobRequest  # with its template applied
    spec: ModelSpec
    unit_price: Decimal  # the tenant's price of one image, what the reservation holds
    fields: dict[str, Any]


def prepare_job(tenant: Tenant, request: JobRequest, *, user: User | None = None,
                api_key: ApiKey | None = None,
                find: Callable[[Tenant, str], BrandTemplate] = find_template,
                uploads: Mapping[str, Asset] | None = None,
                limits: MonthlyLimits | None = None) -> PreparedJob:
    """Every rule of submit_job but moderation, with no write. A batch passes its caches
    (`find`, `uploads` by id, the tenant's `limits`) so that a row costs no query."""
    request, template = with_template(tenant, request, find=find)
    spec, resolved, cost, moved = _check(tenant, request, template=template, uploads=uploads,
                                         limits=limits)
    request = resolved.request  # on the fallback, when one runs instead
    seed_low, seed_high = spec.limits.seed or (0, 0)
    base_seed = request.seed if request.seed is not None else (
        max(1, seed_low) + secrets.randbelow(seed_high - max(1, seed_low) + 1)
        if seed_high else 0)
    fields = dict(
        created_by=user, api_key=api_key, model_key=spec.key, model_id=resolved.model_id,
        operation=request.operation, prompt=request.prompt,
        negative_prompt=request.negative_prompt, n=request.n, seed=request.seed,
        base_seed=base_seed, width=resolved.width, height=resolved.height,
        stage=request.stage, request=request.as_record(), params=resolved.params,
        estimated_cost_usd=cost, template=template, **(moved.job_fields() if moved else {}))
    unit_price = billing.unit_prices(tenant, spec, resolved, limits=limits)[1]
    return PreparedJob(request=request, spec=spec, unit_price=unit_price, fields=fields)


def submit_job(tenant: Tenant, request: JobRequest, *, user: User | None = None,
               api_key: ApiKey | None = None, source_asset: Asset | None = None) -> Job:
    """Validate against the catalog, moderate the prompt, estimate, persist and enqueue after
    commit.

    Bad input raises before anything is written or queued. A prompt a policy forbids is
    recorded as a `blocked` job (never queued, never charged) and raises PromptBlocked.
    """
    limits = billing.limits_for(tenant)  # read once: the price and the quota check use them
    prepared = prepare_job(tenant, request, user=user, api_key=api_key, limits=limits)
    request, fields = prepared.request, {**prepared.fields, "source_asset": source_asset}
    try:
        moderation.check_prompt(tenant, request)
    except moderation.PromptBlocked as exc:
        _record_blocked(tenant, fields, exc)
        raise
    with transaction.atomic():
        job = Job.objects.for_tenant(tenant).create(**fields, enqueued_at=timezone.now())
        billing.reserve(tenant, job, images=request.n, unit_price=prepared.unit_price,
                        limits=limits)
        transaction.on_commit(lambda: enqueue(job.pk))
        if job.requested_model:
            _announce_fallback(job)
    log.info("job.submitted", extra={"job_id": str(job.pk), "tenant": tenant.slug,
                                     "model": prepared.spec.key, "n": job.n})
    return job


def move_to_fallback(job: Job, exc: AtelierError) -> ModelSpec:
    """A queued job whose model may no longer be called (`exc` says why) moves to the
    fallback its template or tenant named, checked and priced as at submission; returns the
    fallback's spec. Without a fallback, when the fallback cannot take the job, or when the
    budget cannot hold its higher price, raises (and the job fails with that reason)."""

    def validated(candidate: JobRequest) -> tuple[ModelSpec, ResolvedRequest]:
        if candidate.model == job.model_key:
            raise exc
        return _validated(job.tenant, candidate)

    request = JobRequest(**{**job.request, "model": job.model_key})
    (spec, resolved), moved = fallbacks.first_callable(job.tenant, request, job.template,
                                                       validated)
    assert moved is not None  # `validated` refuses the job's own model
    with transaction.atomic():
        billing.reprice(job, billing.unit_prices(job.tenant, spec, resolved)[1])
        job.model_key, job.model_id, job.params = spec.key, resolved.model_id, resolved.params
        job.width, job.height = resolved.width, resolved.height
        job.request = {**job.request, "model": spec.key}
        job.estimated_cost_usd = billing.estimate_cost_usd(job.tenant, spec, resolved)
        job.requested_model, job.fallback_reason = moved.requested, moved.reason
        job.save(update_fields=["model_key", "model_id", "params", "width", "height", "request",
                                "estimated_cost_usd", "requested_model", "fallback_reason"])
        _announce_fallback(job)
    log.info("job.fallback", extra={"job_id": str(job.pk), "requested": moved.requested,
                                    "model": spec.key})
    return spec


def _announce_fallback(job: Job) -> None:
    events.publish(JobFellBack(job_id=str(job.pk), tenant_id=job.tenant_id,
                               requested=job.requested_model, model=job.model_key,
                               reason=job.fallback_reason))


def _record_blocked(tenant: Tenant, fields: dict[str, Any], exc: Any) -> Job:
    """The refused request, kept as a `blocked` job for the tenant's history and the audit."""
    with transaction.atomic():
        job = Job.objects.for_tenant(tenant).create(
            **fields, status=Job.Status.BLOCKED, error_code=exc.code, error_message=exc.message,
            finished_at=timezone.now())
        moderation.record(AuditEvent.Action.PROMPT_BLOCKED, tenant=tenant, job=job,
                          policy=exc.policy, reason=exc.reason)
        publish_finished(job, Job.Status.BLOCKED)
    exc.extra["job"] = str(job.pk)
    log.info("job %s blocked at submission by the %s policy", job.pk, exc.policy)
    return job


def enqueue(job_id: Any) -> None:
    tasks.send_now("run_job_actor", str(job_id))


# The most polled read of all (GET /api/v1/jobs/{id}): compiled once (core/prepared.py).
_JOB = PreparedRead(lambda tenant, job: Job.unscoped.filter(tenant_id=tenant, pk=job)
                    .order_by()[:1], "tenant", "job")


def get_job(tenant: Tenant, job_id: Any) -> Job:
    """The tenant's job, or NotFound (also for a malformed id): another tenant's job does not
    exist for this one."""
    if tenant is None or tenant._state.adding:
        raise TenantScopeError("get_job needs a saved tenant")
    try:
        found = _JOB.instances(Job, tenant=tenant.pk, job=job_id)
    except ValueError:
        found = []
    if not found:
        raise NotFound("job: no such job", field="job")
    return found[0]


def cancel_job(tenant: Tenant, job_id: Any) -> Job:
    """Cancel a job that has not started (queued, or waiting for the job before it) and
    release its hold; the jobs waiting for its image are canceled with it."""
    job = get_job(tenant, job_id)
    updated = Job.unscoped.filter(pk=job.pk, status__in=NOT_STARTED).update(
        status=Job.Status.CANCELED, finished_at=timezone.now(),
        error_code="canceled", error_message="canceled before it started")
    job.refresh_from_db()
    if updated:
        billing.release(job)
        chains.cancel_waiting(job, "was canceled")
        batch_progress.job_finished(job)
    if not updated and job.status != Job.Status.CANCELED:
        raise Conflict(f"status: only a queued or waiting job can be canceled; this one is "
                       f"{job.status}", field="status")
    return job


# --- running ----------------------------------------------------------------------------------


def publish_finished(job: Job, status: str) -> None:
    events.publish(JobFinished(job_id=str(job.pk), tenant_id=job.tenant_id,
                               batch_id=None if job.batch_id is None else str(job.batch_id),
                               status=status))


# --- the sweep --------------------------------------------------------------------------------


def job_assets(tenant: Tenant, job_id: Any, *, stage: str | None = None) -> tuple[Job, Any]:
    """The tenant's job and its generated assets in order (optionally of one stage)."""
    job = get_job(tenant, job_id)
    assets = job.assets.order_by("index")
    return job, assets.filter(stage=stage) if stage else assets
