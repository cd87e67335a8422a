"""Money rules (docs/billing.md): the estimate of a job, the reservation that holds it against the
tenant's month, one usage event per delivered image, and the release of what was not used.

The tenant's monthly ledger row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
IMMEDIATE transactions serialize writers) for every change, so concurrent submissions can
never overshoot a quota and retries can never charge twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from billing import stripe_sync
from billing.credits import check_alerts
from billing.models import (
    CreditAllocation,
    CreditPool,
    Ledger,
    MonthlyLimits,
    Reservation,
    UsageEvent,
)
from catalog.requests import ResolvedRequest
from catalog.spec import ModelSpec, catalog
from core import metrics
from core.errors import AtelierError
from core.money import money
from core.prepared import PreparedRead
from tenants.models import Tenant

if TYPE_CHECKING:
    from assets.models import Asset


class Job(Protocol):
    """What billing reads of a job; generation's Job model is one (billing sits below it)."""

    pk: Any
    tenant: Tenant
    model_key: str
    request: dict[str, Any]
    width: int
    height: int

PRECISION = Decimal("0.0001")  # job estimates keep sub-cent unit prices exact


class QuotaExceeded(AtelierError):
    code = "quota_exceeded"
    http_status = HTTPStatus.PAYMENT_REQUIRED


def current_month() -> str:
    return timezone.now().strftime("%Y-%m")


# Read on every submission: compiled once (core/prepared.py).
_LIMITS = PreparedRead(lambda tenant: MonthlyLimits.objects.filter(tenant_id=tenant)[:1],
                       "tenant")


def limits_for(tenant: Tenant) -> MonthlyLimits:
    """The tenant's monthly limits and prices (the defaults when it has no row)."""
    found = _LIMITS.instances(MonthlyLimits, tenant=tenant.pk)
    return found[0] if found else MonthlyLimits(tenant=tenant)


def unit_prices(tenant: Tenant, spec: ModelSpec, resolved: ResolvedRequest, *,
                limits: MonthlyLimits | None = None) -> tuple[Decimal, Decimal]:
    """(AWS cost, the tenant's price) of one image of this request; a batch passes the
    tenant's `limits`, read once."""
    cost = spec.unit_cost_usd(resolved.request.quality, resolved.width * resolved.height)
    limits = limits_for(tenant) if limits is None else limits
    fixed = limits.model_prices.get(spec.key)
    price = Decimal(str(fixed)) if fixed is not None else cost * limits.price_multiplier
    return cost, price.quantize(PRECISION)


def estimate_cost_usd(tenant: Tenant, spec: ModelSpec, resolved: ResolvedRequest, *,
                      limits: MonthlyLimits | None = None) -> Decimal:
    """What the tenant would pay for the whole request."""
    price = unit_prices(tenant, spec, resolved, limits=limits)[1]
    return (price * resolved.request.n).quantize(PRECISION)


def set_monthly_limits(tenant: Tenant, *, images: int | None,
                       budget_usd: Decimal | None) -> MonthlyLimits:
    limits, _ = MonthlyLimits.objects.update_or_create(
        tenant=tenant, defaults={"images": images, "budget_usd": budget_usd})
    return limits


def _locked_ledger(tenant: Tenant, month: str) -> Ledger:
    ledgers = Ledger.objects.for_tenant(tenant)
    ledger = ledgers.select_for_update().filter(month=month).first()
    if ledger is None:  # the month's first change
        ledgers.get_or_create(month=month)  # races end in one row (unique; savepoint inside)
        ledger = ledgers.select_for_update().get(month=month)
    return ledger


def reserve(tenant: Tenant, job: Job, *, images: int, unit_price: Decimal,
            limits: MonthlyLimits | None = None) -> Reservation:
    """Hold the job's images and price against this month; QuotaExceeded if they don't fit.
    `limits`: the tenant's, when the caller read them already (limits_for).

    Must run inside the transaction that creates the job, so a refusal leaves nothing. The
    hold is inserted before the ledger lock is taken: other submissions wait only for the
    check and the ledger's update.
    """
    month = current_month()
    amount = (unit_price * images).quantize(PRECISION)
    reservation = Reservation.objects.for_tenant(tenant).create(
        job_id=job.pk, month=month, images=images, unit_price_usd=unit_price)
    _hold(tenant, month, images, amount, field="n", what="this job", limits=limits)
    return reservation


