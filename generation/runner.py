"""Running a job exactly once: claim, lease, call the model, moderate, mark, store, settle.

The database row is the truth. A worker claims a job with one conditional UPDATE and holds a
lease it renews after every image; a crashed worker's lease lapses and the sweep re-enqueues
the job, which resumes at the first image that has no asset yet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from assets.models import Asset
from assets.services import store_generated_image
from billing import services as billing
from catalog.fleet import current as current_fleet
from catalog.requests import JobRequest
from catalog.spec import ModelSpec, catalog
from core import metrics
from core.errors import AtelierError
from core.logs import log_context
from generation import batch_progress, calls, chains, compositions, fanout, finishing
from generation.fallbacks import NOT_CALLABLE
from generation.models import Job, ProviderAttempt
from generation.services import enqueue, move_to_fallback, publish_finished
from moderation import policy as moderation_policy
from moderation import services as moderation
from moderation.models import AuditEvent
from provenance import marks as provenance
from providers import ratelimit
from providers.base import (
    ProviderCall,
    ProviderError,
    ProviderResult,
)
from providers.registry import adapter_for, uses_bedrock

log = logging.getLogger("atelier.jobs")


def _lease_deadline() -> Any:
    return timezone.now() + timedelta(seconds=settings.ATELIER_JOB_LEASE_SECONDS)


def claim_job(job_id: Any) -> Job | None:
    """Take the job if it is queued or its runner's lease lapsed; None if someone else has it."""
    now = timezone.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING,
                                                lease_expires_at__lt=now)
    taken = Job.unscoped.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING, lease_expires_at=_lease_deadline(),
        attempts=F("attempts") + 1, started_at=Coalesce(F("started_at"), now))
    if not taken:
        return None
    return Job.unscoped.select_related("tenant").get(pk=job_id)


def _renew_lease(job: Job) -> None:
    Job.unscoped.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        lease_expires_at=_lease_deadline())


def _lease_keeper(job: Job) -> Callable[[], None]:
    """Renew the job's lease every third of its length while its worker waits (for a rate
    limit slot): otherwise a long wait lets the sweep hand the job to a second worker, and
    both pay Bedrock for the same image (tests/reliability/test_bedrock_faults.py)."""
    every = settings.ATELIER_JOB_LEASE_SECONDS / 3
    renewed = time.monotonic()

    def keep() -> None:
        nonlocal renewed
        if time.monotonic() - renewed >= every:
            _renew_lease(job)
            renewed = time.monotonic()

    return keep


def _finish(job: Job, status: str, code: str = "", message: str = "", *,
            images: list[str] | None = None) -> None:
    """End the job and give back what it holds but did not use (withheld, failed images).
    `images`: its images' moderation statuses, when the caller read them already."""
    finished = Job.unscoped.filter(pk=job.pk, status__in=Job.ACTIVE).update(
        status=status, finished_at=timezone.now(), lease_expires_at=None,
        error_code=code, error_message=message)
    billing.release(job)
    if finished:  # this update ended the job: tell the tenant once, count its images once
        publish_finished(job, status)
        metrics.job_finished(job, status, code, images=images)
    batch_progress.job_finished(job)


def _record_attempt(job: Job, indices: list[int], call: ProviderCall, started: Any,
                    elapsed: float, waited: float, *, images: int = 0,
                    error: ProviderError | None = None) -> None:
    ProviderAttempt.objects.for_tenant(job.tenant).create(
        job=job, job_attempt=job.attempts, indices=indices, model_id=call.model_id,
        region=call.region, started_at=started, duration_ms=int(elapsed * 1000),
        waited_ms=int(waited * 1000), outcome=error.code if error else "ok",
        retryable=bool(error and error.retryable),
        http_status=error.http_status if error else None,
        request_id=error.request_id if error else "", message=error.message if error else "",
        images=images)


def _record(job: Job, model_key: str, outcome: fanout.Outcome) -> None:
    """Record a call that went out (whatever happened), and hold off the model in the call's
    Region if throttled."""
    error = outcome.error
    if error is not None and error.code == "throttled":
        ratelimit.penalize(ratelimit.limit_key(model_key, outcome.call.region))
    if outcome.started is None:
        return
    _record_attempt(job, outcome.indices, outcome.call, outcome.started, outcome.elapsed,
                    outcome.waited, error=error,
                    images=len(outcome.result.images) if outcome.result else 0)


