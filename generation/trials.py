"""Side-by-side model trials: the same few prompts on several models, with one seed, run as
one group, to compare quality, editing support and price before choosing a model.

A trial is one job per cell (prompt row x model column), each through the rules of submit_job
(catalog, price, moderation), accepted all or nothing: every cell is checked and every prompt
moderated before anything is written, and the whole group is held against the month's quota
and budget under one ledger lock (billing.reserve_batch), so a trial that does not fit leaves
no job, no hold and no message. It costs exactly the sum of its jobs.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing import services as billing
from billing.models import UsageEvent
from catalog.fleet import current as current_fleet
from catalog.requests import JobRequest
from catalog.spec import ModelSpec, catalog
from core.errors import AtelierError, InvalidParameter, InvalidRequest
from core.money import money
from generation import batches, services, templates
from generation.models import BrandTemplate, Job, ProviderAttempt, Trial
from moderation import services as moderation
from moderation.policy import for_tenant as moderation_policy
from tenants.models import ApiKey, Tenant

log = logging.getLogger("atelier.trials")

MAX_PROMPTS = 10
MAX_MODELS = 6
OPERATION = "text_to_image"
SEED_RANGE = (0, 4294967295)  # what a trial takes; each model gets it clamped into its own
DRAWN_SEEDS = (1, 2147483646)  # a drawn seed fits every seeded model's range unchanged


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    prepared: services.PreparedJob

    @property
    def price(self) -> Decimal:
        return Decimal(self.prepared.fields["estimated_cost_usd"])


@dataclass(frozen=True)
class Plan:
    """A trial checked, priced and moderated, with nothing written."""

    prompts: list[str]
    models: list[ModelSpec]
    seed: int
    cells: list[Cell]

    @property
    def total(self) -> Decimal:
        return sum((cell.price for cell in self.cells), Decimal("0"))

    def model_totals(self) -> dict[str, Decimal]:
        totals = {spec.key: Decimal("0") for spec in self.models}
        for cell in self.cells:
            totals[self.models[cell.column].key] += cell.price
        return totals


def trial_models(tenant: Tenant) -> list[ModelSpec]:
    """The models a trial may compare for this tenant: those that make an image from text and
    may be called now (lifecycle, the synced fleet, the tenant's data residency)."""
    fleet = current_fleet()
    found = []
    for spec in catalog():
        if OPERATION not in spec.operations:
            continue
        try:
            spec.check_callable(JobRequest(model=spec.key), fleet, settings.AWS_REGION,
                                geography=tenant.bedrock_geography)
        except AtelierError:
            continue
        found.append(spec)
    return found


def model_seed(spec: ModelSpec, seed: int) -> int | None:
    """The trial's seed as this model takes it: clamped into its range; None without one."""
    if spec.limits.seed is None:
        return None
    low, high = spec.limits.seed
    return min(max(seed, low), high)


def plan_trial(tenant: Tenant, prompts: Any, models: Any, seed: Any = None, *,
               user: User | None = None, api_key: ApiKey | None = None) -> Plan:
    """Every rule of submit_trial, with no write: the shape (1-10 prompts, 1-6 distinct
    models that make images from text and may be called), each cell through prepare_job, and
    each distinct prompt through moderation. Errors name the field: `prompts[2]`, `models[1]`."""
    services.check_tenant_active(tenant)
    prompts = _prompts(prompts)
    specs = _models(tenant, models)
    seed = _seed(seed)
    cells = []
    limits = billing.limits_for(tenant)
    for column, spec in enumerate(specs):
        for row, prompt in enumerate(prompts):
            request = JobRequest(model=spec.key, operation=OPERATION, prompt=prompt, n=1,
                                 seed=model_seed(spec, seed),
                                 explicit=frozenset({"model", "operation", "prompt", "n",
                                                     "seed"}))
            try:
                prepared = services.prepare_job(tenant, request, user=user, api_key=api_key,
                                                limits=limits)
            except AtelierError as exc:
                raise _at(exc, f"models[{column}]" if exc.field == "model"
                          else f"prompts[{row}]", f"on {spec.key!r}") from None
            cells.append(Cell(row=row, column=column, prepared=prepared))
    policy = moderation_policy(tenant)
    for row, prompt in enumerate(prompts):
        try:
            moderation.check_prompt(tenant, JobRequest(prompt=prompt), policy=policy)
        except moderation.PromptBlocked as exc:
            raise _at(exc, f"prompts[{row}]") from None
    return Plan(prompts=prompts, models=specs, seed=seed, cells=cells)


def estimate_trial(tenant: Tenant, prompts: Any, models: Any, seed: Any = None
                   ) -> dict[str, Any]:
    """What the trial would cost, in total and per model, and the month's quota before it."""
    plan = plan_trial(tenant, prompts, models, seed)
    return {"jobs": len(plan.cells), "images": len(plan.cells),
            "estimated_cost_usd": plan.total, "models": plan.model_totals(),
            "quota": billing.usage(tenant)}


def submit_trial(tenant: Tenant, prompts: Any, models: Any, seed: Any = None, *,
                 user: User | None = None, api_key: ApiKey | None = None) -> Trial:
    """Check every cell, hold the whole group, create the trial and its jobs, and enqueue
    them once that commits. Any refusal (a bad field, a blocked prompt, QuotaExceeded) leaves
    nothing written, held or queued."""
    plan = plan_trial(tenant, prompts, models, seed, user=user, api_key=api_key)
    now = timezone.now()
    with transaction.atomic():
        trial = Trial.objects.for_tenant(tenant).create(
            prompts=plan.prompts, model_keys=[spec.key for spec in plan.models],
            seed=plan.seed, estimated_cost_usd=plan.total, created_by=user, api_key=api_key)
        jobs = Job.objects.for_tenant(tenant).bulk_create([
            Job(tenant=tenant, **cell.prepared.fields, enqueued_at=now, trial=trial,
                trial_row=cell.row, trial_column=cell.column) for cell in plan.cells])
        try:
            billing.reserve_batch(tenant, [(job.pk, 1, cell.prepared.unit_price)
                                           for job, cell in zip(jobs, plan.cells, strict=True)])
        except billing.QuotaExceeded as exc:
            raise _quota_refusal(exc, plan) from None
        job_ids = [str(job.pk) for job in jobs]
        transaction.on_commit(lambda: batches.enqueue_jobs(job_ids))
    log.info("trial %s accepted: tenant=%s prompts=%d models=%s", trial.pk, tenant.slug,
             len(plan.prompts), ",".join(trial.model_keys))
    return trial


def _quota_refusal(exc: billing.QuotaExceeded, plan: Plan) -> billing.QuotaExceeded:
    """The ledger's refusal told as the trial's: what the whole group needs, what is left."""
    shape = f"{len(plan.prompts)} prompt(s) x {len(plan.models)} model(s)"
    if "images_left" in exc.extra:
        message = (f"prompts: this trial makes {len(plan.cells)} images ({shape}); "
                   f"{exc.extra['images_left']} left this month")
    else:
        message = (f"prompts: this trial costs {money(plan.total)} ({shape}); "
                   f"{money(exc.extra.get('budget_left_usd', '0'))} left of this month's "
                   "budget")
    return billing.QuotaExceeded(message, field="prompts", code=exc.code, extra=exc.extra)


def _at(exc: AtelierError, field: str, where: str = "") -> AtelierError:
    """`exc` told at the trial's own field (`prompts[2]`), keeping its class, code and extra."""
    message = exc.message
    if exc.field and message.startswith(f"{exc.field}: "):
        message = message[len(exc.field) + 2:]
    message = f"{field}: {message}" + (f" ({where})" if where else "")
    moved = type(exc).__new__(type(exc))  # not the constructor: subclasses take other arguments
    moved.__dict__.update(exc.__dict__, message=message, field=field)
    Exception.__init__(moved, message)
    return moved


def _prompts(prompts: Any) -> list[str]:
    if not isinstance(prompts, list | tuple) or not prompts:
        raise InvalidRequest("prompts: a list of 1 to 10 prompts", field="prompts")
    if len(prompts) > MAX_PROMPTS:
        raise InvalidParameter(f"prompts: at most {MAX_PROMPTS} (got {len(prompts)})",
                               field="prompts")
    found = []
    for index, prompt in enumerate(prompts):
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidParameter(f"prompts[{index}]: required, the text of an image",
                                   field=f"prompts[{index}]")
        found.append(prompt.strip())
    return found


def _models(tenant: Tenant, models: Any) -> list[ModelSpec]:
    if not isinstance(models, list | tuple) or not models:
        raise InvalidRequest("models: a list of 1 to 6 model keys", field="models")
    if len(models) > MAX_MODELS:
        raise InvalidParameter(f"models: at most {MAX_MODELS} (got {len(models)})",
                               field="models")
    fleet, found = current_fleet(), []
    seen: dict[str, int] = {}
    for index, key in enumerate(models):
        field = f"models[{index}]"
        if not isinstance(key, str) or not key:
            raise InvalidParameter(f"{field}: a model key", field=field)
        if key in seen:
            raise InvalidParameter(f"{field}: {key!r} is also models[{seen[key]}]; each model "
                                   "once", field=field)
        seen[key] = index
        try:
            spec = catalog().get(key)
            if OPERATION not in spec.operations:
                raise InvalidParameter(f"model: {key!r} does not make images from text "
                                       f"({OPERATION}); a trial compares models that do",
                                       field="model")
            spec.check_callable(JobRequest(model=key), fleet, settings.AWS_REGION,
                                geography=tenant.bedrock_geography)
        except AtelierError as exc:
            raise _at(exc, field) from None
        found.append(spec)
    return found


def _seed(seed: Any) -> int:
    if seed is None:
        low, high = DRAWN_SEEDS
        return low + secrets.randbelow(high - low + 1)
    low, high = SEED_RANGE
    if isinstance(seed, bool) or not isinstance(seed, int) or not low <= seed <= high:
        raise InvalidParameter(f"seed: a whole number from {low} to {high}", field="seed")
    return seed


# --- reading --------------------------------------------------------------------------------

def get_trial(tenant: Tenant, trial_id: Any) -> Trial:
    """The tenant's trial, or NotFound: another tenant's trial does not exist for this one."""
    return Trial.objects.owned_or_404(tenant, trial_id)


@dataclass(frozen=True)
class GridCell:
    row: int
    column: int
    job: Job
    latency_ms: int | None  # from its first provider call's start to its last one's end
    price_usd: Decimal  # the job's price (what it holds, and is charged if delivered)
    charged_usd: Decimal  # what its delivered images were charged so far
    favourite: bool


@dataclass(frozen=True)
class GridColumn:
    spec: ModelSpec
    total_usd: Decimal  # the sum of its cells' prices
    charged_usd: Decimal
    seed: int | None


@dataclass(frozen=True)
class Grid:
    trial: Trial
    columns: list[GridColumn]
    rows: list[tuple[str, list[GridCell | None]]]  # each prompt and its cells, by column

    @property
    def total_usd(self) -> Decimal:
        return sum((column.total_usd for column in self.columns), Decimal("0"))

    @property
    def finished(self) -> bool:
        return all(cell is None or cell.job.is_finished for _, cells in self.rows
                   for cell in cells)


def grid(tenant: Tenant, trial: Trial) -> Grid:
    """The trial as a grid, model columns by prompt rows, in four queries whatever its size."""
    jobs = list(Job.objects.for_tenant(tenant).filter(trial=trial))
    latency = _latencies(tenant, trial)
    charged = dict(UsageEvent.objects.for_tenant(tenant).filter(job__trial=trial)
                   .values("job_id").annotate(total=Sum("price_usd"))
                   .values_list("job_id", "total"))
    favourites = {tuple(pair) for pair in trial.favourites}
    by_cell = {(job.trial_row, job.trial_column): job for job in jobs}
    rows: list[tuple[str, list[GridCell | None]]] = []
    totals = [Decimal("0")] * len(trial.model_keys)
    spent = [Decimal("0")] * len(trial.model_keys)
    for row, prompt in enumerate(trial.prompts):
        cells: list[GridCell | None] = []
        for column in range(len(trial.model_keys)):
            job = by_cell.get((row, column))
            if job is None:
                cells.append(None)
                continue
            cell = GridCell(row=row, column=column, job=job, latency_ms=latency.get(job.pk),
                            price_usd=job.estimated_cost_usd,
                            charged_usd=charged.get(job.pk) or Decimal("0"),
                            favourite=(row, column) in favourites)
            totals[column] += cell.price_usd
            spent[column] += cell.charged_usd
            cells.append(cell)
        rows.append((prompt, cells))
    columns = [GridColumn(spec=catalog().get(key), total_usd=totals[i], charged_usd=spent[i],
                          seed=model_seed(catalog().get(key), trial.seed))
               for i, key in enumerate(trial.model_keys)]
    return Grid(trial=trial, columns=columns, rows=rows)


def _latencies(tenant: Tenant, trial: Trial) -> dict[Any, int]:
    """Each job's time at the model: its first provider call's start to its last call's end
    (retries included), in milliseconds."""
    spans: dict[Any, list[Any]] = {}
    for job_id, started, duration in (ProviderAttempt.objects.for_tenant(tenant)
                                      .filter(job__trial=trial)
                                      .values_list("job_id", "started_at", "duration_ms")):
        ended = started + timedelta(milliseconds=duration)
        span = spans.setdefault(job_id, [started, ended])
        span[0], span[1] = min(span[0], started), max(span[1], ended)
    return {job_id: round((end - start).total_seconds() * 1000)
            for job_id, (start, end) in spans.items()}


# --- favourites and the winner ---------------------------------------------------------------

def set_favourite(tenant: Tenant, trial_id: Any, row: Any, column: Any,
                  favourite: bool = True) -> Trial:
    """Mark (or unmark) one cell as a favourite; marking twice changes nothing."""
    with transaction.atomic():
        trial = Trial.objects.for_tenant(tenant).select_for_update().filter(
            pk=get_trial(tenant, trial_id).pk).get()
        row, column = _cell(trial, row, column)
        marked = [pair for pair in trial.favourites if tuple(pair) != (row, column)]
        if favourite:
            marked = sorted([*marked, [row, column]])
        trial.favourites = marked
        trial.save(update_fields=["favourites"])
    return trial


def _cell(trial: Trial, row: Any, column: Any) -> tuple[int, int]:
    for name, value, size in (("row", row, len(trial.prompts)),
                              ("column", column, len(trial.model_keys))):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
            raise InvalidParameter(f"{name}: a whole number from 0 to {size - 1}", field=name)
    return row, column


def adopt_model(tenant: Tenant, trial_id: Any, model: Any, template_id: Any
                ) -> BrandTemplate:
    """Make the trial's winner the default model of one of the tenant's brand templates. Only
    a model the trial compared; another tenant's template does not exist for this one."""
    trial = get_trial(tenant, trial_id)
    if not isinstance(model, str) or model not in trial.model_keys:
        raise InvalidParameter(f"model: one of the trial's models "
                               f"({', '.join(trial.model_keys)})", field="model")
    template = BrandTemplate.objects.owned_or_404(tenant, template_id)
    if template.operation != OPERATION:
        raise InvalidParameter(f"template: {template.name!r} is a {template.operation} "
                               f"template; a trial compares {OPERATION}", field="template")
    template = templates.update_template(tenant, template.pk, model_key=model)
    log.info("trial %s: %s is now the default of template %s", trial.pk, model, template.pk)
    return template
