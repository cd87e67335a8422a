"""The demo's e-commerce round (`manage.py demo`): one of its product shots turned into what a
shop needs, through the same jobs the API and the editor start, on the offline renderer.

From the picked image: a packshot for Amazon's main image (checked against its rules as it is
stored) and a cut-out; from the cut-out: the marketplace fix for Amazon (flattened onto white,
re-padded, resized), a shadow and two product scenes. Two rounds, because the second one's
source is the first one's cut-out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assets.models import Asset
from catalog.requests import JobRequest
from generation import services
from generation.models import Job
from generation.worker import wait_for_jobs
from tenants.models import Tenant

PRESET = "amazon-main"
Steps = tuple[tuple[str, str, dict[str, Any]], ...]
# What is made from the picked image, then from its cut-out: (label, operation, params).
FROM_PHOTO: Steps = (("packshot for Amazon", "packshot", {"preset": PRESET}),
              ("cut-out", "remove_background", {}))
FROM_CUTOUT: Steps = (("cut-out fixed for Amazon", "conform", {"preset": PRESET}),
               ("shadow", "shadow", {"light_angle": 300}),
               ("scene: marble counter", "scene", {"scene": "marble_counter"}),
               ("scene: studio, thirds", "scene", {"scene": "studio_gradient",
                                                   "placement": "thirds_left"}))


@dataclass(frozen=True)
class Made:
    label: str
    job: Job
    asset: Asset | None  # its image, when it made one


def _round(tenant: Tenant, source: Asset, steps: Steps, timeout: float) -> list[Made]:
    jobs = [(label, services.submit_job(tenant, JobRequest(
        model="local", operation=operation, images=[str(source.pk)], params=params),
        source_asset=source)) for label, operation, params in steps]
    finished = {job.pk: job for job in wait_for_jobs([job.pk for _, job in jobs],
                                                     timeout=timeout)}
    return [Made(label, finished[job.pk], Asset.objects.for_tenant(tenant)
                 .filter(job_id=job.pk).order_by("index").first()) for label, job in jobs]


def compose(tenant: Tenant, source: Asset, *, timeout: float = 300) -> list[Made]:
    """Every composition of the round, in order; the second round runs only when the cut-out
    was made."""
    made = _round(tenant, source, FROM_PHOTO, timeout)
    cutout = made[-1].asset
    if cutout is not None and cutout.deliverable:
        made += _round(tenant, cutout, FROM_CUTOUT, timeout)
    return made


def caption(made: list[Made]) -> Callable[[Asset], str]:
    """Contact-sheet captions: what each image is."""
    labels = {item.asset.pk: item.label for item in made if item.asset is not None}
    return lambda asset: labels.get(asset.pk, "the product shot")


def verdict(item: Made) -> str:
    """One line on an image made for a preset: pass or the rules it fails."""
    if item.asset is None:
        return f"{item.label}: {item.job.status} {item.job.error_message}".strip()
    check = item.asset.compliance or {}
    if not check:
        return f"{item.label}: {item.asset.width}x{item.asset.height}"
    rules = {rule["rule"]: rule["measured"] for rule in check.get("rules", [])}
    shown = ", ".join(f"{name} {rules[name]}" for name in ("background", "fill", "longest_side")
                      if name in rules)
    result = "passes" if check.get("passed") else "fails " + ", ".join(check.get("failed", []))
    return f"{item.label}: {result} {PRESET} ({shown})"