def _calls(context: finishing.Context, planned: list[tuple[list[int], ProviderCall]],
           regions: tuple[str, ...]) -> Iterator[fanout.Outcome]:
    """The job's calls, in flight together under the model's rate limit (generation.fanout),
    their images moderated and marked where they arrive (generation.finishing). Each call
    takes a slot in the first of `regions` with room and is made in that Region."""
    job, spec = context.job, context.spec
    generate = compositions.composed(job.operation, job.params, adapter_for(spec))
    bedrock = uses_bedrock(spec)
    rpm = spec.rate_limit_rpm if bedrock else None

    def make(call: ProviderCall) -> ProviderResult:
        with metrics.provider_call(spec.key, call.region, bedrock=bedrock,
                                   model_id=call.model_id):
            return generate(call)

    def finish(indices: list[int], call: ProviderCall, result: ProviderResult
               ) -> list[finishing.Finished]:
        return finishing.finish(context, indices, call, result)

    windows = {ratelimit.limit_key(spec.key, region): region for region in regions}

    def place(call: ProviderCall, slot: ratelimit.Slot) -> ProviderCall:
        return replace(call, region=windows.get(slot.key, call.region))

    for outcome in fanout.run_calls(
            planned, threads=settings.ATELIER_PROVIDER_CALLS, make=make, finish=finish,
            wait_for_slot=lambda: ratelimit.acquire_first(list(windows), rpm), place=place,
            keepalive=_lease_keeper(job), keepalive_every=settings.ATELIER_JOB_LEASE_SECONDS / 3):
        _record(job, spec.key, outcome)
        if outcome.crash is not None:
            raise outcome.crash
        yield outcome


def run_job(job_id: Any) -> None:
    """Make the job's missing images. Safe to call any number of times, from any worker."""
    job = claim_job(job_id)
    if job is None:
        return
    with log_context(job_id=str(job.pk), tenant=job.tenant.slug, model=job.model_key,
                     operation=job.operation):
        _run_claimed(job)


def _run_claimed(job: Job) -> None:
    """run_job's work on a job it holds, inside the job's log context."""
    try:
        spec = catalog().get(job.model_key)
        # As at submission: a model retired, made unavailable or turned off since the job was
        # accepted (the daily fleet sync, an operator) is not called; the job moves to the
        # fallback its tenant named, or fails, naming why.
        try:
            regions = _regions(job, spec)
        except NOT_CALLABLE as exc:
            spec = move_to_fallback(job, exc)
            regions = _regions(job, spec)
    except AtelierError as exc:  # e.g. the model left the catalog after the job was accepted
        _settle_outcome(job, failure=ProviderError(exc.code, exc.message, retryable=False))
        return
    withheld = {item["index"] for item in job.withheld}
    done = set(job.assets.values_list("index", flat=True)) | withheld
    todo = [i for i in range(job.n) if i not in done]
    failures: list[ProviderError] = []
    try:
        planned = list(calls.plan(job, spec, todo, regions[0]))
        sources, mask = _stored_inputs(job) if job.request.get("images") else ((), None)
        context = finishing.Context(job, spec, moderation_policy.for_tenant(job.tenant), sources,
                                    mask)
        for outcome in _calls(context, planned, regions):
            if outcome.error is not None:
                failures.append(outcome.error)
            if outcome.result is not None:
                _delivered(job, outcome.indices, outcome.result, outcome.finished)
    except Exception:
        _release(job)
        raise
    # A call that may succeed later wins over one that cannot: the job is tried again and
    # resumes at its missing images, rather than ending without the ones it could still make.
    retryable = next((exc for exc in failures if exc.retryable), None)
    if retryable is not None:
        _release(job)
        raise retryable
    _settle_outcome(job, failure=failures[0] if failures else None)


def _regions(job: Job, spec: ModelSpec) -> tuple[str, ...]:
    """Where the job's calls may go now, best first: the model's Regions the fleet still
    allows, within the tenant's data residency setting (catalog.regions)."""
    return spec.check_callable(
        JobRequest(model=spec.key, operation=job.operation, stage=job.stage), current_fleet(),
        settings.AWS_REGION, geography=job.tenant.bedrock_geography)


def _delivered(job: Job, indices: list[int], result: ProviderResult,
               finished: list[finishing.Finished]) -> None:
    """Store what one call made, and keep which of its images the model withheld and why."""
    for each in finished:
        _store(job, each)
    missing = indices[len(result.images):]
    if missing:
        reasons = list(result.blocked) or ["the model returned fewer images"]
        _withhold(job, [{"index": i, "reason": reasons[min(k, len(reasons) - 1)]}
                        for k, i in enumerate(missing)])
    _renew_lease(job)


def _store(job: Job, finished: finishing.Finished) -> None:
    """Store a moderated, marked image (generation.finishing made it off this thread).

    The asset row, its moderation status and, if approved, its charge commit together: a
    worker that dies or loses its database connection in between leaves the image to be made
    again by the next attempt rather than recorded but never charged (tests/reliability). An
    image waiting in review is charged when a moderator approves it; a rejected one never is."""
    verdict = finished.verdict
    with transaction.atomic():
        asset, created = store_generated_image(
            job, finished.index, finished.image, finished.parameters,
            moderation=verdict.as_record(), asset_id=finished.asset_id,
            provenance=finished.provenance, compliance=finished.compliance)
        if created:
            asset.job = job  # the audit record names it: not read again
            moderation.apply_status(asset, verdict.status, reason="; ".join(verdict.reasons),
                                    policy=", ".join(verdict.checks),
                                    details=verdict.as_record(), job_running=True)