# Writes many rows of a tenant at once (a batch passes its COPY writer): model, tenant, rows
# of field values, each row's other fields at their defaults.
InsertRows = Callable[[type[Reservation], Tenant, list[dict[str, Any]]], object]


def reserve_batch(tenant: Tenant, holds: Sequence[tuple[Any, int, Decimal]], *,
                  insert: InsertRows | None = None) -> int:
    """Hold a whole batch at once — (job id, images, unit price) each: one Reservation per job,
    so that each job settles and releases on its own, then one ledger lock and one check of the
    total; the number of holds. Must run inside the transaction that creates the jobs, so a
    refusal leaves nothing. The holds are inserted (by `insert`, else bulk_create) before the
    lock is taken: other submissions wait only for the check.
    """
    month = current_month()
    rows = [{"job_id": job_id, "month": month, "images": count, "unit_price_usd": price}
            for job_id, count, price in holds]
    if insert is None:
        Reservation.objects.for_tenant(tenant).bulk_create(
            [Reservation(tenant_id=tenant.pk, **row) for row in rows], batch_size=1000)
    else:
        insert(Reservation, tenant, rows)
    images = sum(count for _, count, _ in holds)
    amount = sum(((price * count).quantize(PRECISION) for _, count, price in holds),
                 Decimal("0"))
    _hold(tenant, month, images, amount, field="items", what="this batch")
    return len(rows)


def _hold(tenant: Tenant, month: str, images: int, amount: Decimal, *, field: str,
          what: str, limits: MonthlyLimits | None = None) -> None:
    """Add to the month's held images and spend under the ledger lock; QuotaExceeded (naming
    what is left) when the quota or the budget would be overshot.

    First as one conditional UPDATE (the check in its WHERE, evaluated under the row lock the
    UPDATE takes until the commit): the usual case is a single statement. When it changes no
    row (the month's first hold, or a refusal), the ledger is locked and read to create the
    row or to say what is left."""
    limits = limits_for(tenant) if limits is None else limits
    fits = Q()
    if limits.images is not None:
        fits &= Q(used_images__lte=limits.images - images - F("reserved_images"))
    if limits.budget_usd is not None:
        fits &= Q(used_usd__lte=limits.budget_usd - amount - F("reserved_usd"))
    if Ledger.objects.for_tenant(tenant).filter(fits, month=month).update(
            reserved_images=F("reserved_images") + images,
            reserved_usd=F("reserved_usd") + amount):
        return
    ledger = _locked_ledger(tenant, month)
    if limits.images is not None:
        left = limits.images - ledger.used_images - ledger.reserved_images
        if images > left:
            metrics.quota_refused("images")
            raise QuotaExceeded(
                f"{field}: {images} image(s) asked for, {max(left, 0)} left of {limits.images} "
                f"this month", field=field, extra={"images_left": max(left, 0), "month": month})
    if limits.budget_usd is not None:
        left_usd = limits.budget_usd - ledger.used_usd - ledger.reserved_usd
        if amount > left_usd:
            metrics.quota_refused("budget")
            raise QuotaExceeded(
                f"{field}: {what} costs {money(amount)}, {money(max(left_usd, Decimal(0)))} "
                f"left of {money(limits.budget_usd)} this month", field=field,
                code="budget_exceeded",
                extra={"budget_left_usd": str(max(left_usd, Decimal(0))), "month": month})
    Ledger.unscoped.filter(pk=ledger.pk).update(
        reserved_images=ledger.reserved_images + images,
        reserved_usd=ledger.reserved_usd + amount)


