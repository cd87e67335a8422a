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
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

import dramatiq
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from assets.models import Asset
from billing import services as billing
from catalog.requests import JobRequest
from catalog.spec import catalog
from core import tasks
from core.errors import InvalidParameter, InvalidRequest
from generation import batch_chains, batch_packshots, batch_progress, services
from generation.batch_input import (
    Parsed,
    Row,
    column_for,
    errors_from,
    import_bucket_sources,
    invalid,
    parse_csv,
    parse_items,
    row_error,
    serializer_errors,
)
from generation.batch_moderation import moderate_rows
from generation.batch_shapes import Shapes
from generation.bulk_enqueue import enqueue_all
from generation.bulk_insert import insert_rows
from generation.models import Batch, BrandTemplate, Job
from generation.request_serializer import JobRequestSerializer
from generation.templates import find_template
from tenants.models import ApiKey, Tenant

log = logging.getLogger("atelier.batches")
SKU_MAX_CHARS = cast(int, Job._meta.get_field("sku").max_length)  # a CharField's: never None


class _Lookups:
    """What every row needs, read once for the batch: templates by reference, the uploads the
    rows name (a photo in the tenant's own bucket imported as one first), the tenant's
    prices."""

    def __init__(self, tenant: Tenant, rows: list[Row], template: BrandTemplate | None,
                 columns: dict[str, str] | None) -> None:
        self.limits = billing.limits_for(tenant)
        self.templates: dict[str, BrandTemplate | InvalidParameter] = {}
        if template is not None:
            self.templates[str(template.pk)] = template
        self.source_errors = import_bucket_sources(tenant, rows, columns)
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
Chained = dict[int, int]  # a chained job's index in Accepted -> the index of the job before it


def submit_batch(tenant: Tenant, *, items: Any = None, csv_data: bytes | None = None,
                 template: str | None = None, model: str | None = None, name: str = "",
                 user: User | None = None, api_key: ApiKey | None = None) -> Batch:
    """Check every row, moderate every distinct prompt, reserve the whole batch, create its
    jobs and enqueue them after commit. Any error refuses the batch: InvalidBatch lists the
    rows at fault, QuotaExceeded says what is left; nothing is written or queued."""
    accepted, chained, batch_template = _checked(tenant, items=items, csv_data=csv_data,
                                                 template=template, model=model, user=user,
                                                 api_key=api_key)
    return _create(tenant, accepted, chained, name=name,
                   source="json" if csv_data is None else "csv", template=batch_template,
                   user=user, api_key=api_key)


def preview_batch(tenant: Tenant, *, items: Any = None, csv_data: bytes | None = None,
                  template: str | None = None, model: str | None = None, rows: int = 10
                  ) -> dict[str, Any]:
    """submit_batch's checks with nothing written: the totals and the first `rows` rows as
    they would run (the dashboard's preview). Refuses exactly as submit_batch would, but for
    the quota, which only the reservation decides."""
    accepted, _, _ = _checked(tenant, items=items, csv_data=csv_data, template=template,
                              model=model, user=None, api_key=None)
    costs = [prepared.fields["estimated_cost_usd"] for _, prepared in accepted]
    return {
        "items": _rows_of(accepted), "jobs": len(accepted),
        "images": sum(p.request.n for _, p in accepted),
        "estimated_cost_usd": sum(costs, Decimal("0")),
        "rows": [{"row": row.number, "sku": row.sku, "prompt": p.request.prompt,
                  "model": p.spec.key, "n": p.request.n,
                  "estimated_cost_usd": p.fields["estimated_cost_usd"],
                  "operation": p.request.operation, **_for_what(p.request)}
                 for row, p in accepted[:rows]],
    }


def _for_what(request: JobRequest) -> dict[str, str]:
    """What a previewed job is made for, where it says: its preset, scene or ad format."""
    if request.params.get("preset"):
        return {"preset": request.params["preset"]}
    if request.params.get("scene"):
        return {"scene": request.params["scene"]}
    if request.operation == "outpaint" and request.aspect_ratio:
        return {"format": request.aspect_ratio}
    return {}


