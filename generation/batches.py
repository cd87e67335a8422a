"""Batches (docs/batches.md): many rows, one job each (or, for a row with packshots, one per
preset: generation/batch_packshots.py), through the rules of submit_job.

All or nothing: every row is checked (catalog, template, sources, price) and every distinct
prompt moderated before anything is written, and every error is reported with its row and
column. An accepted batch is reserved as a whole under one ledger lock, its jobs and holds
are inserted in one transaction (a COPY each on PostgreSQL: generation/bulk_insert.py), and
its messages are enqueued once that commits (in one stream: generation/bulk_enqueue.py).
Lookups (templates, uploads, the tenant's prices and policy) are made once per batch, never
per row, and rows of one shape are checked in full once (generation/batch_shapes.py), so
10,000 rows are accepted in about 3 s.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, cast

import dramatiq
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from assets.models import Asset
from billing import services as billing
from catalog.requests import JobRequest
from catalog.spec import catalog
from core import tasks
from core.errors import InvalidParameter, InvalidRequest
from generation import batch_packshots, batch_progress, services
from generation.batch_input import (
    Parsed,
    Row,
    column_for,
    errors_from,
    invalid,
    parse_csv,
    parse_items,
    row_error,
    serializer_errors,
)
from generation.batch_shapes import Shapes
from generation.bulk_enqueue import enqueue_all
from generation.bulk_insert import insert_rows
from generation.models import Batch, BrandTemplate, Job
from generation.request_serializer import JobRequestSerializer
from generation.templates import find_template
from moderation import services as moderation
from moderation.policy import for_tenant as moderation_policy
from tenants.models import ApiKey, Tenant

log = logging.getLogger("atelier.batches")
GUARDRAIL_THREADS = 8  # concurrent ApplyGuardrail calls while moderating a batch's prompts
SKU_MAX_CHARS = cast(int, Job._meta.get_field("sku").max_length)  # a CharField's: never None


class _Lookups:
    """What every row needs, read once for the batch: templates by reference, the uploads the
    rows name, the tenant's prices."""

    def __init__(self, tenant: Tenant, rows: list[Row], template: BrandTemplate | None) -> None:
        self.limits = billing.limits_for(tenant)
        self.templates: dict[str, BrandTemplate | InvalidParameter] = {}
        if template is not None:
            self.templates[str(template.pk)] = template
        self.uploads = _uploads(tenant, rows)
        self.presets = batch_packshots.Presets(tenant)

    def find(self, tenant: Tenant, ref: str) -> BrandTemplate:
        if ref not in self.templates:
            try:
                self.templates[ref] = find_template(tenant, ref)
            except InvalidParameter as exc:
                self.templates[ref] = exc
        found = self.templates[ref]
        if isinstance(found, InvalidParameter):
            raise InvalidParameter(found.message, field=found.field)
        return found


def _uploads(tenant: Tenant, rows: list[Row]) -> dict[str, Asset]:
    """The tenant's assets the rows name (images, masks), keyed by the id as written."""
    named: dict[uuid.UUID, list[str]] = {}
    for row in rows:
        images = row.data.get("images")
        refs = [*(images if isinstance(images, list) else []), row.data.get("mask")]
        for ref in refs:
            if isinstance(ref, str):
                try:
                    named.setdefault(uuid.UUID(ref), []).append(ref)
                except ValueError:
                    continue
    found = Asset.objects.for_tenant(tenant).in_bulk(list(named))
    return {ref: asset for pk, asset in found.items() for ref in named[pk]}


Accepted = list[tuple[Row, services.PreparedJob]]


def submit_batch(tenant: Tenant, *, items: Any = None, csv_data: bytes | None = None,
                 template: str | None = None, model: str | None = None, name: str = "",
                 user: User | None = None, api_key: ApiKey | None = None) -> Batch:
    """Check every row, moderate every distinct prompt, reserve the whole batch, create its
    jobs and enqueue them after commit. Any error refuses the batch: InvalidBatch lists the
    rows at fault, QuotaExceeded says what is left; nothing is written or queued."""
    accepted, batch_template = _checked(tenant, items=items, csv_data=csv_data,
                                        template=template, model=model, user=user,
                                        api_key=api_key)
    return _create(tenant, accepted, name=name, source="json" if csv_data is None else "csv",
                   template=batch_template, user=user, api_key=api_key)