def settle(job: Job, index: int, *, aws_cost_usd: Decimal) -> bool:
    """Charge one delivered image, once: False when it was already charged."""
    with transaction.atomic():
        reservation = Reservation.objects.for_tenant(job.tenant).select_for_update().filter(
            job_id=job.pk).first()
        if reservation is None:  # a job accepted before billing existed: nothing held
            return False
        price = reservation.unit_price_usd
        event, created = UsageEvent.objects.for_tenant(job.tenant).get_or_create(
            job_id=job.pk, index=index, defaults={
                "month": reservation.month, "model_key": job.model_key,
                "aws_cost_usd": aws_cost_usd, "price_usd": price})
        if not created:
            return False
        ledger = _locked_ledger(job.tenant, reservation.month)
        held = 1 if reservation.images > 0 else 0
        Reservation.unscoped.filter(pk=reservation.pk).update(images=reservation.images - held)
        Ledger.unscoped.filter(pk=ledger.pk).update(
            reserved_images=ledger.reserved_images - held,
            reserved_usd=ledger.reserved_usd - price * held,
            used_images=ledger.used_images + 1, used_usd=ledger.used_usd + price,
            aws_cost_usd=ledger.aws_cost_usd + aws_cost_usd)
        draw_credits(event)
        stripe_sync.queue_report(event)
        transaction.on_commit(partial(metrics.charged, job.model_key, aws_cost_usd))
    return True


def charge_delivery(asset: Asset) -> bool:
    """Charge a generated image when it becomes deliverable (approved by moderation or by a
    moderator), once: an image waiting in review or rejected is not delivered, so not charged.
    False when it was already charged (or its job holds nothing)."""
    job = asset.job
    # Only a job's images are charged (billing.receivers checks the event's job_id), and each
    # has its index within the job.
    assert job is not None and asset.index is not None
    try:  # AWS's price on the day the image was made, which may be before its approval
        aws_cost = catalog().get(job.model_key).unit_cost_usd(
            job.request.get("quality"), job.width * job.height, on=asset.created_at.date())
    except AtelierError:  # the model left the catalog since: its AWS cost is no longer known
        aws_cost = Decimal("0")
    return settle(job, asset.index, aws_cost_usd=aws_cost)


def draw_credits(event: UsageEvent) -> list[CreditAllocation]:
    """Pay the event's AWS cost from the credit pools active today: by priority, then the
    earliest expiry; one event may be split across pools. Pools are locked while drawn."""
    today = timezone.now().date()
    owed = event.aws_cost_usd
    allocations = []
    pools = CreditPool.objects.select_for_update().filter(starts_on__lte=today,
                                                          expires_on__gte=today)
    for pool in pools:
        if owed <= 0:
            break
        take = min(owed, pool.remaining_usd)
        if take <= 0:
            continue
        CreditPool.objects.filter(pk=pool.pk).update(used_usd=pool.used_usd + take)
        allocations.append(CreditAllocation.objects.create(event=event, pool=pool,
                                                           amount_usd=take))
        owed -= take
        transaction.on_commit(partial(check_alerts, pool, tenant=event.tenant.slug))
    return allocations


def reprice(job: Job, unit_price: Decimal) -> None:
    """Hold what the job still holds at a new price per image (it moved to a fallback model);
    QuotaExceeded when a higher price no longer fits the month's budget. Inside the caller's
    transaction, so a refusal changes nothing."""
    reservation = Reservation.objects.for_tenant(job.tenant).select_for_update().filter(
        job_id=job.pk, status=Reservation.Status.HELD).first()
    if reservation is None or reservation.unit_price_usd == unit_price:
        return
    # As release() gives it back: unit price x images held.
    change = (unit_price - reservation.unit_price_usd) * reservation.images
    if change > 0:
        _hold(job.tenant, reservation.month, 0, change, field="model",
              what="this job at its fallback model's price")
    elif change < 0:
        ledger = _locked_ledger(job.tenant, reservation.month)
        Ledger.unscoped.filter(pk=ledger.pk).update(reserved_usd=ledger.reserved_usd + change)
    Reservation.unscoped.filter(pk=reservation.pk).update(unit_price_usd=unit_price)


