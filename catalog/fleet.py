"""The Bedrock fleet as the last sync saw it: which model is offered, with access, in which
lifecycle state, in each Region.

The static catalog says how to call a model and what it costs; Bedrock's control plane says
whether it can be called where and until when. `manage.py sync_models` (providers.fleet_sync)
writes the rows; this module reads them once into an immutable snapshot that the lifecycle
checks (ModelSpec.check_callable) consult. A Region never synced has no say (the static
catalog decides); a Region synced once keeps its last good data when later syncs fail.

The snapshot is cached in the process for ATELIER_FLEET_CACHE_SECONDS, so a job submission
costs no query; a sync in this process drops the cache at once, other processes within that
time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

ACCESS_GRANTED, ACCESS_DENIED, ACCESS_UNKNOWN = "granted", "denied", "unknown"
STALE_AFTER_SECONDS = 2 * 86400  # a daily sync missed twice: say so


@dataclass(frozen=True)
class Offer:
    """One foundation model in one Region, as Bedrock reported it at `synced_at`."""

    model_id: str  # the foundation model (no inference-profile prefix)
    region: str
    offered: bool
    status: str = ""  # modelLifecycle.status: ACTIVE | LEGACY ("" when not offered)
    start_of_life: datetime | None = None
    legacy_at: datetime | None = None
    extended_access_at: datetime | None = None  # publicExtendedAccessTime
    eol_at: datetime | None = None  # endOfLifeTime
    access: str = ACCESS_UNKNOWN
    access_detail: str = ""
    profiles: tuple[str, ...] = ()  # inference profiles in this Region that reach the model
    synced_at: datetime | None = None

    def state(self, now: datetime) -> str:
        """not_offered | eol | extended_access | legacy | active, at `now` (the dates Bedrock
        gave decide between syncs: a model past its endOfLifeTime is EOL the same minute)."""
        if not self.offered:
            return "not_offered"
        if self.eol_at is not None and now >= self.eol_at:
            return "eol"
        if self.extended_access_at is not None and now >= self.extended_access_at:
            return "extended_access"
        if self.status == "LEGACY" or (self.legacy_at is not None and now >= self.legacy_at):
            return "legacy"
        return "active"


@dataclass(frozen=True)
class Verdict:
    """What the fleet says about calling a model in a Region: `state` as Offer.state, and
    `problem` (a sentence) when it may not be called there for another reason."""

    state: str
    problem: str = ""
    eol: datetime | None = None
    extended_access_since: date | None = None


@dataclass(frozen=True)
class RegionStatus:
    """The last sync attempt of one Region."""

    region: str
    attempted_at: datetime
    succeeded_at: datetime | None
    error: str  # "" when the last attempt succeeded


@dataclass(frozen=True)
class Fleet:
    offers: Mapping[tuple[str, str], Offer] = field(default_factory=dict)
    regions: Mapping[str, RegionStatus] = field(default_factory=dict)

    @classmethod
    def of(cls, offers: Iterable[Offer], regions: Iterable[RegionStatus] = ()) -> Fleet:
        return cls({(o.model_id, o.region): o for o in offers}, {r.region: r for r in regions})

    def synced(self, region: str) -> bool:
        """Has this Region had a successful sync (its rows are the truth for it)?"""
        status = self.regions.get(region)
        return status is not None and status.succeeded_at is not None

    def offer(self, model_id: str, region: str) -> Offer | None:
        return self.offers.get((model_id, region))

    def verdict(self, model_id: str, region: str, *, profile: str | None,
                now: datetime) -> Verdict | None:
        """None when the Region was never synced (the static catalog decides). Otherwise the
        verdict; a model the sync did not see is treated as not offered (fail closed)."""
        if not self.synced(region):
            return None
        offer = self.offer(model_id, region)
        synced = self.regions[region].succeeded_at
        when = f"{synced:%Y-%m-%d %H:%M} UTC" if synced else "the last sync"
        if offer is None or not offer.offered:
            return Verdict("not_offered", f"is not offered by Bedrock in {region} "
                           f"(as of {when})")
        state = offer.state(now)
        if state == "eol":
            return Verdict("eol", eol=offer.eol_at)
        if profile is not None and profile not in offer.profiles:
            return Verdict(state, f"is not reachable through the inference profile {profile!r} "
                           f"in {region} (as of {when})")
        if offer.access == ACCESS_DENIED:
            detail = f": {offer.access_detail}" if offer.access_detail else ""
            return Verdict(state, f"has no access granted in {region}{detail}")
        since = offer.extended_access_at.date() if (
            state == "extended_access" and offer.extended_access_at) else None
        return Verdict(state, extended_access_since=since)

    def warnings(self, now: datetime,
                 stale_after_seconds: float = STALE_AFTER_SECONDS) -> list[str]:
        """What an operator should know: Regions whose last sync failed or is old."""
        found = []
        for status in sorted(self.regions.values(), key=lambda s: s.region):
            if status.error:
                kept = (f"data from {status.succeeded_at:%Y-%m-%d %H:%M} UTC stays in force"
                        if status.succeeded_at else "no data yet: the static catalog decides")
                found.append(f"{status.region}: the last sync failed at "
                             f"{status.attempted_at:%Y-%m-%d %H:%M} UTC ({status.error}); {kept}")
            elif status.succeeded_at and (
                    now - status.succeeded_at).total_seconds() > stale_after_seconds:
                found.append(f"{status.region}: last synced {status.succeeded_at:%Y-%m-%d %H:%M}"
                             " UTC, longer ago than expected")
        return found


EMPTY = Fleet()
_lock = threading.Lock()
_cached: tuple[float, Fleet] | None = None


def load() -> Fleet:
    """The fleet from the database (two queries)."""
    from catalog.models import ModelOffer, RegionSync

    return Fleet.of((row.as_offer() for row in ModelOffer.objects.all()),
                    (row.as_status() for row in RegionSync.objects.all()))


def current() -> Fleet:
    """The fleet, from the process's cache when it is younger than
    ATELIER_FLEET_CACHE_SECONDS."""
    from django.conf import settings

    global _cached
    ttl = float(getattr(settings, "ATELIER_FLEET_CACHE_SECONDS", 60))
    with _lock:
        kept = _cached
    if kept is not None and time.monotonic() - kept[0] < ttl:
        return kept[1]
    fleet = load()
    with _lock:
        _cached = (time.monotonic(), fleet)
    return fleet


def forget() -> None:
    """Drop the cached snapshot (after a sync wrote new rows)."""
    global _cached
    with _lock:
        _cached = None


def store_region(region: str, offers: Iterable[Offer], attempted_at: datetime) -> list[str]:
    """Replace a Region's rows with a successful sync's offers, in one transaction; the
    changes against the previous rows, as sentences (for the log and the command)."""
    from django.db import transaction

    from catalog.models import ModelOffer, RegionSync

    offers = list(offers)
    changes: list[str] = []
    with transaction.atomic():
        before = {row.model_id: row.as_offer()
                  for row in ModelOffer.objects.select_for_update().filter(region=region)}
        for offer in offers:
            old = before.pop(offer.model_id, None)
            changes.extend(_changes(old, offer, attempted_at))
            ModelOffer.objects.update_or_create(
                model_id=offer.model_id, region=region,
                defaults={"offered": offer.offered, "status": offer.status,
                          "start_of_life": offer.start_of_life, "legacy_at": offer.legacy_at,
                          "extended_access_at": offer.extended_access_at,
                          "eol_at": offer.eol_at, "access": offer.access,
                          "access_detail": offer.access_detail[:300],
                          "profiles": list(offer.profiles), "synced_at": attempted_at})
        # Models the catalog no longer names: their rows would only mislead.
        ModelOffer.objects.filter(region=region, model_id__in=list(before)).delete()
        RegionSync.objects.update_or_create(region=region, defaults={
            "attempted_at": attempted_at, "succeeded_at": attempted_at, "error": ""})
    forget()
    return changes


def record_failure(region: str, error: str, attempted_at: datetime) -> None:
    """A failed sync: say so, and leave the Region's rows (the last good data) as they are."""
    from catalog.models import RegionSync

    RegionSync.objects.update_or_create(region=region, defaults={
        "attempted_at": attempted_at, "error": error[:2000] or "failed"})
    forget()


def _changes(old: Offer | None, new: Offer, now: datetime) -> list[str]:
    where = f"{new.model_id} in {new.region}"
    if old is None:
        return [f"{where}: first seen, {new.state(now)}"]
    found = []
    if old.state(now) != new.state(now):
        found.append(f"{where}: {old.state(now)} -> {new.state(now)}")
    if old.eol_at != new.eol_at and new.eol_at is not None:
        found.append(f"{where}: end of life {new.eol_at:%Y-%m-%d}")
    if old.extended_access_at != new.extended_access_at and new.extended_access_at is not None:
        found.append(f"{where}: extended access (higher prices) from "
                     f"{new.extended_access_at:%Y-%m-%d}")
    if old.access != new.access:
        found.append(f"{where}: access {old.access} -> {new.access}")
    return found