def preview_batch(tenant: Tenant, *, items: Any = None, csv_data: bytes | None = None,
                  template: str | None = None, model: str | None = None, rows: int = 10
                  ) -> dict[str, Any]:
    """submit_batch's checks with nothing written: the totals and the first `rows` rows as
    they would run (the dashboard's preview). Refuses exactly as submit_batch would, but for
    the quota, which only the reservation decides."""
    accepted, _ = _checked(tenant, items=items, csv_data=csv_data, template=template,
                           model=model, user=None, api_key=None)
    costs = [prepared.fields["estimated_cost_usd"] for _, prepared in accepted]
    return {
        "items": _rows_of(accepted), "jobs": len(accepted),
        "images": sum(p.request.n for _, p in accepted),
        "estimated_cost_usd": sum(costs, Decimal("0")),
        "rows": [{"row": row.number, "sku": row.sku, "prompt": p.request.prompt,
                  "model": p.spec.key, "n": p.request.n,
                  "estimated_cost_usd": p.fields["estimated_cost_usd"],
                  **({"preset": p.request.params["preset"]} if row.packshots else {})}
                 for row, p in accepted[:rows]],
    }


def _rows_of(accepted: Accepted) -> int:
    """The rows accepted: a row with packshots is one job per preset."""
    return len({row.number for row, _ in accepted})


def _checked(tenant: Tenant, *, items: Any, csv_data: bytes | None, template: str | None,
             model: str | None, user: User | None, api_key: ApiKey | None
             ) -> tuple[Accepted, BrandTemplate | None]:
    """Every row prepared and every distinct prompt moderated, or InvalidBatch with all the
    errors."""
    services.check_tenant_active(tenant)
    if (items is None) == (csv_data is None):
        raise InvalidRequest("items: give the rows as JSON `items` or as a CSV file",
                             field="items")
    batch_template = find_template(tenant, template) if template else None
    if model:
        catalog().get(model)  # an unknown batch model is one error, not one per row
    parsed = parse_items(items) if csv_data is None else parse_csv(csv_data, batch_template)
    lookups = _Lookups(tenant, parsed.rows, batch_template)
    accepted, errors = _check_rows(tenant, parsed, lookups, batch_template=batch_template,
                                   model=model or "", user=user, api_key=api_key)
    errors = parsed.errors + errors + _moderate(tenant, accepted, parsed.columns)
    if errors:
        raise invalid(errors)
    return accepted, batch_template


def _check_rows(tenant: Tenant, parsed: Parsed, lookups: _Lookups, *,
                batch_template: BrandTemplate | None, model: str,
                user: User | None, api_key: ApiKey | None
                ) -> tuple[Accepted, list[dict[str, Any]]]:
    """Each row through the job API's serializer and submit_job's rules (prepare_job); a row
    shaped like one accepted before it, through only what its own values change (Shapes). A
    row with packshots is one job per preset (generation.batch_packshots), at most
    ATELIER_BATCH_MAX_ROWS jobs in all."""
    serializer, shapes = _serializer(parsed.rows), Shapes()
    skus: dict[str, int] = {}
    accepted: Accepted = []
    errors: list[dict[str, Any]] = []
    jobs, most = 0, settings.ATELIER_BATCH_MAX_ROWS
    for row in parsed.rows:
        problems = _check_sku(row, skus, parsed.columns)
        variants, found = batch_packshots.variants(row, parsed.columns, lookups.presets)
        problems += found
        made = []
        for data in variants:
            prepared = shapes.prepared(data)
            if prepared is None:
                prepared, found = _prepare(tenant, row, data, serializer, lookups,
                                           parsed.columns, batch_template=batch_template,
                                           model=model, user=user, api_key=api_key)
                if prepared is not None:
                    shapes.learn(data, prepared)
                if row.packshots is not None:
                    found = batch_packshots.at_packshot(found, row, parsed.columns, data)
                problems += [error for error in found if error not in problems]
            made.append(prepared)
        if jobs <= most < jobs + len(variants):
            column = column_for("packshots", parsed.columns) if row.packshots else None
            problems.append(row_error(row.number, column, f"{column or 'batch'}: at most "
                                      f"{most} jobs in a batch (a job per row, or per packshot "
                                      "of a row); split it", "too_many_jobs"))
        jobs += len(variants)
        if problems or None in made:
            errors += problems
        else:
            accepted += [(row, prepared) for prepared in made if prepared is not None]
    return accepted, errors