def release(job: Job) -> int:
    """Give back what the job still holds (blocked, failed, canceled or withheld images);
    returns the images released. Safe to call more than once."""
    with transaction.atomic():
        reservation = Reservation.objects.for_tenant(job.tenant).select_for_update().filter(
            job_id=job.pk, status=Reservation.Status.HELD).first()
        if reservation is None:
            return 0
        images = reservation.images
        if images:  # a job whose every image was charged holds nothing: no ledger lock
            ledger = _locked_ledger(job.tenant, reservation.month)
            Ledger.unscoped.filter(pk=ledger.pk).update(
                reserved_images=ledger.reserved_images - images,
                reserved_usd=ledger.reserved_usd - reservation.unit_price_usd * images)
        Reservation.unscoped.filter(pk=reservation.pk).update(
            images=0, status=Reservation.Status.CLOSED)
    return images


def release_jobs(tenant: Tenant, jobs: QuerySet[Any]) -> int:
    """release() for many jobs at once (a canceled batch): one lock per ledger month instead
    of one transaction per job; returns the images released."""
    with transaction.atomic():
        holding = Reservation.objects.for_tenant(tenant).filter(
            job__in=jobs.values("pk"), status=Reservation.Status.HELD)
        held = list(holding.select_for_update())
        by_month: dict[str, tuple[int, Decimal]] = {}
        for reservation in held:
            images, usd = by_month.get(reservation.month, (0, Decimal("0")))
            by_month[reservation.month] = (images + reservation.images,
                                           usd + reservation.unit_price_usd * reservation.images)
        for month, (images, usd) in sorted(by_month.items()):
            ledger = _locked_ledger(tenant, month)
            Ledger.unscoped.filter(pk=ledger.pk).update(
                reserved_images=ledger.reserved_images - images,
                reserved_usd=ledger.reserved_usd - usd)
        holding.update(images=0, status=Reservation.Status.CLOSED)
    return sum(images for images, _ in by_month.values())


def usage(tenant: Tenant, month: str | None = None) -> dict[str, Any]:
    """The tenant's month: images and spend used, held for running jobs, and left."""
    month = month or current_month()
    ledger = Ledger.objects.for_tenant(tenant).filter(month=month).first() or Ledger(
        tenant=tenant, month=month)
    limits = limits_for(tenant)

    def left(limit: Any, used: Any, held: Any) -> Any:
        return None if limit is None else max(limit - used - held, 0)

    return {
        "month": month,
        "images": {"used": ledger.used_images, "reserved": ledger.reserved_images,
                   "limit": limits.images,
                   "left": left(limits.images, ledger.used_images, ledger.reserved_images)},
        "spend_usd": {"used": str(ledger.used_usd), "reserved": str(ledger.reserved_usd),
                      "budget": None if limits.budget_usd is None else str(limits.budget_usd),
                      "left": None if limits.budget_usd is None else str(
                          left(limits.budget_usd, ledger.used_usd, ledger.reserved_usd))},
    }


def reconcile() -> dict[str, Any]:
    """Release holds of jobs that have finished (a crash between finishing and releasing),
    then compare every ledger with the holds and usage events it should equal."""
    from django.db.models import Count, Sum

    released = 0  # every job that ended has finished_at, whatever its status
    stale = Reservation.unscoped.filter(status=Reservation.Status.HELD,
                                        job__finished_at__isnull=False
                                        ).select_related("job__tenant")
    for reservation in stale:
        released += release(reservation.job)
    drift = []
    for ledger in Ledger.unscoped.select_related("tenant"):
        used = UsageEvent.unscoped.filter(tenant=ledger.tenant, month=ledger.month).aggregate(
            images=Count("id"), usd=Sum("price_usd"))
        held = Reservation.unscoped.filter(tenant=ledger.tenant, month=ledger.month,
                                           status=Reservation.Status.HELD)
        held_images = sum(r.images for r in held)
        held_usd = sum((r.images * r.unit_price_usd for r in held), Decimal("0"))
        expected = (used["images"], used["usd"] or Decimal("0"), held_images, held_usd)
        actual = (ledger.used_images, ledger.used_usd, ledger.reserved_images,
                  ledger.reserved_usd)
        if expected != actual:
            drift.append(f"{ledger.tenant.slug} {ledger.month}: ledger (used, $, held, $) "
                         f"{actual} != events and holds {expected}")
    return {"released": released, "drift": drift}