def _stored_inputs(job: Job
                   ) -> tuple[tuple[provenance.SourceFile, ...], provenance.SourceFile | None]:
    """The job's source images and mask as stored (not as converted for the model), for the
    Content Credentials' ingredients: an earlier Atelier image's own manifest then chains.
    Read once per run of the job, before its calls go out."""
    ids = [str(i) for i in job.request.get("images", [])]
    mask_id = str(job.request["mask"]) if job.request.get("mask") else None
    wanted = [*ids, *([mask_id] if mask_id else [])]
    found = {str(a.pk): a for a in Asset.objects.for_tenant(job.tenant).filter(pk__in=wanted)}

    def stored(asset_id: str) -> provenance.SourceFile | None:
        asset = found.get(asset_id)
        if asset is None:
            return None
        with default_storage.open(asset.storage_key, "rb") as handle:
            return provenance.SourceFile(asset_id=asset_id, data=handle.read(), fmt=asset.format)

    sources = tuple(source for source in map(stored, ids) if source is not None)
    return sources, stored(mask_id) if mask_id else None


def _withhold(job: Job, items: list[dict[str, Any]]) -> None:
    """The model's own filter withheld these images: keep which and why, and audit it."""
    job.withheld = [*job.withheld, *items]
    Job.unscoped.filter(pk=job.pk).update(withheld=job.withheld)
    moderation.record(AuditEvent.Action.OUTPUT_BLOCKED, tenant=job.tenant, job=job,
                      policy="model", reason="; ".join(dict.fromkeys(i["reason"] for i in items)),
                      details={"indices": [item["index"] for item in items]})


def _release(job: Job) -> None:
    """Let the next attempt claim the job at once instead of waiting for the lease to lapse."""
    Job.unscoped.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1))


def _settle_outcome(job: Job, *, failure: ProviderError | None = None) -> None:
    """The job's final status from what it made, what filters and moderation withheld, and
    how it failed. An image moderation rejected counts as withheld."""
    statuses = list(job.assets.values_list("index", "moderation_status"))
    made = sum(1 for _, status in statuses if status != "rejected")
    rejected = [{"index": index, "reason": "rejected by output moderation"}
                for index, status in statuses if status == "rejected"]
    reasons = "; ".join(dict.fromkeys(item["reason"] for item in [*job.withheld, *rejected]))
    blocked_prompt = failure is not None and failure.blocked and not made
    if made == job.n:
        status, code, message = Job.Status.SUCCEEDED, "", ""
    elif failure is not None:
        status = (Job.Status.BLOCKED if blocked_prompt else Job.Status.PARTIALLY_SUCCEEDED
                  if made else Job.Status.FAILED)
        code, message = failure.code, failure.message
    elif made:
        status, code = Job.Status.PARTIALLY_SUCCEEDED, "output_blocked"
        message = f"{job.n - made} of {job.n} images withheld: {reasons}"
    else:
        status, code, message = Job.Status.BLOCKED, "output_blocked", reasons
    _finish(job, status, code, message, images=[moderated for _, moderated in statuses])
    if blocked_prompt and failure is not None:
        moderation.record(AuditEvent.Action.PROMPT_BLOCKED, tenant=job.tenant, job=job,
                          policy="model", reason=failure.message)


def fail_exhausted_job(job_id: Any, reason: str) -> None:
    """Called when the queue gives up retrying: the job fails, keeping any images it made."""
    job = Job.unscoped.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    _settle_outcome(job, failure=ProviderError("retries_exhausted", reason, retryable=False))


def sweep_stale_jobs(*, orphans: bool = False) -> list[str]:
    """Re-enqueue jobs whose worker died or whose message was lost; return their ids.

    `orphans=True` (an in-process worker starting up: its queue was in memory) takes every
    queued job at once; otherwise a queued job waits ATELIER_QUEUED_TIMEOUT_SECONDS first.
    A conditional update on `enqueued_at` makes concurrent sweepers enqueue each job once.
    A `waiting` job is neither claimed nor re-sent here: it is queued when the job it starts
    from ends (generation/chains.py), and moved here only if that was missed.
    """
    now = timezone.now()
    waited_too_long = now - timedelta(seconds=settings.ATELIER_QUEUED_TIMEOUT_SECONDS)
    lapsed = Q(status=Job.Status.RUNNING, lease_expires_at__lt=now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("lease_expires_at"))
        | Q(enqueued_at__lt=waited_too_long))
    queued = Q(status=Job.Status.QUEUED)
    if not orphans:
        queued &= Q(enqueued_at__lt=waited_too_long) | Q(enqueued_at__isnull=True)
    stale = lapsed | queued
    swept = []
    for job_id in Job.unscoped.filter(stale).values_list("pk", flat=True)[:1000]:
        if Job.unscoped.filter(stale, pk=job_id).update(enqueued_at=now):
            try:
                enqueue(job_id)
            except Exception:  # the broker is down: leave the job to the next sweep, not later
                Job.unscoped.filter(pk=job_id, enqueued_at=now).update(enqueued_at=None)
                raise
            swept.append(str(job_id))
    if swept:
        log.warning("sweep re-enqueued %d job(s): %s", len(swept), ", ".join(swept[:10]))
    chains.sweep_waiting()  # a waiting job is never re-sent: it moves when the job before ends
    return swept