def _prepare(tenant: Tenant, row: Row, data: dict[str, Any], serializer: JobRequestSerializer,
             lookups: _Lookups, columns: dict[str, str] | None, *,
             batch_template: BrandTemplate | None, model: str, user: User | None,
             api_key: ApiKey | None
             ) -> tuple[services.PreparedJob | None, list[dict[str, Any]]]:
    """One job of a row (`data`: its fields) the whole way, as POST /jobs takes it: the job,
    or the row's errors."""
    try:
        values = dict(serializer.to_internal_value(data))
    except ValidationError as exc:
        return None, serializer_errors(row.number, exc.detail, columns)
    request = JobRequest(**{**values, "images": list(values.get("images") or []),
                            "params": dict(values.get("params") or {}),
                            "slots": dict(values.get("slots") or {}),
                            "explicit": frozenset(values)})
    request.model = request.model or model
    if batch_template is not None and "template" not in data:  # null: no template
        request.template = str(batch_template.pk)
    try:
        return services.prepare_job(tenant, request, user=user, api_key=api_key,
                                    find=lookups.find, uploads=lookups.uploads,
                                    limits=lookups.limits), []
    except InvalidRequest as exc:
        return None, errors_from(row.number, exc, columns)


def _serializer(rows: list[Row]) -> JobRequestSerializer:
    """The job API's serializer with only the fields some row gives: a field no row gives
    would only yield its default, which JobRequest has too (10,000 rows check 3x faster)."""
    serializer = JobRequestSerializer()
    given = {key for row in rows for key in row.data}
    if any(row.packshots is not None for row in rows):
        given |= {"operation", "params", "template"}  # what batch_packshots.variants sets
    for name in [name for name, _ in serializer.fields.items() if name not in given]:
        del serializer.fields[name]
    return serializer


def _check_sku(row: Row, skus: dict[str, int], columns: dict[str, str] | None
               ) -> list[dict[str, Any]]:
    column = (columns or {}).get("sku", "sku")
    sku = str(row.sku) if isinstance(row.sku, int) and not isinstance(row.sku, bool) else row.sku
    if not isinstance(sku, str) or not sku.strip():
        return [row_error(row.number, column, f"{column}: required, the row's product id")]
    row.sku = sku = sku.strip()
    if len(sku) > SKU_MAX_CHARS:
        return [row_error(row.number, column, f"{column}: at most {SKU_MAX_CHARS} characters")]
    if sku in skus:
        return [row_error(row.number, column, f"{column}: {sku!r} is also row {skus[sku]}; "
                                              "each row needs its own SKU", "duplicate_sku")]
    skus[sku] = row.number
    return []


def _moderate(tenant: Tenant, accepted: Accepted, columns: dict[str, str] | None
              ) -> list[dict[str, Any]]:
    """Each distinct text checked once against the tenant's policy (read once); with Bedrock
    Guardrails configured, several checks at a time."""
    policy = moderation_policy(tenant)

    def texts(request: JobRequest) -> tuple[str, str, str]:
        return request.prompt, request.negative_prompt, request.mask_prompt or ""

    def verdict(key: tuple[str, str, str]) -> moderation.PromptBlocked | None:
        probe = JobRequest(prompt=key[0], negative_prompt=key[1], mask_prompt=key[2] or None)
        try:
            moderation.check_prompt(tenant, probe, policy=policy)
        except moderation.PromptBlocked as exc:
            return exc
        return None

    distinct = list(dict.fromkeys(texts(prepared.request) for _, prepared in accepted))
    if settings.ATELIER_GUARDRAIL_ID and len(distinct) > 1:
        with ThreadPoolExecutor(max_workers=GUARDRAIL_THREADS) as pool:
            verdicts = dict(zip(distinct, pool.map(verdict, distinct), strict=True))
    else:
        verdicts = {key: verdict(key) for key in distinct}
    errors = []
    for row, prepared in accepted:
        blocked = verdicts[texts(prepared.request)]
        if blocked is not None:
            column = column_for("prompt", columns)
            errors.append(row_error(row.number, column, blocked.message, blocked.code,
                                    policy=blocked.policy, reason=blocked.reason))
    return errors