def _rows_of(accepted: Accepted) -> int:
    """The rows accepted: a row with packshots is one job per preset."""
    return len({row.number for row, _ in accepted})


def _checked(tenant: Tenant, *, items: Any, csv_data: bytes | None, template: str | None,
             model: str | None, user: User | None, api_key: ApiKey | None
             ) -> tuple[Accepted, Chained, BrandTemplate | None]:
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
    lookups = _Lookups(tenant, parsed.rows, batch_template, parsed.columns)
    accepted, chained, errors = _check_rows(tenant, parsed, lookups,
                                            batch_template=batch_template, model=model or "",
                                            user=user, api_key=api_key)
    errors = parsed.errors + errors + moderate_rows(
        tenant, [prepared.request for _, prepared in accepted],
        [row.number for row, _ in accepted], parsed.columns)
    if errors:
        raise invalid(errors)
    return accepted, chained, batch_template


def _check_rows(tenant: Tenant, parsed: Parsed, lookups: _Lookups, *,
                batch_template: BrandTemplate | None, model: str,
                user: User | None, api_key: ApiKey | None
                ) -> tuple[Accepted, Chained, list[dict[str, Any]]]:
    """Each row through the job API's serializer and submit_job's rules (prepare_job); a row
    shaped like one accepted before it, through only what its own values change (Shapes). A
    row with packshots is one job per preset (generation.batch_packshots), a row with scenes or
    formats a chain of jobs (generation.batch_chains), at most ATELIER_BATCH_MAX_ROWS jobs in
    all. Chained: which accepted job starts from which one's image."""
    serializer, shapes = _serializer(parsed.rows), Shapes()
    skus: dict[str, int] = {}
    accepted: Accepted = []
    chained: Chained = {}
    errors: list[dict[str, Any]] = []
    jobs, most = 0, settings.ATELIER_BATCH_MAX_ROWS
    for row in parsed.rows:
        unread = lookups.source_errors.get(row.number, [])
        problems = _check_sku(row, skus, parsed.columns) + unread
        variants, found = batch_packshots.variants(row, parsed.columns, lookups.presets)
        steps, more = batch_chains.steps(row, parsed.columns, model)
        problems += found + more
        if unread:  # its photo is not an upload: its jobs cannot be checked against it
            variants, steps = [], []
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
        chain = _prepare_chain(tenant, row, steps, serializer, lookups, parsed.columns,
                               problems, model=model, user=user, api_key=api_key)
        count = len(variants) + len(steps)
        if jobs <= most < jobs + count:
            column = column_for("packshots", parsed.columns) if row.packshots else None
            problems.append(row_error(row.number, column, f"{column or 'batch'}: at most "
                                      f"{most} jobs in a batch (a job per row, or per packshot "
                                      "of a row, or per step of its scenes and formats); split "
                                      "it", "too_many_jobs"))
        jobs += count
        if problems or None in made or None in chain:
            errors += problems
            continue
        accepted += [(row, prepared) for prepared in made if prepared is not None]
        first = len(accepted)
        for step, prepared in zip(steps, chain, strict=True):
            if step.after is not None:
                chained[len(accepted)] = first + step.after
            accepted.append((row, cast(services.PreparedJob, prepared)))
    return accepted, chained, errors


def _prepare_chain(tenant: Tenant, row: Row, steps: list[batch_chains.Step],
                   serializer: JobRequestSerializer, lookups: _Lookups,
                   columns: dict[str, str] | None, problems: list[dict[str, Any]], *,
                   model: str, user: User | None, api_key: ApiKey | None
                   ) -> list[services.PreparedJob | None]:
    """The row's chain, each step checked and priced in full against a stand-in for the image
    of the step before it (adding its errors to `problems`); a chained job's record names no
    source until it gets one."""
    made: list[services.PreparedJob | None] = []
    for index, step in enumerate(steps):
        before = None if step.after is None else made[step.after]
        if step.after is not None and before is None:
            made.append(None)  # the step before it is wrong: its errors say why
            continue
        uploads = lookups.uploads if before is None else step.uploads(
            index, (before.fields["width"], before.fields["height"]), lookups.uploads)
        prepared, found = _prepare(tenant, row, step.data, serializer, lookups, columns,
                                   batch_template=None, model=model, user=user,
                                   api_key=api_key, uploads=uploads)
        if prepared is not None:
            source = (_size_of(uploads, step.data["images"][0]) if before is None
                      else (before.fields["width"], before.fields["height"]))
            found += batch_chains.nothing_to_extend(
                row, step, (prepared.fields["width"], prepared.fields["height"]), source)
        problems += [error for error in batch_chains.at_step(found, step, columns)
                     if error not in problems]
        if prepared is not None and before is not None:
            record = {k: v for k, v in prepared.fields["request"].items() if k != "images"}
            prepared = replace(prepared, fields={**prepared.fields, "request": record})
        made.append(prepared)
    return made


