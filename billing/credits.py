"""Credit pools over time: alerts when a pool crosses 50/80/100 % used (recorded once and
e-mailed to finance), its burn rate over 7 and 30 days, and when it will run out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import CreditAlert, CreditAllocation, CreditPool

log = logging.getLogger("atelier.billing")
THRESHOLDS = (50, 80, 100)


def check_alerts(pool: CreditPool, *, tenant: str | None = None) -> list[CreditAlert]:
    """Record (once) and e-mail every threshold the pool has crossed. Pools are the platform's;
    `tenant` is the slug of the tenant whose charge crossed it, when a charge did."""
    pool.refresh_from_db()
    if pool.amount_usd <= 0:
        return []
    share = pool.used_usd / pool.amount_usd * 100
    raised = []
    for threshold in THRESHOLDS:
        if share < threshold:
            continue
        try:
            with transaction.atomic():
                alert = CreditAlert.objects.create(pool=pool, threshold=threshold,
                                                   used_usd=pool.used_usd)
        except IntegrityError:  # already raised
            continue
        raised.append(alert)
        send_mail(f"[Atelier] credit pool {pool.name} is {threshold}% used",
                  f"{pool.name} ({pool.category}): ${pool.used_usd} of ${pool.amount_usd} "
                  f"used; expires {pool.expires_on}.",
                  settings.DEFAULT_FROM_EMAIL, settings.ATELIER_FINANCE_EMAILS,
                  fail_silently=True)
        log.warning("billing.credit_alert", extra={
            "tenant": tenant, "pool": pool.name, "percent": threshold,
            "used_usd": str(pool.used_usd), "amount_usd": str(pool.amount_usd)})
    return raised


def check_all_pools() -> int:
    """The scheduler's safety net: raise any alert a charge missed; the number raised."""
    today = timezone.now().date()
    return sum(len(check_alerts(pool))
               for pool in CreditPool.objects.filter(expires_on__gte=today, amount_usd__gt=0))


@dataclass(frozen=True)
class Burn:
    pool: CreditPool
    last_7_days_usd: Decimal
    last_30_days_usd: Decimal
    per_day_usd: Decimal  # the 7-day average
    runs_out_on: date | None  # at that pace; None when nothing is being spent


def burn(pool: CreditPool, *, today: date | None = None) -> Burn:
    today = today or timezone.now().date()

    def spent(days: int) -> Decimal:
        since = timezone.now() - timedelta(days=days)
        total = CreditAllocation.objects.filter(pool=pool, event__created_at__gte=since
                                                ).aggregate(total=Sum("amount_usd"))["total"]
        return total or Decimal("0")

    week, month = spent(7), spent(30)
    per_day = (week / 7).quantize(Decimal("0.0001"))
    runs_out = None
    if per_day > 0:
        runs_out = today + timedelta(days=int(pool.remaining_usd / per_day))
        runs_out = min(runs_out, pool.expires_on)
    return Burn(pool=pool, last_7_days_usd=week, last_30_days_usd=month, per_day_usd=per_day,
                runs_out_on=runs_out)