def _create(tenant: Tenant, accepted: Accepted, *, name: str, source: str,
            template: BrandTemplate | None, user: User | None,
            api_key: ApiKey | None) -> Batch:
    now = timezone.now()
    with transaction.atomic():
        batch = Batch.objects.for_tenant(tenant).create(
            name=name[:200], template=template, source=source, items=_rows_of(accepted),
            images=sum(prepared.request.n for _, prepared in accepted),
            estimated_cost_usd=sum((p.fields["estimated_cost_usd"] for _, p in accepted),
                                   Decimal("0")),
            created_by=user, api_key=api_key)
        job_ids = [uuid.uuid4() for _ in accepted]  # the holds and the messages name them
        jobs = list(zip(job_ids, accepted, strict=True))
        insert_rows(Job, tenant, ({"id": job_id, "batch_id": batch.pk, "sku": row.sku,
                                   "enqueued_at": now, **_by_id(prepared.fields)}
                                  for job_id, (row, prepared) in jobs))
        billing.reserve_batch(tenant, [(job_id, prepared.request.n, prepared.unit_price)
                                       for job_id, (_, prepared) in jobs], insert=insert_rows)
        transaction.on_commit(lambda: enqueue_jobs(str(job_id) for job_id in job_ids))
    log.info("batch %s accepted: tenant=%s rows=%d images=%d", batch.pk, tenant.slug,
             batch.items, batch.images)
    return batch


def _by_id(fields: dict[str, Any]) -> dict[str, Any]:
    """The job's foreign keys as ids (`template_id`, …), as insert_rows writes columns."""
    found = dict(fields)
    for name in ("template", "created_by", "api_key"):
        related = found.pop(name)
        found[f"{name}_id"] = None if related is None else related.pk
    return found


def enqueue_jobs(job_ids: Iterable[str]) -> None:
    """One run_job message per job, handed to the broker in bulk (a Redis pipeline)."""
    enqueue_all(dramatiq.get_broker(),
                tasks.messages("run_job_actor", ((job_id,) for job_id in job_ids)))


# --- reading and canceling --------------------------------------------------------------------

def get_batch(tenant: Tenant, batch_id: Any) -> Batch:
    """The tenant's batch, or NotFound: another tenant's batch does not exist for this one."""
    return Batch.objects.owned_or_404(tenant, batch_id)


def describe(batch: Batch) -> dict[str, Any]:
    return batch_progress.describe_many([batch])[0]


def results(tenant: Tenant, batch: Batch) -> QuerySet[Job]:
    """The batch's jobs in SKU order (a row's packshots share its SKU: page by
    batch_results.skus), each with its approved images as `approved_assets`."""
    approved = Asset.objects.for_tenant(tenant).filter(
        moderation_status=Asset.Moderation.APPROVED).order_by("index").prefetch_related(
        "renditions")
    return Job.objects.for_tenant(tenant).filter(batch=batch).order_by("sku").prefetch_related(
        Prefetch("assets", queryset=approved, to_attr="approved_assets"))


def batch_assets(tenant: Tenant, batch_id: Any, *, stage: str | None = None
                 ) -> tuple[Batch, QuerySet[Asset]]:
    """The batch's images cleared for delivery, by SKU then index, each with its `sku`."""
    batch = get_batch(tenant, batch_id)
    assets = Asset.objects.for_tenant(tenant).filter(
        job__batch=batch, moderation_status=Asset.Moderation.APPROVED).annotate(
        sku=F("job__sku")).order_by("job__sku", "index")
    return batch, assets.filter(stage=stage) if stage else assets


def cancel_batch(tenant: Tenant, batch_id: Any) -> Batch:
    """Cancel every queued job of the batch and release their holds; running jobs finish."""
    batch = get_batch(tenant, batch_id)
    with transaction.atomic():
        canceled = Job.unscoped.filter(batch=batch, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELED, finished_at=timezone.now(), error_code="canceled",
            error_message="canceled with its batch before it started")
        released = billing.release_jobs(
            tenant, Job.unscoped.filter(batch=batch, status=Job.Status.CANCELED))
    batch_progress.complete_if_done(batch.pk)
    log.info("batch %s: %d job(s) canceled, %d image(s) released", batch.pk, canceled, released)
    batch.refresh_from_db()
    return batch