def _size_of(uploads: Mapping[str, Asset], ref: Any) -> tuple[int, int] | None:
    asset = uploads.get(str(ref))
    return None if asset is None else (asset.width, asset.height)


def _prepare(tenant: Tenant, row: Row, data: dict[str, Any], serializer: JobRequestSerializer,
             lookups: _Lookups, columns: dict[str, str] | None, *,
             batch_template: BrandTemplate | None, model: str, user: User | None,
             api_key: ApiKey | None, uploads: Mapping[str, Asset] | None = None
             ) -> tuple[services.PreparedJob | None, list[dict[str, Any]]]:
    """One job of a row (`data`: its fields) the whole way, as POST /jobs takes it: the job,
    or the row's errors. `uploads`: the batch's, or with a chained step's stand-in source."""
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
                                    find=lookups.find,
                                    uploads=lookups.uploads if uploads is None else uploads,
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
    if any(row.asks_chain for row in rows):  # what batch_chains.steps sets
        given |= {"model", "operation", "params", "template", "images", "aspect_ratio"}
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


def _create(tenant: Tenant, accepted: Accepted, chained: Chained, *, name: str, source: str,
            template: BrandTemplate | None, user: User | None,
            api_key: ApiKey | None) -> Batch:
    """The batch, its jobs and their holds in one transaction; only the jobs that start from
    what the row gave are enqueued (after the commit), the chained ones wait."""
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
        waiting = {index: job_ids[before] for index, before in chained.items()}
        insert_rows(Job, tenant, ({"id": job_id, "batch_id": batch.pk, "sku": row.sku,
                                   **_by_id(prepared.fields), **_start(waiting.get(index), now)}
                                  for index, (job_id, (row, prepared)) in enumerate(jobs)))
        billing.reserve_batch(tenant, [(job_id, prepared.request.n, prepared.unit_price)
                                       for job_id, (_, prepared) in jobs], insert=insert_rows)
        ready = [str(job_id) for index, job_id in enumerate(job_ids) if index not in waiting]
        transaction.on_commit(lambda: enqueue_jobs(ready))
    log.info("batch %s accepted: tenant=%s rows=%d images=%d", batch.pk, tenant.slug,
             batch.items, batch.images)
    return batch


def _start(after: uuid.UUID | None, now: Any) -> dict[str, Any]:
    """A job enqueued now, or (chained) one waiting for the job `after`: never enqueued until
    that one delivers (generation/chains.py)."""
    if after is None:
        return {"enqueued_at": now}
    return {"status": Job.Status.WAITING, "after_id": after, "enqueued_at": None}


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


def cancel_batch(tenant: Tenant, batch_id: Any) -> Batch:
    """Cancel every job of the batch that has not started (queued, or waiting for the job
    before it) and release their holds; running jobs finish."""
    batch = get_batch(tenant, batch_id)
    with transaction.atomic():
        canceled = Job.unscoped.filter(batch=batch, status__in=services.NOT_STARTED).update(
            status=Job.Status.CANCELED, finished_at=timezone.now(), error_code="canceled",
            error_message="canceled with its batch before it started")
        released = billing.release_jobs(
            tenant, Job.unscoped.filter(batch=batch, status=Job.Status.CANCELED))
    batch_progress.complete_if_done(batch.pk)
    log.info("batch %s: %d job(s) canceled, %d image(s) released", batch.pk, canceled, released)
    batch.refresh_from_db()
    return batch
