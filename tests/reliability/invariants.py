"""The promise every fault-injection test checks after the fault: nothing lost, nothing
duplicated, nothing charged twice (the ledger agrees with its events and holds), nothing
unsafe approved."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

from assets.models import Asset
from billing.models import Ledger, UsageEvent
from billing.services import reconcile
from generation.models import Job
from moderation.models import AuditEvent

# The reasons a verdict gives when it escalates: a label over a threshold, or a service that
# could not answer. An approved image must carry none of them.
ESCALATED = re.compile(r">= (review|reject)|unavailable")


def generated_objects_on_disk(job_ids: Iterable[Any]) -> dict[str, str]:
    """{storage key: sha256} of the generated objects of these jobs under the test media root
    (where the subprocess workers write: ATELIER_VAR_DIR is the test run's var dir)."""
    wanted = {str(job_id) for job_id in job_ids}
    root = Path(settings.MEDIA_ROOT)
    found = {}
    for path in (root / "generated").rglob("*"):
        key = path.relative_to(root).as_posix()
        if path.is_file() and key.split("/")[3] in wanted:
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def assert_promise_kept(tenant: Any, job_ids: list[Any], *, objects: dict[str, str] | None,
                        status: str = "succeeded", charged: tuple[str, ...] = ("approved",),
                        unit_price: Decimal | None = None) -> list[Asset]:
    """Every job ended `status` with exactly its n images, stored once and intact; one usage
    event for each image in a `charged` moderation status and none for the others; the
    ledger without drift and holding nothing; no image approved automatically whose check
    escalated (only a moderator may approve those).
    Returns the jobs' assets."""
    jobs = {job.pk: job for job in Job.unscoped.filter(pk__in=job_ids)}
    assert len(jobs) == len(job_ids)
    wrong = [(job.sku, job.status, job.error_code, job.error_message[:120])
             for job in jobs.values() if job.status != status]
    assert not wrong, f"jobs not {status}: {wrong[:10]} ({len(wrong)} in all)"

    assets = list(Asset.unscoped.filter(job_id__in=job_ids))
    made = Counter((asset.job_id, asset.index) for asset in assets)
    duplicated = [key for key, count in made.items() if count > 1]
    assert not duplicated, f"images recorded twice: {duplicated[:10]}"
    lost = [(job.sku, index) for job in jobs.values() for index in range(job.n)
            if (job.pk, index) not in made]
    assert not lost, f"images lost: {lost[:10]} ({len(lost)} in all)"
    assert len(assets) == sum(job.n for job in jobs.values())

    if objects is not None:
        kept = {asset.storage_key: asset.sha256 for asset in assets
                if asset.moderation_status != Asset.Moderation.REJECTED}
        missing = sorted(set(kept) - set(objects))
        stray = sorted(set(objects) - set(kept))
        assert not missing, f"assets without their object: {missing[:5]} ({len(missing)})"
        assert not stray, f"objects no asset records (duplicates): {stray[:5]} ({len(stray)})"
        altered = [key for key, digest in kept.items() if objects[key] != digest]
        assert not altered, f"objects whose bytes differ from their asset: {altered[:5]}"

    events = list(UsageEvent.unscoped.filter(job_id__in=job_ids))
    charges = Counter((event.job_id, event.index) for event in events)
    twice = [key for key, count in charges.items() if count > 1]
    assert not twice, f"images charged twice: {twice[:10]}"
    should = {(asset.job_id, asset.index) for asset in assets
              if asset.moderation_status in charged}
    uncharged = sorted(should - set(charges), key=str)
    wrongly = sorted(set(charges) - should, key=str)
    assert not uncharged, f"delivered images never charged: {uncharged[:10]} ({len(uncharged)})"
    assert not wrongly, f"images charged but not delivered: {wrongly[:10]} ({len(wrongly)})"
    if unit_price is not None:
        assert {event.price_usd for event in events} <= {unit_price}

    report = reconcile()
    assert report["drift"] == [], report["drift"]
    tenant_events = UsageEvent.objects.for_tenant(tenant)
    for ledger in Ledger.objects.for_tenant(tenant):
        month = tenant_events.filter(month=ledger.month)
        assert ledger.used_images == month.count()
        assert (ledger.reserved_images, ledger.reserved_usd) == (0, Decimal("0")), (
            "a finished batch still holds quota")

    by_moderator = set(AuditEvent.objects.filter(
        asset__in=assets, action=AuditEvent.Action.ASSET_APPROVED, actor__isnull=False)
        .values_list("asset_id", flat=True))
    unsafe = [(asset.pk, asset.moderation.get("reasons")) for asset in assets
              if asset.moderation_status == Asset.Moderation.APPROVED
              and asset.pk not in by_moderator
              and any(ESCALATED.search(reason) for reason in asset.moderation.get("reasons", []))]
    assert not unsafe, f"approved, by no moderator, although its check escalated: {unsafe[:5]}"
    return assets
